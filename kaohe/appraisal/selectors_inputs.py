"""Reads for the period inputs page, its workbook template and the API: what the office entered for a
period (measures, money, unit grades, task results) beside what the scheme reads. The period itself
comes from ``selectors.get_period_for_user`` (scoped); each read here is one query."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from kaohe.engine.period_inputs import fen_text, formula_measures, honours, pays, pool_names, unit_grades
from kaohe.org.models import Unit

from .inputs import all_leaves, people_of
from .models import Period, PeriodAmount, PeriodMeasure, TaskResult, UnitGrade

MAX_SHOWN = 500


def task_leaves(period: Period) -> list[str]:
    """The period's task leaf keys, in the scheme's order."""
    return [k for k, leaf in all_leaves(period.scheme.parsed()).items() if leaf.node.source == "task"]


@dataclass
class PeriodInputs:
    measure_names: list[str]
    pools: list[str]
    grades: list[str]
    honours: list[str]
    pays: bool
    task_keys: list[str]
    units: list[Unit]
    measures: list[PeriodMeasure] = field(default_factory=list)
    amounts: list[PeriodAmount] = field(default_factory=list)
    unit_grades: list[UnitGrade] = field(default_factory=list)


def period_inputs(period: Period) -> PeriodInputs:
    """What the period's scheme reads and what has been entered (the first rows of each)."""
    scheme = period.scheme.parsed()
    return PeriodInputs(
        measure_names=formula_measures(scheme),
        pools=pool_names(scheme),
        grades=unit_grades(scheme),
        honours=honours(scheme),
        pays=pays(scheme),
        task_keys=task_leaves(period),
        units=list(Unit.objects.subtree(period.unit).order_by("path")[:MAX_SHOWN]),
        measures=list(period.measures.select_related("unit").order_by("name", "unit__path")[:MAX_SHOWN]),
        amounts=list(period.amounts.select_related("unit").order_by("kind", "pool", "part", "unit__path")),
        unit_grades=list(
            unit_grades_of(period).select_related("unit", "period").order_by("unit__path")[:MAX_SHOWN]
        ),
    )


def unit_grades_of(period: Period):
    """The unit grades that reach the period: its own and its year's."""
    return UnitGrade.objects.filter(
        Q(period=period) | Q(period__isnull=True, year=period.start.year),
        unit__in=Unit.objects.subtree(period.unit),
    )


def task_results_of(period: Period):
    return (
        TaskResult.objects.filter(period=period)
        .select_related("person")
        .order_by("person__staff_no", "indicator")
    )


def entered(period: Period) -> dict:
    """What is entered, keyed as ``period_workbook.template`` reads it."""
    return {
        "measures": {
            (m.unit.code if m.unit else "", m.name): m.value for m in period.measures.select_related("unit")
        },
        "money": {
            (a.kind, a.pool, a.part, a.unit.code if a.unit else ""): fen_text(a.amount_fen).replace(",", "")
            for a in period.amounts.select_related("unit")
        },
        "grades": {g.unit.code: (g.grade, g.honours) for g in unit_grades_of(period).select_related("unit")},
        "tasks": {(t.person.staff_no, t.indicator): round(t.rate * 100, 2) for t in task_results_of(period)},
    }


def task_rows(period: Period) -> list[tuple[str, str, str]]:
    """(staff no, name, task key) for each person of the period and each task leaf of the scheme."""
    keys = task_leaves(period)
    if not keys:
        return []
    people = people_of(period).order_by("staff_no").values_list("staff_no", "name")
    return [(no, name, key) for no, name in people for key in keys]
