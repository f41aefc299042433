"""The period's own inputs for the engine, from what the office entered: period measures, pool
amounts, unit grades and honours, task results; and the pay bases the stored results read.

Values set per unit reach a person from the nearest unit above them (their own unit first) that has
one, else from the whole period's value; nothing found stays missing (NaN, empty), never 0, and a
period measure missing for anyone is refused naming the units whose people lack it. A few
set-based queries whatever the number of people: the walk up the tree is done once per unit path.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import numpy as np
from django.db.models import Q
from django.utils.translation import gettext as _

from kaohe.engine import Codes, PeriodData, Scheme, Table
from kaohe.engine.period_inputs import formula_measures, pool_names
from kaohe.org.models import Person, Unit
from kaohe.platform.errors import Refusal

from .choices import MoneyKind
from .models import Period, PeriodAmount, PeriodMeasure, TaskResult, UnitGrade


def add_period_inputs(
    period: Period, scheme: Scheme, data: PeriodData, ids: list[int], *, strict: bool = True
) -> None:
    """Fill ``data`` (people in the order of ``ids``) with the period's measures, pool amounts, unit
    grades and honours, and task results (preferred over a rate on a sheet where both exist). A
    measure missing for someone is refused when ``strict``; else it stays NaN (readiness shows it)."""
    paths = unit_paths(period, ids)
    _measures(period, scheme, data, paths, strict)
    _pools(period, scheme, data)
    _unit_grades(period, data, paths)
    _task_rates(period, data, ids)


def unit_paths(period: Period, ids: list[int]) -> list[str]:
    """Each person's unit path ("/1/4/9/"), in the order of ``ids``."""
    by_id = dict(Person.objects.in_subtree(period.unit).values_list("id", "unit__path"))
    return [by_id.get(pid, "") for pid in ids]


def nearest(paths: list[str], by_path: dict[str, object], whole: object = None) -> list[object]:
    """Per person path, the value of the nearest unit at or above it in ``by_path`` (unit path →
    value), else ``whole``. Worked out once per distinct path."""
    memo: dict[str, object] = {}
    for path in dict.fromkeys(paths):
        parts = path.strip("/").split("/") if path else []
        found = whole
        for k in range(len(parts), 0, -1):
            key = "/" + "/".join(parts[:k]) + "/"
            if key in by_path:
                found = by_path[key]
                break
        memo[path] = found
    return [memo[p] for p in paths]


def _measures(period: Period, scheme: Scheme, data: PeriodData, paths: list[str], strict: bool) -> None:
    names = formula_measures(scheme)
    if not names:
        return
    per_unit: dict[str, dict[str, float]] = defaultdict(dict)
    whole: dict[str, float] = {}
    for path, name, value in PeriodMeasure.objects.filter(period=period, name__in=names).values_list(
        "unit__path", "name", "value"
    ):
        if path is None:
            whole[name] = value
        else:
            per_unit[name][path] = value
    numbers = data.people.numbers
    lacking: list[str] = []
    for name in names:
        got = np.array(
            nearest(paths, dict(per_unit.get(name, {})), whole.get(name, np.nan)), dtype=np.float64
        )
        before = numbers.get(name)
        numbers[name] = got if before is None else np.where(np.isnan(before), got, before)
        if np.isnan(numbers[name]).any():
            lacking.append(name)
    if lacking and strict:
        _refuse_missing(lacking, numbers, paths)


def _refuse_missing(names: list[str], numbers: dict[str, np.ndarray], paths: list[str]) -> None:
    """A measure without a value for some people is refused here, naming the units whose people lack
    it (the engine would name rows of its people table, which the office never sees)."""
    lines = []
    for name in names:
        where = sorted({paths[i] for i in np.flatnonzero(np.isnan(numbers[name]))})
        units = list(Unit.objects.filter(path__in=where[:10]).order_by("path").values_list("name", flat=True))
        more = len(where) - len(units)
        lines.append(
            _(
                "The period measure %(name)s has no value for the people of %(units)s: enter it for the "
                "whole period or for these units on the period inputs page."
            )
            % {
                "name": name,
                "units": "、".join(units) + (_(" and %(n)s more units") % {"n": more} if more else ""),
            }
        )
    raise Refusal("\n".join(lines))


def _pools(period: Period, scheme: Scheme, data: PeriodData) -> None:
    known = set(pool_names(scheme))
    amounts: dict[str, dict[str, float]] = defaultdict(dict)
    for pool, part, fen in PeriodAmount.objects.filter(period=period, kind=MoneyKind.POOL).values_list(
        "pool", "part", "amount_fen"
    ):
        if pool in known:
            amounts[pool][part] = fen / 100  # the engine takes yuan and gives back whole fen
    for pool, parts in amounts.items():
        value: float | dict[str, float] = parts.get("", parts)  # "": the whole of a pool not shared by
        if pool == "激励资金" and scheme.pool is not None:
            data.pool_amount = value
        else:
            data.pool_amounts[pool] = value


def _unit_grades(period: Period, data: PeriodData, paths: list[str]) -> None:
    rows = list(
        UnitGrade.objects.filter(
            Q(period=period) | Q(period__isnull=True, year=period.start.year)
        ).values_list("unit__path", "period_id", "grade", "honours")
    )
    if not rows:
        return
    by_path: dict[str, tuple[str, list[str]]] = {}
    for path, _period_id, grade, honours in sorted(rows, key=lambda r: r[1] is not None):
        by_path[path] = (grade, list(honours or []))  # the period's own row wins over the year's
    got: list[object] = nearest(paths, dict(by_path), ("", []))
    data.people.attributes["unit_grade"] = Codes.from_values([g[0] for g in got])  # type: ignore[index]
    who: list[int] = []
    names: list[str] = []
    for i, entry in enumerate(got):
        for honour in entry[1]:  # type: ignore[index]
            who.append(i)
            names.append(honour)
    if who:
        t = Table(person=np.array(who, dtype=np.int64))
        t.columns["honour"] = Codes.from_values(names)
        data.honours = t
    data.sources.setdefault("honours", "honours")


def _task_rates(period: Period, data: PeriodData, ids: Iterable[int]) -> None:
    index = {pid: i for i, pid in enumerate(ids)}
    n = len(index)
    for pid, key, rate in TaskResult.objects.filter(period=period).values_list(
        "person_id", "indicator", "rate"
    ):
        i = index.get(pid)
        if i is None:
            continue
        col = data.task_rates.get(key)
        if col is None:
            col = data.task_rates[key] = np.full(n, np.nan)
        col[i] = rate


def pay_bases(period: Period, ids: list[int]) -> np.ndarray:
    """Each person's pay base in fen (NaN: none set for their unit or the period)."""
    per_unit: dict[str, float] = {}
    whole = np.nan
    for path, fen in PeriodAmount.objects.filter(period=period, kind=MoneyKind.PAY_BASE).values_list(
        "unit__path", "amount_fen"
    ):
        if path is None:
            whole = float(fen)
        else:
            per_unit[path] = float(fen)
    if not per_unit and np.isnan(whole):
        return np.full(len(ids), np.nan)
    return np.array(nearest(unit_paths(period, ids), dict(per_unit), whole), dtype=np.float64)
