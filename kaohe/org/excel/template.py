"""The import template: its sheets, their columns (headers, Chinese labels of choices, widths,
help) and the workbook writer that lays them out with their drop-down lists.

The export (:mod:`.export`) writes the same layout with rows, so an edited export imports back.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kaohe.platform.excel import workbook_bytes

HELP_SHEET = "说明"
UNIT_SHEET = "单位"
PEOPLE_SHEET = "人员"
TEMPLATE_ROWS = 1000  # rows that carry the drop-down lists in a blank template
TEMPLATE_FILENAME = "人员导入模板.xlsx"  # the blank template's download name

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
    """One column of a data sheet: its header, the field it fills and how a cell is read."""

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


HEADER_FONT = Font(bold=True)
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
OPTIONAL_FILL = PatternFill("solid", fgColor="E2EFDA")


def label_of(labels: dict[str, str], value: str) -> str:
    """The Chinese label of a stored choice value (the value itself if it has none)."""
    return next((label for label, v in labels.items() if v == value), value)


LISTS_SHEET = "选项"  # hidden: the values of drop-down lists too long to write in the rule itself
MAX_INLINE_LIST = 250  # Excel refuses a list rule longer than 255 characters


def _list_formula(wb: Workbook, column: Column) -> str:
    """The drop-down rule's source: the values themselves, or a range of the hidden sheet when they
    are too long (or hold a comma) to write inline."""
    labels = list(column.labels or {})
    inline = ",".join(labels)
    if len(inline) <= MAX_INLINE_LIST and not any("," in v or '"' in v for v in labels):
        return f'"{inline}"'
    ws = wb[LISTS_SHEET] if LISTS_SHEET in wb.sheetnames else wb.create_sheet(LISTS_SHEET)
    ws.sheet_state = "hidden"
    col = ws.max_column + 1 if ws.max_row > 1 or ws["A1"].value is not None else 1
    for r, value in enumerate(labels, start=1):
        ws.cell(row=r, column=col, value=value)
    letter = get_column_letter(col)
    return f"'{LISTS_SHEET}'!${letter}$1:${letter}${len(labels)}"


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
                type="list", formula1=_list_formula(wb, column), allow_blank=not column.required
            )
            dv.error = "请从下拉列表中选择：" + "、".join(column.labels)
            dv.errorTitle = column.header
            dv.showErrorMessage = True
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}{last}")
    ws.freeze_panes = "A2"


def _help_sheet(wb: Workbook, sheets: dict[str, list[Column]], year: int | None) -> None:
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
        "9. 标有“（考核属性）”的列是考核方案规定的人员属性，按年度保存"
        + (f"，本文件为 {year} 年度" if year else "")
        + "（导入时在页面上选择年度）；只能填写下拉列表中的值，可整列省略。",
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
    for sheet, columns in sheets.items():
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


def workbook(
    unit_rows: Iterable[list[Any]],
    people_rows: Iterable[list[Any]],
    *,
    blank: bool = False,
    extra_people_columns: list[Column] | None = None,
    year: int | None = None,
) -> bytes:
    """The .xlsx bytes of the template's layout holding ``unit_rows`` and ``people_rows``; a
    ``blank`` one carries its drop-down lists on :data:`TEMPLATE_ROWS` rows. ``extra_people_columns``
    (the attributes of ``year``) follow the 人员 sheet's own columns."""
    people_columns = PEOPLE_COLUMNS + list(extra_people_columns or [])
    wb = Workbook()
    _help_sheet(wb, {UNIT_SHEET: UNIT_COLUMNS, PEOPLE_SHEET: people_columns}, year)
    _data_sheet(wb, UNIT_SHEET, UNIT_COLUMNS, unit_rows, blank)
    _data_sheet(wb, PEOPLE_SHEET, people_columns, people_rows, blank)
    return workbook_bytes(wb)


def build_template(extra_people_columns: list[Column] | None = None, year: int | None = None) -> bytes:
    """A blank workbook to fill: instructions (说明), 单位 and 人员 with drop-down lists (and the
    attribute columns of ``year``, when given)."""
    return workbook([], [], blank=True, extra_people_columns=extra_people_columns, year=year)
