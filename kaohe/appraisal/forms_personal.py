"""Forms of personal indicators (个性指标): a person's indicators per scheme node (a formset each), the
Excel import, the search of the period's page, and the sheet's cells for scoring them."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kaohe.platform.excel import read_workbook

from .forms import KPI_BYTES, NumberField, SheetForm
from .models import PersonalIndicator
from .personal_rules import TARGET_LENGTH, Item, Node

IMPORT_MAX_ROWS = 300_000  # a province's people × three indicators
IMPORT_MAX_COLUMNS = 20  # the template has five
IMPORT_HEADERS = {
    "工号": "person",
    "人员编号": "person",
    "考核指标": "node",
    "个性指标": "name",
    "指标名称": "name",
    "分值": "points",
    "权重": "points",
    "分值或权重": "points",
    "目标": "target",
    "目标要求": "target",
}


class PersonalItemForm(forms.Form):
    """One indicator: its name, points (or weight in %) and target; a row left empty is no indicator."""

    name = forms.CharField(label=_("Indicator"), max_length=200, required=False)
    points = forms.DecimalField(
        label=_("Points or weight"),
        max_digits=6,
        decimal_places=2,
        required=False,
        error_messages={"invalid": _("Points must be a number.")},
    )
    target = forms.CharField(
        label=_("Target"), max_length=TARGET_LENGTH, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        d = super().clean()
        if d.get("name", "").strip() and d.get("points") is None and "points" not in self.errors:
            self.add_error("points", _("Give the points (or the weight in %)."))
        if d.get("points") is not None and not d.get("name", "").strip():
            self.add_error("name", _("Give the indicator a name."))
        return d

    def item(self) -> Item | None:
        d = self.cleaned_data
        if not d.get("name", "").strip():
            return None
        return Item(d["name"].strip(), d["points"], d.get("target", ""))


PersonalItemFormSet = forms.formset_factory(PersonalItemForm, extra=0)


class PersonalEditForm:
    """The person's indicators: one formset per personal node of the scheme, with as many rows as
    the node's ``max_count`` (the service refuses more, naming the field)."""

    def __init__(self, data, *, nodes: dict[str, Node], existing: list[PersonalIndicator]):
        self.nodes = nodes
        self.sets = []
        for i, (key, node) in enumerate(nodes.items()):
            mine = [pi for pi in existing if pi.node == key]
            initial = [{"name": pi.name, "points": pi.points, "target": pi.target} for pi in mine]
            initial += [{}] * max(node.max_count - len(initial), 0)
            formset = PersonalItemFormSet(data, initial=initial if data is None else None, prefix=f"n{i}")
            self.sets.append((node, formset))

    def is_valid(self) -> bool:
        return all(fs.is_valid() for _node, fs in self.sets)

    def values(self) -> dict[str, list[Item]]:
        """The service's ``sets``: node key → the indicators filled in."""
        out = {}
        for node, fs in self.sets:
            out[node.key] = [item for form in fs.forms if (item := form.item()) is not None]
        return out


def read_personal_rows(upload) -> tuple[str, list[tuple[int, dict]]]:
    """The first sheet of a personal-indicator workbook: its name and its rows (Excel row number,
    values keyed by the header in Chinese or English), read by the platform's safe reader."""
    sheets = read_workbook(upload, max_rows=IMPORT_MAX_ROWS, max_cols=IMPORT_MAX_COLUMNS, max_bytes=KPI_BYTES)
    if not sheets:
        raise ValidationError(_("The workbook is empty."))
    name, rows = next(iter(sheets.items()))
    if len(rows) < 2:
        raise ValidationError(_("The workbook is empty."))
    header = [
        IMPORT_HEADERS.get(str(h).strip(), str(h).strip()) if h is not None else "" for h in rows[0].values
    ]
    missing = [
        zh for zh, key in (("工号", "person"), ("个性指标", "name"), ("分值", "points")) if key not in header
    ]
    if missing:
        raise ValidationError(
            _("Sheet %(sheet)s, row 1: the columns %(columns)s are missing."),
            params={"sheet": name, "columns": "、".join(missing)},
        )
    return name, [(r.number, dict(zip(header, r.values, strict=False))) for r in rows[1:]]


class PersonalUploadForm(forms.Form):
    """A personal-indicator workbook; ``cleaned_data["file"]`` is (sheet name, rows)."""

    file = forms.FileField(error_messages={"required": _("Choose an Excel file.")})

    def clean_file(self):
        return read_personal_rows(self.cleaned_data["file"])


class PersonalSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)


class SheetWithPersonalForm(SheetForm):
    """A sheet and, below it, the personal indicators of its people: ``ps-<id>`` the score and
    ``pc-<id>`` its comment; their entries are keyed ``personal#<id>``."""

    def __init__(self, *args, personal: list[tuple[PersonalIndicator, float]], has_personal: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_personal = has_personal  # the scheme has personal nodes: the page links to setting them
        self.personal = [pi for pi, _top in personal]
        self.tops = {pi.pk: top for pi, top in personal}
        for pi in self.personal:
            self.fields[f"ps-{pi.pk}"] = NumberField(
                required=False, initial="" if pi.score is None else f"{pi.score:g}"
            )
            self.fields[f"pc-{pi.pk}"] = forms.CharField(required=False, strip=False, initial=pi.comment)

    @property
    def personal_cells(self) -> list[dict]:
        return [
            {"pi": pi, "top": self.tops[pi.pk], "value": self[f"ps-{pi.pk}"], "comment": self[f"pc-{pi.pk}"]}
            for pi in self.personal
        ]

    def entries(self) -> list[tuple[int, str, float | None, str]]:
        d = self.cleaned_data
        own = [
            (pi.person_id, f"personal#{pi.pk}", d[f"ps-{pi.pk}"], d[f"pc-{pi.pk}"]) for pi in self.personal
        ]
        return super().entries() + own
