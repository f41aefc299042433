"""The inputs page of a period: every input the scheme reads, its coverage and what is missing; the
office records an input as truly empty (with a reason) or withdraws that record."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kaohe.accounts.models import Role
from kaohe.accounts.scope import require_role
from kaohe.platform.errors import Refusal
from kaohe.platform.roles import OVERSEE

from .. import selectors as sel
from ..forms import EmptyInputForm
from ..models import EmptyInput
from ..readiness import MAY_BE_EMPTY, readiness
from ..services.readiness import record_empty, withdraw_empty
from .common import OFFICE, fail, period_crumbs


@login_required
@require_GET
def readiness_page(request, pk: int):
    require_role(request.user, *OVERSEE)
    obj = sel.get_period_for_user(request.user, pk)
    coverage = readiness(obj)
    return render(
        request,
        "appraisal/readiness.html",
        {
            "period": obj,
            "coverage": coverage,
            "missing": sum(1 for c in coverage if c.blocks),
            "may_be_empty": {n.value for n in MAY_BE_EMPTY},
            "empties": obj.empty_inputs.all(),
            "is_office": sel.scope_for(request.user).has_role(Role.OFFICE),
            "breadcrumb": period_crumbs(obj, _("Readiness")),
        },
    )


@login_required
@require_POST
def empty(request, pk: int):
    require_role(request.user, *OFFICE)
    obj = sel.get_period_for_user(request.user, pk, OFFICE)
    form = EmptyInputForm(request.POST)
    try:
        if not form.is_valid():
            raise Refusal(form.first_error())
        if form.cleaned_data["withdraw"]:
            found = get_object_or_404(EmptyInput, pk=form.cleaned_data["withdraw"], period=obj)
            withdraw_empty(actor=request.user, empty=found)
        else:
            record_empty(actor=request.user, period=obj, **form.values())
    except Refusal as exc:
        fail(request, exc)
    else:
        messages.success(request, _("Done."))
    return redirect("appraisal:readiness", pk)
