"""Forms of the period inputs pages: one entry at a time (a measure, an amount, a unit's grade, a
person's task result) and the workbook upload. Each gives the row its service takes."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import MoneyKind
from .period_workbook import read_period_workbook
from .selectors_inputs import PeriodInputs


def _choices(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


def _units(inputs: PeriodInputs, blank: str | None) -> list[tuple[str, str]]:
    head = [("", blank)] if blank is not None else []
    return head + [(u.code, f"{u.name}（{u.code}）") for u in inputs.units]


class MeasureForm(forms.Form):
    unit = forms.ChoiceField(label=_("unit"), required=False)
    name = forms.ChoiceField(label=_("measure"))
    value = forms.FloatField(label=_("value"), required=False, help_text=_("empty: remove"))

    def __init__(self, *args, inputs: PeriodInputs, **kwargs):
        super().__init__(*args, **kwargs)
        _choices(self, "unit").choices = _units(inputs, str(_("the whole period")))
        _choices(self, "name").choices = [(n, n) for n in inputs.measure_names]

    def row(self) -> dict:
        return dict(self.cleaned_data)


class AmountForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=MoneyKind.choices)
    pool = forms.ChoiceField(label=_("pool"), required=False)
    part = forms.CharField(label=_("part"), required=False, max_length=100)
    unit = forms.ChoiceField(label=_("unit"), required=False)
    amount = forms.DecimalField(label=_("amount (yuan)"), required=False, min_value=0, decimal_places=2)

    def __init__(self, *args, inputs: PeriodInputs, **kwargs):
        super().__init__(*args, **kwargs)
        _choices(self, "pool").choices = [("", "—")] + [(p, p) for p in inputs.pools]
        _choices(self, "unit").choices = _units(inputs, str(_("the whole period")))

    def row(self) -> dict:
        return dict(self.cleaned_data)


class UnitGradeForm(forms.Form):
    unit = forms.ChoiceField(label=_("unit"))
    grade = forms.ChoiceField(label=_("unit grade"), required=False)
    honours = forms.MultipleChoiceField(
        label=_("honours"), required=False, widget=forms.CheckboxSelectMultiple
    )
    whole_year = forms.BooleanField(label=_("for every period of the year"), required=False)

    def __init__(self, *args, inputs: PeriodInputs, **kwargs):
        super().__init__(*args, **kwargs)
        _choices(self, "unit").choices = _units(inputs, None)
        _choices(self, "grade").choices = [("", "—")] + [(g, g) for g in inputs.grades]
        _choices(self, "honours").choices = [(h, h) for h in inputs.honours]

    def row(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("unit", "grade", "honours")}


class TaskResultForm(forms.Form):
    person = forms.CharField(label=_("staff number"), max_length=40)
    indicator = forms.ChoiceField(label=_("task indicator"))
    rate = forms.DecimalField(
        label=_("completion rate (%)"), required=False, min_value=0, max_value=100, decimal_places=2
    )

    def __init__(self, *args, keys: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        _choices(self, "indicator").choices = [(k, k) for k in keys]

    def row(self) -> dict:
        return dict(self.cleaned_data)


class InputsUploadForm(forms.Form):
    """The period inputs workbook; ``cleaned_data["file"]`` is its sheets' rows."""

    file = forms.FileField(error_messages={"required": _("Choose an Excel file.")})

    def clean_file(self):
        return read_period_workbook(self.cleaned_data["file"])
