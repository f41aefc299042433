"""Working days, deadlines and miss runs: pure functions, no database, time passed in.

China's official calendar comes from the maintained ``chinesecalendar`` package (holidays and the
make-up working days, 调休). Overrides — a unit's own days, or a year the package does not know yet,
entered by the office — take precedence. For a year neither knows, Monday–Friday is assumed and
:meth:`WorkCalendar.unknown_years` reports it so that the office is warned.
"""

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")


class CalendarError(ValueError):
    """A date arithmetic request that cannot be answered (e.g. no working day within reach)."""


def package_knows(year: int) -> bool:
    """Whether ``chinesecalendar`` has the State Council's holidays for ``year``."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@functools.lru_cache(maxsize=4096)
def _official_working_day(day: date) -> bool:
    """The package's answer, remembered (every log written asks about the same few days)."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5  # fallback: Monday–Friday (the office is warned)


@dataclass(frozen=True)
class WorkCalendar:
    """A unit's calendar: ``overrides`` maps a date to True (working) or False (rest)."""

    overrides: Mapping[date, bool] = field(default_factory=dict)

    def is_working_day(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return _official_working_day(day)

    def source(self, day: date) -> str:
        """Where the answer for ``day`` comes from: "override", "official" or "fallback"."""
        if day in self.overrides:
            return "override"
        return "official" if package_knows(day.year) else "fallback"

    def unknown_years(self, years: Iterable[int]) -> list[int]:
        """Years among ``years`` that neither the package nor any override covers."""
        covered = {d.year for d in self.overrides}
        return sorted(y for y in set(years) if not package_knows(y) and y not in covered)

    def working_days(self, start: date, end: date) -> list[date]:
        """Working days from ``start`` to ``end`` inclusive."""
        out = []
        day = start
        while day <= end:
            if self.is_working_day(day):
                out.append(day)
            day += timedelta(days=1)
        return out

    def add_working_days(self, day: date, n: int) -> date:
        """The ``n``-th working day after ``day`` (``n`` ≥ 1), or before it for ``n`` ≤ -1."""
        if n == 0:
            return day
        step = 1 if n > 0 else -1
        left = abs(n)
        for _ in range(400 * left):
            day += timedelta(days=step)
            if self.is_working_day(day):
                left -= 1
                if left == 0:
                    return day
        raise CalendarError("no working day within reach")

    def previous_working_days(self, day: date, n: int) -> list[date]:
        """The ``n`` working days up to and including ``day`` (``day`` itself if it is one), oldest first."""
        out: list[date] = []
        if self.is_working_day(day):
            out.append(day)
        cursor = day
        while len(out) < n:
            cursor = self.add_working_days(cursor, -1)
            out.append(cursor)
        return sorted(out)


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
