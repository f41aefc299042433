"""Scoring pages: an assessor's sheets, one sheet, reminding an assessor, the KPI import."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaohe.accounts.models import Role
from kaohe.accounts.scope import require_role
from kaohe.platform.errors import Refusal

from .. import selectors as sel
from ..forms import KpiUploadForm
from ..forms_personal import SheetWithPersonalForm
from ..selectors_personal import period_nodes, personal_rows
from ..services.scoring import remind as remind_assessor
from ..services.scoring import reopen_sheet, save_kpis, save_sheet, sheets_to_score
from .common import OFFICE, fail, period_crumbs, posted


@login_required
@require_GET
def sheets(request):
    require_role(request.user, Role.REVIEWER, Role.OFFICE)
    mine, office = sheets_to_score(user=request.user)
    return render(
        request,
        "appraisal/sheets.html",
        {"mine": mine, "office": office, "breadcrumb": [(_("Scoring sheets"), "")]},
    )


def _sheet_form(request, sheet) -> SheetWithPersonalForm:
    people = list(sel.sheet_people(sheet).order_by("unit__path", "staff_no"))
    scores = sel.sheet_scores(sheet, people)
    personal = personal_rows(sheet.period, people)
    return SheetWithPersonalForm(
        **posted(request),
        people=people,
        cols=sel.columns(sheet.period),
        scores=scores,
        personal=personal,
        has_personal=bool(period_nodes(sheet.period)),
    )


@login_required
@require_http_methods(["GET", "POST"])
def sheet(request, pk: int):
    require_role(request.user, Role.REVIEWER, Role.OFFICE)
    obj = sel.get_sheet_for_user(request.user, pk)
    form = _sheet_form(request, obj)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if d["reopen"]:
                reopen_sheet(actor=request.user, sheet=obj)
            else:
                save_sheet(actor=request.user, sheet=obj, entries=form.entries(), submit=d["submit"])
        except Refusal as exc:
            fail(request, exc)
        else:
            messages.success(request, _("Sheet saved."))
            return redirect("appraisal:sheet", pk)
    return render(
        request,
        "appraisal/sheet.html",
        {
            "sheet": obj,
            "form": form,
            "editable": sel.sheet_editable(obj),
            "breadcrumb": [(_("Scoring sheets"), reverse("appraisal:sheets")), (str(obj), "")],
        },
    )


@login_required
@require_POST
def remind(request, pk: int):
    require_role(request.user, *OFFICE)
    sheet = sel.get_sheet_for_user(request.user, pk)
    sent = remind_assessor(actor=request.user, sheet=sheet)
    messages.success(request, _("Reminder sent.") if sent else _("This assessor has no account to remind."))
    return redirect("appraisal:period", sheet.period_id)


@login_required
@require_http_methods(["GET", "POST"])
def kpis(request, pk: int):
    """KPI actuals and targets: an Excel import (person, indicator, measure, actual, target, multiple)."""
    require_role(request.user, *OFFICE)
    obj = sel.get_period_for_user(request.user, pk, OFFICE)
    form = KpiUploadForm(**posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            n = save_kpis(actor=request.user, period=obj, rows=form.cleaned_data["file"])
        except Refusal as exc:
            fail(request, exc)
        else:
            messages.success(
                request, ngettext("%(n)s KPI row stored.", "%(n)s KPI rows stored.", n) % {"n": n}
            )
            return redirect("appraisal:kpis", pk)
    return render(
        request,
        "appraisal/kpis.html",
        {
            "period": obj,
            "form": form,
            "kpis": sel.kpis_of(obj),
            "breadcrumb": period_crumbs(obj, _("KPIs")),
        },
    )
