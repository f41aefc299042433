"""JSON endpoints for writing and reviewing logs (an enterprise-chat bot, a mobile app).

The same services as the pages; access through the same selectors. Bodies have defaults so that a
caller without the role is told 403 before its body is judged; bad content gets 422 with the
service's message.
"""

import datetime
from collections.abc import Callable
from typing import Annotated, NoReturn

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict, StringConstraints

from kaohe.accounts.models import Role
from kaohe.accounts.scope import require_role, unit_or_first_for_user
from kaohe.platform.roles import BROWSE

from . import selectors, services
from .choices import LogStatus, LogTag
from .models import WorkLog

router = Router(tags=["work logs"])

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Text = Annotated[str, StringConstraints(max_length=services.MAX_CONTENT, pattern=r"^[^\x00]*$")]
Comment = Annotated[str, StringConstraints(max_length=services.MAX_COMMENT, pattern=r"^[^\x00]*$")]
Day = Annotated[datetime.date, Field(ge=datetime.date(2000, 1, 1), le=datetime.date(2100, 12, 31))]


class Out(Schema):
    model_config = ConfigDict(extra="forbid")


class In(Schema):
    model_config = ConfigDict(extra="forbid")


class LogOut(Out):
    id: int
    person_id: int
    person_name: str
    day: datetime.date
    content: str
    tags: list[str]
    status: LogStatus
    late: bool
    submitted: datetime.datetime
    reviewed: datetime.datetime | None
    review_comment: str
    attachments: int


class LogList(Out):
    count: int
    items: list[LogOut]


class WriteIn(In):
    day: Day | None = Field(None, description="the working day; today if omitted")
    content: Text = ""
    tags: list[LogTag] = Field(default_factory=list, max_length=len(LogTag.values))


class EditIn(In):
    content: Text = ""
    tags: list[LogTag] = Field(default_factory=list, max_length=len(LogTag.values))


class DecideIn(In):
    comment: Comment = ""


class ManyIn(In):
    ids: list[Id] = Field(default_factory=list, max_length=500)


class Approved(Out):
    approved: int


class RatesRow(Out):
    person_id: int
    name: str
    unit: str
    working_days: int
    filled: int
    on_time: int
    approved: int
    missed: int
    notices: int
    fill_rate: float | None
    on_time_rate: float | None
    review_rate: float | None


class RatesQuery(Schema):
    model_config = ConfigDict(extra="forbid")
    unit: Id | None = None
    period: Annotated[str, StringConstraints(pattern=r"^(week|month|quarter|year)$")] = "month"
    day: Day | None = None


def _out(log, attachments: int | None = None) -> LogOut:
    """``attachments``: the count when the caller knows it (a log just written without files)."""
    return LogOut(
        id=log.pk,
        person_id=log.person_id,
        person_name=log.person.name,
        day=log.day,
        content=log.content,
        tags=list(log.tags),
        status=LogStatus(log.status),
        late=log.late,
        submitted=log.submitted,
        reviewed=log.reviewed,
        review_comment=log.review_comment,
        attachments=log.attachments.count() if attachments is None else attachments,
    )


def _fail(exc: ValidationError) -> NoReturn:
    raise HttpError(422, "; ".join(exc.messages))


@router.get("/worklog/logs", response=LogList, summary="My logs, newest first")
def my_logs(request: HttpRequest, limit: Annotated[int, Field(ge=1, le=200)] = 30):
    require_role(request.user, Role.STAFF)
    logs = (
        selectors.logs_for_user(request.user).filter(person__user=request.user)  # type: ignore[misc]  # authenticated by the router.select_related("person")
    )
    items = [_out(log) for log in logs.order_by("-day")[:limit]]
    return LogList(count=len(items), items=items)


@router.post("/worklog/logs", response={201: LogOut}, summary="Write a log (today unless a day is given)")
def write_log(request: HttpRequest, body: WriteIn):
    require_role(request.user, Role.STAFF)
    person = selectors.own_person(request.user)
    if person is None:
        raise HttpError(403, "no person record for this account")
    try:
        log = services.write_log(
            actor=request.user,
            person=person,
            day=body.day or timezone.localdate(),
            content=body.content,
            tags=body.tags,
        )
    except ValidationError as exc:
        _fail(exc)
    return Status(201, _out(log, attachments=0))  # the API writes no files


@router.get("/worklog/logs/{log_id}", response=LogOut, summary="One log")
def get_log(request: HttpRequest, log_id: Id):
    return _out(selectors.get_log_for_user(request.user, log_id))


@router.put(
    "/worklog/logs/{log_id}",
    response=LogOut,
    summary="Change a log not yet approved (resubmits a returned one)",
)
def edit_log(request: HttpRequest, log_id: Id, body: EditIn):
    require_role(request.user, Role.STAFF)
    log = selectors.get_log_for_user(request.user, log_id)
    if log.person.user_id != request.user.pk:
        raise HttpError(404, "Not Found")
    try:
        return _out(services.edit_log(actor=request.user, log=log, content=body.content, tags=body.tags))
    except ValidationError as exc:
        _fail(exc)


@router.get("/worklog/queue", response=LogList, summary="Logs waiting for my review")
def queue(request: HttpRequest):
    require_role(request.user, Role.REVIEWER)
    items = [_out(log) for log in selectors.review_queue(request.user)[:200]]
    return LogList(count=len(items), items=items)


def _decide(request: HttpRequest, log_id: int, decide: Callable[..., WorkLog], comment: str) -> LogOut:
    """A reviewer's decision on one log in their scope (approve or return), refused as 422."""
    require_role(request.user, Role.REVIEWER)
    log = selectors.get_log_for_user(request.user, log_id)
    try:
        return _out(decide(actor=request.user, log=log, comment=comment))
    except ValidationError as exc:
        _fail(exc)


@router.post("/worklog/logs/{log_id}/approve", response=LogOut, summary="Approve a log")
def approve(request: HttpRequest, log_id: Id, body: DecideIn):
    return _decide(request, log_id, services.approve_log, body.comment)


@router.post("/worklog/logs/{log_id}/return", response=LogOut, summary="Return a log with a comment")
def return_(request: HttpRequest, log_id: Id, body: DecideIn):
    return _decide(request, log_id, services.return_log, body.comment)


@router.post("/worklog/approve", response=Approved, summary="Approve several logs at once (all or none)")
def approve_many(request: HttpRequest, body: ManyIn):
    require_role(request.user, Role.REVIEWER)
    logs = list(selectors.logs_for_user(request.user).filter(pk__in=body.ids))
    if len(logs) != len(set(body.ids)):
        raise HttpError(404, "Not Found")
    try:
        return Approved(approved=services.approve_logs(actor=request.user, logs=logs))
    except ValidationError as exc:
        _fail(exc)


@router.get("/worklog/rates", response=list[RatesRow], summary="Rates per person of a unit for a period")
def rates(request: HttpRequest, q: Query[RatesQuery]):
    require_role(request.user, *BROWSE)
    unit = unit_or_first_for_user(request.user, q.unit, BROWSE)
    rows = selectors.rates_by_person(unit, q.period, q.day or timezone.localdate())[:5000]
    return [
        RatesRow(
            person_id=r.key or 0,
            name=r.label,
            unit=r.extra["unit"],
            working_days=r.working_days,
            filled=r.filled,
            on_time=r.on_time,
            approved=r.approved,
            missed=r.missed,
            notices=r.notices,
            fill_rate=r.fill_rate,
            on_time_rate=r.on_time_rate,
            review_rate=r.review_rate,
        )
        for r in rows
    ]
