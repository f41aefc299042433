"""JSON API of personal indicators (个性指标): read a period's (those the caller sets), set one
person's through the same service as the page, and read one's own. Mounted under ``/appraisal/``."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, NoReturn

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from pydantic import ConfigDict, StringConstraints

from kaohe.accounts.scope import require_role
from kaohe.org.api import Id, Out

from . import selectors_personal as sel
from .models import PersonalIndicator
from .personal_rules import NAME_LENGTH, TARGET_LENGTH, Item
from .services.personal import set_personal_indicators

router = Router(tags=["appraisal"])

NodeKey = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00]*$")]


class IndicatorOut(Out):
    id: int
    node: str
    name: str
    points: float
    target: str
    score: float | None


class PersonIndicatorsOut(Out):
    person_id: int
    staff_no: str
    name: str
    indicators: list[IndicatorOut]


class MyIndicatorsOut(Out):
    period_id: int
    period: str
    indicators: list[IndicatorOut]


class IndicatorIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, StringConstraints(max_length=NAME_LENGTH, pattern=r"^[^\x00]*$")]
    points: Annotated[Decimal, Field(max_digits=6, decimal_places=2)]
    target: Annotated[str, StringConstraints(max_length=TARGET_LENGTH, pattern=r"^[^\x00]*$")] = ""


class SetIn(Schema):
    """Node key (e.g. ``绩效评分/个性指标``) → the person's indicators under it (an empty list clears)."""

    model_config = ConfigDict(extra="forbid")
    sets: Annotated[
        dict[NodeKey, Annotated[list[IndicatorIn], Field(max_length=50)]], Field(max_length=20)
    ] = {}


def _indicator(pi: PersonalIndicator) -> IndicatorOut:
    return IndicatorOut(
        id=pi.pk, node=pi.node, name=pi.name, points=float(pi.points), target=pi.target, score=pi.score
    )


def _fail(exc: ValidationError) -> NoReturn:
    raise HttpError(422, "; ".join(exc.messages))


@router.get(
    "/periods/{period_id}/personal",
    response=list[PersonIndicatorsOut],
    summary="Personal indicators of the people I set in a period",
)
def list_personal(request: HttpRequest, period_id: Id):
    require_role(request.user, *sel.SETTERS)
    period = sel.get_personal_period(request.user, period_id)
    people = list(sel.settable_people(request.user, period).order_by("staff_no")[:5000])
    got = sel.indicators_of(period, people)
    return [
        PersonIndicatorsOut(
            person_id=p.pk,
            staff_no=p.staff_no,
            name=p.name,
            indicators=[_indicator(pi) for pi in got.get(p.pk, [])],
        )
        for p in people
    ]


@router.put(
    "/periods/{period_id}/personal/{person_id}",
    response=PersonIndicatorsOut,
    summary="Set a person's personal indicators (replaces those of each node given)",
)
def set_personal(request: HttpRequest, period_id: Id, person_id: Id, body: SetIn):
    require_role(request.user, *sel.SETTERS)
    period = sel.get_personal_period(request.user, period_id)
    person = sel.get_settable_person(request.user, period, person_id)
    sets = {k: [Item(i.name, i.points, i.target) for i in items] for k, items in body.sets.items()}
    try:
        set_personal_indicators(actor=request.user, period=period, person=person, sets=sets)
    except ValidationError as exc:
        _fail(exc)
    got = sel.indicators_of(period, [person]).get(person.pk, [])
    return PersonIndicatorsOut(
        person_id=person.pk,
        staff_no=person.staff_no,
        name=person.name,
        indicators=[_indicator(pi) for pi in got],
    )


@router.get("/my-personal", response=list[MyIndicatorsOut], summary="My personal indicators")
def my_personal(request: HttpRequest):
    return [
        MyIndicatorsOut(
            period_id=e["period"].pk,
            period=str(e["period"]),
            indicators=[_indicator(pi) for items in e["nodes"].values() for pi in items],
        )
        for e in sel.own_personal(request.user)
    ]
