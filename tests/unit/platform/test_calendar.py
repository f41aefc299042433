"""Working-day arithmetic with make-up days (调休), a unit's overrides (the nearest unit wins) and
years the official calendar does not know — pure, no database."""

from datetime import date, timedelta

import pytest

from kaohe.platform.calendar import CalendarError, WorkCalendar, nearest_wins, package_knows

CAL = WorkCalendar()


def test_make_up_sunday_is_a_working_day_and_national_day_is_not():
    assert CAL.is_working_day(date(2025, 9, 28))  # Sunday, 调休 for National Day
    assert not CAL.is_working_day(date(2025, 10, 1))
    assert CAL.is_working_day(date(2025, 10, 11))  # Saturday, 调休


def test_next_working_day_skips_the_national_day_holiday():
    assert CAL.add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert CAL.add_working_days(date(2025, 10, 9), -1) == date(2025, 9, 30)


def test_overrides_win_over_the_official_calendar():
    cal = WorkCalendar({date(2025, 10, 1): True, date(2025, 9, 30): False})
    assert cal.is_working_day(date(2025, 10, 1)) and not cal.is_working_day(date(2025, 9, 30))
    assert cal.source(date(2025, 10, 1)) == "override"


def test_unknown_year_falls_back_to_monday_to_friday_and_is_reported():
    year = 2099
    assert not package_knows(year)
    assert CAL.is_working_day(date(year, 1, 1)) == (date(year, 1, 1).weekday() < 5)
    assert CAL.unknown_years([2025, year]) == [year]
    assert WorkCalendar({date(year, 1, 1): False}).unknown_years([year]) == []


def test_previous_working_days_end_with_the_day_itself_when_it_is_one():
    assert CAL.previous_working_days(date(2025, 10, 9), 2) == [date(2025, 9, 30), date(2025, 10, 9)]
    # a holiday is not among them: the two working days before it
    assert CAL.previous_working_days(date(2025, 10, 3), 2) == [date(2025, 9, 29), date(2025, 9, 30)]


def test_working_days_between_two_days_skip_the_holiday():
    assert CAL.working_days(date(2025, 9, 30), date(2025, 10, 9)) == [date(2025, 9, 30), date(2025, 10, 9)]


def test_no_working_day_within_reach_is_an_error_not_a_loop():
    # the search spans 400 days per working day asked for: a year and more of rest days ends it
    start = date(2025, 1, 1)
    rest = WorkCalendar({start + timedelta(days=i): False for i in range(1, 402)})
    with pytest.raises(CalendarError):
        rest.add_working_days(start, 1)


def test_the_override_of_the_unit_further_down_the_tree_wins():
    root, town, station = 1, 4, 9
    rows = [
        (station, date(2025, 10, 1), "working"),
        (root, date(2025, 10, 1), "rest"),
        (town, date(2025, 10, 2), "working"),
        (root, date(2025, 10, 3), "working"),
        (town, date(2025, 10, 3), "rest"),
    ]
    cal = nearest_wins(rows, [root, town, station])
    assert cal.overrides == {date(2025, 10, 1): True, date(2025, 10, 2): True, date(2025, 10, 3): False}
