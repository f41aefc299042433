"""The writing window over the working-day calendar, miss runs and rates — pure, time passed in."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from kaohe.platform.calendar import WorkCalendar
from kaohe.worklog.workdays import log_window, notice_due, rate

SH = ZoneInfo("Asia/Shanghai")
CAL = WorkCalendar()


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
