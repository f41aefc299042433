"""Reading an uploaded Excel workbook safely, and sending one as a download: every import and export
goes through here.

A workbook is a zip of XML, and its header may claim anything: a 5 KB file can declare a sheet of
``A1:XFD1048576`` (which openpyxl, trusting it, pads out to seventeen billion cells) or unpack to
gigabytes. :func:`read_workbook` therefore checks the bytes before openpyxl sees them (size, the zip's
unpacked size and compression ratio), reads in openpyxl's streaming mode, never asks for more than
``max_rows`` + 1 rows and ``max_cols`` + 1 columns whatever the sheet declares, and refuses a sheet
whose content goes past either limit with a message naming the file and the sheet."""

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
from openpyxl import Workbook, load_workbook

from .downloads import download_response
from .errors import Refusal
from .uploads import XLSX, sniff

# A member of the zip that unpacks past this size must not have been squeezed more than MAX_RATIO
# times: real sheets compress 5–20 times, a zip bomb thousands.
RATIO_FLOOR = 1024 * 1024
MAX_RATIO = 100


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
) -> dict[str, list[Row]]:
    """The rows of the sheets named ``sheets`` (the first sheet when None) of an .xlsx workbook, by
    sheet name, in the workbook's order; a named sheet the workbook lacks is left out.

    ``source`` is the file's bytes, a binary file (an upload) or a path. Raises :class:`Refusal`
    when the file is larger than ``max_bytes`` (``settings.KAOHE_MAX_UPLOAD_BYTES``), is not an
    .xlsx workbook, unpacks to more than ``max_unpacked`` (20 × ``max_bytes``) or a member squeezed
    more than ``max_ratio`` times, or when a sheet read has content below row ``max_rows`` or right
    of column ``max_cols``. The messages name ``filename`` (else the upload's or the path's name)."""
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
        raise Refusal(
            _("%(file)s is larger than the limit of %(mb)s MB.")
            % {"file": name, "mb": f"{limit / 1048576:g}"},
            code="too_large",
        )
    return data


def _not_a_workbook(name: str) -> Refusal:
    return Refusal(
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
        raise Refusal(
            _("%(file)s unpacks to far more data than a workbook of its size holds, and is refused.")
            % {"file": name},
            code="unpacks_too_much",
        )


def _read_sheet(ws, name: str, sheet: str, max_rows: int, max_cols: int) -> list[Row]:
    # Never more than one row and one column past the limits, whatever the sheet declares: that one
    # is how content past a limit is seen. A declared width below the limit keeps rows narrow.
    declared = ws.max_column
    width = min(declared, max_cols + 1) if declared else max_cols + 1
    out: list[Row] = []
    cells = ws.iter_rows(min_row=1, max_row=max_rows + 1, max_col=width, values_only=True)
    for number, values in enumerate(cells, start=1):
        filled = [i for i, v in enumerate(values) if not _empty(v)]
        if not filled:
            continue
        if number > max_rows:
            raise Refusal(
                _("%(file)s, sheet %(sheet)s: more than %(n)s rows; split it into smaller files.")
                % {"file": name, "sheet": sheet, "n": max_rows},
                code="too_many_rows",
            )
        if filled[-1] >= max_cols:
            raise Refusal(
                _("%(file)s, sheet %(sheet)s: more than %(n)s columns.")
                % {"file": name, "sheet": sheet, "n": max_cols},
                code="too_many_columns",
            )
        out.append(Row(number, tuple(values[: filled[-1] + 1])))
    return out


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def workbook_bytes(workbook: Workbook) -> bytes:
    """The .xlsx file of an openpyxl workbook."""
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_response(workbook: Workbook | bytes, filename: str) -> HttpResponse:
    """A download of ``workbook`` (an openpyxl workbook or its bytes) named ``filename``."""
    data = workbook if isinstance(workbook, bytes) else workbook_bytes(workbook)
    return download_response(data, filename, XLSX)
