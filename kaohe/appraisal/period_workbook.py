"""The period inputs workbook (期间数据): four sheets, each with Chinese headers — period measures, money,
unit grades and task results. Read with the platform's safe reader; the template is filled with
what the scheme reads and what is already entered, with drop-downs for the scheme's words."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from kaohe.engine.period_inputs import formula_measures, honours, pool_names, pool_parts, unit_grades
from kaohe.platform.errors import Refusal
from kaohe.platform.excel import read_workbook

MAX_ROWS = 500_000  # a large county's people × their task indicators
MAX_COLUMNS = 20
MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class SheetSpec:
    name: str  # the sheet's name in the workbook
    columns: tuple[tuple[str, str], ...]  # (field, Chinese header)
    required: tuple[str, ...]

    def header(self, field: str) -> str:
        return dict(self.columns).get(field, field)


MEASURES = SheetSpec(
    "期间指标值", (("unit", "单位编码"), ("name", "指标名"), ("value", "数值")), ("name", "value")
)
MONEY = SheetSpec(
    "资金",
    (("kind", "类别"), ("pool", "资金池"), ("part", "分项"), ("unit", "单位编码"), ("amount", "金额（元）")),
    ("kind", "amount"),
)
UNIT_GRADES = SheetSpec(
    "单位等次",
    (("unit", "单位编码"), ("grade", "单位等次"), ("honours", "荣誉"), ("scope", "适用范围")),
    ("unit",),
)
TASKS = SheetSpec(
    "任务完成率",
    (("person", "工号"), ("name", "姓名"), ("indicator", "任务指标"), ("rate", "完成率（%）")),
    ("person", "indicator", "rate"),
)
SHEETS = (MEASURES, MONEY, UNIT_GRADES, TASKS)
KIND_WORDS = {"激励资金": "pool", "绩效工资基数": "pay_base"}
SCOPE_WORDS = {"本期": False, "全年": True}


@dataclass(frozen=True)
class SheetRows:
    spec: SheetSpec
    numbers: list[int]  # each row's number in Excel
    rows: list[dict]

    def where(self, i: int, field: str) -> str:
        """The place of a problem: the sheet, the Excel row and the column's header."""
        return _("sheet %(sheet)s, row %(row)s, column %(column)s") % {
            "sheet": self.spec.name,
            "row": self.numbers[i] if i < len(self.numbers) else 2,
            "column": self.spec.header(field),
        }


def read_period_workbook(upload) -> dict[str, SheetRows]:
    """The rows of the sheets present (by sheet name), keyed by field. A sheet without one of its
    required columns refuses the file, naming the sheet and the column."""
    sheets = read_workbook(
        upload, sheets=[s.name for s in SHEETS], max_rows=MAX_ROWS, max_cols=MAX_COLUMNS, max_bytes=MAX_BYTES
    )
    if not sheets:
        raise Refusal(
            _("The workbook has none of the sheets %(names)s.") % {"names": "、".join(s.name for s in SHEETS)}
        )
    out: dict[str, SheetRows] = {}
    problems: list[str] = []
    for spec in SHEETS:
        rows = sheets.get(spec.name)
        if rows is None:
            continue
        if not rows:
            continue
        by_header = {h: f for f, h in spec.columns} | {f: f for f, _h in spec.columns}
        fields = [by_header.get(str(h).strip(), "") if h is not None else "" for h in rows[0].values]
        missing = [spec.header(f) for f in spec.required if f not in fields]
        if missing:
            problems.append(
                _("sheet %(sheet)s: no column %(columns)s in row %(row)s.")
                % {"sheet": spec.name, "columns": "、".join(missing), "row": rows[0].number}
            )
            continue
        data = [{f: v for f, v in zip(fields, r.values, strict=False) if f} for r in rows[1:]]
        out[spec.name] = SheetRows(spec, [r.number for r in rows[1:]], data)
    if problems:
        raise Refusal("\n".join(problems))
    return out


def _sheet(wb: Workbook, spec: SheetSpec, rows: list[list[object]], first: bool):
    ws = wb.active if first else wb.create_sheet()
    assert ws is not None
    ws.title = spec.name
    ws.append([h for _f, h in spec.columns])
    for row in rows:
        ws.append(row)
    for col in "ABCDE":
        ws.column_dimensions[col].width = 18
    return ws


def _choices(ws, column: str, values: list[str]) -> None:
    """A drop-down of ``values`` on the column below the header (Excel's list holds 255 characters)."""
    text = ",".join(values)
    if values and len(text) <= 255:
        dv = DataValidation(type="list", formula1=f'"{text}"', allow_blank=True)
        ws.add_data_validation(dv)
        dv.add(f"{column}2:{column}{MAX_ROWS}")


def template(scheme, units, entered: dict, tasks: list[tuple[str, str, str]]) -> Workbook:
    """The workbook to fill: a row per measure the formulas read, per pool (and part) and for the pay
    base, per unit when the quotas read unit grades, per person and task leaf; the values already
    entered filled in (``entered``: measures {(unit code, name): value}, money {(kind, pool, part,
    unit code): yuan text}, grades {unit code: (grade, honours)}, tasks {(staff no, key): percent})."""
    wb = Workbook()
    measures = [
        [code, name, entered["measures"].get((code, name))]
        for name in formula_measures(scheme)
        for code in [""]
    ]
    measures += [[c, n, v] for (c, n), v in entered["measures"].items() if c]
    _sheet(wb, MEASURES, measures, True)
    money: list[list[object]] = []
    for pool in pool_names(scheme):
        by = pool_parts(scheme, pool)
        parts = [u.name for u in units] if by == "unit" else list(scheme.tracks) if by == "track" else [""]
        for part in parts:
            money.append(["激励资金", pool, part, "", entered["money"].get(("pool", pool, part, ""))])
    money.append(["绩效工资基数", "", "", "", entered["money"].get(("pay_base", "", "", ""))])
    money += [
        ["绩效工资基数", "", "", u, v]
        for (k, _p, _pt, u), v in entered["money"].items()
        if k == "pay_base" and u
    ]
    ws = _sheet(wb, MONEY, money, False)
    _choices(ws, "A", list(KIND_WORDS))
    grades = []
    if unit_grades(scheme) or honours(scheme):
        for u in units:
            grade, hs = entered["grades"].get(u.code, ("", []))
            grades.append([u.code, grade, "、".join(hs), "本期"])
    ws = _sheet(wb, UNIT_GRADES, grades, False)
    _choices(ws, "B", unit_grades(scheme))
    _choices(ws, "D", list(SCOPE_WORDS))
    task_rows = [[no, name, key, entered["tasks"].get((no, key))] for no, name, key in tasks]
    _sheet(wb, TASKS, task_rows, False)
    return wb
