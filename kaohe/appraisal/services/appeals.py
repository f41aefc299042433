"""Appeals: a person contests their published result; the committee upholds (recomputing into a new
version) or dismisses it."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.audit.services import record
from kaohe.platform.errors import Refusal

from .. import logic
from ..choices import AppealStatus
from ..inputs import scored_leaves
from ..models import Appeal, PersonResult, Score
from .evidence import store_evidence
from .results import correct
from .scoring import get_or_create_sheet


@transaction.atomic
def file_appeal(*, actor, row: PersonResult, reason: str, files=(), today: date | None = None) -> Appeal:
    """A person appeals their own published result within the appeal window."""
    row = PersonResult.objects.select_related("result_set__period", "person").get(pk=row.pk)
    period = row.result_set.period
    today = today or timezone.localdate()
    if row.person.user_id is None or row.person.user_id != getattr(actor, "pk", None):
        raise Refusal(_("You can appeal only your own result."))
    if not period.locked:
        raise Refusal(_("Results can be appealed once they are published."))
    if not period.appeals_open(today):
        raise Refusal(_("The appeal window closed on %(day)s.") % {"day": period.appeal_deadline})
    if not row.result_set.current:
        raise Refusal(_("This result has been replaced by a newer version."))
    if Appeal.objects.filter(row=row, status=AppealStatus.FILED).exists():
        raise Refusal(_("An appeal against this result is under review already."))
    if not reason.strip():
        raise Refusal(_("Give the reasons for the appeal."))
    appeal = Appeal.objects.create(row=row, period=period, person=row.person, reason=reason.strip())
    store_evidence(files, appeal=appeal)
    record(actor=actor, action="appraisal.appeal.file", obj=appeal, after={"row": row.pk})
    return appeal


def decide_appeal(
    *,
    actor,
    appeal: Appeal,
    upheld: bool,
    decision: str,
    corrections: tuple[tuple[str, float], ...] | list[tuple[str, float]] = (),
) -> Appeal:
    """The committee's review. Upheld: the corrected scores are stored and the period is recomputed
    into a new version (the old one kept); dismissed: the decision is recorded."""
    if appeal.status != AppealStatus.FILED:
        raise Refusal(_("This appeal has been decided."))
    if not decision.strip():
        raise Refusal(_("Write the committee's decision."))
    period = appeal.period
    leaves = scored_leaves(period.scheme.parsed())
    for key, value in corrections:
        leaf = leaves.get(key)
        if leaf is None:
            raise Refusal(_("%(indicator)s is not an indicator scored on sheets.") % {"indicator": key})
        logic.check_score(value, leaf.node.points, key, leaf.node.source == "task")
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if appeal.status != AppealStatus.FILED:
            raise Refusal(_("This appeal has been decided."))
        if upheld:
            sheet = get_or_create_sheet(period, None)
            for key, value in corrections:
                # The committee's value replaces every assessor's mark of the indicator: one mark on
                # the office's sheet (which stands alone even on a scoring group's indicator).
                Score.objects.filter(sheet__period=period, person=appeal.person, indicator=key).delete()
                Score.objects.create(
                    period=period,
                    person=appeal.person,
                    indicator=key,
                    value=value,
                    sheet=sheet,
                    comment=(_("corrected on appeal #%(n)s") % {"n": appeal.pk})[:300],
                )
            appeal.new_result_set = correct(
                actor=actor, period=period, reason=_("appeal #%(n)s upheld") % {"n": appeal.pk}
            )
        appeal.status = AppealStatus.UPHELD if upheld else AppealStatus.DISMISSED
        appeal.decision = decision.strip()
        appeal.decided_at = timezone.now()
        appeal.decided_by = actor
        appeal.save()
        record(
            actor=actor,
            action="appraisal.appeal.decide",
            obj=appeal,
            after={
                "status": appeal.status,
                "corrections": [list(c) for c in corrections],
                "version": appeal.new_result_set.version if appeal.new_result_set else None,
            },
        )
    return appeal
