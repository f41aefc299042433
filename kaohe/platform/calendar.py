"""The working-day calendar: China's official calendar with a unit's own overrides; pure arithmetic,
no database, time passed in — except :func:`calendar_for_unit`, which reads a unit's overrides.

The official calendar comes from the maintained ``chinesecalendar`` package (holidays and the make-up
working days, 调休). Overrides — a unit's own days, or a year the package does not know yet, entered
by the office — take precedence. For a year neither knows, Monday–Friday is assumed and
:meth:`WorkCalendar.unknown_years` reports it so that the office is warned.

Work logs (the writing window, miss runs, rates) build on this calendar in
:mod:`kaohe.worklog.workdays`; the appraisal cycle counts its publicity and appeal days with it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

import chinese_calendar
from django.db import models
from django.utils.translation import gettext_lazy as _

SHANGHAI = ZoneInfo("Asia/Shanghai")


class DayKind(models.TextChoices):
    WORKING = "working", _("Working day")  # 工作日 / 调休上班
    REST = "rest", _("Rest day")  # 休息日 / 节假日


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
        for _i in range(400 * left):
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


def nearest_wins(rows: Iterable[tuple[int, date, str]], unit_ids: Sequence[int]) -> WorkCalendar:
    """The calendar of override ``rows`` (unit id, day, kind) of the units ``unit_ids`` (root
    first): where two units override the same day, the one further down the tree wins."""
    depth = {uid: n for n, uid in enumerate(unit_ids)}
    overrides: dict[date, tuple[int, bool]] = {}
    for uid, day, kind in rows:
        if day not in overrides or depth[uid] > overrides[day][0]:
            overrides[day] = (depth[uid], kind == DayKind.WORKING)
    return WorkCalendar({d: working for d, (_depth, working) in overrides.items()})


class _UnitLike(Protocol):
    pk: int
    path: str  # the materialised chain of ids from the root, "/1/4/9/"


def calendar_of(unit_ids: Sequence[int], start: date | None = None, end: date | None = None) -> WorkCalendar:
    """The overrides of the units ``unit_ids`` (root first; the later wins) between ``start`` and
    ``end`` (all if not given) over the official calendar."""
    # local import: the models need the app registry, the pure calendar above does not
    from .models import CalendarDay

    if not unit_ids:
        return WorkCalendar()
    days = CalendarDay.objects.filter(unit_id__in=unit_ids)
    if start is not None:
        days = days.filter(day__gte=start)
    if end is not None:
        days = days.filter(day__lte=end)
    return nearest_wins(days.values_list("unit_id", "day", "kind"), unit_ids)


def calendar_for_unit(unit: _UnitLike, start: date | None = None, end: date | None = None) -> WorkCalendar:
    """A unit's calendar: the overrides of the unit and its ancestors (the nearest wins) between
    ``start`` and ``end`` (all if not given) over the official calendar."""
    ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    return calendar_of(ids or [unit.pk], start, end)
