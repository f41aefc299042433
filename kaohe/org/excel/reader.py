"""Reading an uploaded workbook into rows, each with its sheet and row number and its cells parsed.

The workbook is opened by the platform's one safe reader (:func:`kaohe.platform.excel.read_workbook`):
the size of the upload, its unpacked size and the size each read sheet declares are bounded before a
row is read, so a small file that claims a million rows is refused instead of being iterated. This
module adds what the import needs: the 单位 and 人员 sheets, their header row and parsed cells.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.utils.translation import gettext as _

from kaohe.platform import excel as platform_excel

from .cells import cell_text, parse_cell
from .issues import Collector, ImportIssue
from .template import PEOPLE_COLUMNS, PEOPLE_SHEET, UNIT_COLUMNS, UNIT_SHEET, Column

MAX_ROWS = 100_001  # per sheet: 100,000 people (issue 15 measures that many) and the header
MAX_COLUMNS = 200  # per sheet; the template has 13


class Reject(Exception):
    """The file cannot be read at all; carries the one issue to report."""

    def __init__(self, issue: ImportIssue):
        self.issue = issue


@dataclass
class Row:
    sheet: str
    number: int
    values: dict[str, Any]  # field → parsed value (only for columns present in the sheet)


@dataclass
class SheetRows:
    present: bool = False
    columns: list[Column] = field(default_factory=list)  # the columns found in the header
    headers: list[str] = field(default_factory=list)  # every title of the header row
    rows: list[Row] = field(default_factory=list)


def _refuse(reason: str, sheet: str = "") -> Reject:
    return Reject(ImportIssue(sheet, None, "", reason))


def _read_sheet(
    rows: list[platform_excel.Row] | None, name: str, columns: list[Column], out: Collector
) -> SheetRows:
    if rows is None:
        return SheetRows()
    sheet = SheetRows(present=True)
    # The header is row 1; a sheet whose first row is empty has none (every column is missing).
    header = rows[0].values if rows and rows[0].number == 1 else ()
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        title = cell_text(cell).rstrip("*＊").strip()
        if title and title not in positions:
            positions[title] = index
    sheet.headers = list(positions)
    missing = [c.header for c in columns if c.header not in positions and not c.optional_header]
    for header_name in missing:
        out.add(name, 1, header_name, _("The required column is missing from the header row."))
    if missing:
        return sheet
    sheet.columns = [c for c in columns if c.header in positions]
    for row in rows[1:] if header else rows:
        values: dict[str, Any] = {}
        for column in sheet.columns:
            index = positions[column.header]
            value, problem = parse_cell(column, row.values[index] if index < len(row.values) else None)
            if problem:
                out.add(name, row.number, column.header, problem)
            values[column.field] = value
        sheet.rows.append(Row(name, row.number, values))
    return sheet


def read_workbook(
    fileobj: BinaryIO | str | Path,
    out: Collector,
    *,
    filename: str = "",
    extra_people_columns: Callable[[], list[Column]] | None = None,
) -> tuple[SheetRows, SheetRows]:
    """The 单位 and 人员 sheets of an upload (a binary file or a path), their cell problems added to
    ``out``. Raises :class:`Reject` for a file that cannot be read at all: too large, not an .xlsx,
    a sheet beyond :data:`MAX_ROWS` or :data:`MAX_COLUMNS` (by what it declares or what it holds),
    or neither sheet present. The messages name ``filename`` (else the upload's or the path's name).
    ``extra_people_columns()`` (the schemes' attributes, asked once the file is known to be readable)
    are read after the 人员 sheet's own.
    """
    try:
        sheets = platform_excel.read_workbook(
            fileobj,
            sheets=[UNIT_SHEET, PEOPLE_SHEET],
            max_rows=MAX_ROWS,
            max_cols=MAX_COLUMNS,
            filename=filename,
            refuse_declared=True,
        )
    except platform_excel.WorkbookRefusal as refusal:
        raise _refuse(str(refusal), refusal.sheet) from None
    if not sheets:
        raise _refuse(
            _(
                "The workbook has neither a sheet named %(units)s nor one named %(people)s; start from the template."
            )
            % {"units": UNIT_SHEET, "people": PEOPLE_SHEET}
        )
    units = _read_sheet(sheets.get(UNIT_SHEET), UNIT_SHEET, UNIT_COLUMNS, out)
    people_columns = PEOPLE_COLUMNS + (extra_people_columns() if extra_people_columns else [])
    people = _read_sheet(sheets.get(PEOPLE_SHEET), PEOPLE_SHEET, people_columns, out)
    return units, people
