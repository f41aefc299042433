"""Claims and deductions, decided by the section and then the committee.

A claim is bonus points a person claims for themselves with evidence; a deduction (一岗双责, 通报批评,
督查问责: a category of kind ``deduction`` in the scheme) is filed against a person by their reviewer or
the office, with evidence. Both go through the same two levels, and whoever filed an item, or is
its subject, never decides it at either level."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from kaohe.accounts.models import Role
from kaohe.accounts.scope import scope_for
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
    _check_caps(scheme, spec, period, person, category, points)
    return _create(actor, period, person, category, points, reason, files, "appraisal.claim.file")


def may_file_deduction(user, person: Person) -> bool:
    """The office of the person's unit, or the reviewer who reviews the person."""
    scope = scope_for(user)
    if scope.covers_unit(person.unit, [Role.OFFICE]):
        return True
    reviewer = person.reviewer
    return bool(
        scope.has_role(Role.REVIEWER) and reviewer is not None and reviewer.user_id == user.pk and user.pk
    )


@transaction.atomic
def file_deduction(
    *, actor, period: Period, person: Person, category: str, points: Decimal, reason: str, files=()
) -> Claim:
    """A deduction against ``person`` in one of the scheme's deduction categories, within its points
    range and caps, with checked evidence, filed by their reviewer or the office."""
    if period.state not in logic.CLAIMABLE:
        raise Refusal(_("Claims are closed for this period."))
    if not person.unit.is_within(period.unit):
        raise Refusal(_("%(person)s is not appraised in %(period)s.") % {"person": person, "period": period})
    if not may_file_deduction(actor, person):
        raise Refusal(
            _("Only the office or the person's reviewer files a deduction against %(person)s.")
            % {"person": person}
        )
    if not reason.strip():
        raise Refusal(_("Give the reason for the deduction."), field="reason")
    scheme = period.scheme.parsed()
    spec = scheme.adjustments.get(category)
    if spec is not None and spec.kind != "deduction":
        raise Refusal(
            _("%(category)s is not a deduction category.") % {"category": category}, field="category"
        )
    logic.check_points(category, spec, float(points))
    _check_caps(scheme, spec, period, person, category, points)
    return _create(actor, period, person, category, points, reason, files, "appraisal.deduction.file")


def _check_caps(scheme, spec, period: Period, person: Person, category: str, points: Decimal) -> None:
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


def _create(actor, period, person, category, points, reason, files, action: str) -> Claim:
    claim = Claim.objects.create(
        period=period, person=person, category=category, points=points, reason=reason.strip(), filed_by=actor
    )
    store_evidence(files, claim=claim)
    record(actor=actor, action=action, obj=claim, after={"category": category, "points": str(points)})
    return claim


@transaction.atomic
def decide_claim(*, actor, claim: Claim, approve: bool, note: str) -> Claim:
    """The section decides a submitted claim, then the committee one the section approved."""
    claim = Claim.objects.select_for_update().select_related("person").get(pk=claim.pk)
    if actor is not None and actor.pk in (claim.filed_by_id, claim.person.user_id):
        raise Refusal(_("You filed this item or it concerns you: someone else decides it."))
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
