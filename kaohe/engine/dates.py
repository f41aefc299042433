"""Lengths of time as the regulations count them: whole months, then days.

A month is served from a day to the same day of the next month; where that month has no such day
(31 January → February), the month ends on its last day (28 or 29 February), as the Civil Code counts
a period (民法典 第二百零三条). "不满半年" thus means fewer than six full months: 31 January → 30 July is
five full months and 30 days, 31 January → 31 July is six.
"""

from __future__ import annotations

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` (≥ 0 or < 0), clamped to the last day of a shorter month."""
    carry, month = divmod(day.month - 1 + months, 12)
    year = day.year + carry
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def full_months(start: date, end: date) -> int:
    """The whole months from ``start`` to ``end`` (0 when ``end`` is before a month has passed;
    negative when ``end`` is before ``start``, counted the same way backwards)."""
    if end < start:
        return -full_months(end, start)
    months = (end.year - start.year) * 12 + (end.month - start.month)
    while months > 0 and add_months(start, months) > end:
        months -= 1
    return months


def months_and_days(start: date, end: date) -> tuple[int, int]:
    """Whole months from ``start`` to ``end`` and the days left over (``end`` ≥ ``start``)."""
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    months = full_months(start, end)
    return months, (end - add_months(start, months)).days
