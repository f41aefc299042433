"""Writes of the outcome domain: follow-ups from the published results, and closing them."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.audit.services import record
from kaohe.platform.errors import Refusal

from .models import FollowUp, FollowUpKind

DUE_WORKING_DAYS = 10  # a follow-up is due ten working days after publication


def create_follow_ups(*, actor, period, today: date) -> int:
    """One follow-up per person and action the current results call for (tail rules, outcomes).
    Idempotent; runs inside the publishing transaction. The owner is the person's reviewer."""
    from kaohe.appraisal.models import PersonResult
    from kaohe.appraisal.services.publicity import calendar

    due = calendar(period).add_working_days(today, DUE_WORKING_DAYS)
    rows = (
        PersonResult.objects.filter(result_set__period=period, result_set__current=True)
        .exclude(tail="", outcomes="")
        .values_list("person_id", "person__reviewer_id", "tail", "outcomes")
    )
    items = []
    for pid, owner, tail, outcomes in rows:
        for kind, text in ((FollowUpKind.TAIL, tail), (FollowUpKind.OUTCOME, outcomes)):
            for action in filter(None, text.split("；")):
                items.append(
                    FollowUp(
                        period=period, person_id=pid, kind=kind, action=action[:200], due=due, owner_id=owner
                    )
                )
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
