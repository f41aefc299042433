"""Claim pages: filing a claim and the lists to decide, one claim and its decision, evidence files."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kaohe.accounts.models import Role
from kaohe.accounts.scope import people_for_user, require_role
from kaohe.platform.errors import Refusal
from kaohe.platform.roles import COMMITTEE, DECLARE

from .. import selectors as sel
from ..forms import ClaimDecisionForm, ClaimForm
from ..forms_records import DeductionForm
from ..services.claims import decide_claim, file_claim, file_deduction
from .common import fail, posted

CLAIMANTS = (Role.STAFF, Role.REVIEWER, *COMMITTEE)


@login_required
@require_http_methods(["GET", "POST"])
def claims(request):
    require_role(request.user, *CLAIMANTS)
    me = getattr(request.user, "person", None)
    open_periods = sel.claimable_periods(me)
    form = ClaimForm(**posted(request), periods=open_periods, has_record=me is not None)
    if request.method == "POST" and form.is_valid():
        try:
            claim = file_claim(actor=request.user, person=me, **form.values(request.FILES))
        except Refusal as exc:
            fail(request, exc)
        else:
            messages.success(request, _("Claim filed."))
            return redirect("appraisal:claim", claim.pk)
    return render(
        request,
        "appraisal/claims.html",
        {
            "form": form,
            **sel.claim_lists(request.user),
            "open_periods": [(p, sel.claim_categories(p)) for p in open_periods],
            "breadcrumb": [(_("Claims"), "")],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def deduction_new(request):
    """The reviewer (for the people they review) or the office files a deduction with evidence."""
    require_role(request.user, *DECLARE)
    periods = sel.deduction_periods(request.user)
    people = people_for_user(request.user, DECLARE)
    form = DeductionForm(**posted(request), periods=periods, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            claim = file_deduction(actor=request.user, **form.values(request.FILES))
        except Refusal as exc:
            fail(request, exc)
        else:
            messages.success(request, _("Deduction filed."))
            return redirect("appraisal:claim", claim.pk)
    crumbs = [(_("Claims"), reverse("appraisal:claims")), (_("File a deduction"), "")]
    categories = [(p, sel.deduction_categories(p)) for p in periods]
    context = {"form": form, "categories": categories, "breadcrumb": crumbs}
    return render(request, "appraisal/deduction_new.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def claim(request, pk: int):
    require_role(request.user, *CLAIMANTS)
    obj = sel.get_claim_for_user(request.user, pk)
    can_decide = sel.can_decide_claim(request.user, obj)
    if request.method == "POST" and not can_decide:
        raise PermissionDenied
    form = ClaimDecisionForm(**posted(request))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            decide_claim(actor=request.user, claim=obj, approve=d["decision"] == "approve", note=d["note"])
        except Refusal as exc:
            fail(request, exc)
        else:
            messages.success(request, _("Decision recorded."))
        return redirect("appraisal:claim", pk)
    return render(
        request,
        "appraisal/claim.html",
        {
            "claim": obj,
            "form": form,
            "can_decide": can_decide,
            "evidence": obj.evidence.all(),
            "breadcrumb": [(_("Claims"), reverse("appraisal:claims")), (str(obj), "")],
        },
    )


@login_required
@require_GET
def evidence(request, pk: int):
    require_role(request.user, *CLAIMANTS)
    ev = sel.get_evidence_for_user(request.user, pk)
    return FileResponse(
        ev.file.open("rb"), content_type=ev.content_type, as_attachment=True, filename=ev.name
    )
