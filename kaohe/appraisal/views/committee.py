"""The committee's page: grades against the quotas, grade changes, the recorded decision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kaohe.accounts.scope import require_role
from kaohe.platform.errors import Refusal
from kaohe.platform.roles import COMMITTEE

from .. import selectors as sel
from ..choices import PeriodState
from ..forms import GradeChangeForm, committee_forms
from ..services.committee import change_grade, record_decision
from .common import fail, period_crumbs, posted


def _save(request, period, form) -> None:
    """The form's one service: a grade change or the decision."""
    if isinstance(form, GradeChangeForm):
        d = form.cleaned_data
        change_grade(actor=request.user, row=d["row"], grade=d["grade"], reason=d["reason"])
    else:
        record_decision(actor=request.user, period=period, **form.values(timezone.localdate()))


@login_required
@require_http_methods(["GET", "POST"])
def committee(request, pk: int):
    require_role(request.user, *COMMITTEE)
    obj = sel.get_period_for_user(request.user, pk, COMMITTEE)
    page = sel.committee_rows(obj)
    grade_form, decision_form = committee_forms(posted(request)["data"], page["rows"])
    form = grade_form if grade_form.is_bound else decision_form
    if request.method == "POST" and form.is_valid():
        try:
            _save(request, obj, form)
        except Refusal as exc:
            fail(request, exc)
        else:
            messages.success(request, _("Recorded."))
        return redirect("appraisal:committee", pk)
    return render(
        request,
        "appraisal/committee.html",
        {
            "period": obj,
            **page,
            "grade_form": grade_form,
            "decision_form": decision_form,
            "editable": obj.state == PeriodState.COMMITTEE,
            "breadcrumb": period_crumbs(obj, _("Committee")),
        },
    )
