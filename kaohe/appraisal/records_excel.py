"""The person-records workbook: a template with dropdowns for the kind and the item, and the import
(all or nothing: every problem is reported by sheet, row and column, and nothing is written unless
every row is right)."""

from __future__ import annotations

from datetime import date, datetime
from typing import cast

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kaohe.accounts.scope import people_for_user
from kaohe.org.choices import RecordKind
from kaohe.org.models import Person, Unit
from kaohe.platform.errors import Refusal
from kaohe.platform.excel import read_workbook

from .records import RECORD_ROLES, kinds_for, may_enter, vocabulary_of
from .services.records import add_record, check_record

SHEET = "人员记录"
LISTS = "可选值"
TEMPLATE_NAME = "人员记录导入模板.xlsx"
MAX_ROWS = 100_000
MAX_COLS = 10
# The kinds as the workbook writes them (Chinese first), and the columns.
KIND_WORDS = {
    "处分": RecordKind.SANCTION,
    "试用期": RecordKind.PROBATION,
    "立案审查": RecordKind.INVESTIGATION,
    "否决事项": RecordKind.VETO,
}
WORD_OF_KIND = {v: k for k, v in KIND_WORDS.items()}
HEADERS = ("工号", "姓名", "记录类型", "事项", "开始日期", "结束日期", "备注")
REQUIRED = ("工号", "记录类型", "事项", "开始日期")


def items_for(user) -> list[str]:
    """Every item the user's units allow, over every kind the user may enter."""
    unit_ids = people_for_user(user, RECORD_ROLES).values_list("unit_id", flat=True).distinct()
    kinds = kinds_for(user)
    items: dict[str, None] = {}
    for vocab in vocabulary_of(Unit.objects.filter(pk__in=unit_ids)).values():
        for kind in kinds:
            items.update(dict.fromkeys(vocab.get(kind, [])))
    return list(items)


def template(user) -> Workbook:
    """The import template: the header row, dropdowns of the kinds and items the user may enter."""
    wb = Workbook()
    ws = cast(Worksheet, wb.active)
    ws.title = SHEET
    ws.append(list(HEADERS))
    lists = wb.create_sheet(LISTS)
    kinds = [WORD_OF_KIND[RecordKind(k)] for k in kinds_for(user)]
    items = items_for(user)
    lists.append(["记录类型", "事项"])
    for n in range(max(len(kinds), len(items))):
        lists.append([kinds[n] if n < len(kinds) else None, items[n] if n < len(items) else None])
    for col, values, letter in (("C", kinds, "A"), ("D", items, "B")):
        if not values:
            continue
        dv = DataValidation(type="list", formula1=f"={LISTS}!${letter}$2:${letter}${len(values) + 1}")
        dv.error = "请从下拉列表中选择"
        dv.showErrorMessage = True
        ws.add_data_validation(dv)
        dv.add(f"{col}2:{col}{MAX_ROWS}")
    ws.column_dimensions["D"].width = 18
    return wb


def _place(row: int, column: str, reason: str) -> str:
    return _("sheet %(sheet)s, row %(row)s, column %(column)s: %(reason)s") % {
        "sheet": SHEET,
        "row": row,
        "column": column,
        "reason": reason,
    }


def _date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    return datetime.strptime(text, "%Y-%m-%d").date()


def _parse(rows, people: dict[str, Person], errors: list[str]) -> list[tuple[int, dict]]:
    header = [str(h).strip() if h is not None else "" for h in rows[0].values]
    missing = [h for h in REQUIRED if h not in header]
    if missing:
        errors.append(
            _("sheet %(sheet)s: the columns %(cols)s are missing.")
            % {"sheet": SHEET, "cols": "、".join(missing)}
        )
        return []
    out = []
    for row in rows[1:]:
        cell = dict(zip(header, row.values, strict=False))
        values: dict = {}
        staff_no = str(cell.get("工号") or "").strip()
        values["person"] = people.get(staff_no)
        if values["person"] is None:
            errors.append(_place(row.number, "工号", _("no person %(no)s in your units") % {"no": staff_no}))
        kind_word = str(cell.get("记录类型") or "").strip()
        values["kind"] = KIND_WORDS.get(kind_word) or (kind_word if kind_word in RecordKind.values else None)
        if values["kind"] is None:
            errors.append(
                _place(
                    row.number, "记录类型", _("expected one of %(kinds)s") % {"kinds": "、".join(KIND_WORDS)}
                )
            )
        values["item"] = str(cell.get("事项") or "").strip()
        for header_name, key in (("开始日期", "start"), ("结束日期", "end")):
            try:
                values[key] = _date(cell.get(header_name))
            except ValueError:
                errors.append(_place(row.number, header_name, _("expected a date such as 2025-04-01")))
                values[key] = None
            else:
                if key == "start" and values[key] is None:
                    errors.append(_place(row.number, header_name, _("a date is required")))
        values["note"] = str(cell.get("备注") or "").strip()
        out.append((row.number, values))
    return out


COLUMN_OF_FIELD = {"kind": "记录类型", "item": "事项", "end": "结束日期", "start": "开始日期"}


def import_records(*, actor, upload) -> int:
    """Import every row of the records sheet or none; returns how many records were entered."""
    sheets = read_workbook(upload, sheets=[SHEET], max_rows=MAX_ROWS, max_cols=MAX_COLS)
    rows = sheets.get(SHEET)
    if not rows or len(rows) < 2:
        raise Refusal(_("sheet %(sheet)s: no records to import.") % {"sheet": SHEET})
    staff = {str(r[0]).strip() for r in (row.values[:1] for row in rows[1:]) if r and r[0] is not None}
    people = {
        p.staff_no: p
        for p in people_for_user(actor, RECORD_ROLES).filter(staff_no__in=staff).select_related("unit")
    }
    errors: list[str] = []
    parsed = _parse(rows, people, errors)
    vocab = vocabulary_of({p.unit_id: p.unit for p in people.values()}.values())
    for number, v in parsed:
        person, kind = v["person"], v["kind"]
        if person is None or kind is None or v["start"] is None:
            continue
        if not may_enter(actor, person, kind):
            errors.append(
                _place(number, "记录类型", _("you may not enter this kind for %(p)s") % {"p": person})
            )
            continue
        try:
            check_record(
                person=person,
                kind=kind,
                item=v["item"],
                start=v["start"],
                end=v["end"],
                allowed=vocab[person.unit_id][kind],
            )
        except Refusal as exc:
            errors.append(_place(number, COLUMN_OF_FIELD.get(exc.field or "", "事项"), str(exc)))
    if errors:
        raise Refusal("\n".join(errors))
    with transaction.atomic():
        for _number, v in parsed:
            add_record(actor=actor, allowed=vocab[v["person"].unit_id][v["kind"]], **v)
    return len(parsed)
