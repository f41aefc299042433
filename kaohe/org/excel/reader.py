"""Reading an uploaded workbook into rows, each with its sheet and row number and its cells parsed.

The only module of the import that opens a workbook (openpyxl, read-only): the size of the upload,
its unpacked size and the size each read sheet declares are bounded before a row is read, so a
small file that claims a million rows is refused instead of being iterated.
"""

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from .cells import cell_text, parse_cell
from .issues import Collector, ImportIssue
from .template import PEOPLE_COLUMNS, PEOPLE_SHEET, UNIT_COLUMNS, UNIT_SHEET, Column

ZIP_MAGIC = b"PK\x03\x04"
MAX_ROWS = 100_000  # per sheet, the header included; far above any organisation's people
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
class Sheet:
    present: bool = False
    columns: list[Column] = field(default_factory=list)  # the columns found in the header
    rows: list[Row] = field(default_factory=list)


def _refuse(reason: str, sheet: str = "") -> Reject:
    return Reject(ImportIssue(sheet, None, "", reason))


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
        raise _refuse(_("The file is larger than the limit of %(mb)s MB.") % {"mb": f"{limit / 1048576:g}"})
    return data


def _open_workbook(data: bytes):
    not_xlsx = _(
        "The file is not an Excel workbook (.xlsx). Save it in Excel as “Excel workbook (*.xlsx)” and try again."
    )
    if not data.startswith(ZIP_MAGIC):
        raise _refuse(not_xlsx)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            # A small file that unpacks to gigabytes is an attack, not a workbook.
            if sum(info.file_size for info in archive.infolist()) > 20 * settings.KAOHE_MAX_UPLOAD_BYTES:
                raise _refuse(_("The workbook unpacks to too much data."))
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Reject:
        raise
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        raise _refuse(not_xlsx) from None


def _too_large(filename: str, sheet: str) -> Reject:
    reason = _(
        "%(file)s: the sheet %(sheet)s is larger than %(max_rows)s rows or %(max_columns)s columns; split it into smaller files."
    ) % {"file": filename, "sheet": sheet, "max_rows": MAX_ROWS, "max_columns": MAX_COLUMNS}
    return _refuse(reason, sheet)


def _rows(wb, name: str, filename: str):
    """The cell values of sheet ``name``, row by row, refusing a sheet beyond the limits: first by
    the size it declares (``<dimension ref="A1:XFD1048576">``), then, for a sheet that declares
    none, as the rows are read."""
    ws = wb[name]
    if (ws.max_row or 0) > MAX_ROWS or (ws.max_column or 0) > MAX_COLUMNS:
        raise _too_large(filename, name)
    for number, cells in enumerate(ws.iter_rows(values_only=True), start=1):
        if number > MAX_ROWS or len(cells) > MAX_COLUMNS:
            raise _too_large(filename, name)
        yield cells


def _is_blank(cells) -> bool:
    return cells is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in cells)


def _read_sheet(wb, name: str, columns: list[Column], out: Collector, filename: str) -> Sheet:
    if name not in wb.sheetnames:
        return Sheet()
    sheet = Sheet(present=True)
    rows = _rows(wb, name, filename)
    header = next(rows, None) or ()
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        title = cell_text(cell).rstrip("*＊").strip()
        if title and title not in positions:
            positions[title] = index
    missing = [c.header for c in columns if c.header not in positions and not c.optional_header]
    for header_name in missing:
        out.add(name, 1, header_name, _("The required column is missing from the header row."))
    if missing:
        return sheet
    sheet.columns = [c for c in columns if c.header in positions]
    for number, cells in enumerate(rows, start=2):
        if _is_blank(cells):
            continue
        values: dict[str, Any] = {}
        for column in sheet.columns:
            index = positions[column.header]
            value, problem = parse_cell(column, cells[index] if index < len(cells) else None)
            if problem:
                out.add(name, number, column.header, problem)
            values[column.field] = value
        sheet.rows.append(Row(name, number, values))
    return sheet


def read_workbook(
    fileobj: BinaryIO | str | Path, out: Collector, *, filename: str = ""
) -> tuple[Sheet, Sheet]:
    """The 单位 and 人员 sheets of an upload (a binary file or a path), their cell problems added to
    ``out``. Raises :class:`Reject` for a file that cannot be read at all: too large, not an .xlsx,
    a sheet beyond :data:`MAX_ROWS` or :data:`MAX_COLUMNS`, or neither sheet present."""
    if not filename:
        filename = Path(fileobj).name if isinstance(fileobj, str | Path) else "workbook"
    wb = _open_workbook(_read_bytes(fileobj))
    try:
        if UNIT_SHEET not in wb.sheetnames and PEOPLE_SHEET not in wb.sheetnames:
            raise _refuse(
                _(
                    "The workbook has neither a sheet named %(units)s nor one named %(people)s; start from the template."
                )
                % {"units": UNIT_SHEET, "people": PEOPLE_SHEET}
            )
        units = _read_sheet(wb, UNIT_SHEET, UNIT_COLUMNS, out, filename)
        people = _read_sheet(wb, PEOPLE_SHEET, PEOPLE_COLUMNS, out, filename)
    finally:
        wb.close()
    return units, people
