"""JSON API of the appraisal cycle (read side): periods, a period's results, my results."""

from __future__ import annotations

import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router

from kaohe.accounts.scope import require_role
from kaohe.engine.period_inputs import fen_text
from kaohe.org.api import Id, Out
from kaohe.platform.roles import OVERSEE

from . import selectors as sel
from .choices import PeriodKind, PeriodState, UngradedStatus

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
