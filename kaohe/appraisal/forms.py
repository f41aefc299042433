"""Forms of the appraisal pages: they parse and bound the input, and their errors are shown beside
the field; the services decide (a refusal is shown as a message)."""

from __future__ import annotations

from datetime import date
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaohe.ballot.models import Campaign
from kaohe.org.models import Unit
from kaohe.platform.excel import read_workbook
from kaohe.platform.forms import MultipleFileField
from kaohe.presets import list_presets, load_preset

from .choices import PeriodKind
from .models import Period, PersonResult, Scheme
from .selectors import Column
from .selectors_sheets import Line, SheetView, shown

SCHEME_BYTES = 1_000_000  # a scheme file is read up to this size
KPI_BYTES = 5 * 1024 * 1024
KPI_MAX_ROWS = 500_000  # a province's people × their KPI indicators
KPI_MAX_COLUMNS = 20  # the template has five
SHEET_MAX_ROWS = 20_001  # a header and the people of one sheet
SHEET_MAX_COLUMNS = 200  # 工号, 姓名 and a score and comment column per line
KPI_HEADERS = {
    "工号": "person",
    "人员编号": "person",
    "指标": "indicator",
    "度量": "measure",
    "实际": "actual",
    "目标": "target",
    "倍数": "multiple",
}


class NumberField(forms.FloatField):
    """A number typed in a cell; the error names what was typed."""

    default_error_messages = {"invalid": _("%(value)s is not a number.")}

    def clean(self, value):
        try:
            return super().clean(value)
        except ValidationError as exc:
            if exc.code != "invalid":
                raise
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": str(value).strip()[:40]}
            ) from None


def evidence_field() -> forms.FileField:
    """Evidence files (several); each is checked by the service that stores it."""
    return MultipleFileField(label=_("Evidence (photo, PDF, Word, Excel)"), required=False)


# --- schemes ------------------------------------------------------------------------------------------


class SchemeImportForm(forms.Form):
    """A scheme file, or a preset to start from; ``cleaned_data["text"]`` is the scheme's text (empty
    when neither is given: the engine then says what a scheme lacks)."""

    preset = forms.ChoiceField(required=False)
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100)  # a preset's year
    file = forms.FileField(required=False)
    text = forms.CharField(required=False, strip=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["preset"]).choices = [("", ""), *((p, p) for p in list_presets())]

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if data.get("preset"):
            year = data.get("year") or timezone.localdate().year
            data["text"] = load_preset(data["preset"]).scheme_text_for(year)
        elif upload is not None:
            try:
                data["text"] = upload.read(SCHEME_BYTES).decode("utf-8")
            except UnicodeDecodeError as exc:
                self.add_error("file", str(exc))
        return data


class AttachForm(forms.Form):
    """The unit (an id, resolved in the user's scope) and its unit kinds in the scheme's words, one
    ``code=word`` a line (other lines are ignored)."""

    unit = forms.IntegerField(required=False)
    unit_kinds = forms.CharField(required=False, widget=forms.Textarea)

    def clean_unit_kinds(self) -> dict[str, str]:
        kinds = {}
        for line in self.cleaned_data["unit_kinds"].splitlines():
            code, _sep, word = line.partition("=")
            if code.strip() and word.strip():
                kinds[code.strip()] = word.strip()
        return kinds


# --- periods ------------------------------------------------------------------------------------------


class PeriodForm(forms.Form):
    """A new period; the unit, scheme and campaign are chosen among those in the user's scope."""

    unit = forms.ModelChoiceField(queryset=Unit.objects.none())
    scheme = forms.ModelChoiceField(queryset=Scheme.objects.none())
    kind = forms.ChoiceField(choices=PeriodKind.choices)
    start = forms.DateField()
    campaign = forms.ModelChoiceField(queryset=Campaign.objects.none(), required=False)
    publicity_days = forms.IntegerField(min_value=1, max_value=30, required=False)
    appeal_days = forms.IntegerField(min_value=1, max_value=60, required=False)
    publication_day_counts = forms.BooleanField(required=False)

    def __init__(self, *args, units, schemes, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["scheme"].queryset = schemes
        self.fields["campaign"].queryset = campaigns

    def values(self) -> dict:
        """The service's arguments."""
        d = self.cleaned_data
        return {
            "unit": d["unit"],
            "scheme": d["scheme"],
            "kind": d["kind"],
            "start": d["start"],
            "ballot_campaign": d["campaign"],
            "publicity_days": d["publicity_days"] or 5,
            "appeal_days": d["appeal_days"] or 10,
            "publication_day_counts": d["publication_day_counts"],
        }


class AdoptSchemeForm(forms.Form):
    """Another scheme (a new version) for a period not yet with the committee."""

    scheme = forms.ModelChoiceField(
        queryset=Scheme.objects.none(), error_messages={"invalid_choice": _("Choose a scheme you can use.")}
    )

    def __init__(self, *args, schemes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = schemes


class LinkCampaignForm(forms.Form):
    """The ballot campaign a period reads; empty unlinks it."""

    campaign = forms.ModelChoiceField(
        queryset=Campaign.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Choose a campaign you can see.")},
    )

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns


class PeriodActionForm(forms.Form):
    """The next step of a period (a button's value) and, for a correction, its reason."""

    action = forms.ChoiceField(
        choices=[
            (a, a) for a in ("scoring", "compute", "committee", "undo", "publish", "finalize", "correct")
        ],
        error_messages={"required": _("Unknown action."), "invalid_choice": _("Unknown action.")},
    )
    reason = forms.CharField(required=False)
    confirm = forms.BooleanField(required=False)  # publishing: the office has checked the summary


# --- scoring ------------------------------------------------------------------------------------------


def read_kpi_rows(upload) -> list[dict]:
    """The rows of the first sheet of a KPI workbook, keyed by the header (Chinese or English), read by
    the platform's safe reader (size, zip and sheet-size limits; refusals name the file and sheet)."""
    sheets = read_workbook(upload, max_rows=KPI_MAX_ROWS, max_cols=KPI_MAX_COLUMNS, max_bytes=KPI_BYTES)
    rows = [row.values for row in next(iter(sheets.values()), [])]
    if not rows:
        raise ValidationError(_("The workbook is empty."))
    header = [KPI_HEADERS.get(str(h).strip(), str(h).strip()) if h is not None else "" for h in rows[0]]
    return [dict(zip(header, r, strict=False)) for r in rows[1:]]


class KpiUploadForm(forms.Form):
    """A KPI workbook; ``cleaned_data["file"]`` is its rows."""

    file = forms.FileField(error_messages={"required": _("Choose an Excel file.")})

    def clean_file(self) -> list[dict]:
        return read_kpi_rows(self.cleaned_data["file"])


class SheetForm(forms.Form):
    """A sheet's cells, only those the assessor gives: ``s-<person>-<column>`` the score,
    ``c-<person>-<column>`` its comment; an empty cell clears a stored mark. ``cols`` are the sheet's
    lines in order; ``rows`` pairs each person with their cells (None where the line is not theirs)."""

    save = forms.BooleanField(required=False)
    submit = forms.BooleanField(required=False)
    reopen = forms.BooleanField(required=False)

    def __init__(self, *args, view: SheetView, **kwargs):
        super().__init__(*args, **kwargs)
        self.people, self.lines = view.people, view.lines
        cols: dict[str, Line] = {}
        for p in view.people:
            for ln in view.lines[p.pk]:
                cols.setdefault(ln.key, ln)
        self.cols = list(cols.values())
        self.index = {key: i for i, key in enumerate(cols)}
        for p in view.people:
            for ln in view.lines[p.pk]:
                s = view.scores.get((p.pk, ln.key))
                i = self.index[ln.key]
                self.fields[f"s-{p.pk}-{i}"] = NumberField(
                    required=False, initial=shown(s.value if s else None)
                )
                self.fields[f"c-{p.pk}-{i}"] = forms.CharField(
                    required=False, strip=False, initial=s.comment if s else ""
                )

    @property
    def rows(self) -> list[dict]:
        out = []
        for p in self.people:
            mine = {ln.key for ln in self.lines[p.pk]}
            cells: list[dict | None] = []
            for i, col in enumerate(self.cols):
                cells.append(
                    {"col": col, "value": self[f"s-{p.pk}-{i}"], "comment": self[f"c-{p.pk}-{i}"]}
                    if col.key in mine
                    else None
                )
            out.append({"person": p, "cells": cells})
        return out

    def entries(self) -> list[tuple[int, str, float | None, str]]:
        """The service's ``(person id, line key, value or None, comment)`` for every cell."""
        d = self.cleaned_data
        out = []
        for p in self.people:
            for ln in self.lines[p.pk]:
                i = self.index[ln.key]
                out.append((p.pk, ln.key, d[f"s-{p.pk}-{i}"], d[f"c-{p.pk}-{i}"]))
        return out


class SheetUploadForm(forms.Form):
    """A filled sheet workbook; ``cleaned_data["file"]`` is (sheet name, its rows)."""

    file = forms.FileField(error_messages={"required": _("Choose an Excel file.")})

    def clean_file(self):
        sheets = read_workbook(self.cleaned_data["file"], max_rows=SHEET_MAX_ROWS, max_cols=SHEET_MAX_COLUMNS)
        name, rows = next(iter(sheets.items()), ("", []))
        if not rows:
            raise ValidationError(_("The workbook is empty."))
        return name, rows


class GroupMembersForm(forms.Form):
    """The members of one scoring group, by staff number (one a line, or separated by commas)."""

    group = forms.ChoiceField()
    staff_nos = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, groups: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["group"]).choices = [(g, g) for g in groups]

    def clean_staff_nos(self) -> list[str]:
        text = self.cleaned_data["staff_nos"].replace("，", ",").replace(",", "\n")
        return [t.strip() for t in text.splitlines() if t.strip()]


# --- claims ------------------------------------------------------------------------------------------


class ClaimForm(forms.Form):
    """A claim in one of ``periods`` (those open to the person)."""

    period = forms.TypedChoiceField(
        coerce=int,
        error_messages={
            "required": _("Choose an open period."),
            "invalid_choice": _("Choose an open period."),
        },
    )
    category = forms.CharField(max_length=100, required=False)
    points = forms.DecimalField(
        max_digits=6,
        decimal_places=2,
        error_messages={"required": _("Points must be a number."), "invalid": _("Points must be a number.")},
    )
    reason = forms.CharField(required=False)
    evidence = evidence_field()

    def __init__(self, *args, periods: list[Period], has_record: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.periods = {p.pk: p for p in periods}
        cast(forms.ChoiceField, self.fields["period"]).choices = [(p.pk, str(p)) for p in periods]
        self.has_record = has_record

    def clean(self):
        if not self.has_record:
            raise ValidationError(_("Only people with a record can claim."))
        return super().clean()

    def values(self, files) -> dict:
        d = self.cleaned_data
        return {
            "period": self.periods[d["period"]],
            "category": d["category"],
            "points": d["points"],
            "reason": d["reason"],
            "files": files.getlist("evidence"),
        }


class ClaimDecisionForm(forms.Form):
    """The section's or the committee's decision on a claim."""

    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    note = forms.CharField(required=False)


# --- committee and appeals --------------------------------------------------------------------------------


class GradeChangeForm(forms.Form):
    """A committee's change of one row of the version in force."""

    what = forms.CharField(required=False)
    row = forms.ModelChoiceField(
        queryset=PersonResult.objects.none(), error_messages={"invalid_choice": _("No such result.")}
    )
    grade = forms.CharField()
    reason = forms.CharField(required=False)

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["row"].queryset = rows


class DecisionForm(forms.Form):
    """The committee's decision on the period (the day defaults to today)."""

    members = forms.CharField(required=False)
    day = forms.DateField(required=False)
    decision = forms.CharField(required=False)

    def values(self, today: date) -> dict:
        d = self.cleaned_data
        return {"members": d["members"], "day": d["day"] or today, "decision": d["decision"]}


def committee_forms(data, rows) -> tuple[GradeChangeForm, DecisionForm]:
    """The committee page's two forms over the version in force's ``rows``; the one ``data`` posts
    (``what=grade``: a grade change, else the decision) is bound."""
    grade = data is not None and data.get("what") == "grade"
    decision = data is not None and not grade
    return GradeChangeForm(data if grade else None, rows=rows), DecisionForm(data if decision else None)


class AppealForm(forms.Form):
    """A person's appeal against their result, with evidence."""

    reason = forms.CharField(required=False)
    evidence = evidence_field()


class AppealDecisionForm(forms.Form):
    """The committee's review: ``fix-<column>`` a corrected score (empty: kept), the outcome and the
    decision."""

    outcome = forms.ChoiceField(choices=[("upheld", _("Uphold and recompute")), ("dismissed", _("Dismiss"))])
    decision = forms.CharField(required=False)

    def __init__(self, *args, cols: list[Column], scores: dict[str, float], **kwargs):
        super().__init__(*args, **kwargs)
        self.cols, self.scores = cols, scores
        for c in cols:
            self.fields[f"fix-{c.i}"] = NumberField(required=False)

    @property
    def fixes(self) -> list[dict]:
        """Per column: the column, its bound field and the score stored now."""
        return [{"col": c, "field": self[f"fix-{c.i}"], "now": self.scores.get(c.key)} for c in self.cols]

    def corrections(self) -> list[tuple[str, float]]:
        d = self.cleaned_data
        return [(c.key, d[f"fix-{c.i}"]) for c in self.cols if d[f"fix-{c.i}"] is not None]


class EmptyInputForm(forms.Form):
    """Record that an input of the scheme is truly empty this period (need, name, reason), or
    withdraw such a record (``withdraw``: its id)."""

    need = forms.CharField(required=False, max_length=20)
    name = forms.CharField(required=False, max_length=200)
    reason = forms.CharField(required=False, max_length=300)
    withdraw = forms.IntegerField(required=False, min_value=1)

    def clean(self) -> dict:
        data = super().clean() or {}
        if not data.get("withdraw"):
            if not data.get("need") or not data.get("name"):
                raise forms.ValidationError(_("Choose the input to record as empty."))
            if not (data.get("reason") or "").strip():
                raise forms.ValidationError(_("Give the reason why this input is empty."))
        return data

    def first_error(self) -> str:
        for errors in self.errors.values():
            return str(errors[0])
        return str(_("Check the form."))

    def values(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("need", "name", "reason")}
