"""Pages that write the person attributes the schemes name (考核属性): a person's, for a year, and one
attribute for many people at once (with a confirmation summary). Office only, inside its scope."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kaohe.accounts.scope import get_person_for_user, people_for_user, require_role, units_for_user
from kaohe.platform.roles import Role

from .attributes import person_values, specs_for_paths
from .forms import AttributesForm, BulkFilterForm, BulkSetForm, YearForm
from .services_attributes import set_attribute_for_many, set_attributes

SUMMARY_ROWS = 20  # people named in the confirmation summary


@login_required
@require_POST
def person_attributes(request, pk: int):
    require_role(request.user, Role.OFFICE)
    person = get_person_for_user(request.user, pk, [Role.OFFICE])
    year = YearForm(request.POST).year_or_default()
    values = person_values(person, year)
    form = AttributesForm(request.POST, values=values, year=year)
    if form.is_valid():
        try:
            set_attributes(
                actor=request.user, person=person, year=form.cleaned_data["year"], values=form.values()
            )
        except ValidationError as exc:
            form.add_service_errors(exc.message_dict)
        else:
            messages.success(request, _("Appraisal attributes saved."))
            return redirect(reverse("org:person", args=[pk]) + f"?year={form.cleaned_data['year']}")
    context = {"person": person, "form": form, "values": values, "breadcrumb": [(person.name, "")]}
    return render(request, "org/person_attributes.html", context, status=400)


def _apply_bulk(request, form: BulkSetForm, filters: BulkFilterForm, chosen: list, year: int) -> int | None:
    """Set the attribute for the chosen people; None (and the refusal on the form) when refused."""
    d = form.cleaned_data
    try:
        return set_attribute_for_many(
            actor=request.user,
            people=chosen,
            year=year,
            name=d["name"],
            value=d["value"],
            unit=filters.cleaned_data.get("unit") if filters.is_valid() else None,
        )
    except ValidationError as exc:
        form.add_error("value", " ".join(m for ms in exc.message_dict.values() for m in ms))
        return None


@login_required
@require_http_methods(["GET", "POST"])
def bulk_attributes(request):
    scope = require_role(request.user, Role.OFFICE)
    filters = BulkFilterForm(request.GET, units=units_for_user(request.user, [Role.OFFICE]))
    year = filters.year_or_default()
    people = filters.select(people_for_user(request.user, [Role.OFFICE]).filter(active=True))
    form = BulkSetForm(request.POST or None, specs=specs_for_paths(scope.paths([Role.OFFICE]), year))
    chosen = None
    if request.method == "POST" and form.is_valid():
        chosen = list(people.select_related("unit").order_by("staff_no"))
        if (
            form.cleaned_data["confirm"]
            and (n := _apply_bulk(request, form, filters, chosen, year)) is not None
        ):
            messages.success(request, _("%(n)s people updated.") % {"n": n})
            return redirect(reverse("org:bulk_attributes") + "?" + request.GET.urlencode())
    context = {
        "filters": filters,
        "form": form,
        "year": year,
        "chosen": chosen,
        "label": form.specs[form.cleaned_data["name"]].label if chosen is not None else "",
        "count": people.count(),
        "shown": (chosen or [])[:SUMMARY_ROWS],
        "query": request.GET.urlencode(),
        "breadcrumb": [(_("People"), reverse("org:people")), (_("Set an attribute"), "")],
    }
    return render(request, "org/bulk_attributes.html", context)
