"""The writing window of a day's log, miss runs, rates and the periods of the log statistics: pure
functions, no database, time passed in. The working-day calendar they count with is the platform's
(:mod:`kaohe.platform.calendar`)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from kaohe.platform.calendar import SHANGHAI, WorkCalendar


@dataclass(frozen=True)
class Window:
    """When a log for ``day`` may be written: on time until ``deadline``, late until ``closes``."""

    day: date
    deadline: datetime
    closes: datetime

    def state(self, now: datetime) -> str:
        """ "early" (the day has not come), "on_time", "late" or "closed"."""
        if now.astimezone(SHANGHAI).date() < self.day:
            return "early"
        if now <= self.deadline:
            return "on_time"
        if now <= self.closes:
            return "late"
        return "closed"


def log_window(
    cal: WorkCalendar, day: date, *, backfill_days: int = 1, backfill_hour: int = 10, late_days: int = 3
) -> Window:
    """The writing window of ``day``: on time until ``backfill_hour`` o'clock on the
    ``backfill_days``-th working day after it (0: the end of the day itself); late until the end of the
    ``late_days``-th working day after it; closed afterwards."""
    if backfill_days <= 0:
        deadline = datetime.combine(day + timedelta(days=1), time(0), SHANGHAI)
    else:
        deadline = datetime.combine(cal.add_working_days(day, backfill_days), time(backfill_hour), SHANGHAI)
    last = cal.add_working_days(day, max(late_days, backfill_days, 1))
    closes = max(deadline, datetime.combine(last + timedelta(days=1), time(0), SHANGHAI))
    return Window(day=day, deadline=deadline, closes=closes)


def notice_due(missed: list[bool], threshold: int) -> bool:
    """Whether the last entry completes a run of ``threshold`` consecutive missed working days.

    ``missed`` holds one flag per working day, oldest first, ending with the day being closed. A run
    of 2·N misses gives two notices (at N and at 2·N), not one per day after N.
    """
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    run = 0
    for flag in reversed(missed):
        if not flag:
            break
        run += 1
    return run > 0 and run % threshold == 0


def rate(part: int, whole: int) -> float | None:
    """``part`` ÷ ``whole`` clipped to [0, 1]; None when there is nothing to divide by.

    A day's log counts as soon as it is written, its working day only once the day is closed, so
    ``part`` may briefly exceed ``whole``: the rate never shows more than 100 %.
    """
    if whole <= 0:
        return None
    return max(0.0, min(part / whole, 1.0))


def mean_seconds(total: int, count: int) -> float | None:
    return total / count if count else None


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_starts(start: date, end: date) -> list[date]:
    out = []
    cursor = month_start(start)
    while cursor <= end:
        out.append(cursor)
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    return out
