"""Period pages: the list and a new period, one period with its scoring progress, its next step."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaohe.accounts.models import Role
from kaohe.accounts.scope import require_role, units_for_user
from kaohe.ballot.selectors import campaigns_for_user
from kaohe.platform.errors import Refusal
from kaohe.platform.roles import OVERSEE

from .. import logic
from .. import selectors as sel
from .. import selectors_sheets as sheets_sel
from ..choices import PeriodKind
from ..forms import AdoptSchemeForm, LinkCampaignForm, PeriodActionForm, PeriodForm
from ..services.periods import (
    adopt_scheme,
    cancel_period,
    create_period,
    link_campaign,
    send_to_committee,
    start_scoring,
    undo,
)
from ..services.publicity import finalize, publish
from ..services.results import compute_period, correct
from .common import OFFICE, fail, period_crumbs, posted


def _publish(actor, period, form: dict):
    if not form["confirm"]:
        raise Refusal(_("Check the summary and confirm before publishing."))
    return publish(actor=actor, period=period)


# The next steps the period page offers, each one service: (actor, period, form data) → the service.
ACTIONS = {
    "scoring": lambda actor, period, form: start_scoring(actor=actor, period=period),
    "compute": lambda actor, period, form: compute_period(actor=actor, period=period),
    "committee": lambda actor, period, form: send_to_committee(actor=actor, period=period),
    "undo": lambda actor, period, form: undo(actor=actor, period=period),
    "publish": _publish,
    "finalize": lambda actor, period, form: finalize(actor=actor, period=period),
    "correct": lambda actor, period, form: correct(actor=actor, period=period, reason=form["reason"]),
}


def _period_form(request) -> PeriodForm:
    user = request.user
    return PeriodForm(
        **posted(request),
        units=units_for_user(user, OFFICE),
        schemes=sel.schemes_for_user(user),
        campaigns=campaigns_for_user(user),
    )


@login_required
@require_http_methods(["GET", "POST"])
def periods(request):
    require_role(request.user, *OVERSEE)
    if request.method == "POST":
        require_role(request.user, *OFFICE)
    form = _period_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            period = create_period(actor=request.user, **form.values())
        except Refusal as exc:
            fail(request, exc)
        else:
            return redirect("appraisal:period", period.pk)
    return render(
        request,
        "appraisal/periods.html",
        {
            "form": form,
            "periods": sel.periods_for_user(request.user),
            "kinds": PeriodKind.choices,
            "units": units_for_user(request.user, OFFICE),
            "schemes": sel.schemes_for_user(request.user),
            "breadcrumb": [(_("Appraisal periods"), "")],
        },
    )


@login_required
@require_GET
def period(request, pk: int):
    require_role(request.user, *OVERSEE)
    obj = sel.get_period_for_user(request.user, pk)
    plan = sheets_sel.sheet_plan(obj)
    return render(
        request,
        "appraisal/period.html",
        {
            "period": obj,
            "progress": sheets_sel.scoring_progress(obj, plan),
            "groups_without_members": plan.unstaffed,
            "result_sets": obj.result_sets.defer("blob"),
            "claims": sel.claims_of(obj),
            "decisions": obj.decisions.all(),
            "undo": obj.state in logic.UNDO,
            "is_office": sel.scope_for(request.user).has_role(Role.OFFICE),
            "schemes": sel.schemes_for_user(request.user)
            .filter(period_kind=obj.kind, year=obj.start.year)
            .exclude(pk=obj.scheme_id),
            "campaigns": campaigns_for_user(request.user),
            "summary": sel.publish_summary(obj) if obj.state == "committee" else None,
            "breadcrumb": period_crumbs(obj),
        },
    )


@login_required
@require_POST
def period_action(request, pk: int):
    require_role(request.user, *OFFICE)
    obj = sel.get_period_for_user(request.user, pk, OFFICE)
    form = PeriodActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown action."))
        return redirect("appraisal:period", pk)
    try:
        ACTIONS[form.cleaned_data["action"]](request.user, obj, form.cleaned_data)
    except Refusal as exc:
        fail(request, exc)
    else:
        messages.success(request, _("Done."))
    return redirect("appraisal:period", pk)


def _apply(request, pk: int, form, service) -> HttpResponse:
    """Office POST on a period: validate ``form``, call ``service(period, cleaned_data)``, back to the page."""
    require_role(request.user, *OFFICE)
    obj = sel.get_period_for_user(request.user, pk, OFFICE)
    try:
        if not form.is_valid():
            raise Refusal(str(next(iter(form.errors.values()))[0]))
        service(obj, form.cleaned_data)
    except Refusal as exc:
        fail(request, exc)
    else:
        messages.success(request, _("Done."))
    return redirect("appraisal:period", pk)


@login_required
@require_POST
def period_scheme(request, pk: int):
    """Adopt another scheme (a new version) before the committee."""
    form = AdoptSchemeForm(request.POST, schemes=sel.schemes_for_user(request.user))
    return _apply(
        request, pk, form, lambda p, d: adopt_scheme(actor=request.user, period=p, scheme=d["scheme"])
    )


@login_required
@require_POST
def period_campaign(request, pk: int):
    """Link the period's ballot campaign, or unlink it."""
    form = LinkCampaignForm(request.POST, campaigns=campaigns_for_user(request.user))
    return _apply(
        request, pk, form, lambda p, d: link_campaign(actor=request.user, period=p, campaign=d["campaign"])
    )


@login_required
@require_POST
def period_cancel(request, pk: int):
    """Cancel a period in preparation."""
    require_role(request.user, *OFFICE)
    obj = sel.get_period_for_user(request.user, pk, OFFICE)
    try:
        cancel_period(actor=request.user, period=obj)
    except Refusal as exc:
        fail(request, exc)
        return redirect("appraisal:period", pk)
    messages.success(request, _("The period %(code)s is cancelled.") % {"code": obj.code})
    return redirect("appraisal:periods")
