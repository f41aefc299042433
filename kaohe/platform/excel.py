"""Reading an uploaded Excel workbook safely, and sending one as a download: every import and export
goes through here.

A workbook is a zip of XML, and its header may claim anything: a 5 KB file can declare a sheet of
``A1:XFD1048576`` (which openpyxl, trusting it, pads out to seventeen billion cells) or unpack to
gigabytes. :func:`read_workbook` therefore checks the bytes before openpyxl sees them (size, the zip's
unpacked size and compression ratio), reads in openpyxl's streaming mode, never asks for more than
``max_rows`` + 1 rows and reads each row at the width of its own cells whatever the sheet declares,
and refuses a sheet whose content goes past either limit with a message naming the file and the
sheet. An import that
wants such a file refused outright asks for ``refuse_declared``: a sheet that declares more than the
limits is then refused before a row of any sheet is read."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.utils.datetime import from_excel, from_ISO8601

from .downloads import download_response
from .errors import Refusal
from .uploads import XLSX, sniff

# A member of the zip that unpacks past this size must not have been squeezed more than MAX_RATIO
# times: real sheets compress 5–20 times, a zip bomb thousands.
RATIO_FLOOR = 1024 * 1024
MAX_RATIO = 100


class WorkbookRefusal(Refusal):
    """A workbook :func:`read_workbook` refuses; ``sheet`` names the sheet it concerns ("" when the
    whole file is refused)."""

    def __init__(self, message: str, *, code: str, sheet: str = ""):
        super().__init__(message, code=code)
        self.sheet = sheet


@dataclass(frozen=True)
class Row:
    """A row that is not empty: its number in Excel (the first row is 1) and its cells' values
    (``None`` for an empty cell; trailing empty cells left off)."""

    number: int
    values: tuple[Any, ...]


def max_upload_bytes() -> int:
    return int(settings.KAOHE_MAX_UPLOAD_BYTES)


def read_workbook(
    source: bytes | BinaryIO | str | Path,
    *,
    sheets: Sequence[str] | None = None,
    max_rows: int,
    max_cols: int,
    filename: str = "",
    max_bytes: int | None = None,
    max_unpacked: int | None = None,
    max_ratio: int = MAX_RATIO,
    refuse_declared: bool = False,
) -> dict[str, list[Row]]:
    """The rows of the sheets named ``sheets`` (the first sheet when None) of an .xlsx workbook, by
    sheet name, in the workbook's order; a named sheet the workbook lacks is left out.

    ``source`` is the file's bytes, a binary file (an upload) or a path. Raises
    :class:`WorkbookRefusal` when the file is larger than ``max_bytes``
    (``settings.KAOHE_MAX_UPLOAD_BYTES``), is not an .xlsx workbook, unpacks to more than
    ``max_unpacked`` (20 × ``max_bytes``) or a member squeezed more than ``max_ratio`` times, when a
    sheet read has content below row ``max_rows`` or right of column ``max_cols``, or, with
    ``refuse_declared``, when a sheet to be read declares more rows or columns than that (its
    ``<dimension>``), whatever it holds. The messages name ``filename`` (else the upload's or the
    path's name)."""
    limit = max_upload_bytes() if max_bytes is None else max_bytes
    name = filename or _name_of(source)
    data = _read_bytes(source, limit, name)
    _check_zip(data, name, 20 * limit if max_unpacked is None else max_unpacked, max_ratio)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        raise _not_a_workbook(name) from None
    try:
        wanted = wb.sheetnames[:1] if sheets is None else [s for s in wb.sheetnames if s in sheets]
        if refuse_declared:
            for sheet in wanted:
                _check_declared(wb[sheet], name, sheet, max_rows, max_cols)
        return {sheet: _read_sheet(wb[sheet], name, sheet, max_rows, max_cols) for sheet in wanted}
    finally:
        wb.close()


def _name_of(source: object) -> str:
    if isinstance(source, str | Path):
        return os.path.basename(source)
    return str(getattr(source, "name", "") or "") or _("the workbook")


def _read_bytes(source: bytes | BinaryIO | str | Path, limit: int, name: str) -> bytes:
    if isinstance(source, bytes):
        data = source
    elif isinstance(source, str | Path):
        with open(source, "rb") as fh:
            data = fh.read(limit + 1)
    else:
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(limit + 1)
    if len(data) > limit:
        raise WorkbookRefusal(
            _("%(file)s is larger than the limit of %(mb)s MB.")
            % {"file": name, "mb": f"{limit / 1048576:g}"},
            code="too_large",
        )
    return data


def _not_a_workbook(name: str) -> WorkbookRefusal:
    return WorkbookRefusal(
        _(
            "%(file)s is not an Excel workbook (.xlsx). Save it in Excel as “Excel workbook (*.xlsx)” and try again."
        )
        % {"file": name},
        code="not_xlsx",
    )


def _check_zip(data: bytes, name: str, max_unpacked: int, max_ratio: int) -> None:
    """Refuse what is not an .xlsx zip, or unpacks to far more than a workbook of its size holds."""
    if sniff(data) != XLSX:
        raise _not_a_workbook(name)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
    squeezed = any(
        m.file_size > RATIO_FLOOR and m.file_size > max_ratio * max(m.compress_size, 1) for m in members
    )
    if squeezed or sum(m.file_size for m in members) > max_unpacked:
        raise WorkbookRefusal(
            _("%(file)s unpacks to far more data than a workbook of its size holds, and is refused.")
            % {"file": name},
            code="unpacks_too_much",
        )


def _check_declared(ws, name: str, sheet: str, max_rows: int, max_cols: int) -> None:
    # openpyxl takes the size from the sheet's <dimension ref="A1:XFD1048576">; None when it has none.
    if (ws.max_row or 0) > max_rows or (ws.max_column or 0) > max_cols:
        raise WorkbookRefusal(
            _(
                "%(file)s: the sheet %(sheet)s is larger than %(max_rows)s rows or %(max_columns)s columns; split it into smaller files."
            )
            % {"file": name, "sheet": sheet, "max_rows": max_rows, "max_columns": max_cols},
            code="declared_too_large",
            sheet=sheet,
        )


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _C, _V, _IS, _T, _R = (f"{_NS}{t}" for t in ("row", "c", "v", "is", "t", "r"))


def _column_of(ref: str) -> int:
    """The column number of a cell reference ("AB12" → 28)."""
    n = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            n = n * 26 + ord(ch) - 64
        else:
            break
    return n


def _inline_text(cell) -> str | None:
    """An inline string's text as openpyxl gives it: its ``t`` and its runs' ``t`` (no phonetics)."""
    node = cell.find(_IS)
    if node is None:
        return None
    if len(node) == 1 and node[0].tag == _T:  # the usual case: one plain text
        return node[0].text or ""
    parts = [node.findtext(_T) or ""] + [r.findtext(_T) or "" for r in node.iterfind(_R)]
    return "".join(parts)


def _number(text: str) -> int | float:
    return float(text) if "." in text or "E" in text or "e" in text else int(text)


def _fast_rows(ws, last_row: int):
    """(row number, values) of the rows of a read-only sheet up to ``last_row``, as openpyxl's
    ``iter_rows(values_only=True)`` gives them with ``data_only`` (a parity test pins it), but read
    with lxml straight from the sheet's XML: openpyxl builds an object per cell, and a sheet of
    100,000 people took longer to read than to import. Empty rows are left out."""
    wb = ws.parent
    strings, dates, deltas, epoch = ws._shared_strings, wb._date_formats, wb._timedelta_formats, wb.epoch
    with wb._archive.open(ws._worksheet_path) as src:
        row_counter = 0
        for _event, row in etree.iterparse(src, tag=_ROW, resolve_entities=False, no_network=True):
            r = row.get("r")
            row_counter = int(r) if r else row_counter + 1
            if row_counter > last_row:
                break
            values: list[Any] = []
            col = 0
            for cell in row.iterchildren(_C):
                ref = cell.get("r")
                col = _column_of(ref) if ref else col + 1
                kind = cell.get("t", "n")
                if kind == "inlineStr":
                    value: Any = _inline_text(cell)
                else:
                    value = cell.findtext(_V) or None
                    if value is not None:
                        if kind == "n":
                            value = _number(value)
                            style = int(cell.get("s", 0) or 0)
                            if style and style in dates:
                                try:
                                    value = from_excel(value, epoch, timedelta=style in deltas)
                                except (OverflowError, ValueError):
                                    value = "#VALUE!"
                        elif kind == "s":
                            value = strings[int(value)]
                        elif kind == "b":
                            value = bool(int(value))
                        elif kind == "d":
                            value = from_ISO8601(value)
                if col > len(values):
                    values.extend([None] * (col - len(values)))
                values[col - 1] = value
            row.clear()
            while row.getprevious() is not None:
                del row.getparent()[0]
            if values:
                yield row_counter, tuple(values)


def _rows(ws, max_rows: int):
    """The sheet's rows up to one past ``max_rows``: the fast reader where the workbook is openpyxl's
    read-only kind it knows, else openpyxl's own."""
    if (
        all(hasattr(ws.parent, a) for a in ("_archive", "_date_formats", "_timedelta_formats"))
        and hasattr(ws, "_worksheet_path")
        and hasattr(ws, "_shared_strings")
    ):
        yield from _fast_rows(ws, max_rows + 1)
        return
    ws.reset_dimensions()
    yield from enumerate(ws.iter_rows(min_row=1, max_row=max_rows + 1, values_only=True), start=1)


def _read_sheet(ws, name: str, sheet: str, max_rows: int, max_cols: int) -> list[Row]:
    # Rows are read at their own width (their last cell), not at the width the sheet declares: a
    # declared A1:XFD1048576 would pad every row to 16,384 cells, and content right of a wrong,
    # narrower declaration would be lost. Never more than one row past the limit: that one is how
    # content past it is seen. Rows padded out to a far, empty cell are allowed, but no more cells
    # in all than reading every row at the limit's width would take.
    budget = (max_rows + 1) * (max_cols + 1)
    out: list[Row] = []
    for number, values in _rows(ws, max_rows):
        budget -= len(values)
        wide = len(values) > max_cols and (budget < 0 or _last_filled(values[max_cols:]) >= 0)
        last = _last_filled(values[:max_cols])
        if last < 0 and not wide:
            continue
        if number > max_rows:
            raise WorkbookRefusal(
                _("%(file)s, sheet %(sheet)s: more than %(n)s rows; split it into smaller files.")
                % {"file": name, "sheet": sheet, "n": max_rows},
                code="too_many_rows",
                sheet=sheet,
            )
        if wide:
            raise WorkbookRefusal(
                _("%(file)s, sheet %(sheet)s: more than %(n)s columns.")
                % {"file": name, "sheet": sheet, "n": max_cols},
                code="too_many_columns",
                sheet=sheet,
            )
        out.append(Row(number, tuple(values[: last + 1])))
    return out


def _last_filled(cells: tuple[Any, ...]) -> int:
    """The index of the last cell that is not empty, or -1."""
    if cells.count(None) == len(cells):  # at C speed, for a row padded out to one far cell
        return -1
    return next((i for i in range(len(cells) - 1, -1, -1) if not _empty(cells[i])), -1)


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def workbook_bytes(workbook: Workbook) -> bytes:
    """The .xlsx file of an openpyxl workbook."""
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_response(workbook: Workbook | bytes, filename: str, *, fallback: str = "") -> HttpResponse:
    """A download of ``workbook`` (an openpyxl workbook or its bytes) named ``filename``, with
    ``fallback`` as the ASCII name for old clients (see :func:`.downloads.content_disposition`)."""
    data = workbook if isinstance(workbook, bytes) else workbook_bytes(workbook)
    return download_response(data, filename, XLSX, fallback=fallback)
