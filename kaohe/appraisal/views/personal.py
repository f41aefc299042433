"""Personal indicators (个性指标) pages: the period's list of people with theirs (searched by person or
unit) and its Excel import, and one person's indicators (a formset per scheme node). The reviewer
sets those of their reviewees, the office those of everyone in its scope."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaohe.accounts.scope import require_role
from kaohe.platform.errors import Refusal
from kaohe.platform.excel import xlsx_response

from .. import selectors_personal as sel
from ..forms_personal import PersonalEditForm, PersonalSearchForm, PersonalUploadForm
from ..personal_export import personal_workbook as build_workbook
from ..services.personal import import_personal_indicators, set_personal_indicators
from .common import fail, period_crumbs, posted


@login_required
@require_GET
def personal(request, pk: int):
    """The period's people (those the user sets) with their personal indicators."""
    require_role(request.user, *sel.SETTERS)
    period = sel.get_personal_period(request.user, pk)
    search = PersonalSearchForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    return render(
        request,
        "appraisal/personal.html",
        {
            "period": period,
            "search": search,
            "upload": PersonalUploadForm(),
            "editable": sel.can_edit(period),
            **sel.personal_page(request.user, period, query),
            "breadcrumb": period_crumbs(period, _("Personal indicators")),
        },
    )


@login_required
@require_GET
def personal_workbook(request, pk: int):
    """The import's workbook, filled with the indicators the user's people have now."""
    require_role(request.user, *sel.SETTERS)
    period = sel.get_personal_period(request.user, pk)
    book = build_workbook(request.user, period)
    return xlsx_response(book, f"个性指标-{period.code}.xlsx", fallback=f"personal-{period.code}.xlsx")


@login_required
@require_POST
def personal_import(request, pk: int):
    """The Excel import: person, scheme indicator, indicator, points or weight, target."""
    require_role(request.user, *sel.SETTERS)
    period = sel.get_personal_period(request.user, pk)
    form = PersonalUploadForm(**posted(request))
    if not form.is_valid():
        for e in form.errors.get("file", []):
            messages.error(request, str(e))
        return redirect("appraisal:personal", pk)
    sheet, rows = form.cleaned_data["file"]
    try:
        n = import_personal_indicators(actor=request.user, period=period, sheet=sheet, rows=rows)
    except Refusal as exc:
        fail(request, exc)
    else:
        msg = ngettext("%(n)s personal indicator set.", "%(n)s personal indicators set.", n)
        messages.success(request, msg % {"n": n})
    return redirect("appraisal:personal", pk)


@login_required
@require_http_methods(["GET", "POST"])
def personal_person(request, pk: int, person: int):
    """One person's indicators: a row per indicator, as many as the scheme allows."""
    require_role(request.user, *sel.SETTERS)
    period = sel.get_personal_period(request.user, pk)
    who = sel.get_settable_person(request.user, period, person)
    existing = list(sel.indicators_of(period, [who]).get(who.pk, []))
    form = PersonalEditForm(posted(request)["data"], nodes=sel.period_nodes(period), existing=existing)
    if request.method == "POST" and form.is_valid():
        try:
            set_personal_indicators(actor=request.user, period=period, person=who, sets=form.values())
        except Refusal as exc:
            fail(request, exc)
        else:
            messages.success(request, _("Personal indicators saved."))
            return redirect("appraisal:personal", pk)
    back = (_("Personal indicators"), reverse("appraisal:personal", args=[pk]))
    crumbs = [*period_crumbs(period, back[0])[:2], back, (who.name, "")]
    return render(
        request,
        "appraisal/personal_person.html",
        {
            "period": period,
            "person": who,
            "form": form,
            "editable": sel.can_edit(period),
            "breadcrumb": crumbs,
        },
    )
