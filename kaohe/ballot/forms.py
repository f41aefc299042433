"""Forms of the ballot pages (the ballot itself is read by :func:`kaohe.ballot.logic.parse_answers`)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import WhenGroupMissing
from .presets import LAYOUTS


class CampaignForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("object name", "Name"), max_length=100)
    period = forms.CharField(label=_("Period"), max_length=40, help_text=_("for example 2025年度"))
    unit: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    layout = forms.ChoiceField(
        label=_("Rater groups"), choices=[(k, label) for k, (label, _g) in LAYOUTS.items()]
    )
    dimensions = forms.BooleanField(
        label=_(
            "Rate on five dimensions (德 20%, 能 15%, 勤 15%, 绩 30%, 廉 20%) instead of one overall mark"
        ),
        required=False,
    )
    min_ballots = forms.IntegerField(
        label=_("Minimum ballots per group"), min_value=1, max_value=1000, initial=5
    )
    when_group_missing = forms.ChoiceField(
        label=_("A group under the minimum"),
        choices=WhenGroupMissing.choices,
        initial=WhenGroupMissing.RENORMALISE,
    )
    max_top_marks = forms.IntegerField(
        label=_("At most this many top marks per ballot"), min_value=1, max_value=100000, required=False
    )
    identical_invalid = forms.BooleanField(
        label=_("Refuse ballots that give everyone the same mark"), required=False
    )
    trim_extremes = forms.BooleanField(label=_("Drop the highest and the lowest mark"), required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class CodesForm(forms.Form):
    group: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Rater group"), queryset=None)
    count = forms.IntegerField(label=_("Number of codes"), min_value=1, max_value=2000, initial=20)
    output = forms.ChoiceField(
        label=_("Output"),
        choices=[("print", _("Print sheet with QR codes")), ("xlsx", _("Excel file"))],
        initial="print",
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups  # type: ignore[attr-defined]


class CodeEntryForm(forms.Form):
    code = forms.CharField(label=_("Your code"), max_length=20, strip=True)


class PaperForm(forms.Form):
    sheet = forms.CharField(label=_("Sheet number"), max_length=20)
    group: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Rater group"), queryset=None)
    # "enter" (the default) records one clerk's entry; "resolve" settles a differing sheet
    action = forms.ChoiceField(choices=[("", ""), ("enter", "enter"), ("resolve", "resolve")], required=False)

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups  # type: ignore[attr-defined]
