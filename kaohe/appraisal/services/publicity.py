"""Publicity: publishing a period's results (the publicity and appeal windows counted in working
days, the people notified, the follow-ups created) and making them final after the window."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.platform.calendar import WorkCalendar, calendar_for_unit
from kaohe.platform.errors import Refusal
from kaohe.platform.notifications import notify

from .. import logic
from ..choices import PeriodState
from ..followups import create_follow_ups
from ..inputs import people_of
from ..models import Period
from .periods import lock, move

S = PeriodState


def calendar(period: Period) -> WorkCalendar:
    """The working-day calendar of the period's unit."""
    return calendar_for_unit(period.unit)


def publicity_window(cal: WorkCalendar, today: date, days: int, today_counts: bool) -> tuple[date, date]:
    """The first and last day of a publicity of ``days`` working days published ``today``: from today
    when the office counts the day of publication (and it is a working day), else from the next
    working day ("公示期 12月25日至12月31日")."""
    first = today if today_counts and cal.is_working_day(today) else cal.add_working_days(today, 1)
    return first, (cal.add_working_days(first, days - 1) if days > 1 else first)


@transaction.atomic
def publish(*, actor, period: Period, today: date | None = None) -> Period:
    """Open the publicity window (N working days) and the appeal window (M working days from today,
    the day people are notified), notify the people and create the follow-ups."""
    caller, period = period, lock(period)
    logic.check_move(period.state, S.PUBLICITY)
    if not period.decisions.exists():
        raise Refusal(_("Record the committee's decision before publishing."))
    today = today or timezone.localdate()
    cal = calendar(period)
    period.published_on = today
    period.publicity_start, period.publicity_end = publicity_window(
        cal, today, period.publicity_days, period.publication_day_counts
    )
    period.appeal_deadline = cal.add_working_days(today, period.appeal_days)
    period.save(update_fields=["published_on", "publicity_start", "publicity_end", "appeal_deadline"])
    _notify_people(period)
    create_follow_ups(actor=actor, period=period, today=today)
    return move(
        actor,
        period,
        S.PUBLICITY,
        "appraisal.period.publish",
        caller,
        publicity_start=period.publicity_start.isoformat(),
        publicity_end=period.publicity_end.isoformat(),
        appeal_deadline=period.appeal_deadline.isoformat(),
    )


def _notify_people(period: Period) -> None:
    users = people_of(period).filter(user__isnull=False).values_list("user_id", flat=True)
    text = _(
        "The results of %(period)s are published: publicity from %(first)s to %(last)s; appeals until %(day)s."
    ) % {
        "period": str(period),
        "first": period.publicity_start,
        "last": period.publicity_end,
        "day": period.appeal_deadline,
    }
    url = reverse("appraisal:mine")
    notify(user_ids=users, text=text, url=url)


@transaction.atomic
def finalize(*, actor, period: Period, today: date | None = None) -> Period:
    """After the publicity window, results are final and locked."""
    caller, period = period, lock(period)
    logic.check_move(period.state, S.FINAL)
    today = today or timezone.localdate()
    if period.publicity_end is None or today <= period.publicity_end:
        raise Refusal(_("The publicity window runs until %(day)s.") % {"day": period.publicity_end})
    return move(actor, period, S.FINAL, "appraisal.period.final", caller)


def close_publicity(now=None) -> int:
    """Job: finalize every period whose publicity window has passed. Idempotent."""
    today = timezone.localdate(now) if now else timezone.localdate()
    done = 0
    for period in Period.objects.filter(state=S.PUBLICITY, publicity_end__lt=today):
        try:
            finalize(actor=None, period=period, today=today)
            done += 1
        except Refusal:  # another scheduler got there first
            continue
    return done
