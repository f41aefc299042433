"""JSON API of the period inputs (read and write, with a token or a session): period measures, money,
unit grades and honours, task results. Writes go through the same services as the pages and the
workbook; a refusal is a 422 that names the entry and the field, and nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router
from ninja.errors import HttpError

from kaohe.accounts.models import Role
from kaohe.accounts.scope import require_role
from kaohe.engine.period_inputs import fen_text
from kaohe.org.api import Id, Out
from kaohe.platform.errors import Refusal

from . import selectors as sel
from . import selectors_inputs as inputs_sel
from .models import Period
from .services.entries import by_entry
from .services.measures import set_measures
from .services.money import set_amounts
from .services.tasks import set_task_results
from .services.unit_grades import set_unit_grades

router = Router(tags=["appraisal inputs"])
OFFICE = (Role.OFFICE,)
Name = Annotated[str, Field(max_length=200, pattern=r"^[^\x00]*$")]
Code = Annotated[str, Field(max_length=100, pattern=r"^[^\x00]*$")]
MAX_ITEMS = 100_000


class MeasureIO(Out):
    unit: Code = Field("", description="a unit's code; empty: the whole period")
    name: Name
    value: float | None = Field(None, description="empty: remove")


class AmountIO(Out):
    kind: Annotated[str, Field(pattern="^(pool|pay_base)$")]
    pool: Name = ""
    part: Name = ""
    unit: Code = ""
    amount: Annotated[str, Field(max_length=30)] | float | None = Field(
        None, description="yuan, two decimals at most"
    )


class UnitGradeIO(Out):
    unit: Code
    grade: Name = ""
    honours: list[Name] = []
    whole_year: bool = False


class TaskResultIO(Out):
    person: Code = Field(description="staff number")
    indicator: Name
    rate: float | None = Field(None, ge=0, le=100, description="a percentage: 74 means 74%")


class InputsOut(Out):
    measures: list[MeasureIO]
    money: list[AmountIO]
    unit_grades: list[UnitGradeIO]
    task_results: list[TaskResultIO]


class MeasuresIn(Out):
    items: list[MeasureIO] = []


class MoneyIn(Out):
    items: list[AmountIO] = []


class UnitGradesIn(Out):
    items: list[UnitGradeIO] = []


class TaskResultsIn(Out):
    items: list[TaskResultIO] = []


class Applied(Out):
    applied: int


def _period(request: HttpRequest, period_id: int) -> Period:
    require_role(request.user, *OFFICE)
    return sel.get_period_for_user(request.user, period_id, OFFICE)


def _apply(items: list, call: Callable[[], int]) -> Applied:
    """Call the service; a refusal (or no item at all) is a 422 naming the entries and fields."""
    if not items:
        raise HttpError(422, _("Give at least one item."))
    try:
        return Applied(applied=call())
    except Refusal as exc:
        raise HttpError(422, "\n".join(exc.messages)) from None


@router.get(
    "/periods/{period_id}/inputs",
    response=InputsOut,
    summary="A period's measures, money, unit grades, tasks",
)
def get_inputs(request: HttpRequest, period_id: Id):
    period = _period(request, period_id)
    inputs = inputs_sel.period_inputs(period)
    code = lambda u: u.code if u else ""  # noqa: E731
    return InputsOut(
        measures=[MeasureIO(unit=code(m.unit), name=m.name, value=m.value) for m in inputs.measures],
        money=[
            AmountIO(
                kind=a.kind,
                pool=a.pool,
                part=a.part,
                unit=code(a.unit),
                amount=fen_text(a.amount_fen).replace(",", ""),
            )
            for a in inputs.amounts
        ],
        unit_grades=[
            UnitGradeIO(unit=g.unit.code, grade=g.grade, honours=g.honours, whole_year=g.period_id is None)
            for g in inputs.unit_grades
        ],
        task_results=[
            TaskResultIO(person=t.person.staff_no, indicator=t.indicator, rate=round(t.rate * 100, 4))
            for t in inputs_sel.task_results_of(period)[:MAX_ITEMS]
        ],
    )


@router.put("/periods/{period_id}/measures", response=Applied, summary="Set period measures (all or none)")
def put_measures(request: HttpRequest, period_id: Id, body: MeasuresIn):
    period = _period(request, period_id)
    rows = [i.model_dump() for i in body.items[:MAX_ITEMS]]
    return _apply(rows, lambda: set_measures(actor=request.user, period=period, rows=rows))


@router.put(
    "/periods/{period_id}/money", response=Applied, summary="Set pool amounts and pay bases (all or none)"
)
def put_money(request: HttpRequest, period_id: Id, body: MoneyIn):
    period = _period(request, period_id)
    rows = [i.model_dump() for i in body.items[:MAX_ITEMS]]
    return _apply(rows, lambda: set_amounts(actor=request.user, period=period, rows=rows))


@router.put(
    "/periods/{period_id}/unit-grades", response=Applied, summary="Set unit grades and honours (all or none)"
)
def put_unit_grades(request: HttpRequest, period_id: Id, body: UnitGradesIn):
    period = _period(request, period_id)
    rows = [i.model_dump() for i in body.items[:MAX_ITEMS]]

    @transaction.atomic
    def both() -> int:
        n = 0
        for whole_year in (False, True):
            picked = [k for k, r in enumerate(rows) if r["whole_year"] == whole_year]
            if picked:

                def where(i: int, field: str, picked: list[int] = picked) -> str:
                    return by_entry(picked[i], field)

                got = [rows[k] for k in picked]
                n += set_unit_grades(
                    actor=request.user, period=period, rows=got, whole_year=whole_year, where=where
                )
        return n

    return _apply(rows, both)


@router.put("/periods/{period_id}/task-results", response=Applied, summary="Set task results (all or none)")
def put_task_results(request: HttpRequest, period_id: Id, body: TaskResultsIn):
    period = _period(request, period_id)
    rows = [i.model_dump() for i in body.items[:MAX_ITEMS]]
    return _apply(rows, lambda: set_task_results(actor=request.user, period=period, rows=rows))
