"""Scoring pages: an assessor's sheets, one sheet (its Excel template and import), reminding an
assessor, the scoring groups' members, the KPI import."""

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
from kaohe.platform.excel import xlsx_response

from .. import selectors as sel
from .. import selectors_sheets as sheets_sel
from ..forms import GroupMembersForm, KpiUploadForm, SheetUploadForm
from ..forms_personal import SheetWithPersonalForm
from ..selectors_personal import period_nodes, personal_rows
from ..services.scoring import (
    import_sheet,
    reopen_sheet,
    save_kpis,
    save_sheet,
    set_group_members,
    sheets_to_score,
)
from ..services.scoring import remind as remind_assessor
from ..sheet_excel import sheet_template
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
    view = sheets_sel.sheet_view(sheet)
    return SheetWithPersonalForm(
        **posted(request),
        view=view,
        personal=personal_rows(sheet.period, list(view.people)),
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
            "editable": sheets_sel.sheet_editable(obj),
            "upload": SheetUploadForm(),
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


@login_required
@require_GET
def sheet_xlsx(request, pk: int):
    """The sheet as a workbook to fill: the assessor's people and only their lines."""
    require_role(request.user, Role.REVIEWER, Role.OFFICE)
    obj = sel.get_sheet_for_user(request.user, pk)
    return xlsx_response(sheet_template(obj), f"评分表-{obj.period.code}.xlsx", fallback="sheet.xlsx")


@login_required
@require_POST
def sheet_import(request, pk: int):
    """A filled sheet workbook: all or nothing, every problem by sheet, row and column."""
    require_role(request.user, Role.REVIEWER, Role.OFFICE)
    obj = sel.get_sheet_for_user(request.user, pk)
    form = SheetUploadForm(**posted(request))
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, str(e))
        return redirect("appraisal:sheet", pk)
    name, rows = form.cleaned_data["file"]
    try:
        n = import_sheet(actor=request.user, sheet=obj, rows=rows, sheet_name=name)
    except Refusal as exc:
        fail(request, exc)
    else:
        messages.success(request, ngettext("%(n)s score stored.", "%(n)s scores stored.", n) % {"n": n})
    return redirect("appraisal:sheet", pk)


@login_required
@require_http_methods(["GET", "POST"])
def scoring_groups(request, pk: int):
    """The office names the members of the scheme's scoring groups (考核小组) for the period."""
    require_role(request.user, *OFFICE)
    obj = sel.get_period_for_user(request.user, pk, OFFICE)
    groups = sheets_sel.scoring_groups(obj)
    form = GroupMembersForm(**posted(request), groups=[g["name"] for g in groups])
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            set_group_members(actor=request.user, period=obj, group=d["group"], staff_nos=d["staff_nos"])
        except Refusal as exc:
            fail(request, exc)
        else:
            messages.success(request, _("Members saved."))
            return redirect("appraisal:scoring_groups", pk)
    return render(
        request,
        "appraisal/scoring_groups.html",
        {
            "period": obj,
            "form": form,
            "groups": groups,
            "breadcrumb": period_crumbs(obj, _("Scoring groups")),
        },
    )
