"""Follow-ups (后续事项): the actions the published results call for (tail rules, consequences), one per
person and action, tracked to closure by the office."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.models import Role
from kaohe.accounts.scope import people_for_user
from kaohe.audit.services import record
from kaohe.platform.calendar import calendar_for_unit
from kaohe.platform.errors import Refusal

from .choices import FollowUpKind
from .models import FollowUp, Period, PersonResult

DUE_WORKING_DAYS = 10  # a follow-up is due ten working days after publication


def follow_ups_for_user(user) -> QuerySet[FollowUp]:
    """The follow-ups of the people in the user's office scope."""
    return FollowUp.objects.filter(person__in=people_for_user(user, [Role.OFFICE])).select_related(
        "person__unit", "owner", "period"
    )


def create_follow_ups(*, actor, period: Period, today: date) -> int:
    """One follow-up per person and action the current results call for (tail rules, outcomes).
    Idempotent; runs inside the publishing transaction. The owner is the person's reviewer."""
    due = calendar_for_unit(period.unit).add_working_days(today, DUE_WORKING_DAYS)
    rows = (
        PersonResult.objects.filter(result_set__period=period, result_set__current=True)
        .exclude(tail=[], outcomes=[])
        .values_list("person_id", "person__reviewer_id", "tail", "outcomes")
    )
    items = [
        FollowUp(period=period, person_id=pid, kind=kind, action=action[:200], due=due, owner_id=owner)
        for pid, owner, tail, outcomes in rows
        for kind, actions in ((FollowUpKind.TAIL, tail), (FollowUpKind.OUTCOME, outcomes))
        for action in actions
    ]
    FollowUp.objects.bulk_create(items, ignore_conflicts=True)
    if items:
        record(actor=actor, action="outcome.followups.create", obj=period, after={"items": len(items)})
    return len(items)


@transaction.atomic
def close_follow_up(*, actor, item: FollowUp, record_text: str) -> FollowUp:
    """Close an item with a record of what was done (talk held, post adjusted, statement made…)."""
    item = FollowUp.objects.select_for_update().get(pk=item.pk)
    if item.closed_at is not None:
        raise Refusal(_("This follow-up is closed already."))
    if not record_text.strip():
        raise Refusal(_("Write down what was done."))
    item.record = record_text.strip()
    item.closed_at = timezone.now()
    item.closed_by = actor
    item.save(update_fields=["record", "closed_at", "closed_by"])
    record(actor=actor, action="outcome.followup.close", obj=item, after={"record": item.record})
    return item
