"""Writes of the work-log domain.

Every function is keyword-only, runs in one transaction, appends its audit event in that same
transaction and keeps the rollups (:mod:`kaohe.worklog.rollups`) in step. Bad input raises a
``ValidationError`` keyed by the field at fault, and nothing is changed.
"""

from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kaohe.audit.models import Event
from kaohe.audit.services import event as audit_event
from kaohe.audit.services import insert, insert_params, insert_plan, inserted, record, snapshot
from kaohe.db import prepared_cursor
from kaohe.org.models import Person, Unit
from kaohe.platform.calendar import DayKind
from kaohe.platform.models import CalendarDay
from kaohe.platform.notifications import notify
from kaohe.platform.uploads import MAX_FILES, check_upload

from . import rollups
from .choices import AchievementSection, AchievementStatus, LogStatus, LogTag
from .models import Achievement, Attachment, LogSettings, WorkLog
from .selectors import log_settings_for_unit, writing_settings
from .workdays import Window, log_window, month_start

MAX_CONTENT = 2000
MAX_COMMENT = 500
LOG_FIELDS = ["content", "tags", "status", "reviewer", "submitted", "late", "reviewed", "review_comment"]
LOG_SETTING_FIELDS = frozenset(
    {
        "backfill_days",
        "backfill_hour",
        "late_days",
        "reminder_hour",
        "remind_in_app",
        "remind_email",
        "webhook_kind",
        "webhook_url",
        "webhook_secret",
        "miss_threshold",
        "deduction_points",
        "achievement_day",
    }
)


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _clean_content(content: str) -> str:
    content = (content or "").replace("\x00", "").strip()
    if not content:
        raise ValidationError({"content": _("Write what you did today.")})
    if len(content) > MAX_CONTENT:
        raise ValidationError(
            {
                "content": _("A log holds at most %(n)s characters; this one has %(m)s.")
                % {"n": MAX_CONTENT, "m": len(content)}
            }
        )
    return content


def _clean_tags(tags: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(tags or []))
    unknown = [t for t in chosen if t not in LogTag.values]
    if unknown:
        raise ValidationError(
            {"tags": _("Unknown tag: %(tag)s.") % {"tag": ", ".join(map(str, unknown))[:60]}}
        )
    return chosen


def writing_window(person: Person, day: date) -> Window:
    """When ``person`` may write the log of ``day``; ValidationError if ``day`` is not a working day."""
    unit = writing_settings(person.unit, day)
    if not unit.calendar.is_working_day(day):
        raise ValidationError({"day": _("%(day)s is not a working day.") % {"day": date_format(day)}})
    return log_window(
        unit.calendar,
        day,
        backfill_days=unit.backfill_days,
        backfill_hour=unit.backfill_hour,
        late_days=unit.late_days,
    )


def _attach(log: WorkLog, files: Sequence, existing: int | None = None) -> list[Attachment]:
    if not files:
        return []
    if existing is None:
        existing = log.attachments.count()
    if existing + len(files) > MAX_FILES:
        raise ValidationError({"files": _("A log carries at most %(n)s attachments.") % {"n": MAX_FILES}})
    checked = [check_upload(f) for f in files]  # all checked before any is stored
    out = []
    for c in checked:
        att = Attachment(log=log, name=c.name, content_type=c.content_type, size=len(c.data), sha256=c.sha256)
        att.file.save(c.name, ContentFile(c.data), save=False)
        att.save()
        out.append(att)
    return out


def _check_writer(actor, person: Person) -> None:
    if person.user_id is None or person.user_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("Only the person themselves writes their log."))


def _already_written(day: date) -> ValidationError:
    return ValidationError(
        {"day": _("There is already a log for %(day)s: edit it instead.") % {"day": date_format(day)}}
    )


def write_log(
    *,
    actor,
    person: Person,
    day: date,
    content: str,
    tags: Iterable[str] = (),
    files: Sequence = (),
    now: datetime | None = None,
) -> WorkLog:
    """Write ``person``'s log for ``day``: on time before the deadline, late after it, refused once
    the window has closed, for a day to come, for a rest day, or when the day already has a log."""
    try:
        return _write_log(
            actor=actor, person=person, day=day, content=content, tags=tags, files=files, now=now
        )
    except IntegrityError:
        # The unique key (person, day) is the check, also when the same day is written twice at
        # once; the transaction (or, inside an outer one, its savepoint) has been rolled back.
        if WorkLog.objects.filter(person=person, day=day).exists():
            raise _already_written(day) from None
        raise


def _write_log(
    *,
    actor,
    person: Person,
    day: date,
    content: str,
    tags: Iterable[str],
    files: Sequence,
    now: datetime | None,
) -> WorkLog:
    now = _now(now)
    _check_writer(actor, person)
    content = _clean_content(content)
    tags = _clean_tags(tags)
    window = writing_window(person, day)
    state = window.state(now)
    if state == "early":
        raise ValidationError({"day": _("A log cannot be written for a day that has not come yet.")})
    if state == "closed":
        raise ValidationError(
            {
                "day": _("The log of %(day)s could be written until %(when)s.")
                % {
                    "day": date_format(day),
                    "when": date_format(timezone.localtime(window.closes), "DATETIME_FORMAT"),
                }
            }
        )
    log = WorkLog(
        person=person,
        day=day,
        content=content,
        tags=tags,
        reviewer_id=person.reviewer_id,
        created=now,
        submitted=now,
        late=state == "late",
    )
    if not files and _insert_written(actor, log, person.unit_id):
        return log
    with transaction.atomic():
        insert(log)  # = save(force_insert=True); the first write: a second log of the day fails here
        _attach(log, files, existing=0)
        record(actor=actor, action="worklog.log.create", obj=log, after=snapshot(log, LOG_FIELDS))
        rollups.add_written(person.pk, person.unit_id, log.reviewer_id, day, late=log.late)
    return log


def _insert_written(actor, log: WorkLog, unit_id: int) -> bool:
    """On PostgreSQL, write the new ``log`` (without attachments), its audit event and the week and
    month rollups (the person's, and the reviewer's) in ONE statement; False, writing nothing,
    where that is not possible (another database, a model that must take the ordinary ``save``).

    Hand-written SQL because this is the hottest write of the system (every person, every working
    day, mostly through the API), and as separate statements it costs five round trips (BEGIN, the
    log, the event, the rollups, COMMIT); chained data-modifying ``WITH``s make it one. The rows and
    values are exactly those of the other path: the log's and the event's are the statements of
    :func:`kaohe.audit.services.insert` with the same parameters, the event's object id taken from
    the log's ``RETURNING``; the rollups are :func:`rollups.written_upserts`. PostgreSQL runs every
    ``WITH`` once, all or nothing, so a second log of the day still fails the whole statement on the
    unique key (person, day) with an IntegrityError and writes nothing, and the event is in the
    log's transaction. Alone, the statement is its own transaction; inside an outer one it takes a
    savepoint, as ``transaction.atomic`` did, so that a refused log leaves the outer one usable.
    """
    log_plan = insert_plan(log)
    if log_plan is None or log_plan[0].vendor != "postgresql":
        return False
    ev = audit_event(actor=actor, action="worklog.log.create", obj=log, after=snapshot(log, LOG_FIELDS))
    event_plan = insert_plan(ev)
    if event_plan is None:
        return False
    connection, log_sql, log_fields = log_plan
    _conn, _sql, event_fields = event_plan
    qn = connection.ops.quote_name
    event_sql = (
        f"INSERT INTO {qn(Event._meta.db_table)} ({', '.join(qn(str(f.column)) for f in event_fields)}) "
        f"SELECT {', '.join('new_log.id::text' if f.name == 'object_id' else '%s' for f in event_fields)} "
        "FROM new_log RETURNING id"
    )
    skip = next(i for i, f in enumerate(event_fields) if f.name == "object_id")  # from new_log instead
    event_params = insert_params(ev, event_fields, connection)
    del event_params[skip]
    upserts = rollups.written_upserts(log.person_id, unit_id, log.reviewer_id, log.day, late=log.late)
    ctes = [f"new_log AS ({log_sql})", f"new_event AS ({event_sql})"]
    ctes += [f"rollup_{i} AS ({sql})" for i, (sql, _params) in enumerate(upserts)]
    params = [*insert_params(log, log_fields, connection), *event_params]
    params += [v for _sql, rollup_params in upserts for v in rollup_params]
    sql = f"WITH {', '.join(ctes)} SELECT new_log.id, new_event.id FROM new_log, new_event"
    savepoint = transaction.atomic(using=connection.alias) if connection.in_atomic_block else nullcontext()
    with savepoint, prepared_cursor(connection) as cursor:
        cursor.execute(sql, params)
        log_id, event_id = cursor.fetchone()
    inserted(log, log_id, connection)
    ev.object_id = str(log_id)
    inserted(ev, event_id, connection)
    return True


@transaction.atomic
def edit_log(
    *,
    actor,
    log: WorkLog,
    content: str,
    tags: Iterable[str] = (),
    files: Sequence = (),
    remove: Iterable[int] = (),
    now: datetime | None = None,
) -> WorkLog:
    """Change a log that has not been approved. A returned log goes back to its reviewer."""
    now = _now(now)
    log = WorkLog.objects.select_for_update(of=("self",)).select_related("person").get(pk=log.pk)
    _check_writer(actor, log.person)
    if log.status == LogStatus.APPROVED:
        raise ValidationError(_("This log has been approved and can no longer be changed."))
    before = snapshot(log, LOG_FIELDS)
    log.content = _clean_content(content)
    log.tags = _clean_tags(tags)
    resubmitted = log.status == LogStatus.RETURNED
    if resubmitted:
        log.status = LogStatus.SUBMITTED
        log.submitted = now
        log.reviewer_id = log.person.reviewer_id
    log.save(update_fields=["content", "tags", "status", "submitted", "reviewer"])
    log.attachments.filter(pk__in=list(remove)).delete()
    _attach(log, files)
    action = "worklog.log.resubmit" if resubmitted else "worklog.log.update"
    record(actor=actor, action=action, obj=log, before=before, after=snapshot(log, LOG_FIELDS))
    if resubmitted:
        rollups.add_reviewer(log.reviewer_id, log.day, received=1)
    return log


def _decide(actor, log: WorkLog, now: datetime) -> WorkLog:
    log = WorkLog.objects.select_for_update(of=("self",)).select_related("person", "reviewer").get(pk=log.pk)
    if log.reviewer is None or log.reviewer.user_id != getattr(actor, "pk", None):
        raise ValidationError(_("Only the log's reviewer may approve or return it."))
    if log.status != LogStatus.SUBMITTED:
        raise ValidationError(
            _("This log is no longer waiting for review (it is %(status)s).")
            % {"status": log.get_status_display()}
        )
    return log


def _seconds(since: datetime, now: datetime) -> int:
    return max(int((now - since).total_seconds()), 0)


@transaction.atomic
def approve_log(*, actor, log: WorkLog, comment: str = "", now: datetime | None = None) -> WorkLog:
    """Approve (批复) a log waiting for the actor's review."""
    now = _now(now)
    log = _decide(actor, log, now)
    before = snapshot(log, LOG_FIELDS)
    seconds = _seconds(log.submitted, now)
    log.status = LogStatus.APPROVED
    log.reviewed = now
    log.review_comment = (comment or "").replace("\x00", "").strip()[:MAX_COMMENT]
    log.review_seconds = seconds
    log.save(update_fields=["status", "reviewed", "review_comment", "review_seconds"])
    record(actor=actor, action="worklog.log.approve", obj=log, before=before, after=snapshot(log, LOG_FIELDS))
    rollups.add([(log.person_id, log.person.unit_id, log.day)], approved=1, review_seconds=seconds)
    rollups.add_reviewer(log.reviewer_id, log.day, decided=1, decision_seconds=seconds)
    return log


@transaction.atomic
def return_log(*, actor, log: WorkLog, comment: str, now: datetime | None = None) -> WorkLog:
    """Return (退回) a log to its writer with a comment saying what to correct."""
    now = _now(now)
    comment = (comment or "").replace("\x00", "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what should be corrected.")})
    if len(comment) > MAX_COMMENT:
        raise ValidationError(
            {"comment": _("A comment holds at most %(n)s characters.") % {"n": MAX_COMMENT}}
        )
    log = _decide(actor, log, now)
    before = snapshot(log, LOG_FIELDS)
    seconds = _seconds(log.submitted, now)
    log.status = LogStatus.RETURNED
    log.reviewed = now
    log.review_comment = comment
    log.returns += 1
    log.save(update_fields=["status", "reviewed", "review_comment", "returns"])
    record(actor=actor, action="worklog.log.return", obj=log, before=before, after=snapshot(log, LOG_FIELDS))
    rollups.add([(log.person_id, log.person.unit_id, log.day)], returned=1)
    rollups.add_reviewer(log.reviewer_id, log.day, decided=1, decision_seconds=seconds)
    if log.person.user_id:
        notify(
            user_ids=[log.person.user_id],
            text=_("Your log of %(day)s was returned: %(comment)s")
            % {"day": date_format(log.day), "comment": comment[:200]},
            url=f"/worklog/logs/{log.pk}/edit/",
            now=now,
        )
    return log


@transaction.atomic
def approve_logs(*, actor, logs: Iterable[WorkLog], now: datetime | None = None) -> int:
    """Approve several logs at once; all or none (a log that is not the actor's to approve stops it)."""
    n = 0
    for log in logs:
        approve_log(actor=actor, log=log, now=now)
        n += 1
    return n


# --- calendar, work-log settings -----------------------------------------------------------------------


@transaction.atomic
def set_calendar_day(*, actor, unit: Unit, day: date, kind: str, note: str = "") -> CalendarDay:
    """Make ``day`` a working or rest day for ``unit`` and its sub-units."""
    if kind not in DayKind.values:
        raise ValidationError({"kind": _("Choose a working day or a rest day.")})
    note = (note or "").replace("\x00", "").strip()[:100]
    existing = CalendarDay.objects.filter(unit=unit, day=day).first()
    before = snapshot(existing) if existing else None
    obj, _created = CalendarDay.objects.update_or_create(
        unit=unit, day=day, defaults={"kind": kind, "note": note}
    )
    record(actor=actor, action="worklog.calendar.set", obj=obj, before=before, after=snapshot(obj))
    return obj


@transaction.atomic
def clear_calendar_day(*, actor, unit: Unit, day: date) -> bool:
    obj = CalendarDay.objects.filter(unit=unit, day=day).first()
    if obj is None:
        return False
    record(actor=actor, action="worklog.calendar.clear", obj=obj, before=snapshot(obj))
    obj.delete()
    return True


@transaction.atomic
def save_log_settings(*, actor, unit: Unit, **changes) -> LogSettings:
    """Set the unit's own work-log settings (created from the inherited ones on first change)."""
    unknown = set(changes) - LOG_SETTING_FIELDS
    if unknown:
        raise TypeError(f"cannot change {', '.join(sorted(unknown))} of work-log settings")
    log_settings = LogSettings.objects.filter(unit=unit).first()
    before = snapshot(log_settings) if log_settings else None
    if log_settings is None:
        inherited = log_settings_for_unit(unit)
        log_settings = LogSettings(unit=unit, **{f: getattr(inherited, f) for f in LOG_SETTING_FIELDS})
    for name, value in changes.items():
        setattr(log_settings, name, value)
    if log_settings.webhook_kind and not log_settings.webhook_url:
        raise ValidationError({"webhook_url": _("Give the webhook's URL.")})
    log_settings.full_clean()
    log_settings.save()
    record(
        actor=actor,
        action="worklog.log_settings.save",
        obj=log_settings,
        before=before,
        after=snapshot(log_settings),
    )
    return log_settings


# --- monthly achievement records ----------------------------------------------------------------------


def achievement_months(today: date) -> list[date]:
    """Months a record may be declared for: this month, and last month until its records are in."""
    this = month_start(today)
    return [this, month_start(this - timedelta(days=1))]


@transaction.atomic
def declare_achievement(
    *, actor, person: Person, month: date, section: str, text: str, today: date | None = None
) -> Achievement:
    """Declare a monthly achievement record (月度纪实) for ``person``."""
    today = today or timezone.localdate()
    month = month_start(month)
    if month not in achievement_months(today):
        raise ValidationError({"month": _("Records can be declared for this month and last month only.")})
    if section not in AchievementSection.values:
        raise ValidationError({"section": _("Choose a section.")})
    text = (text or "").replace("\x00", "").strip()
    if not text:
        raise ValidationError({"text": _("Describe the achievement.")})
    if len(text) > MAX_CONTENT:
        raise ValidationError({"text": _("At most %(n)s characters.") % {"n": MAX_CONTENT}})
    obj = Achievement.objects.create(
        person=person, month=month, section=section, text=text, declared_by=actor
    )
    record(actor=actor, action="worklog.achievement.declare", obj=obj, after=snapshot(obj))
    return obj


@transaction.atomic
def decide_achievement(*, actor, achievement: Achievement, accept: bool, comment: str = "") -> Achievement:
    """The office accepts a declared record as evidence for the period, or rejects it."""
    obj = Achievement.objects.select_for_update().get(pk=achievement.pk)
    if obj.status != AchievementStatus.DECLARED:
        raise ValidationError(_("This record has already been decided."))
    before = snapshot(obj)
    obj.status = AchievementStatus.ACCEPTED if accept else AchievementStatus.REJECTED
    obj.office_comment = (comment or "").replace("\x00", "").strip()[:500]
    obj.save(update_fields=["status", "office_comment"])
    record(actor=actor, action="worklog.achievement.decide", obj=obj, before=before, after=snapshot(obj))
    return obj
