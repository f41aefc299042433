"""JSON endpoints of person records (sanctions, probation, investigations, vetoes), read and write
with tokens, through the same services as the pages: the office every kind, the inspector the
discipline kinds. A refusal is 422 with the message naming the field."""

from __future__ import annotations

import datetime
from typing import Annotated, NoReturn

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from kaohe.accounts.scope import people_for_user, require_role
from kaohe.org.api import Id, Out, Text
from kaohe.org.choices import RecordKind

from .records import RECORD_ROLES, records_for_user
from .services.records import add_record, delete_record, end_record

router = Router(tags=["person records"])


class RecordOut(Out):
    id: int
    person_id: int
    staff_no: str
    name: str
    kind: RecordKind
    item: str
    start: datetime.date
    end: datetime.date | None
    note: str


class RecordIn(Schema):
    """A record; the fields marked required are checked after the caller's role (422 naming them)."""

    person_id: Id | None = Field(default=None, description="required")
    kind: RecordKind | None = Field(default=None, description="required")
    item: Annotated[str, Field(max_length=100, description="required")] = ""
    start: datetime.date | None = Field(default=None, description="required")
    end: datetime.date | None = None
    note: Annotated[str, Field(max_length=500)] = ""


class EndIn(Schema):
    end: datetime.date | None = Field(default=None, description="required")


def _required(**values) -> None:
    missing = [name for name, value in values.items() if value in (None, "")]
    if missing:
        raise HttpError(422, "; ".join(f"{name}: required" for name in missing))


class RecordQuery(Schema):
    person_id: Id | None = None
    kind: RecordKind | None = None
    q: Text | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None
    limit: Annotated[int, Field(ge=1, le=5000)] = 500


def _out(r) -> RecordOut:
    return RecordOut(
        id=r.pk,
        person_id=r.person_id,
        staff_no=r.person.staff_no,
        name=r.person.name,
        kind=RecordKind(r.kind),
        item=r.item,
        start=r.start,
        end=r.end,
        note=r.note,
    )


def _fail(exc: ValidationError) -> NoReturn:
    raise HttpError(422, "; ".join(exc.messages))


def _get(request: HttpRequest, record_id: int):
    rec = records_for_user(request.user).filter(pk=record_id).first()
    if rec is None:
        raise HttpError(404, "Not Found")
    return rec


@router.get("/records", response=list[RecordOut], summary="Person records in scope, filtered")
def list_records(request: HttpRequest, f: Query[RecordQuery]):
    require_role(request.user, *RECORD_ROLES)
    qs = records_for_user(request.user)
    if f.person_id:
        qs = qs.filter(person_id=f.person_id)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.q:
        qs = qs.filter(person__name__contains=f.q) | qs.filter(person__staff_no=f.q)
    if f.since:
        qs = qs.exclude(end__lt=f.since)
    if f.until:
        qs = qs.filter(start__lte=f.until)
    return [_out(r) for r in qs.order_by("-start", "-pk")[: f.limit]]


@router.post("/records", response={201: RecordOut}, summary="Enter a person record")
def create_record(request: HttpRequest, body: RecordIn):
    require_role(request.user, *RECORD_ROLES)
    _required(person_id=body.person_id, kind=body.kind, start=body.start)
    person = (
        people_for_user(request.user, RECORD_ROLES)
        .select_related("unit")
        .filter(pk=body.person_id or 0)
        .first()
    )
    if person is None:
        raise HttpError(404, "Not Found")
    try:
        rec = add_record(actor=request.user, person=person, **body.dict(exclude={"person_id"}))
    except ValidationError as exc:
        _fail(exc)
    return Status(201, _out(rec))


@router.get("/records/{record_id}", response=RecordOut, summary="One person record")
def get_record(request: HttpRequest, record_id: Id):
    require_role(request.user, *RECORD_ROLES)
    return _out(_get(request, record_id))


@router.post("/records/{record_id}/end", response=RecordOut, summary="End an open record on a day")
def close_record(request: HttpRequest, record_id: Id, body: EndIn):
    require_role(request.user, *RECORD_ROLES)
    rec = _get(request, record_id)
    _required(end=body.end)
    try:
        return _out(end_record(actor=request.user, record_=rec, end=body.end))  # type: ignore[arg-type]  # checked above
    except ValidationError as exc:
        _fail(exc)


@router.delete("/records/{record_id}", response={204: None}, summary="Delete a record entered in error")
def remove_record(request: HttpRequest, record_id: Id):
    require_role(request.user, *RECORD_ROLES)
    rec = _get(request, record_id)
    try:
        delete_record(actor=request.user, record_=rec)
    except ValidationError as exc:
        _fail(exc)
    return Status(204, None)
