"""Working-day arithmetic with make-up days (调休), the writing window, miss runs and rates — pure,
time passed in."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from kaohe.worklog.workdays import (
    WorkCalendar,
    log_window,
    notice_due,
    package_knows,
    rate,
)

SH = ZoneInfo("Asia/Shanghai")
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


def test_backfill_deadline_is_ten_on_the_next_working_day():
    w = log_window(CAL, date(2025, 9, 30), backfill_days=1, backfill_hour=10, late_days=3)
    assert w.deadline == datetime(2025, 10, 9, 10, tzinfo=SH)
    assert w.state(datetime(2025, 10, 9, 9, 59, tzinfo=SH)) == "on_time"
    assert w.state(datetime(2025, 10, 9, 10, 1, tzinfo=SH)) == "late"
    assert w.closes == datetime(
        2025, 10, 12, 0, tzinfo=SH
    )  # end of the 3rd working day after (Sat 11th, 调休)
    assert w.state(datetime(2025, 10, 12, 0, 1, tzinfo=SH)) == "closed"
    assert w.state(datetime(2025, 9, 29, 12, tzinfo=SH)) == "early"


def test_same_day_deadline():
    w = log_window(CAL, date(2025, 6, 3), backfill_days=0)
    assert w.deadline == datetime(2025, 6, 4, 0, tzinfo=SH)


@pytest.mark.parametrize(
    ("flags", "n", "due"),
    [
        ([True, True], 2, True),
        ([False, True], 2, False),
        ([True, True, True], 2, False),  # the third miss does not give a second notice
        ([True, True, True, True], 2, True),  # the fourth does
        ([True], 1, True),
        ([], 2, False),
        ([True, True, False], 2, False),
    ],
)
def test_consecutive_miss_notices(flags, n, due):
    assert notice_due(flags, n) is due


def test_threshold_must_be_positive():
    with pytest.raises(ValueError):
        notice_due([True], 0)


def test_rate_formula():
    assert rate(19, 20) == 0.95
    assert rate(21, 20) == 1.0  # today's log counts before the day is closed
    assert rate(0, 0) is None
