"""JSON API of the appraisal cycle: periods, a period's results, my results, and scoring sheets (read
a sheet's lines and marks, store marks through the same service as the page)."""

from __future__ import annotations

import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from kaohe.accounts.models import Role
from kaohe.accounts.scope import require_role
from kaohe.engine.period_inputs import fen_text
from kaohe.org.api import Id, Out
from kaohe.platform.errors import Refusal
from kaohe.platform.roles import OVERSEE

from . import selectors as sel
from .choices import PeriodKind, PeriodState, UngradedStatus
from .selectors_sheets import sheet_view
from .services.scoring import save_sheet

router = Router(tags=["appraisal"])


class PeriodOut(Out):
    id: int
    unit_id: int
    unit_name: str
    scheme: str
    kind: PeriodKind
    code: str
    start: datetime.date
    end: datetime.date
    state: PeriodState
    publicity_end: datetime.date | None
    appeal_deadline: datetime.date | None


class ResultOut(Out):
    id: int
    person_id: int
    staff_no: str
    name: str
    period: str
    version: int
    track: str
    components: dict[str, float]
    total: float
    rank: int
    track_size: int
    grade: str
    status: UngradedStatus | Literal[""]  # why there is no grade; "" when graded
    status_label: str
    pay_factor: float = Field(description="the grade's pay factor: 0.2 is +20%")
    pay_fen: int | None = Field(
        description="pay base × (1 + pay factor) in fen; null: no pay base or no grade"
    )
    pay_yuan: str = Field(description="pay_fen as yuan, 3,600.00; empty when null")
    pool_fen: int | None = Field(
        description="share of the incentive pools in fen; null: no pool amount given"
    )
    pool_yuan: str


def _period(p) -> PeriodOut:
    return PeriodOut(
        id=p.pk,
        unit_id=p.unit_id,
        unit_name=p.unit.name,
        scheme=str(p.scheme),
        kind=PeriodKind(p.kind),
        code=p.code,
        start=p.start,
        end=p.end,
        state=PeriodState(p.state),
        publicity_end=p.publicity_end,
        appeal_deadline=p.appeal_deadline,
    )


def _result(r) -> ResultOut:
    pool = r.pool_fen if r.result_set.pool_total_fen is not None else None
    return ResultOut(
        id=r.pk,
        person_id=r.person_id,
        staff_no=r.person.staff_no,
        name=r.person.name,
        period=r.result_set.period.code,
        version=r.result_set.version,
        track=r.track,
        components=r.components,
        total=r.total,
        rank=r.rank,
        track_size=r.track_size,
        grade=r.grade,
        status=r.status,
        status_label=r.get_status_display(),
        pay_factor=r.pay_factor,
        pay_fen=r.pay_fen,
        pay_yuan=fen_text(r.pay_fen),
        pool_fen=pool,
        pool_yuan=fen_text(pool),
    )


@router.get("/periods", response=list[PeriodOut], summary="Appraisal periods in scope")
def list_periods(request: HttpRequest):
    require_role(request.user, *OVERSEE)
    return [_period(p) for p in sel.periods_for_user(request.user)[:500]]


@router.get("/periods/{period_id}/results", response=list[ResultOut], summary="Results in force of a period")
def period_results(request: HttpRequest, period_id: Id):
    require_role(request.user, *OVERSEE)
    period = sel.get_period_for_user(request.user, period_id)
    return [_result(r) for r in sel.rows_in_force(period)]


@router.get("/my-results", response=list[ResultOut], summary="My published results")
def my_results(request: HttpRequest):
    return [_result(r) for r in sel.published_rows_of(request.user)]


class SheetCellOut(Out):
    person_id: int
    staff_no: str
    name: str
    indicator: str  # the line's key: a leaf key, or host_score
    label: str
    top: float
    value: float | None
    comment: str


class SheetOut(Out):
    id: int
    period_id: int
    assessor_id: int | None  # None: the office's sheet
    status: str
    cells: list[SheetCellOut]


class SheetCellIn(Schema):
    person_id: Id
    indicator: str = Field(max_length=200, pattern=r"^[^\x00]*$")
    value: float | None = None  # None clears the mark
    comment: str = Field(default="", max_length=300, pattern=r"^[^\x00]*$")


class SheetIn(Schema):
    cells: list[SheetCellIn] = Field(default=[], max_length=100_000)
    submit: bool = False


def _sheet(sheet) -> SheetOut:
    view = sheet_view(sheet)
    cells = [
        SheetCellOut(
            person_id=p.pk,
            staff_no=p.staff_no,
            name=p.name,
            indicator=ln.key,
            label=ln.name,
            top=ln.top,
            value=s.value if (s := view.scores.get((p.pk, ln.key))) else None,
            comment=s.comment if s else "",
        )
        for p in view.people
        for ln in view.lines[p.pk]
    ]
    return SheetOut(
        id=sheet.pk,
        period_id=sheet.period_id,
        assessor_id=sheet.assessor_id,
        status=sheet.status,
        cells=cells,
    )


@router.get(
    "/sheets/{sheet_id}", response=SheetOut, summary="A scoring sheet: its lines per person and marks"
)
def get_sheet(request: HttpRequest, sheet_id: Id):
    require_role(request.user, Role.REVIEWER, Role.OFFICE)
    return _sheet(sel.get_sheet_for_user(request.user, sheet_id))


@router.put("/sheets/{sheet_id}", response=SheetOut, summary="Store marks on a scoring sheet (and submit it)")
def put_sheet(request: HttpRequest, sheet_id: Id, body: SheetIn):
    require_role(request.user, Role.REVIEWER, Role.OFFICE)
    sheet = sel.get_sheet_for_user(request.user, sheet_id)
    entries = [(c.person_id, c.indicator, c.value, c.comment) for c in body.cells]
    try:
        sheet = save_sheet(actor=request.user, sheet=sheet, entries=entries, submit=body.submit)
    except Refusal as exc:
        raise HttpError(422, str(exc)) from None
    return _sheet(sheet)
