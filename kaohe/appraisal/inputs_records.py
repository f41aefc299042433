"""The period inputs that come from dated person records and from the calendar, set-based.

- ``data.sanctions``: every sanction decided by the period's end and not lifted before its start:
  level (the record's item), months_ago (whole months from the decision to the period's last day,
  :func:`kaohe.engine.dates.full_months`) and year (of the decision). The engine decides from the
  scheme's ``sanction_levels`` whether it is still in force.
- ``people.numbers["probation"]``: 1 when a probation record overlaps the period, else 0.
- ``people.attributes["under_investigation"]``: 是 when an investigation (立案审查) is open on the
  period's last day, else 否 (for ``Condition.flag``).
- ``data.flags``: the vetoes and negative-list items dated within the period (item = the veto name).

A kind's column is delivered only when at least one record of that kind concerns the period's people
(or the caller says the office has confirmed that the period truly has none: ``confirmed_empty``).
Otherwise the column is absent and the engine's checks refuse a rule that reads it, naming the
column: no record is never read as "none".

Leave and working days count working days of the period (the working-day calendar of each person's
unit, the nearest override winning) from the later of the period's start and the person's start in
the unit: ``working_days`` is the days the person was due to work, ``leave_days`` the working days of
leave among them. The work-log figure (days a log was expected) is ``log_days``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date, timedelta

import numpy as np
from django.db.models import Q

from kaohe.engine import Codes, PeriodData, Scheme, Table
from kaohe.engine.dates import full_months
from kaohe.engine.requirements import Need, requirements
from kaohe.org.choices import RecordKind
from kaohe.org.models import LeaveRecord, PersonRecord, Unit, in_subtree
from kaohe.platform.calendar import nearest_wins
from kaohe.platform.models import CalendarDay

from .models import EmptyInput, Period

INVESTIGATION_FLAG = "under_investigation"
YES, NO = "是", "否"


def record_rows(period: Period) -> list[tuple[int, str, str, date, date | None]]:
    """(person id, kind, item, start, end) of the records of the period's subtree that bear on it:
    started by its end and not ended before its start (a sanction is kept while its impact may last)."""
    return list(
        PersonRecord.objects.filter(
            in_subtree(period.unit, via="person__unit"),
            Q(end__isnull=True) | Q(end__gte=period.start),
            start__lte=period.end,
        ).values_list("person_id", "kind", "item", "start", "end")
    )


def confirmed_empty_kinds(period: Period, scheme: Scheme) -> set[str]:
    """The record kinds the office has recorded as truly empty this period (readiness: 本期无处分记录),
    which gather then delivers as "none" (0 / 否) instead of leaving the column out."""
    names = set(
        EmptyInput.objects.filter(period=period, need=Need.RECORD.value).values_list("name", flat=True)
    )
    kinds: set[str] = set()
    for req in requirements(scheme):
        if req.need is Need.RECORD and req.name in names:
            kind = req.get("kind")
            kinds.add(RecordKind.VETO.value if kind == "flag" else kind)
    return kinds


def recorded_kinds(period: Period) -> dict[str, int]:
    """kind → how many records of the period's subtree bear on the period (for readiness)."""
    counts: dict[str, int] = defaultdict(int)
    for _pid, kind, *_rest in record_rows(period):
        counts[kind] += 1
    return dict(counts)


def gather_records(
    period: Period,
    scheme: Scheme,
    data: PeriodData,
    index: dict[int, int],
    *,
    units: list[int],
    starts: list[date],
    confirmed_empty: Collection[str] = (),
) -> None:
    """Fill ``data`` with the period's working and leave days (``units`` and ``starts``: each row's
    unit id and start in the unit) and its sanctions, probation, investigations and flags."""
    data.people.numbers["working_days"], data.people.numbers["leave_days"] = working_and_leave_days(
        period, index, units, starts
    )
    _records(period, scheme, data, index, confirmed_empty)


def _records(
    period: Period, scheme: Scheme, data: PeriodData, index: dict[int, int], confirmed_empty: Collection[str]
) -> None:
    """The records in the scheme's words: a sanction level or a veto that only another scheme of
    the tree names (an item this scheme does not read) is left out, not refused."""
    n = len(index)
    by_kind: dict[str, list[tuple[int, str, date, date | None]]] = defaultdict(list)
    for pid, kind, item, start, end in record_rows(period):
        i = index.get(pid)
        if i is not None:
            by_kind[kind].append((i, item, start, end))
    present = set(by_kind) | set(confirmed_empty)
    sanctions = [r for r in by_kind[RecordKind.SANCTION] if r[1] in scheme.sanction_levels]
    if sanctions:
        t = Table(person=np.array([r[0] for r in sanctions], dtype=np.int64))
        t.columns["level"] = Codes.from_values([r[1] for r in sanctions])
        t.columns["months_ago"] = np.array(
            [full_months(r[2], period.end) for r in sanctions], dtype=np.float64
        )
        t.columns["year"] = np.array([r[2].year for r in sanctions], dtype=np.float64)
        data.sanctions = t
    if RecordKind.PROBATION in present:
        probation = np.zeros(n)
        probation[[r[0] for r in by_kind[RecordKind.PROBATION]]] = 1.0
        data.people.numbers["probation"] = probation
    if RecordKind.INVESTIGATION in present:
        open_at_end = np.zeros(n, dtype=bool)
        for i, _item, _start, end in by_kind[RecordKind.INVESTIGATION]:
            if end is None or end > period.end:
                open_at_end[i] = True
        data.people.attributes[INVESTIGATION_FLAG] = Codes.from_values(
            [YES if x else NO for x in open_at_end.tolist()]
        )
    flags = [r for r in by_kind[RecordKind.VETO] if r[2] >= period.start and r[1] in scheme.vetoes]
    if flags:
        t = Table(person=np.array([r[0] for r in flags], dtype=np.int64))
        t.columns["item"] = Codes.from_values([r[1] for r in flags])
        data.flags = t
    data.sources["sanctions"] = data.sources["flags"] = "records"


def _day_counts(period: Period, unit_ids: set[int]) -> dict[int, np.ndarray]:
    """unit id → cumulative working days of the period (entry k = working days among the first k
    days), each unit under its own calendar: the overrides of its chain, the nearest winning. One
    query for the overrides of every unit concerned."""
    paths = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "path"))
    chains = {uid: [int(p) for p in path.strip("/").split("/") if p] or [uid] for uid, path in paths.items()}
    wanted = {u for chain in chains.values() for u in chain}
    rows = list(
        CalendarDay.objects.filter(
            unit_id__in=wanted, day__gte=period.start, day__lte=period.end
        ).values_list("unit_id", "day", "kind")
    )
    days = [period.start + timedelta(days=k) for k in range((period.end - period.start).days + 1)]
    by_unit: dict[int, list[tuple[int, date, str]]] = defaultdict(list)
    for row in rows:
        by_unit[row[0]].append(row)
    out: dict[int, np.ndarray] = {}
    cache: dict[tuple[int, ...], np.ndarray] = {}
    for uid, chain in chains.items():
        mine = tuple(u for u in chain if u in by_unit)  # the chain's units that override a day
        if mine not in cache:
            cal = nearest_wins([r for u in mine for r in by_unit[u]], list(mine))
            working = np.fromiter((cal.is_working_day(d) for d in days), dtype=np.int64, count=len(days))
            cache[mine] = np.concatenate([[0], np.cumsum(working)])
        out[uid] = cache[mine]
    return out


def working_and_leave_days(
    period: Period, index: dict[int, int], units: list[int], starts: list[date]
) -> tuple[np.ndarray, np.ndarray]:
    """(working days due, working days of leave) per person row, over the period from the later of
    its start and the person's start in the unit. ``units`` and ``starts`` are per row. Array
    arithmetic over a units × days table of cumulative working days."""
    counts = _day_counts(period, set(units))
    unit_ids = list(counts)
    table = np.stack([counts[u] for u in unit_ids]) if unit_ids else np.zeros((0, 1), dtype=np.int64)
    where = {u: k for k, u in enumerate(unit_ids)}
    row_unit = np.fromiter((where[u] for u in units), dtype=np.int64, count=len(units))
    last = (period.end - period.start).days + 1
    origin = period.start.toordinal()
    start_days = np.fromiter((d.toordinal() for d in starts), dtype=np.int64, count=len(starts)) - origin
    first = np.clip(start_days, 0, last)
    working = (table[row_unit, last] - table[row_unit, first]).astype(np.float64)
    leave = np.zeros(len(index))
    spans = [
        (i, (start - period.start).days, (end - period.start).days + 1)
        for pid, start, end in LeaveRecord.objects.filter(
            in_subtree(period.unit, via="person__unit"), start__lte=period.end, end__gte=period.start
        ).values_list("person_id", "start", "end")
        if (i := index.get(pid)) is not None
    ]
    if spans:
        who = np.array([x[0] for x in spans], dtype=np.int64)
        a = np.maximum(np.array([x[1] for x in spans], dtype=np.int64), first[who])
        b = np.minimum(np.array([x[2] for x in spans], dtype=np.int64), last)
        b = np.maximum(a, b)
        np.add.at(leave, who, table[row_unit[who], b] - table[row_unit[who], a])
    return working, leave
