"""The audit trail page for inspectors: filter events, page through them, see the chain's state."""

from datetime import datetime, time, timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from kaohe.org.models import Unit

from .models import Event, Seal
from .selectors import events_for_user


class EventFilterForm(forms.Form):
    actor = forms.CharField(label=gettext_lazy("Who (user name)"), max_length=150, required=False)
    action = forms.CharField(label=gettext_lazy("Action"), max_length=80, required=False)
    object_type = forms.CharField(label=gettext_lazy("Object type"), max_length=80, required=False)
    object_id = forms.CharField(label=gettext_lazy("Object id"), max_length=64, required=False)
    start = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def filter(self, events):
        """``events`` matching the valid filters, newest first; an invalid field is ignored."""
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if v}
        if "actor" in data:
            events = events.filter(actor_label__iexact=data["actor"])
        if "action" in data:
            events = events.filter(action__icontains=data["action"])
        if "object_type" in data:
            events = events.filter(object_type=data["object_type"])
        if "object_id" in data:
            events = events.filter(object_id=data["object_id"])
        tz = timezone.get_current_timezone()
        if "start" in data:
            events = events.filter(at__gte=datetime.combine(data["start"], time.min, tz))
        if "end" in data:
            events = events.filter(at__lt=datetime.combine(data["end"] + timedelta(days=1), time.min, tz))
        return events.order_by("-id")


@login_required
@require_GET
def events(request):
    in_scope = events_for_user(request.user)
    form = EventFilterForm(request.GET)
    page = Paginator(form.filter(in_scope), 50).get_page(request.GET.get("page"))
    units = dict(
        Unit.objects.filter(pk__in={e.unit_id for e in page.object_list if e.unit_id}).values_list(
            "pk", "name"
        )
    )
    for e in page.object_list:
        e.unit_name = units.get(e.unit_id, "")  # a unit deleted since keeps its id on the event
    query = request.GET.copy()
    query.pop("page", None)
    chain = {
        "sealed": Event.objects.filter(seq__isnull=False).count(),
        "unsealed": Event.objects.filter(seq__isnull=True).count(),
        "seal": Seal.objects.order_by("-last_seq").first(),
    }
    context = {"form": form, "page": page, "query": query.urlencode(), "chain": chain}
    return render(request, "audit/events.html", context | {"breadcrumb": [(_("Audit trail"), "")]})
