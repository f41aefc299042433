"""The work-log jobs: closing days (marking misses, applying the miss rule) and sending reminders.

Both are idempotent: a unit's day is claimed by inserting its ``ClosedDay`` / ``ReminderRun`` row,
whose unique key lets exactly one caller through, so running a job twice — or in two scheduler
processes at once — changes nothing the second time.
"""

import logging
import time
from datetime import date, datetime, timedelta
from typing import TypeVar

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kaohe.audit.services import record
from kaohe.org.models import LeaveRecord, Person, Unit
from kaohe.platform import channels
from kaohe.platform.calendar import WorkCalendar, calendar_for_unit
from kaohe.platform.notifications import notify

from . import rollups
from .models import ClosedDay, LogSettings, Miss, MissNotice, ReminderRun, WorkLog
from .selectors import log_settings_for_unit
from .workdays import log_window, notice_due

logger = logging.getLogger(__name__)
LOOKBACK_DAYS = 14

M = TypeVar("M", bound=models.Model)


def _claim(model: type[M], **fields) -> M | None:
    """Insert the row that marks a piece of work as done (a day closed, reminders sent, a notice
    given); None when another run inserted it first: the row's unique key makes the job idempotent."""
    try:
        with transaction.atomic():
            return model._default_manager.create(**fields)
    except IntegrityError:
        return None


def _units_with_people():
    return Unit.objects.filter(people__active=True).distinct().order_by("path")


def expected_people(unit: Unit, day: date) -> list[Person]:
    """Active people of ``unit`` (not its sub-units) who owed a log on ``day``: started, not on leave."""
    on_leave = LeaveRecord.objects.filter(start__lte=day, end__gte=day).values("person_id")
    return list(
        Person.objects.filter(unit=unit, active=True, start_date__lte=day)
        .exclude(pk__in=on_leave)
        .select_related("unit")
        .only("id", "name", "unit_id", "user_id", "unit__name")
    )


def close_days(*, now: datetime | None = None) -> int:
    """Close every unit's working days whose on-time deadline has passed; returns days closed.

    A unit closed before is caught up from its last closed day (at most two weeks back); a unit
    never closed starts with its latest due day, so that installing Kaohe does not mark a fortnight
    of misses.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    closed = 0
    for unit in _units_with_people():
        cal = calendar_for_unit(unit, today - timedelta(days=LOOKBACK_DAYS + 40), today + timedelta(days=40))
        log_settings = log_settings_for_unit(unit)
        last = ClosedDay.objects.filter(unit=unit).order_by("-day").values_list("day", flat=True).first()
        due = []
        for offset in range(LOOKBACK_DAYS, 0, -1):
            day = today - timedelta(days=offset)
            if (last and day <= last) or not cal.is_working_day(day):
                continue
            window = log_window(
                cal, day, backfill_days=log_settings.backfill_days, backfill_hour=log_settings.backfill_hour
            )
            if now > window.deadline:
                due.append(day)
        if last is None:
            due = due[-1:]
        for day in due:
            closed += close_day(unit=unit, day=day, cal=cal, log_settings=log_settings, now=now)
    return closed


@transaction.atomic
def close_day(*, unit: Unit, day: date, cal: WorkCalendar, log_settings: LogSettings, now: datetime) -> int:
    """Close ``day`` for ``unit``: 1 if this call closed it, 0 if it was closed already."""
    closing = _claim(ClosedDay, unit=unit, day=day, at=now)
    if closing is None:
        return 0
    people = expected_people(unit, day)
    ids = [p.pk for p in people]
    present = set(WorkLog.objects.filter(day=day, person_id__in=ids).values_list("person_id", flat=True))
    WorkLog.objects.filter(day=day, person_id__in=present).update(counted=True)
    missing = [p for p in people if p.pk not in present]
    Miss.objects.bulk_create([Miss(person=p, day=day) for p in missing], ignore_conflicts=True)
    rollups.add([(pid, unit.pk, day) for pid in present], working_days=1)
    rollups.add([(p.pk, unit.pk, day) for p in missing], working_days=1, missed=1)
    closing.expected, closing.missed = len(people), len(missing)
    closing.save(update_fields=["expected", "missed"])
    notices = _apply_miss_threshold(unit, day, cal, log_settings, missing, now)
    record(
        actor=None,
        action="worklog.day.close",
        obj=closing,
        object_repr=f"{unit.name} {day}",
        after={"expected": len(people), "missed": len(missing), "notices": notices},
    )
    return 1


def _apply_miss_threshold(unit, day, cal, log_settings, missing: list[Person], now: datetime) -> int:
    """A notice and a deduction for each person whose misses reach ``miss_threshold`` in a row."""
    if not missing:
        return 0
    n = log_settings.miss_threshold
    window = cal.previous_working_days(day, max(4 * n, 10))
    missed = set(
        Miss.objects.filter(person__in=missing, day__gte=window[0], day__lte=day).values_list(
            "person_id", "day"
        )
    )
    made = 0
    for person in missing:
        flags = [(person.pk, d) in missed for d in window]
        if not notice_due(flags, n):
            continue
        first = window[-n]
        reason = ngettext(
            "No work log on %(n)s working day (%(first)s – %(last)s): %(points)s points deducted.",
            "No work log on %(n)s working days in a row (%(first)s – %(last)s): %(points)s points deducted.",
            n,
        ) % {
            "n": n,
            "first": date_format(first),
            "last": date_format(day),
            "points": log_settings.deduction_points,
        }
        notice = _claim(
            MissNotice,
            person=person,
            day=day,
            first_day=first,
            days=n,
            points=log_settings.deduction_points,
            reason=reason,
            created=now,
        )
        if notice is None:
            continue
        rollups.add([(person.pk, unit.pk, day)], notices=1, deduction=log_settings.deduction_points)
        record(
            actor=None,
            action="worklog.notice.create",
            obj=notice,
            after={"person": person.pk, "day": day, "points": log_settings.deduction_points},
        )
        if person.user_id:
            notify(user_ids=[person.user_id], text=reason, url="/worklog/mine/", now=now)
        made += 1
    return made


def send_reminders(*, now: datetime | None = None) -> int:
    """Remind everyone who has not written today's log once their unit's reminder hour has come;
    returns how many people were reminded."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    hour = timezone.localtime(now).hour
    total = 0
    for unit in _units_with_people():
        log_settings = log_settings_for_unit(unit)
        if hour < log_settings.reminder_hour:
            continue
        if not calendar_for_unit(unit, today, today).is_working_day(today):
            continue
        total += remind_unit(unit=unit, day=today, log_settings=log_settings, now=now)
    return total


@transaction.atomic
def remind_unit(*, unit: Unit, day: date, log_settings: LogSettings, now: datetime) -> int:
    run = _claim(ReminderRun, unit=unit, day=day, at=now)
    if run is None:
        return 0
    people = expected_people(unit, day)
    written = set(WorkLog.objects.filter(day=day, person__in=people).values_list("person_id", flat=True))
    late = [p for p in people if p.pk not in written]
    text = _("Please write your work log for %(day)s.") % {"day": date_format(day)}
    if log_settings.remind_in_app:
        notify(user_ids=[p.user_id for p in late if p.user_id], text=text, url="/worklog/", now=now)
    run.people = len(late)
    run.save(update_fields=["people"])
    if late:
        transaction.on_commit(lambda: _send_external(log_settings, unit, day, late, text))
    return len(late)


def _send_external(log_settings: LogSettings, unit: Unit, day: date, people: list[Person], text: str) -> None:
    """Email and webhook, after the commit: a slow or failing channel never blocks the claim."""
    if log_settings.remind_email:
        # local import: the user model is resolved when the job runs
        from django.contrib.auth import get_user_model

        users = (
            get_user_model().objects.filter(pk__in=[p.user_id for p in people if p.user_id]).exclude(email="")
        )
        subject = _("Work log reminder")
        sender = getattr(settings, "DEFAULT_FROM_EMAIL", None)
        send_mass_mail([(subject, text, sender, [u.email]) for u in users], fail_silently=True)
    if log_settings.webhook_kind and log_settings.webhook_url:
        names = "、".join(p.name for p in people[:50])
        more = _(" and %(n)s more") % {"n": len(people) - 50} if len(people) > 50 else ""
        message = ngettext(
            "%(unit)s: %(n)s person has not written the work log for %(day)s: %(names)s%(more)s",
            "%(unit)s: %(n)s people have not written the work log for %(day)s: %(names)s%(more)s",
            len(people),
        ) % {
            "unit": unit.name,
            "n": len(people),
            "day": date_format(day),
            "names": names,
            "more": more,
        }
        req = channels.webhook_request(
            log_settings.webhook_kind,
            log_settings.webhook_url,
            message,
            secret=log_settings.webhook_secret,
            now_ms=int(time.time() * 1000),
        )
        channels.post_json(req)
