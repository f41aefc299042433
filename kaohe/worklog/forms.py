"""Forms of the work-log pages: they parse and bound the input; the services decide."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaohe.platform.calendar import DayKind
from kaohe.platform.forms import MultipleFileField, MultipleFileInput

from .choices import AchievementSection, LogTag
from .models import LogSettings
from .services import LOG_SETTING_FIELDS, MAX_COMMENT, MAX_CONTENT

PERIODS = [("week", _("Week")), ("month", _("Month")), ("quarter", _("Quarter")), ("year", _("Year"))]


class LogForm(forms.Form):
    content = forms.CharField(
        label=_("What I did"),
        max_length=MAX_CONTENT,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_CONTENT}),
    )
    tags = forms.MultipleChoiceField(
        label=_("Tags"), choices=LogTag.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    attachments = MultipleFileField(
        label=_("Attachments (photos, PDF, Word, Excel)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf,.docx,.xlsx"}),
    )


class DecideForm(forms.Form):
    action = forms.ChoiceField(choices=[("approve", _("Approve")), ("return", _("Return"))])
    comment = forms.CharField(label=_("Comment"), max_length=MAX_COMMENT, required=False)


class PeriodForm(forms.Form):
    unit = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    period = forms.ChoiceField(label=pgettext_lazy("statistics", "Period"), choices=PERIODS, required=False)
    day = forms.DateField(
        label=_("Containing the day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def values(self, today: date) -> tuple[int | None, str, date]:
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("unit"), data.get("period") or "month", data.get("day") or today


class CalendarDayForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[*DayKind.choices, ("", _("As the official calendar"))], required=False
    )
    note = forms.CharField(label=_("Note"), max_length=100, required=False)


class LogSettingsForm(forms.ModelForm):
    webhook_url = forms.URLField(label=_("webhook URL"), required=False, assume_scheme="https")

    class Meta:
        model = LogSettings
        fields = sorted(LOG_SETTING_FIELDS)
        widgets = {"webhook_secret": forms.PasswordInput(render_value=True)}


class AchievementForm(forms.Form):
    person = forms.IntegerField(label=_("Person"), min_value=1, max_value=2**63 - 1, widget=forms.Select)
    month = forms.DateField(
        label=_("Month"), widget=forms.DateInput(attrs={"type": "month"}), input_formats=["%Y-%m", "%Y-%m-%d"]
    )
    section = forms.ChoiceField(label=_("Category"), choices=AchievementSection.choices)
    text = forms.CharField(
        label=_("Achievement"), max_length=MAX_CONTENT, widget=forms.Textarea(attrs={"rows": 3})
    )
