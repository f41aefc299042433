"""Appeal pages: filing an appeal against my result, the committee's list, one appeal and its review."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kaohe.accounts.models import Role
from kaohe.accounts.scope import require_role
from kaohe.platform.errors import Refusal
from kaohe.platform.roles import COMMITTEE

from .. import selectors as sel
from ..forms import AppealDecisionForm, AppealForm
from ..services.appeals import decide_appeal, file_appeal
from .common import fail, posted


@login_required
@require_http_methods(["GET", "POST"])
def appeal_new(request, pk: int):
    require_role(request.user, Role.STAFF)
    row = sel.own_row(request.user, pk)
    form = AppealForm(**posted(request))
    if request.method == "POST" and form.is_valid():
        files = request.FILES.getlist("evidence")
        try:
            obj = file_appeal(actor=request.user, row=row, reason=form.cleaned_data["reason"], files=files)
        except Refusal as exc:
            fail(request, exc)
        else:
            messages.success(request, _("Appeal filed."))
            return redirect("appraisal:appeal", obj.pk)
    return render(
        request,
        "appraisal/appeal_new.html",
        {
            "row": row,
            "form": form,
            "breadcrumb": [(_("My results"), reverse("appraisal:mine")), (_("Appeal"), "")],
        },
    )


@login_required
@require_GET
def appeals(request):
    require_role(request.user, *COMMITTEE)
    return render(
        request,
        "appraisal/appeals.html",
        {
            "appeals": sel.appeals_to_review(request.user),
            "breadcrumb": [(_("Appeals"), "")],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def appeal(request, pk: int):
    require_role(request.user, Role.STAFF, *COMMITTEE)
    obj = sel.get_appeal_for_user(request.user, pk)
    is_committee = sel.can_decide_appeal(request.user, obj)
    if request.method == "POST" and not is_committee:
        raise PermissionDenied
    cols, scores = sel.columns(obj.period), sel.appeal_scores(obj)
    form = AppealDecisionForm(**posted(request), cols=cols, scores=scores)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        upheld, fixes = d["outcome"] == "upheld", form.corrections()
        try:
            decide_appeal(
                actor=request.user, appeal=obj, upheld=upheld, decision=d["decision"], corrections=fixes
            )
        except Refusal as exc:
            fail(request, exc)
        else:
            messages.success(request, _("Decision recorded."))
        return redirect("appraisal:appeal", pk)
    back = (
        (_("Appeals"), reverse("appraisal:appeals"))
        if is_committee
        else (_("My results"), reverse("appraisal:mine"))
    )
    return render(
        request,
        "appraisal/appeal.html",
        {
            "appeal": obj,
            "form": form,
            "is_committee": is_committee,
            "evidence": obj.evidence.all(),
            "breadcrumb": [back, (str(obj), "")],
        },
    )
