"""Forms of the person-record pages: a record, its end, the records search, the records import."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kaohe.org.choices import RecordKind
from kaohe.org.models import Person, PersonRecord
from kaohe.platform.forms import MultipleFileField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RecordForm(forms.Form):
    """A record for one of ``people`` (by staff number), of one of ``kinds``."""

    person = forms.CharField(label=_("Staff number"), max_length=40)
    kind = forms.ChoiceField(label=_("Record kind"))
    item = forms.CharField(
        label=_("Item"), max_length=100, required=False
    )  # probation, investigation: implied
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("To"), required=False, widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    evidence = MultipleFileField(label=_("Evidence (photo, PDF, Word, Excel)"), required=False)

    def __init__(self, *args, people: QuerySet[Person], kinds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.people = people
        self.fields["kind"].choices = [(k, RecordKind(k).label) for k in kinds]  # type: ignore[attr-defined]

    def clean_person(self) -> Person:
        staff_no = self.cleaned_data["person"].strip()
        person = self.people.filter(staff_no=staff_no).select_related("unit").first()
        if person is None:
            raise ValidationError(_("No person with staff number %(no)s in your units.") % {"no": staff_no})
        return person

    def values(self, files) -> dict:
        d = self.cleaned_data
        return {k: d[k] for k in ("person", "kind", "item", "start", "end", "note")} | {
            "files": files.getlist("evidence")
        }


class RecordEndForm(forms.Form):
    end = forms.DateField(label=_("Ended on"), widget=DATE)


class RecordSearchForm(forms.Form):
    """The records list's filters: a person (name or staff number), a kind, a date range."""

    q = forms.CharField(label=_("Person"), required=False, max_length=60)
    kind = forms.ChoiceField(label=_("Record kind"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=DATE)
    until = forms.DateField(label=_("To"), required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *RecordKind.choices]  # type: ignore[attr-defined]

    def filter(self, records: QuerySet[PersonRecord]) -> QuerySet[PersonRecord]:
        """``records`` narrowed by the valid filters; a record in the range overlaps it."""
        if not self.is_valid():
            return records
        d = self.cleaned_data
        if d["q"]:
            records = records.filter(Q(person__name__contains=d["q"]) | Q(person__staff_no=d["q"]))
        if d["kind"]:
            records = records.filter(kind=d["kind"])
        if d["since"]:
            records = records.filter(Q(end__isnull=True) | Q(end__gte=d["since"]))
        if d["until"]:
            records = records.filter(start__lte=d["until"])
        return records


class RecordsImportForm(forms.Form):
    workbook = forms.FileField(
        label=_("Excel workbook (.xlsx)"), error_messages={"required": _("Choose an Excel file.")}
    )


class DeductionForm(forms.Form):
    """A deduction against a person (by staff number) in one of ``periods``."""

    period = forms.TypedChoiceField(label=_("Period"), coerce=int)
    person = forms.CharField(label=_("Staff number"), max_length=40)
    category = forms.CharField(label=_("Category"), max_length=100)
    points = forms.DecimalField(
        label=_("Points"),
        max_digits=6,
        decimal_places=2,
        error_messages={"required": _("Points must be a number."), "invalid": _("Points must be a number.")},
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000)
    evidence = MultipleFileField(label=_("Evidence (photo, PDF, Word, Excel)"), required=False)

    def __init__(self, *args, periods: list, people: QuerySet[Person], **kwargs):
        super().__init__(*args, **kwargs)
        self.periods = {p.pk: p for p in periods}
        self.people = people
        self.fields["period"].choices = [(p.pk, str(p)) for p in periods]  # type: ignore[attr-defined]

    def clean_person(self) -> Person:
        staff_no = self.cleaned_data["person"].strip()
        person = self.people.filter(staff_no=staff_no).select_related("unit", "reviewer").first()
        if person is None:
            raise ValidationError(_("No person with staff number %(no)s in your units.") % {"no": staff_no})
        return person

    def values(self, files) -> dict:
        d = self.cleaned_data
        return {
            "period": self.periods[d["period"]],
            "person": d["person"],
            "category": d["category"].strip(),
            "points": d["points"],
            "reason": d["reason"],
            "files": files.getlist("evidence"),
        }
