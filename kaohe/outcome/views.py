"""Outcome pages: follow-ups, the results workbook, the feedback report and the annual roll-up."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kaohe.accounts.models import Role
from kaohe.accounts.scope import get_unit_for_user, require_role, units_for_user
from kaohe.appraisal import selectors as asel
from kaohe.appraisal.views.common import xlsx_response
from kaohe.platform.errors import Refusal
from kaohe.platform.roles import BROWSE, OVERSEE

from . import selectors, services


@login_required
@require_GET
def follow_ups(request):
    require_role(request.user, Role.OFFICE)
    items = selectors.follow_ups_for_user(request.user)
    return render(
        request,
        "outcome/follow_ups.html",
        {
            "open": items.filter(closed_at__isnull=True)[:300],
            "closed": items.filter(closed_at__isnull=False)[:100],
            "today": timezone.localdate(),
            "breadcrumb": [(_("Follow-ups"), "")],
        },
    )


@login_required
@require_POST
def close(request, pk: int):
    require_role(request.user, Role.OFFICE)
    from django.http import Http404

    try:
        item = selectors.follow_ups_for_user(request.user).get(pk=pk)
    except Exception:
        raise Http404 from None
    try:
        services.close_follow_up(actor=request.user, item=item, record_text=request.POST.get("record", ""))
    except Refusal as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Follow-up closed."))
    return redirect("outcome:follow_ups")


@login_required
@require_GET
def results_xlsx(request, pk: int):
    require_role(request.user, *OVERSEE)
    period = asel.get_period_for_user(request.user, pk)
    return xlsx_response(selectors.results_workbook(period), f"results-{period.code}")


@login_required
@require_GET
def report(request, pk: int):
    """A person's print-ready feedback report."""
    require_role(request.user, *BROWSE, Role.STAFF)
    row = asel.get_row_for_user(request.user, pk)
    if (
        row.person.user_id == request.user.pk
        and not row.result_set.period.locked
        and not asel.scope_for(request.user).has_role(*BROWSE)
    ):
        from django.http import Http404

        raise Http404
    data = selectors.feedback(row)
    chart = {"radar": data["radar"], "trend": data["trend"]}
    return render(
        request,
        "outcome/report.html",
        {
            "row": row,
            "period": row.result_set.period,
            "data": data,
            "chart": chart,
            "breadcrumb": [
                (_("Results"), reverse("appraisal:result", args=[pk])),
                (_("Feedback report"), ""),
            ],
        },
    )


@login_required
@require_GET
def rollup(request):
    require_role(request.user, *OVERSEE)
    units = units_for_user(request.user, OVERSEE)
    unit_id = request.GET.get("unit") or (
        asel.periods_for_user(request.user).values_list("unit_id", flat=True).first()
    )
    year = (
        int(request.GET.get("year") or timezone.localdate().year)
        if (request.GET.get("year") or "").isdigit() or not request.GET.get("year")
        else timezone.localdate().year
    )
    codes, rows, rule = [], [], ""
    unit = None
    if unit_id:
        unit = get_unit_for_user(request.user, unit_id, OVERSEE)
        codes, rows, rule = selectors.rollup(unit, year)
    return render(
        request,
        "outcome/rollup.html",
        {
            "units": units[:200],
            "unit": unit,
            "year": year,
            "codes": codes,
            "rows": rows,
            "rule": rule,
            "has_year": any(len(c) == 4 for c in codes),  # a year's code is "2025"
            "breadcrumb": [(_("Annual roll-up"), "")],
        },
    )
