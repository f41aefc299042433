"""The office's follow-ups page: open items with their due dates, closing one with a record."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kaohe.accounts.models import Role
from kaohe.accounts.scope import require_role
from kaohe.platform.errors import Refusal

from . import followups


class CloseForm(forms.Form):
    record = forms.CharField(required=False)  # a blank record is refused by the service, with its reason


@login_required
@require_GET
def follow_ups(request):
    require_role(request.user, Role.OFFICE)
    items = followups.follow_ups_for_user(request.user)
    return render(
        request,
        "appraisal/follow_ups.html",
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
    item = get_object_or_404(followups.follow_ups_for_user(request.user), pk=pk)
    form = CloseForm(request.POST)
    form.is_valid()
    try:
        followups.close_follow_up(actor=request.user, item=item, record_text=form.cleaned_data["record"])
    except Refusal as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Follow-up closed."))
    return redirect("outcome:follow_ups")
