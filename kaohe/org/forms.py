"""Forms of the organisation pages that write: a person's attributes for a year (考核属性) and the
bulk setting of one attribute for many people."""

from __future__ import annotations

import datetime

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kaohe.engine.attributes import AttributeSpec

from .attributes import AttributeValue
from .filters import UnitChoiceField
from .models import Person, Unit
from .services_attributes import MAX_YEAR, MIN_YEAR

PREFIX = "attr-"  # form field names: the attribute's name after this prefix


def this_year() -> int:
    return datetime.date.today().year


class YearForm(forms.Form):
    """``?year=`` on a page; an invalid or missing year is this year."""

    year = forms.IntegerField(label=_("Year"), min_value=MIN_YEAR, max_value=MAX_YEAR, required=False)

    def year_or_default(self) -> int:
        return (self.cleaned_data.get("year") if self.is_valid() else None) or this_year()


def _value_field(spec: AttributeSpec, default: str) -> forms.Field:
    if spec.values is None:
        return forms.CharField(label=spec.label, max_length=100, required=False)
    empty = _("(default: %(word)s)") % {"word": default} if default else _("(not set)")
    return forms.ChoiceField(
        label=spec.label, choices=[("", empty)] + [(v, v) for v in spec.values], required=False
    )


class AttributesForm(forms.Form):
    """One field per attribute the schemes need, its dropdown from the allowed values."""

    year = forms.IntegerField(widget=forms.HiddenInput, min_value=MIN_YEAR, max_value=MAX_YEAR)

    def __init__(self, data=None, *, values: list[AttributeValue], year: int):
        super().__init__(data, initial={"year": year, **{PREFIX + v.spec.name: v.stored for v in values}})
        for v in values:
            self.fields[PREFIX + v.spec.name] = _value_field(v.spec, v.default)

    def values(self) -> dict[str, str]:
        return {k.removeprefix(PREFIX): v or "" for k, v in self.cleaned_data.items() if k.startswith(PREFIX)}

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for name, messages in errors.items():
            field = PREFIX + name if PREFIX + name in self.fields else None
            for message in messages:
                self.add_error(field, message)


class BulkFilterForm(forms.Form):
    """Who the bulk page selects: a unit subtree, a track of the year, a name or staff number."""

    year = forms.IntegerField(label=_("Year"), min_value=MIN_YEAR, max_value=MAX_YEAR, required=False)
    unit = UnitChoiceField(label=_("Unit (with its sub-units)"), queryset=Unit.objects.none(), required=False)
    track = forms.CharField(label=_("Track"), max_length=100, required=False)
    q = forms.CharField(label=_("Name or staff number"), max_length=60, required=False)

    def __init__(self, data, *, units: QuerySet[Unit]):
        super().__init__(data)
        self.fields["unit"].queryset = units.only("id", "name", "path")  # type: ignore[attr-defined]

    def year_or_default(self) -> int:
        return (self.cleaned_data.get("year") if self.is_valid() else None) or this_year()

    def select(self, people: QuerySet[Person]) -> QuerySet[Person]:
        """``people`` narrowed by the valid filters."""
        self.is_valid()
        d = getattr(self, "cleaned_data", {})
        if d.get("unit") is not None:
            people = people.filter(unit__path__startswith=d["unit"].path)
        if d.get("track"):
            year = d.get("year") or this_year()
            people = people.filter(track_memberships__year=year, track_memberships__track__name=d["track"])
        if d.get("q"):
            people = people.filter(Q(name__icontains=d["q"]) | Q(staff_no__icontains=d["q"]))
        return people


class BulkSetForm(forms.Form):
    """The attribute and value to set; ``confirm`` once the summary has been seen."""

    name = forms.ChoiceField(label=_("Attribute"))
    value = forms.CharField(label=_("Value"), max_length=100, required=False)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, data, *, specs: dict[str, AttributeSpec]):
        super().__init__(data)
        self.specs = specs
        self.fields["name"].choices = [(n, s.label) for n, s in specs.items()]  # type: ignore[attr-defined]
