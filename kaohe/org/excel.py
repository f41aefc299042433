"""Units and people in Excel: the template, the import and the exports.

The file layout is the one office users fill today: Chinese sheet and column names, Chinese labels
for every choice (with drop-down lists), dates as dates. The import is all-or-nothing: the whole
file is parsed and checked against the same rules as the services (:mod:`kaohe.org.rules`) before
anything is written, every problem is reported with its sheet, row and column, and then units and
people are written through the services in one transaction, so each change has its audit event.
Units are matched by 单位编码 and people by 工号, so importing an edited export updates in place.
"""

import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO, cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kaohe.audit.services import record

from . import rules
from .models import Person, Position, Unit

HELP_SHEET = "说明"
UNIT_SHEET = "单位"
PEOPLE_SHEET = "人员"
TEMPLATE_ROWS = 1000  # rows that carry the drop-down lists in a blank template
ZIP_MAGIC = b"PK\x03\x04"

# Chinese labels of the stored choice values, as users write them in the file.
UNIT_KIND_LABELS = {
    "党委政府": "party_government",
    "机关部门": "department",
    "站所": "station",
    "乡镇": "township",
    "村/社区": "village",
    "事业单位": "institution",
    "窗口单位": "window",
}
GENDER_LABELS = {"男": "M", "女": "F"}
IDENTITY_LABELS = {"班子成员": "leadership", "中层干部": "middle", "一般干部": "general"}
STAFFING_LABELS = {"在编": "established", "社区指导员": "instructor", "不在编": "non_established"}
POST_TYPE_LABELS = {"管理岗": "management", "专业技术岗": "technical", "工勤岗": "service"}
POST_LEVEL_LABELS = {"初级": "junior", "中级": "intermediate", "高级": "senior"}


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: str = "text"  # text | choice | date | int
    required: bool = False  # a value is required on every row
    optional_header: bool = False  # the column may be left out of the sheet altogether
    labels: dict[str, str] | None = None
    max_length: int | None = None
    width: int = 14
    help: str = ""


UNIT_COLUMNS = [
    Column(
        "单位编码",
        "code",
        required=True,
        max_length=40,
        help="单位的唯一编码，如 DZB。再次导入时按编码更新已有单位。",
    ),
    Column("单位名称", "name", required=True, max_length=100, width=24, help="如 党政综合办公室。"),
    Column("单位类型", "kind", "choice", required=True, labels=UNIT_KIND_LABELS, help="从下拉列表中选择。"),
    Column(
        "上级单位编码",
        "parent",
        max_length=40,
        help="上级单位的编码，须在本表中或系统中已存在；留空表示顶级单位。单位不能挂在自己或自己的下级单位之下。",
    ),
    Column(
        "排序", "sort_order", "int", optional_header=True, width=8, help="同级单位的显示顺序，整数，可留空。"
    ),
]
PEOPLE_COLUMNS = [
    Column(
        "工号",
        "staff_no",
        required=True,
        max_length=40,
        help="人员的唯一编号。再次导入时按工号更新已有人员。",
    ),
    Column("姓名", "name", required=True, max_length=60, width=10),
    Column("性别", "gender", "choice", labels=GENDER_LABELS, width=8, help="男 或 女，可留空。"),
    Column(
        "出生日期",
        "birth_date",
        "date",
        width=12,
        help="日期，如 1985-03-12；也可只写年月，如 1985.03。可留空。",
    ),
    Column(
        "单位编码",
        "unit",
        required=True,
        max_length=40,
        help="所在单位的编码，须在“单位”表中或系统中已存在。",
    ),
    Column(
        "职务",
        "position",
        max_length=100,
        width=16,
        help="如 科员、主任；系统中没有的职务会在该单位下自动新建。可留空。",
    ),
    Column("身份类别", "identity", "choice", required=True, labels=IDENTITY_LABELS),
    Column("编制类别", "staffing", "choice", required=True, labels=STAFFING_LABELS),
    Column("岗位类型", "post_type", "choice", required=True, labels=POST_TYPE_LABELS),
    Column("岗位等级", "post_level", "choice", required=True, labels=POST_LEVEL_LABELS),
    Column("进入单位日期", "start_date", "date", required=True, help="日期，如 2019-07-01。"),
    Column(
        "审阅人工号",
        "reviewer",
        max_length=40,
        help="审阅其工作日志的领导的工号，须在本表中或系统中已存在；该领导的账号须拥有覆盖此人所在单位的“审阅人”角色。可留空。",
    ),
    Column(
        "账号",
        "username",
        optional_header=True,
        max_length=150,
        help="登录账号名，可留空或省略此列。填写后为此人新建账号（密码由考核办另行设置），或关联系统中尚未归属任何人的同名账号。",
    ),
]
SHEETS = {UNIT_SHEET: UNIT_COLUMNS, PEOPLE_SHEET: PEOPLE_COLUMNS}


@dataclass(frozen=True)
class ImportIssue:
    """One problem in an uploaded file. ``row`` is the Excel row number (the header is row 1);
    ``row`` and ``column`` are empty for a problem with the file as a whole."""

    sheet: str
    row: int | None
    column: str
    reason: str

    def __str__(self) -> str:
        if self.row is None and not self.column:
            return f"{self.sheet}: {self.reason}" if self.sheet else self.reason
        return _("sheet %(sheet)s, row %(row)s, column %(column)s: %(reason)s") % {
            "sheet": self.sheet,
            "row": self.row if self.row is not None else "-",
            "column": self.column or "-",
            "reason": self.reason,
        }


@dataclass
class ImportResult:
    issues: list[ImportIssue] = field(default_factory=list)
    units_created: int = 0
    units_updated: int = 0
    units_unchanged: int = 0
    people_created: int = 0
    people_updated: int = 0
    people_unchanged: int = 0
    positions_created: int = 0
    accounts_created: int = 0
    accounts_linked: int = 0

    @property
    def ok(self) -> bool:
        return not self.issues

    @property
    def created(self) -> int:
        return self.units_created + self.people_created

    @property
    def updated(self) -> int:
        return self.units_updated + self.people_updated


# --- writing workbooks -----------------------------------------------------------------------------

HEADER_FONT = Font(bold=True)
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
OPTIONAL_FILL = PatternFill("solid", fgColor="E2EFDA")


def _label_of(labels: dict[str, str], value: str) -> str:
    return next((label for label, v in labels.items() if v == value), value)


def _data_sheet(
    wb: Workbook, title: str, columns: list[Column], rows: Iterable[list[Any]], blank: bool
) -> None:
    ws = wb.create_sheet(title)
    ws.append([c.header for c in columns])
    for i, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = HEADER_FONT
        cell.fill = REQUIRED_FILL if column.required else OPTIONAL_FILL
        ws.column_dimensions[get_column_letter(i)].width = column.width
    count = 0
    for row in rows:
        ws.append(row)
        count += 1
        for i, column in enumerate(columns, start=1):
            if column.kind == "date":
                ws.cell(row=count + 1, column=i).number_format = "yyyy-mm-dd"
            elif column.kind == "text":
                ws.cell(row=count + 1, column=i).number_format = "@"
    last = max(count + 1, TEMPLATE_ROWS + 1) if blank else max(count + 1, 2)
    for i, column in enumerate(columns, start=1):
        letter = get_column_letter(i)
        if column.labels:
            dv = DataValidation(
                type="list", formula1='"' + ",".join(column.labels) + '"', allow_blank=not column.required
            )
            dv.error = "请从下拉列表中选择：" + "、".join(column.labels)
            dv.errorTitle = column.header
            dv.showErrorMessage = True
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}{last}")
    ws.freeze_panes = "A2"


def _help_sheet(wb: Workbook) -> None:
    ws = cast(Worksheet, wb.active)
    ws.title = HELP_SHEET
    limit_mb = settings.KAOHE_MAX_UPLOAD_BYTES / 1024 / 1024
    lines = [
        "单位和人员导入模板（考核系统）",
        "",
        "填写说明：",
        "1. 本文件包含“单位”和“人员”两张表，表头（第 1 行）请勿修改、删除；列的先后顺序可以调整。",
        "2. 橙色表头为必填列，绿色表头为选填列；“单位”表的“排序”列和“人员”表的“账号”列可以整列省略。",
        "3. 导入时先检查整个文件：只要有一处错误，就一条也不写入，并列出每个错误所在的表、行、列和原因；改正后重新导入即可。",
        "4. 单位按“单位编码”、人员按“工号”识别：系统中已有的会被更新，没有的会被新建。可先导出、修改后再导入。",
        "5. 日期请写成 2024-03-01（也可用 2024/3/1、2024.03.01、2024年3月1日 或 Excel 日期格式）。",
        "6. 带下拉列表的列只能填写列表中的值。",
        f"7. 文件须为 .xlsx 格式（Excel 2007 及以上），大小不超过 {limit_mb:g} MB。",
        "8. 更新已有人员时以文件为准：选填列留空会清除原有内容（如留空“审阅人工号”即取消审阅人）；“账号”列留空不会删除已有账号。",
        "",
        "各列说明：",
    ]
    for line in lines:
        ws.append([line])
    ws["A1"].font = Font(bold=True, size=14)
    header_row = ws.max_row + 1
    ws.append(["工作表", "列名", "是否必填", "允许的值 / 格式", "说明"])
    for cell in ws[header_row]:
        cell.font = HEADER_FONT
    for sheet, columns in SHEETS.items():
        for c in columns:
            if c.required:
                need = "必填"
            elif c.optional_header:
                need = "选填（可省略此列）"
            else:
                need = "选填"
            if c.labels:
                allowed = "、".join(c.labels)
            elif c.kind == "date":
                allowed = "日期，如 2024-03-01"
            elif c.kind == "int":
                allowed = "整数"
            else:
                allowed = f"文字，最多 {c.max_length} 个字符" if c.max_length else "文字"
            ws.append([sheet, c.header, need, allowed, c.help])
    for letter, width in zip("ABCDE", (10, 14, 18, 40, 80), strict=True):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=header_row + 1):
        row[4].alignment = Alignment(wrap_text=True, vertical="top")


def _workbook(
    unit_rows: Iterable[list[Any]], people_rows: Iterable[list[Any]], *, blank: bool = False
) -> bytes:
    wb = Workbook()
    _help_sheet(wb)
    _data_sheet(wb, UNIT_SHEET, UNIT_COLUMNS, unit_rows, blank)
    _data_sheet(wb, PEOPLE_SHEET, PEOPLE_COLUMNS, people_rows, blank)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def build_template() -> bytes:
    """A blank workbook to fill: instructions (说明), 单位 and 人员 with drop-down lists."""
    return _workbook([], [], blank=True)


def _unit_row(unit: Unit, parent_codes: dict[int, str]) -> list[Any]:
    return [
        unit.code,
        unit.name,
        _label_of(UNIT_KIND_LABELS, unit.kind),
        parent_codes.get(unit.parent_id, "") if unit.parent_id else "",
        unit.sort_order,
    ]


def export_units(queryset) -> bytes:
    """The units of ``queryset`` in the template's layout (parents before children), re-importable."""
    units = list(queryset.order_by("path"))
    parent_ids = {u.parent_id for u in units if u.parent_id}
    parent_codes = dict(Unit.objects.filter(pk__in=parent_ids).values_list("pk", "code"))
    return _workbook([_unit_row(u, parent_codes) for u in units], [])


def export_people(queryset) -> bytes:
    """The people of ``queryset`` in the template's layout, re-importable. The 单位 sheet carries
    their units and those units' ancestors, so the file stands on its own."""
    people = list(
        queryset.select_related("unit", "position", "reviewer", "user").order_by("unit__path", "staff_no")
    )
    unit_ids: set[int] = set()
    for person in people:
        unit_ids.update(rules.ids_from_path(person.unit.path))
    units = list(Unit.objects.filter(pk__in=unit_ids).order_by("path"))
    codes = {u.pk: u.code for u in units}
    unit_rows = [_unit_row(u, codes) for u in units]
    people_rows = [
        [
            p.staff_no,
            p.name,
            _label_of(GENDER_LABELS, p.gender) if p.gender else "",
            p.birth_date,
            p.unit.code,
            p.position.title if p.position_id else "",
            _label_of(IDENTITY_LABELS, p.identity),
            _label_of(STAFFING_LABELS, p.staffing),
            _label_of(POST_TYPE_LABELS, p.post_type),
            _label_of(POST_LEVEL_LABELS, p.post_level),
            p.start_date,
            p.reviewer.staff_no if p.reviewer_id else "",
            p.user.username if p.user_id else "",
        ]
        for p in people
    ]
    return _workbook(unit_rows, people_rows)


# --- reading ---------------------------------------------------------------------------------------


class _Reject(Exception):
    """The file cannot be read at all; carries the one issue to report."""

    def __init__(self, issue: ImportIssue):
        self.issue = issue


def _read_bytes(fileobj: BinaryIO | str | Path) -> bytes:
    limit = settings.KAOHE_MAX_UPLOAD_BYTES
    if isinstance(fileobj, str | Path):
        with open(fileobj, "rb") as fh:
            data = fh.read(limit + 1)
    else:
        if hasattr(fileobj, "seek"):
            fileobj.seek(0)
        data = fileobj.read(limit + 1)
    if len(data) > limit:
        raise _Reject(
            ImportIssue(
                "",
                None,
                "",
                _("The file is larger than the limit of %(mb)s MB.") % {"mb": f"{limit / 1048576:g}"},
            )
        )
    return data


def _open_workbook(data: bytes):
    not_xlsx = _(
        "The file is not an Excel workbook (.xlsx). Save it in Excel as “Excel workbook (*.xlsx)” and try again."
    )
    if not data.startswith(ZIP_MAGIC):
        raise _Reject(ImportIssue("", None, "", not_xlsx))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            # A small file that unpacks to gigabytes is an attack, not a workbook.
            if sum(info.file_size for info in archive.infolist()) > 20 * settings.KAOHE_MAX_UPLOAD_BYTES:
                raise _Reject(ImportIssue("", None, "", _("The workbook unpacks to too much data.")))
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except _Reject:
        raise
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        raise _Reject(ImportIssue("", None, "", not_xlsx)) from None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
MONTH_FORMATS = ("%Y-%m", "%Y/%m", "%Y.%m", "%Y年%m月")


def parse_date(value: Any) -> date:
    """A date from a cell: an Excel date, an Excel serial number or text in a common Chinese
    format (2024-03-01, 2024/3/1, 2024.03.01, 2024年3月1日; a bare year-month means its first day).
    Raises ValueError otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # Excel's serial day numbers (1900 date system)
            return date(1899, 12, 30) + timedelta(days=int(value))
        raise ValueError(value)
    text = _text(value)
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    for fmt in MONTH_FORMATS:
        try:
            return datetime.strptime(text, fmt).date().replace(day=1)
        except ValueError:
            pass
    raise ValueError(value)


@dataclass
class _Row:
    sheet: str
    number: int
    values: dict[str, Any]  # field → parsed value (only for columns present in the sheet)


@dataclass
class _Sheet:
    present: bool = False
    columns: list[Column] = field(default_factory=list)  # the columns found in the header
    rows: list[_Row] = field(default_factory=list)


class _Collector:
    def __init__(self) -> None:
        self.issues: list[ImportIssue] = []

    def add(self, sheet: str, row: int | None, column: str, reason: str) -> None:
        self.issues.append(ImportIssue(sheet, row, column, reason))


def _parse_cell(column: Column, raw: Any) -> tuple[Any, str | None]:
    """(value, problem). Empty cells give "" (text/choice) or None (date/int)."""
    empty = raw is None or (isinstance(raw, str) and not raw.strip())
    if empty:
        if column.required:
            return None, _("A value is required.")
        return ("" if column.kind in {"text", "choice"} else None), None
    if column.kind == "text":
        text = _text(raw)
        if column.max_length and len(text) > column.max_length:
            return None, _("Too long: at most %(n)s characters.") % {"n": column.max_length}
        return text, None
    if column.kind == "choice":
        labels = column.labels or {}
        text = _text(raw)
        if text in labels:
            return labels[text], None
        if text in labels.values():  # the stored code name is accepted too
            return text, None
        return None, _("Unknown value “%(value)s”; allowed: %(allowed)s.") % {
            "value": text,
            "allowed": "、".join(labels),
        }
    if column.kind == "date":
        try:
            return parse_date(raw), None
        except (ValueError, OverflowError):
            return None, _("“%(value)s” is not a date; write it like 2024-03-01.") % {"value": _text(raw)}
    if column.kind == "int":
        try:
            number = int(raw) if not isinstance(raw, str) else int(raw.strip())
        except (TypeError, ValueError):
            return None, _("“%(value)s” is not a whole number.") % {"value": _text(raw)}
        if isinstance(raw, float) and not raw.is_integer() or number < 0:
            return None, _("“%(value)s” is not a whole number.") % {"value": _text(raw)}
        return number, None
    raise AssertionError(column.kind)


def _read_sheet(wb, name: str, columns: list[Column], out: _Collector) -> _Sheet:
    if name not in wb.sheetnames:
        return _Sheet()
    sheet = _Sheet(present=True)
    rows = wb[name].iter_rows(values_only=True)
    header = next(rows, None) or ()
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        title = _text(cell).rstrip("*＊").strip()
        if title and title not in positions:
            positions[title] = index
    missing = [c.header for c in columns if c.header not in positions and not c.optional_header]
    for header_name in missing:
        out.add(name, 1, header_name, _("The required column is missing from the header row."))
    if missing:
        return sheet
    sheet.columns = [c for c in columns if c.header in positions]
    for number, cells in enumerate(rows, start=2):
        if cells is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in cells):
            continue
        values: dict[str, Any] = {}
        for column in sheet.columns:
            index = positions[column.header]
            raw = cells[index] if index < len(cells) else None
            value, problem = _parse_cell(column, raw)
            if problem:
                out.add(name, number, column.header, problem)
            values[column.field] = value
        sheet.rows.append(_Row(name, number, values))
    return sheet


# --- checking --------------------------------------------------------------------------------------


@dataclass
class _Plan:
    units: list[_Row]  # in an order where parents come before children
    people: list[_Row]
    has_sort_order: bool
    has_username: bool


def _header(columns: list[Column], field_name: str) -> str:
    return next((c.header for c in columns if c.field == field_name), field_name)


def _office_roots(actor) -> set[str] | None:
    """Codes of the units under which ``actor`` may import, or None for no limit (the system, a
    superuser)."""
    if actor is None or getattr(actor, "is_superuser", False):
        return None
    from kaohe.accounts.models import Role, RoleGrant

    return set(RoleGrant.objects.filter(user=actor, role=Role.OFFICE).values_list("unit__code", flat=True))


def _check(units: _Sheet, people: _Sheet, out: _Collector, scope_roots: set[str] | None = None) -> _Plan:
    """Cross-row and database checks; adds issues to ``out``. With ``scope_roots``, every unit and
    person the file touches must lie, before and after the import, under one of those units."""
    U, P = UNIT_SHEET, PEOPLE_SHEET
    col_u = {c.field: c.header for c in UNIT_COLUMNS}
    col_p = {c.field: c.header for c in PEOPLE_COLUMNS}

    # Units: duplicates, parents known, no cycle.
    db_parent: dict[str, str | None] = dict(Unit.objects.values_list("code", "parent__code"))
    file_units: dict[str, _Row] = {}
    for row in units.rows:
        code = row.values.get("code")
        if not code:
            continue
        if code in file_units:
            out.add(
                U,
                row.number,
                col_u["code"],
                _("Duplicate unit code %(code)s (also on row %(row)s).")
                % {"code": code, "row": file_units[code].number},
            )
            continue
        file_units[code] = row
    parent_of: dict[str, str | None] = dict(db_parent)
    for code, row in file_units.items():
        parent = row.values.get("parent") or None
        if parent is not None and parent not in file_units and parent not in db_parent:
            out.add(
                U,
                row.number,
                col_u["parent"],
                _("Unknown unit code %(code)s: it is neither in this file nor in the system.")
                % {"code": parent},
            )
            parent = None
        parent_of[code] = parent
    cycles = rules.all_cycles(parent_of)
    in_cycle: set[str] = set()
    for cycle in cycles:
        in_cycle.update(cycle)
        rows_in_cycle = [file_units[c] for c in cycle if c in file_units]
        first = min(rows_in_cycle, key=lambda r: r.number)
        out.add(U, first.number, col_u["parent"], rules.cycle_message(cycle))
    for code in in_cycle:
        parent_of[code] = None  # so that the checks below can still walk the tree

    def depth(code: str) -> int:
        return len(rules.ancestry(parent_of, code))

    def outside(tree: dict[str, str | None], code: str | None) -> bool:
        return scope_roots is not None and not (
            set(rules.ancestry(tree, code)) & scope_roots if code else False
        )

    out_of_scope = _("Unit %(code)s is outside the part of the organisation you administer.")
    for code, row in file_units.items():
        if code in in_cycle:
            continue
        if outside(parent_of, code) or (code in db_parent and outside(db_parent, code)):
            out.add(U, row.number, col_u["code"], out_of_scope % {"code": code})

    ordered_units = sorted(file_units.values(), key=lambda r: (depth(r.values["code"]), r.number))

    # People: duplicates, units and reviewers known, reviewer in scope, accounts.
    file_people: dict[str, _Row] = {}
    for row in people.rows:
        staff_no = row.values.get("staff_no")
        if not staff_no:
            continue
        if staff_no in file_people:
            out.add(
                P,
                row.number,
                col_p["staff_no"],
                _("Duplicate staff number %(no)s (also on row %(row)s).")
                % {"no": staff_no, "row": file_people[staff_no].number},
            )
            continue
        file_people[staff_no] = row
    wanted = set(file_people) | {
        r.values.get("reviewer") for r in file_people.values() if r.values.get("reviewer")
    }
    db_people = {
        p["staff_no"]: p
        for p in Person.objects.filter(staff_no__in=wanted).values(
            "id",
            "staff_no",
            "unit__code",
            "reviewer__staff_no",
            "user_id",
            "user__username",
            "user__is_active",
        )
    }
    usernames = {r.values["username"] for r in file_people.values() if r.values.get("username")}
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    owners = dict(
        Person.objects.filter(user__in=list(users.values())).values_list("user__username", "staff_no")
    )
    username_field = User._meta.get_field("username")

    taken: dict[str, int] = {}
    account_of: dict[str, tuple[int | None, bool]] = {}  # staff_no → (user id, active) after import
    for staff_no, row in file_people.items():
        db = db_people.get(staff_no)
        username = row.values.get("username") or ""
        if db and db["user_id"]:
            account_of[staff_no] = (db["user_id"], bool(db["user__is_active"]))
        if not username:
            continue
        column = col_p["username"]
        if username in taken:
            out.add(
                P,
                row.number,
                column,
                _("The account %(username)s is also given on row %(row)s.")
                % {"username": username, "row": taken[username]},
            )
            continue
        taken[username] = row.number
        if db and db["user_id"] and db["user__username"] != username:
            out.add(
                P,
                row.number,
                column,
                _("This person already has the account %(username)s; an import cannot rename it.")
                % {"username": db["user__username"]},
            )
            continue
        try:
            username_field.clean(username, None)
        except ValidationError as exc:
            out.add(P, row.number, column, " ".join(exc.messages))
            continue
        user = users.get(username)
        if user is not None:
            owner = owners.get(username)
            if owner is not None and owner != staff_no:
                out.add(
                    P,
                    row.number,
                    column,
                    _("The account %(username)s belongs to the person %(no)s.")
                    % {"username": username, "no": owner},
                )
                continue
            account_of[staff_no] = (user.pk, user.is_active)
        else:
            account_of.setdefault(staff_no, (None, True))  # a new account: it holds no roles yet

    for db in db_people.values():
        if db["staff_no"] not in file_people and db["user_id"]:
            account_of[db["staff_no"]] = (db["user_id"], bool(db["user__is_active"]))
    from kaohe.accounts.models import Role, RoleGrant

    grant_roots: dict[int, set[str]] = {}
    user_ids = [uid for uid, _active in account_of.values() if uid is not None]
    for user_id, code in RoleGrant.objects.filter(user_id__in=user_ids, role=Role.REVIEWER).values_list(
        "user_id", "unit__code"
    ):
        grant_roots.setdefault(user_id, set()).add(code)

    for staff_no, row in file_people.items():
        unit_code = row.values.get("unit")
        if unit_code and unit_code not in file_units and unit_code not in db_parent:
            out.add(
                P,
                row.number,
                col_p["unit"],
                _("Unknown unit code %(code)s: it is neither in this file nor in the system.")
                % {"code": unit_code},
            )
            continue
        if unit_code and outside(parent_of, unit_code):
            out.add(P, row.number, col_p["unit"], out_of_scope % {"code": unit_code})
            continue
        current = db_people.get(staff_no)
        if current and outside(db_parent, current["unit__code"]):
            out.add(
                P,
                row.number,
                col_p["staff_no"],
                _("The person %(no)s belongs to a unit outside the part of the organisation you administer.")
                % {"no": staff_no},
            )
            continue
        reviewer_no = row.values.get("reviewer")
        if not reviewer_no or not unit_code:
            continue
        if reviewer_no not in file_people and reviewer_no not in db_people:
            out.add(
                P,
                row.number,
                col_p["reviewer"],
                _("Unknown reviewer: no person has the staff number %(no)s.") % {"no": reviewer_no},
            )
            continue
        db = db_people.get(staff_no)
        if db and db["reviewer__staff_no"] == reviewer_no and db["unit__code"] == unit_code:
            continue  # unchanged: checked when it was set, as the services do
        reviewer_user_id, active = account_of.get(reviewer_no, (None, False))
        has_account = reviewer_no in account_of and active
        problem = rules.reviewer_problem(
            person_key=staff_no,
            reviewer_key=reviewer_no,
            reviewer_label=reviewer_no,
            reviewer_has_account=has_account,
            unit_label=unit_code,
            unit_ancestry=rules.ancestry(parent_of, unit_code),
            reviewer_scope_roots=grant_roots.get(reviewer_user_id, set()) if reviewer_user_id else set(),
        )
        if problem:
            out.add(P, row.number, col_p["reviewer"], problem)

    # Reviewers in the file are written before the people they review, where the order allows.
    reviewers_in_file = {r.values.get("reviewer") for r in file_people.values()}
    ordered_people = sorted(
        file_people.values(), key=lambda r: (r.values["staff_no"] not in reviewers_in_file, r.number)
    )
    return _Plan(
        units=ordered_units,
        people=ordered_people,
        has_sort_order=any(c.field == "sort_order" for c in units.columns),
        has_username=any(c.field == "username" for c in people.columns),
    )


# --- writing ---------------------------------------------------------------------------------------


class _Rollback(Exception):
    pass


def _issue_from_error(exc: ValidationError, row: _Row, columns: list[Column]) -> list[ImportIssue]:
    headers = {c.field: c.header for c in columns}
    if hasattr(exc, "error_dict"):
        return [
            ImportIssue(
                row.sheet,
                row.number,
                headers.get(name, "" if name == "__all__" else name),
                " ".join(messages),
            )
            for name, messages in exc.message_dict.items()
        ]
    return [ImportIssue(row.sheet, row.number, "", " ".join(exc.messages))]


def _write(plan: _Plan, actor, result: ImportResult, progress: Callable | None) -> None:
    from kaohe.accounts import services as accounts

    from . import services

    for row in plan.units:
        v = row.values
        parent = Unit.objects.get(code=v["parent"]) if v.get("parent") else None
        unit_fields: dict[str, Any] = {"name": v["name"], "kind": v["kind"], "parent": parent}
        if plan.has_sort_order and v.get("sort_order") is not None:
            unit_fields["sort_order"] = v["sort_order"]
        try:
            existing = Unit.objects.filter(code=v["code"]).first()
            if existing is None:
                services.create_unit(actor=actor, code=v["code"], **unit_fields)
                result.units_created += 1
            elif _differs(existing, unit_fields):
                services.update_unit(actor=actor, unit=existing, **unit_fields)
                result.units_updated += 1
            else:
                result.units_unchanged += 1
        except ValidationError as exc:
            result.issues.extend(_issue_from_error(exc, row, UNIT_COLUMNS))
    if result.issues:
        raise _Rollback

    codes = {r.values["unit"] for r in plan.people}
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    people = {
        p.staff_no: p
        for p in Person.objects.filter(
            staff_no__in={r.values["staff_no"] for r in plan.people}
            | {r.values["reviewer"] for r in plan.people if r.values.get("reviewer")}
        ).select_related("user")
    }
    positions = {(p.unit_id, p.title): p for p in Position.objects.filter(unit__code__in=codes)}
    User = get_user_model()
    deferred: list[tuple[_Row, str]] = []
    rows = progress(plan.people, total=len(plan.people), desc="人员") if progress else plan.people
    for row in rows:
        v = row.values
        try:
            unit = units[v["unit"]]
            fields: dict[str, Any] = {
                key: v[key]
                for key in (
                    "name",
                    "gender",
                    "birth_date",
                    "identity",
                    "staffing",
                    "post_type",
                    "post_level",
                    "start_date",
                )
            }
            fields["gender"] = fields["gender"] or ""
            fields["unit"] = unit
            title = v.get("position") or ""
            if title and (unit.pk, title) not in positions:
                positions[(unit.pk, title)] = services.create_position(actor=actor, unit=unit, title=title)
                result.positions_created += 1
            fields["position"] = positions[(unit.pk, title)] if title else None
            reviewer_no = v.get("reviewer") or ""
            fields["reviewer"] = people.get(reviewer_no) if reviewer_no else None
            if reviewer_no and reviewer_no not in people:
                deferred.append((row, reviewer_no))  # written later in this file
                del fields["reviewer"]
            person = people.get(v["staff_no"])
            if person is None:
                person = services.create_person(actor=actor, staff_no=v["staff_no"], **fields)
                result.people_created += 1
            elif _differs(person, fields):
                person = services.update_person(actor=actor, person=person, **fields)
                result.people_updated += 1
            else:
                result.people_unchanged += 1
            people[person.staff_no] = person
            username = v.get("username") if plan.has_username else ""
            if username and person.user_id is None:
                user = User.objects.filter(username=username).first()
                if user is None:
                    accounts.create_account(actor=actor, person=person, username=username)
                    result.accounts_created += 1
                else:
                    accounts.link_account(actor=actor, person=person, user=user)
                    result.accounts_linked += 1
                people[person.staff_no] = Person.objects.select_related("user").get(pk=person.pk)
        except ValidationError as exc:
            result.issues.extend(_issue_from_error(exc, row, PEOPLE_COLUMNS))
    for row, reviewer_no in deferred:
        person = people.get(row.values["staff_no"])
        if person is None:
            continue  # its own row failed and is reported already
        try:
            services.update_person(actor=actor, person=person, reviewer=people[reviewer_no])
        except ValidationError as exc:
            result.issues.extend(_issue_from_error(exc, row, PEOPLE_COLUMNS))
    if result.issues:
        raise _Rollback


def _differs(instance, fields: dict[str, Any]) -> bool:
    for name, value in fields.items():
        field_obj = instance._meta.get_field(name)
        if field_obj.is_relation:
            if getattr(instance, field_obj.attname) != (value.pk if value is not None else None):
                return True
        elif getattr(instance, name) != value:
            return True
    return False


def import_workbook(
    fileobj: BinaryIO | str | Path, *, actor, filename: str = "", progress: Callable | None = None
) -> ImportResult:
    """Import the 单位 and 人员 sheets of an uploaded workbook, all or nothing.

    ``fileobj`` is a binary file (an upload) or a path. The content decides, not the name: it must
    be an .xlsx workbook no larger than ``settings.KAOHE_MAX_UPLOAD_BYTES``. Returns an
    :class:`ImportResult`; when ``result.issues`` is not empty nothing was written. ``progress``
    (e.g. ``tqdm``) wraps the rows being written.
    """
    result = ImportResult()
    out = _Collector()
    try:
        wb = _open_workbook(_read_bytes(fileobj))
    except _Reject as reject:
        result.issues.append(reject.issue)
        return result
    try:
        if UNIT_SHEET not in wb.sheetnames and PEOPLE_SHEET not in wb.sheetnames:
            result.issues.append(
                ImportIssue(
                    "",
                    None,
                    "",
                    _(
                        "The workbook has neither a sheet named %(units)s nor one named %(people)s; start from the template."
                    )
                    % {"units": UNIT_SHEET, "people": PEOPLE_SHEET},
                )
            )
            return result
        units = _read_sheet(wb, UNIT_SHEET, UNIT_COLUMNS, out)
        people = _read_sheet(wb, PEOPLE_SHEET, PEOPLE_COLUMNS, out)
    finally:
        wb.close()
    plan = _check(units, people, out, _office_roots(actor))
    if out.issues:
        result.issues = _sorted(out.issues)
        return result
    try:
        with transaction.atomic():
            _write(plan, actor, result, progress)
            record(
                actor=actor,
                action="org.import",
                object_type="org.import",
                object_repr=(filename or "workbook")[:200],
                after={
                    "units_created": result.units_created,
                    "units_updated": result.units_updated,
                    "people_created": result.people_created,
                    "people_updated": result.people_updated,
                },
            )
    except _Rollback:
        _reset_counts(result)
        result.issues = _sorted(result.issues)
    except IntegrityError as exc:  # a concurrent change between the check and the write
        _reset_counts(result)
        result.issues = [
            ImportIssue("", None, "", _("The database refused the import: %(error)s") % {"error": exc})
        ]
    return result


def _reset_counts(result: ImportResult) -> None:
    for name in ("units", "people"):
        for what in ("created", "updated", "unchanged"):
            setattr(result, f"{name}_{what}", 0)
    result.positions_created = result.accounts_created = result.accounts_linked = 0


def _sorted(issues: list[ImportIssue]) -> list[ImportIssue]:
    sheet_order = {"": 0, UNIT_SHEET: 1, PEOPLE_SHEET: 2}
    column_order = {c.header: i for columns in SHEETS.values() for i, c in enumerate(columns)}
    return sorted(
        issues,
        key=lambda i: (sheet_order.get(i.sheet, 3), i.row or 0, column_order.get(i.column, 99), i.reason),
    )
