"""Scheme pages: import (file or preset), read, compare two versions, attach to a unit, what-if."""

from __future__ import annotations

import difflib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaohe.accounts.models import Role
from kaohe.accounts.scope import get_unit_for_user, require_role, units_for_user
from kaohe.platform.errors import Refusal
from kaohe.platform.roles import OVERSEE
from kaohe.presets import list_presets

from .. import selectors as sel
from ..attribute_specs import scheme_warnings
from ..forms import AttachForm, SchemeImportForm
from ..schemeview import scheme_outline
from ..services.results import what_if
from ..services.schemes import attach_scheme, import_scheme
from .common import OFFICE, fail, posted, scheme_crumbs


@login_required
@require_http_methods(["GET", "POST"])
def schemes(request):
    require_role(request.user, Role.OFFICE)
    form = SchemeImportForm(**posted(request))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            scheme = import_scheme(actor=request.user, text=d["text"], preset=d["preset"])
        except Refusal as exc:
            fail(request, exc)
        else:
            messages.success(request, _("Scheme imported."))
            for warning in scheme_warnings(scheme):
                messages.warning(request, warning)
            return redirect("appraisal:scheme", scheme.pk)
    return render(
        request,
        "appraisal/schemes.html",
        {
            "form": form,
            "schemes": sel.schemes_for_user(request.user),
            "presets": list_presets(),
            "breadcrumb": [(_("Schemes"), "")],
        },
    )


@login_required
@require_GET
def scheme(request, pk: int):
    require_role(request.user, *OVERSEE)
    obj = sel.get_scheme_for_user(request.user, pk)
    return render(
        request,
        "appraisal/scheme.html",
        {
            "scheme": obj,
            "outline": scheme_outline(obj.parsed()),
            **sel.scheme_context(request.user, obj),
            "units": units_for_user(request.user, OFFICE),
            "breadcrumb": scheme_crumbs(obj),
        },
    )


@login_required
@require_GET
def scheme_diff(request, pk: int):
    require_role(request.user, *OFFICE)
    obj = sel.get_scheme_for_user(request.user, pk)
    other = sel.get_scheme_for_user(request.user, request.GET.get("other"))
    lines = difflib.unified_diff(
        other.text.splitlines(), obj.text.splitlines(), str(other), str(obj), lineterm=""
    )
    return render(
        request,
        "appraisal/scheme_diff.html",
        {"scheme": obj, "other": other, "lines": list(lines), "breadcrumb": scheme_crumbs(obj, _("Compare"))},
    )


@login_required
@require_POST
def scheme_attach(request, pk: int):
    require_role(request.user, *OFFICE)
    obj = sel.get_scheme_for_user(request.user, pk)
    form = AttachForm(request.POST)
    form.is_valid()  # every input is acceptable but the unit, which the scope decides (404)
    unit = get_unit_for_user(request.user, form.cleaned_data.get("unit"), OFFICE)
    att = attach_scheme(actor=request.user, scheme=obj, unit=unit, unit_kinds=form.cleaned_data["unit_kinds"])
    messages.success(request, _("Scheme attached to %(unit)s.") % {"unit": unit.name})
    for warning in scheme_warnings(obj, unit=unit, unit_kinds=att.unit_kinds):
        messages.warning(request, warning)
    return redirect("appraisal:scheme", pk)


@login_required
@require_GET
def scheme_preview(request, pk: int):
    """What-if: grades under this scheme on a period's current data, beside the results in force."""
    require_role(request.user, *OFFICE)
    obj = sel.get_scheme_for_user(request.user, pk)
    period = sel.get_period_for_user(request.user, request.GET.get("period"), OFFICE)
    return render(
        request,
        "appraisal/scheme_preview.html",
        {
            "scheme": obj,
            "period": period,
            **what_if(scheme=obj, period=period),
            "breadcrumb": scheme_crumbs(obj, _("What-if preview")),
        },
    )
