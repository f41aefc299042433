"""Organisation pages: the unit tree, a unit, a person, the people list with its Excel export, and
the Excel import. Each view: authorise through ``kaohe.accounts.scope``, validate, call, respond."""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from kaohe.accounts.models import Role
from kaohe.accounts.scope import (
    Scope,
    get_person_for_user,
    get_unit_for_user,
    people_for_user,
    require_role,
    scope_for,
    units_for_user,
)
from kaohe.platform.excel import xlsx_response
from kaohe.platform.roles import BROWSE

from . import excel
from .attributes import person_values, specs_for_paths
from .choices import DISCIPLINE_KINDS
from .filters import PeopleFilterForm, filter_people, unit_tree
from .forms import AttributesForm, YearForm, this_year
from .models import Person, Unit

PAGE_SIZE = 50


def _scope_root(scope: Scope) -> Unit | None:
    """The unit whose subtree a user browses, when it is one subtree (an export is named after it)."""
    roots = scope.paths(BROWSE)
    return Unit.objects.filter(path=roots[0]).first() if len(roots) == 1 else None


def _ancestors(user, unit) -> list[tuple[str, str]]:
    """Breadcrumb of the unit's ancestors that the user can see, root first."""
    ids = [int(part) for part in unit.path.strip("/").split("/")[:-1]]
    visible = units_for_user(user, BROWSE).filter(pk__in=ids).order_by("path")
    return [(u.name, reverse("org:unit", args=[u.pk])) for u in visible]


@login_required
@require_GET
def tree(request):
    require_role(request.user, *BROWSE)
    roots = unit_tree(units_for_user(request.user, BROWSE))
    return render(request, "org/tree.html", {"roots": roots, "breadcrumb": [(_("Organisation tree"), "")]})


@login_required
@require_GET
def unit_detail(request, pk: int):
    require_role(request.user, *BROWSE)
    unit = get_unit_for_user(request.user, pk, BROWSE)
    children = unit_tree(units_for_user(request.user, BROWSE).filter(parent=unit))
    people = unit.people.filter(active=True).select_related("position").order_by("staff_no")[:PAGE_SIZE]
    crumbs = [(_("Organisation tree"), reverse("org:tree")), *_ancestors(request.user, unit), (unit.name, "")]
    context = {"unit": unit, "children": children, "people": people, "breadcrumb": crumbs}
    return render(request, "org/unit.html", context)


def _visible_records(user, person: Person):
    """The person's records for the office (every kind) or the inspector (discipline); None for
    anyone else (the section is not shown)."""
    scope = scope_for(user)
    if scope.covers_unit(person.unit, [Role.OFFICE]):
        return person.records.all()
    if scope.covers_unit(person.unit, [Role.INSPECTOR]):
        return person.records.filter(kind__in=DISCIPLINE_KINDS)
    return None


@login_required
@require_GET
def person_detail(request, pk: int):
    person = get_person_for_user(request.user, pk)
    year = YearForm(request.GET).year_or_default()
    values = person_values(person, year)
    editable = scope_for(request.user).covers_unit(person.unit, [Role.OFFICE])
    context = {
        "person": person,
        "records": _visible_records(request.user, person),
        "year": year,
        "attribute_values": values,
        "attributes_form": AttributesForm(values=values, year=year) if editable and values else None,
        "leaves": person.leaves.all(),
        "memberships": person.track_memberships.select_related("track").order_by("-year"),
        "secondments": person.secondments.select_related("home_unit", "host_unit"),
        "breadcrumb": [(_("People"), reverse("org:people")), (person.name, "")],
    }
    return render(request, "org/person.html", context)


def _filtered_people(request):
    form = PeopleFilterForm(request.GET, units=units_for_user(request.user, BROWSE))
    people = filter_people(people_for_user(request.user, BROWSE), **form.filters())
    return form, people.select_related("unit", "position", "reviewer")


@login_required
@require_GET
def people_list(request):
    require_role(request.user, *BROWSE)
    form, people = _filtered_people(request)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "breadcrumb": [(_("People"), "")]}
    return render(request, "org/people.html", context)


@login_required
@require_GET
def people_export(request):
    scope = require_role(request.user, *BROWSE)
    form, people = _filtered_people(request)
    unit = form.filters().get("unit") or _scope_root(scope)
    year = YearForm(request.GET).year_or_default()
    data = excel.export_people(people, specs_for_paths(scope.paths(BROWSE), year), year)
    return xlsx_response(data, excel.people_filename(unit), fallback="people.xlsx")


@login_required
@require_GET
def import_template(request):
    scope = require_role(request.user, Role.OFFICE)
    year = YearForm(request.GET).year_or_default()
    columns = excel.attribute_columns(specs_for_paths(scope.paths([Role.OFFICE]), year))
    data = excel.build_template(columns, year)
    return xlsx_response(data, excel.TEMPLATE_FILENAME, fallback="import-template.xlsx")


class ImportForm(forms.Form):
    workbook = forms.FileField(label=gettext_lazy("Excel workbook (.xlsx)"))
    year = forms.IntegerField(
        label=gettext_lazy("Year of the appraisal attributes"),
        min_value=2000,
        max_value=2100,
        initial=this_year,
        required=False,  # empty: this year
    )

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        if upload.size > settings.KAOHE_MAX_UPLOAD_BYTES:
            limit = settings.KAOHE_MAX_UPLOAD_BYTES // (1024 * 1024)
            raise forms.ValidationError(_("The file is larger than %(limit)s MB.") % {"limit": limit})
        return upload


@login_required
@require_http_methods(["GET", "POST"])
def import_people(request):
    require_role(request.user, Role.OFFICE)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["workbook"]
        year = form.cleaned_data["year"] or this_year()
        result = excel.import_workbook(upload, actor=request.user, filename=upload.name, year=year)
    crumbs = [(_("Import from Excel"), "")]
    return render(request, "org/import.html", {"form": form, "result": result, "breadcrumb": crumbs})
