"""Result pages: a period's results per track, a person's result with its derivation, my results."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kaohe.accounts.models import Role
from kaohe.accounts.scope import require_role
from kaohe.platform.roles import BROWSE, OVERSEE

from .. import selectors as sel
from ..selectors_personal import own_personal
from .common import period_crumbs


@login_required
@require_GET
def results(request, pk: int):
    """Results of one version per track in rank order (one query for the rows)."""
    require_role(request.user, *OVERSEE)
    obj = sel.get_period_for_user(request.user, pk)
    return render(
        request,
        "appraisal/results.html",
        {
            "period": obj,
            **sel.track_results(obj, request.GET.get("track", "")),
            "breadcrumb": period_crumbs(obj, _("Results")),
        },
    )


@login_required
@require_GET
def result(request, pk: int):
    """A person's result with every number and its reason (the engine's derivation)."""
    require_role(request.user, *BROWSE, Role.STAFF)
    row = sel.get_row_for_user(request.user, pk)
    if sel.result_hidden(request.user, row):
        raise Http404
    period, own = row.result_set.period, row.person.user_id == request.user.pk
    lang = "zh" if (request.LANGUAGE_CODE or "zh").startswith("zh") else "en"
    back = (_("My results"), reverse("appraisal:mine")) if own else None
    return render(
        request,
        "appraisal/result.html",
        {
            "row": row,
            "period": period,
            "explanation": row.result_set.explanation(row.person.staff_no, lang),
            "own": own,
            "can_appeal": own and period.appeals_open(timezone.localdate()) and row.result_set.current,
            "changes": row.changes.all(),
            "appeals": row.appeals.all(),
            "versions": sel.versions_of(row),
            "breadcrumb": [
                back or (_("Results"), reverse("appraisal:results", args=[period.pk])),
                (f"{row.person.name} {period.code}", ""),
            ],
        },
    )


@login_required
@require_GET
def mine(request):
    """My published results, newest first."""
    return render(
        request,
        "appraisal/mine.html",
        {
            "rows": sel.published_rows_of(request.user),
            "appeals": sel.own_appeals(request.user),
            "personal": own_personal(request.user),
            "breadcrumb": [(_("My results"), "")],
        },
    )
