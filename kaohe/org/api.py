"""JSON endpoints of the organisation: units, people and the caller's own account.

Access is decided by ``kaohe.accounts.scope``: a role that may not browse gets 403, an object
outside the caller's scope 404. Query parameters are bounded so that no input reaches the database
in a form it would refuse (huge integers, NUL bytes): those get 422, never 500.
"""

import datetime
from typing import Annotated, NoReturn

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import ConfigDict, StringConstraints

from kaohe.accounts.models import Role
from kaohe.accounts.scope import (
    get_person_for_user,
    get_unit_for_user,
    people_for_user,
    require_role,
    scope_for,
    units_for_user,
)
from kaohe.platform.roles import BROWSE

from .attributes import person_values
from .choices import IdentityCategory, PostLevel, PostType, StaffingCategory, UnitKind
from .filters import filter_people
from .models import Person, Unit
from .services_attributes import MAX_YEAR, MIN_YEAR, set_attributes

router = Router(tags=["organisation"])

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Text = Annotated[str, StringConstraints(max_length=60, pattern=r"^[^\x00]*$")]


class Out(Schema):
    model_config = ConfigDict(extra="forbid")


class UnitOut(Out):
    id: int
    code: str
    name: str
    kind: UnitKind
    parent_id: int | None
    people: int = Field(description="active people directly in the unit")


class PersonOut(Out):
    id: int
    staff_no: str
    name: str
    unit_id: int
    unit_name: str
    position: str | None
    identity: IdentityCategory
    staffing: StaffingCategory
    post_type: PostType
    post_level: PostLevel
    start_date: datetime.date
    reviewer_id: int | None
    active: bool


class PeoplePage(Out):
    count: int
    limit: int
    offset: int
    items: list[PersonOut]


class UnitList(Out):
    count: int
    items: list[UnitOut]


class GrantOut(Out):
    role: Role
    unit_id: int
    unit_name: str


class MeOut(Out):
    username: str
    roles: list[Role]
    grants: list[GrantOut]
    person: PersonOut | None


class PeopleQuery(Schema):
    model_config = ConfigDict(extra="forbid")

    unit: Id | None = Field(None, description="only this unit and its sub-units")
    identity: IdentityCategory | None = None
    staffing: StaffingCategory | None = None
    post_type: PostType | None = None
    q: Text = Field("", description="part of a name or staff number")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


def _unit_out(unit: Unit) -> UnitOut:
    return UnitOut(
        id=unit.pk,
        code=unit.code,
        name=unit.name,
        kind=UnitKind(unit.kind),
        parent_id=unit.parent_id,
        people=unit.n,  # type: ignore[attr-defined]  # annotated by the selector
    )


def _person_out(p: Person) -> PersonOut:
    return PersonOut(
        id=p.pk,
        staff_no=p.staff_no,
        name=p.name,
        unit_id=p.unit_id,
        unit_name=p.unit.name,
        position=p.position.title if p.position else None,
        identity=IdentityCategory(p.identity),
        staffing=StaffingCategory(p.staffing),
        post_type=PostType(p.post_type),
        post_level=PostLevel(p.post_level),
        start_date=p.start_date,
        reviewer_id=p.reviewer_id,
        active=p.active,
    )


def _units_with_counts(request: HttpRequest):
    return units_for_user(request.user, BROWSE).annotate(n=Count("people", filter=Q(people__active=True)))


@router.get("/units", response=UnitList, summary="Units in scope")
def list_units(request: HttpRequest):
    require_role(request.user, *BROWSE)
    units = [_unit_out(u) for u in _units_with_counts(request).order_by("path")]
    return UnitList(count=len(units), items=units)


@router.get("/units/{unit_id}", response=UnitOut, summary="One unit")
def get_unit(request: HttpRequest, unit_id: Id):
    require_role(request.user, *BROWSE)
    get_unit_for_user(request.user, unit_id, BROWSE)  # 404 outside scope
    return _unit_out(_units_with_counts(request).get(pk=unit_id))


@router.get("/people", response=PeoplePage, summary="People in scope, filtered and paged")
def list_people(request: HttpRequest, filters: Query[PeopleQuery]):
    require_role(request.user, *BROWSE)
    unit = get_unit_for_user(request.user, filters.unit, BROWSE) if filters.unit else None
    people = filter_people(
        people_for_user(request.user, BROWSE),
        unit=unit,
        identity=filters.identity or "",
        staffing=filters.staffing or "",
        post_type=filters.post_type or "",
        q=filters.q,
    )
    window = people.select_related("unit", "position")[filters.offset : filters.offset + filters.limit]
    items = [_person_out(p) for p in window]
    return PeoplePage(count=people.count(), limit=filters.limit, offset=filters.offset, items=items)


@router.get("/people/{person_id}", response=PersonOut, summary="One person")
def get_person(request: HttpRequest, person_id: Id):
    return _person_out(get_person_for_user(request.user, person_id))


@router.get("/me", response=MeOut, summary="The caller: roles, scope and own record")
def me(request: HttpRequest):
    user = request.user
    assert user.is_authenticated  # the router's auth guarantees it
    grants = user.role_grants.select_related("unit").order_by("role", "unit__path")
    person = Person.objects.select_related("unit", "position").filter(user=user).first()
    return MeOut(
        username=user.get_username(),
        roles=[Role(r) for r in sorted(scope_for(user).roles)],
        grants=[GrantOut(role=Role(g.role), unit_id=g.unit_id, unit_name=g.unit.name) for g in grants],
        person=_person_out(person) if person else None,
    )


# --- the person attributes the schemes name (考核属性) ---------------------------------------------

Year = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)]
AttributeText = Annotated[str, StringConstraints(max_length=100, pattern=r"^[^\x00]*$")]
AttributeName = Annotated[str, StringConstraints(min_length=1, max_length=60, pattern=r"^[^\x00]*$")]


class AttributeOut(Out):
    name: str
    label: str
    value: str = Field(description="what the schemes read: the stored value, else the default")
    stored: str = Field(description="the value stored for the year; empty: none")
    default: str = Field(description="the built-in field's word; empty: none")
    allowed_values: list[str] | None = Field(description="null: free text")
    read_by: list[str] = Field(description="the scheme rules that read it")


class AttributesOut(Out):
    person_id: int
    year: int
    items: list[AttributeOut]


class AttributesIn(Schema):
    """Defaults on every field, so that a caller without the role is told 403 before the body is judged."""

    model_config = ConfigDict(extra="forbid")

    year: Year | None = Field(None, description="required")
    values: dict[AttributeName, AttributeText] = Field(
        default_factory=dict, description='name → value; "" removes the stored one'
    )


def _attributes_out(person: Person, year: int) -> AttributesOut:
    items = [
        AttributeOut(
            name=v.spec.name,
            label=v.spec.label,
            value=v.value,
            stored=v.stored,
            default=v.default,
            allowed_values=list(v.spec.values) if v.spec.values is not None else None,
            read_by=list(v.spec.read_by),
        )
        for v in person_values(person, year)
    ]
    return AttributesOut(person_id=person.pk, year=year, items=items)


def _refused(exc: ValidationError) -> NoReturn:
    raise HttpError(422, "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()))


@router.get(
    "/people/{person_id}/attributes", response=AttributesOut, summary="A person's attributes for a year"
)
def get_person_attributes(request: HttpRequest, person_id: Id, year: Year | None = None):
    person = get_person_for_user(request.user, person_id)
    return _attributes_out(person, year or datetime.date.today().year)


@router.put("/people/{person_id}/attributes", response=AttributesOut, summary="Set a person's attributes")
def set_person_attributes(request: HttpRequest, person_id: Id, body: AttributesIn):
    require_role(request.user, Role.OFFICE)
    person = get_person_for_user(request.user, person_id, [Role.OFFICE])
    if body.year is None:
        raise HttpError(422, "year: a year is required")
    try:
        set_attributes(actor=request.user, person=person, year=body.year, values=body.values)
    except ValidationError as exc:
        _refused(exc)
    return _attributes_out(person, body.year)
