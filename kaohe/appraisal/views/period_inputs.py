"""The period inputs pages (期间数据): measures, money and unit grades on one page, task results on
another; one entry at a time or the whole workbook, and the workbook's template."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaohe.accounts.scope import require_role
from kaohe.platform.errors import Refusal
from kaohe.platform.excel import xlsx_response

from .. import selectors as sel
from .. import selectors_inputs as inputs_sel
from ..forms_inputs import AmountForm, InputsUploadForm, MeasureForm, TaskResultForm, UnitGradeForm
from ..period_workbook import template
from ..services.measures import set_measures
from ..services.money import set_amounts
from ..services.period_import import import_period_inputs
from ..services.tasks import set_task_results
from ..services.unit_grades import set_unit_grades
from .common import OFFICE, fail, period_crumbs, posted


def _office_period(request, pk: int):
    require_role(request.user, *OFFICE)
    return sel.get_period_for_user(request.user, pk, OFFICE)


def _form_errors(request, form) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for e in errors:
            messages.error(request, f"{label}：{e}" if label else e)


def _entry(request, pk: int, make: Callable, apply: Callable, back: str = "appraisal:period_inputs"):
    """One entry posted from a page: validate the form, call the service with its row, go back."""
    period = _office_period(request, pk)
    form = make(request.POST, period)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(back, pk)
    try:
        apply(request.user, period, form)
    except Refusal as exc:
        fail(request, exc)
    else:
        messages.success(request, _("Saved."))
    return redirect(back, pk)


@login_required
@require_GET
def period_inputs(request, pk: int):
    period = _office_period(request, pk)
    inputs = inputs_sel.period_inputs(period)
    return render(
        request,
        "appraisal/period_inputs.html",
        {
            "period": period,
            "inputs": inputs,
            "measure_form": MeasureForm(inputs=inputs),
            "amount_form": AmountForm(inputs=inputs),
            "grade_form": UnitGradeForm(inputs=inputs),
            "upload_form": InputsUploadForm(),
            "breadcrumb": period_crumbs(period, _("Period inputs")),
        },
    )


@login_required
@require_POST
def measure_set(request, pk: int):
    return _entry(
        request,
        pk,
        lambda data, period: MeasureForm(data, inputs=inputs_sel.period_inputs(period)),
        lambda actor, period, form: set_measures(actor=actor, period=period, rows=[form.row()]),
    )


@login_required
@require_POST
def amount_set(request, pk: int):
    return _entry(
        request,
        pk,
        lambda data, period: AmountForm(data, inputs=inputs_sel.period_inputs(period)),
        lambda actor, period, form: set_amounts(actor=actor, period=period, rows=[form.row()]),
    )


@login_required
@require_POST
def unit_grade_set(request, pk: int):
    return _entry(
        request,
        pk,
        lambda data, period: UnitGradeForm(data, inputs=inputs_sel.period_inputs(period)),
        lambda actor, period, form: set_unit_grades(
            actor=actor, period=period, rows=[form.row()], whole_year=form.cleaned_data["whole_year"]
        ),
    )


@login_required
@require_POST
def inputs_import(request, pk: int):
    """The whole workbook, all or nothing; each problem names its sheet, row and column."""
    period = _office_period(request, pk)
    form = InputsUploadForm(**posted(request))
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("appraisal:period_inputs", pk)
    try:
        done = import_period_inputs(actor=request.user, period=period, sheets=form.cleaned_data["file"])
    except Refusal as exc:
        fail(request, exc)
    else:
        counts = "，".join(f"{name} {n}" for name, n in done.items()) or "0"
        messages.success(request, _("Imported: %(counts)s.") % {"counts": counts})
    return redirect("appraisal:period_inputs", pk)


@login_required
@require_GET
def inputs_template(request, pk: int):
    period = _office_period(request, pk)
    inputs = inputs_sel.period_inputs(period)
    wb = template(
        period.scheme.parsed(), inputs.units, inputs_sel.entered(period), inputs_sel.task_rows(period)
    )
    return xlsx_response(wb, f"期间数据_{period.code}.xlsx", fallback=f"period-inputs-{period.code}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def tasks(request, pk: int):
    """Task results: the list, and one person's completion rate of a task indicator (a percentage)."""
    if request.method == "POST":
        return _entry(
            request,
            pk,
            lambda data, period: TaskResultForm(data, keys=inputs_sel.task_leaves(period)),
            lambda actor, period, form: set_task_results(actor=actor, period=period, rows=[form.row()]),
            back="appraisal:tasks",
        )
    period = _office_period(request, pk)
    keys = inputs_sel.task_leaves(period)
    context = {
        "period": period,
        "keys": keys,
        "form": TaskResultForm(keys=keys),
        "results": inputs_sel.task_results_of(period)[: inputs_sel.MAX_SHOWN],
        "breadcrumb": period_crumbs(period, _("Task results")),
    }
    return render(request, "appraisal/tasks.html", context)
