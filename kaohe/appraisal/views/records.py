"""Person-record pages: the records list with its search, a new record, one record (end, delete),
its evidence files, and the records import with its template. The office enters every kind, the
inspector the discipline kinds (sanction, investigation, veto)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaohe.accounts.scope import people_for_user, require_role
from kaohe.org.models import RecordEvidence
from kaohe.platform.errors import Refusal
from kaohe.platform.excel import xlsx_response

from .. import records_excel
from ..forms_records import RecordEndForm, RecordForm, RecordSearchForm, RecordsImportForm
from ..records import RECORD_ROLES, kinds_for, records_for_user
from ..services.records import add_record, delete_record, end_record
from .common import fail, posted

PAGE_SIZE = 50


def _crumbs(*last: tuple[str, str]) -> list[tuple[str, str]]:
    return [(_("Person records"), reverse("appraisal:records")), *last]


def _get(user, pk: int):
    """A record the user may see (404 otherwise)."""
    rec = records_for_user(user).filter(pk=pk).first()
    if rec is None:
        raise Http404
    return rec


@login_required
@require_GET
def records(request):
    require_role(request.user, *RECORD_ROLES)
    form = RecordSearchForm(request.GET or None)
    found = form.filter(records_for_user(request.user)).order_by("-start", "-pk")
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "breadcrumb": [(_("Person records"), "")],
    }
    return render(request, "appraisal/records.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def record_new(request):
    require_role(request.user, *RECORD_ROLES)
    people = people_for_user(request.user, RECORD_ROLES)
    initial = {"person": request.GET.get("person", "")}
    form = RecordForm(**posted(request), initial=initial, people=people, kinds=kinds_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            rec = add_record(actor=request.user, **form.values(request.FILES))
        except Refusal as exc:
            fail(request, exc)
        else:
            messages.success(request, _("Record entered."))
            return redirect("appraisal:record", rec.pk)
    items = records_excel.items_for(request.user)
    context = {"form": form, "items": items, "breadcrumb": _crumbs((_("New record"), ""))}
    return render(request, "appraisal/record_new.html", context)


@login_required
@require_GET
def record(request, pk: int):
    require_role(request.user, *RECORD_ROLES)
    rec = _get(request.user, pk)
    context = {
        "record": rec,
        "evidence": rec.evidence.all(),
        "end_form": RecordEndForm(),
        "breadcrumb": _crumbs((str(rec), "")),
    }
    return render(request, "appraisal/record.html", context)


@login_required
@require_POST
def record_end(request, pk: int):
    require_role(request.user, *RECORD_ROLES)
    rec = _get(request.user, pk)
    form = RecordEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the day the record ended."))
        return redirect("appraisal:record", pk)
    try:
        end_record(actor=request.user, record_=rec, end=form.cleaned_data["end"])
    except Refusal as exc:
        fail(request, exc)
    else:
        messages.success(request, _("Record ended."))
    return redirect("appraisal:record", pk)


@login_required
@require_POST
def record_delete(request, pk: int):
    require_role(request.user, *RECORD_ROLES)
    rec = _get(request.user, pk)
    try:
        delete_record(actor=request.user, record_=rec)
    except Refusal as exc:
        fail(request, exc)
        return redirect("appraisal:record", pk)
    messages.success(request, _("Record deleted."))
    return redirect("appraisal:records")


@login_required
@require_GET
def record_evidence(request, pk: int):
    require_role(request.user, *RECORD_ROLES)
    ev = RecordEvidence.objects.filter(pk=pk, record__in=records_for_user(request.user)).first()
    if ev is None:
        raise Http404
    return FileResponse(
        ev.file.open("rb"), content_type=ev.content_type, as_attachment=True, filename=ev.name
    )


@login_required
@require_http_methods(["GET", "POST"])
def records_import(request):
    require_role(request.user, *RECORD_ROLES)
    form = RecordsImportForm(**posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            n = records_excel.import_records(actor=request.user, upload=form.cleaned_data["workbook"])
        except Refusal as exc:
            fail(request, exc)
        else:
            messages.success(request, _("%(n)s records imported.") % {"n": n})
            return redirect("appraisal:records")
    context = {"form": form, "breadcrumb": _crumbs((_("Import"), ""))}
    return render(request, "appraisal/records_import.html", context)


@login_required
@require_GET
def records_template(request):
    require_role(request.user, *RECORD_ROLES)
    book = records_excel.template(request.user)
    return xlsx_response(book, records_excel.TEMPLATE_NAME, fallback="records-template.xlsx")
