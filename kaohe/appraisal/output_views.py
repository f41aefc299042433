"""The cycle's outputs as pages: the results workbook, a person's feedback report, the annual roll-up."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kaohe.accounts.models import Role
from kaohe.accounts.scope import get_unit_for_user, require_role, scope_for, units_for_user
from kaohe.platform.excel import xlsx_response
from kaohe.platform.roles import BROWSE, OVERSEE

from . import selectors
from .exports import results_filename, results_workbook
from .reports import feedback
from .rollups import rollup as year_rollup


class RollupForm(forms.Form):
    unit = forms.CharField(required=False)  # an id; one out of scope or malformed is a 404
    year = forms.IntegerField(required=False, min_value=1)  # malformed: the current year


@login_required
@require_GET
def results_xlsx(request, pk: int):
    require_role(request.user, *OVERSEE)
    period = selectors.get_period_for_user(request.user, pk)
    data = results_workbook(period)
    return xlsx_response(data, results_filename(period), fallback=f"results-{period.code}.xlsx")


@login_required
@require_GET
def report(request, pk: int):
    """A person's print-ready feedback report; their own only once the results are published."""
    require_role(request.user, *BROWSE, Role.STAFF)
    row = selectors.get_row_for_user(request.user, pk)
    own = row.person.user_id == request.user.pk
    if own and not row.result_set.period.locked and not scope_for(request.user).has_role(*BROWSE):
        raise Http404
    data = feedback(row)
    return render(
        request,
        "appraisal/report.html",
        {
            "row": row,
            "period": row.result_set.period,
            "data": data,
            "chart": {"radar": data["radar"], "trend": data["trend"]},
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
    form = RollupForm(request.GET)
    form.is_valid()
    year = form.cleaned_data.get("year") or timezone.localdate().year
    unit_id = form.cleaned_data.get("unit") or (
        selectors.periods_for_user(request.user).values_list("unit_id", flat=True).first()
    )
    unit = get_unit_for_user(request.user, unit_id, OVERSEE) if unit_id else None
    codes, rows, rule = year_rollup(unit, year) if unit else ([], [], "")
    return render(
        request,
        "appraisal/rollup.html",
        {
            "units": units_for_user(request.user, OVERSEE)[:200],
            "unit": unit,
            "year": year,
            "codes": codes,
            "rows": rows,
            "rule": rule,
            "has_year": any(len(c) == 4 for c in codes),  # a year's code is "2025"
            "breadcrumb": [(_("Annual roll-up"), "")],
        },
    )
