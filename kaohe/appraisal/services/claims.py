"""Claims: bonus points a person claims with evidence, decided by the section and then the committee."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from kaohe.audit.services import record
from kaohe.org.models import Person
from kaohe.platform.errors import Refusal

from .. import logic
from ..choices import ClaimStatus
from ..models import Claim, Period
from .evidence import store_evidence


@transaction.atomic
def file_claim(
    *, actor, period: Period, person: Person, category: str, points: Decimal, reason: str, files=()
) -> Claim:
    """A claim within its category's range and under its point caps, with checked evidence."""
    if period.state not in logic.CLAIMABLE:
        raise Refusal(_("Claims are closed for this period."))
    if not reason.strip():
        raise Refusal(_("Give the reason for the claim."))
    scheme = period.scheme.parsed()
    spec = scheme.adjustments.get(category)
    logic.check_points(category, spec, float(points))
    for cap_name, limit in logic.point_caps(scheme, category):
        cats = scheme.caps[cap_name].categories or [
            c for c, a in scheme.adjustments.items() if a.kind == spec.kind
        ]
        so_far = Claim.objects.filter(period=period, person=person, category__in=cats).exclude(
            status=ClaimStatus.REJECTED
        ).aggregate(s=Sum("points"))["s"] or Decimal(0)
        if float(so_far + points) > limit:
            raise Refusal(
                _("%(cap)s allows at most %(limit)s points; %(sofar)s are claimed already.")
                % {"cap": cap_name, "limit": f"{limit:g}", "sofar": f"{float(so_far):g}"}
            )
    claim = Claim.objects.create(
        period=period, person=person, category=category, points=points, reason=reason.strip(), filed_by=actor
    )
    store_evidence(files, claim=claim)
    record(
        actor=actor,
        action="appraisal.claim.file",
        obj=claim,
        after={"category": category, "points": str(points)},
    )
    return claim


@transaction.atomic
def decide_claim(*, actor, claim: Claim, approve: bool, note: str) -> Claim:
    """The section decides a submitted claim, then the committee one the section approved."""
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.period.state not in logic.CLAIMABLE:
        raise Refusal(_("Claims are closed for this period."))
    if not approve and not note.strip():
        raise Refusal(_("Give the reason for rejecting the claim."))
    before = claim.status
    if claim.status == ClaimStatus.SUBMITTED:
        claim.section_note = note.strip()[:300]
        claim.status = ClaimStatus.SECTION_APPROVED if approve else ClaimStatus.REJECTED
    elif claim.status == ClaimStatus.SECTION_APPROVED:
        claim.committee_note = note.strip()[:300]
        claim.status = ClaimStatus.APPROVED if approve else ClaimStatus.REJECTED
    else:
        raise Refusal(_("This claim has been decided."))
    claim.save(update_fields=["status", "section_note", "committee_note"])
    record(
        actor=actor,
        action="appraisal.claim.decide",
        obj=claim,
        before={"status": before},
        after={"status": claim.status, "note": note},
    )
    return claim
