"""A scoring sheet as an Excel workbook: the template an assessor fills (their people and only their
lines) and the reading of it back into the service's entries, every problem placed by sheet, row and
column. Headers are Chinese: 工号, 姓名, then a column per line and its "·说明" comment column."""

from __future__ import annotations

from typing import cast

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kaohe.org.excel.cells import cell_text
from kaohe.platform.excel import Row as ExcelRow

from .inputs import people_of
from .models import Sheet
from .selectors_sheets import SheetPlan, sheet_view

SHEET_NAME = "评分"
STAFF_NO, NAME, COMMENT = "工号", "姓名", "·说明"
MAX_ROWS, MAX_COLUMNS = 20_001, 200

__all__ = ["ExcelRow", "place", "sheet_entries", "sheet_template"]

Entry = tuple[int, str, float | None, str]


def place(sheet_name: str, row: int, col: int, title: str, problem: str) -> str:
    """A problem at a cell, as the import shows it: sheet, row, column (letter and header)."""
    return _("sheet %(sheet)s, row %(row)s, column %(col)s (%(title)s): %(problem)s") % {
        "sheet": sheet_name,
        "row": row,
        "col": get_column_letter(col + 1),
        "title": title,
        "problem": problem,
    }


def _titles(plan: SheetPlan, assessor_id: int | None) -> dict[str, str]:
    """Line name → key over the sheet's lines, in first-seen order."""
    out: dict[str, str] = {}
    for lines in plan.of(assessor_id).values():
        for ln in lines:
            out.setdefault(ln.name, ln.key)
    return out


def sheet_template(sheet: Sheet) -> Workbook:
    """The sheet's workbook: a row per person with their stored marks; a cell whose line the person
    does not have is greyed and must stay empty."""
    view = sheet_view(sheet)
    names: dict[str, str] = {}
    for lines in view.lines.values():
        for ln in lines:
            names.setdefault(ln.name, ln.key)
    wb = Workbook()
    ws = cast(Worksheet, wb.active)
    ws.title = SHEET_NAME
    header = [STAFF_NO, NAME]
    for name in names:
        header += [name, name + COMMENT]
    ws.append(header)
    grey = PatternFill("solid", fgColor="DDDDDD")
    for p in view.people:
        mine = {ln.key for ln in view.lines[p.pk]}
        row: list = [p.staff_no, p.name]
        for key in names.values():
            s = view.scores.get((p.pk, key))
            row += [s.value if s else None, s.comment if s else None]
        ws.append(row)
        for j, key in enumerate(names.values()):
            if key not in mine:
                for c in (3 + 2 * j, 4 + 2 * j):
                    ws.cell(row=ws.max_row, column=c).fill = grey
    return wb


def sheet_entries(
    sheet: Sheet, plan: SheetPlan, rows: list[ExcelRow], sheet_name: str
) -> tuple[list[Entry], list[tuple[int, int, str]], list[str]]:
    """The workbook's cells as entries, with where each came from (row, column index, header) and
    the problems of reading (unknown header, unknown staff number, a cell that is not a number)."""
    entries: list[Entry] = []
    where: list[tuple[int, int, str]] = []
    problems: list[str] = []
    if not rows or rows[0].number != 1:
        return entries, where, [_("sheet %(sheet)s: the header row is missing.") % {"sheet": sheet_name}]
    titles = _titles(plan, sheet.assessor_id)
    header = [cell_text(c).strip() for c in rows[0].values]
    if STAFF_NO not in header:
        problems.append(
            place(sheet_name, 1, 0, STAFF_NO, _("The required column is missing from the header row."))
        )
        return entries, where, problems
    no_col = header.index(STAFF_NO)
    value_cols: list[tuple[int, str, int | None]] = []  # (column, key, its comment column)
    for j, title in enumerate(header):
        if j == no_col or title in ("", NAME) or title.endswith(COMMENT):
            continue
        key = titles.get(title)
        if key is None:
            problems.append(place(sheet_name, 1, j, title, _("not an indicator of this sheet.")))
            continue
        comment = title + COMMENT
        value_cols.append((j, key, header.index(comment) if comment in header else None))
    staff = dict(people_of(sheet.period).values_list("staff_no", "id"))
    for row in rows[1:]:
        cells = row.values
        no = cell_text(cells[no_col] if no_col < len(cells) else None).strip()
        pid = staff.get(no)
        if pid is None:
            problems.append(
                place(
                    sheet_name,
                    row.number,
                    no_col,
                    STAFF_NO,
                    _("no person %(no)s in this period's unit.") % {"no": no},
                )
            )
            continue
        for j, key, cj in value_cols:
            raw = cells[j] if j < len(cells) else None
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            try:
                value = float(raw)
            except (TypeError, ValueError):
                problems.append(
                    place(
                        sheet_name,
                        row.number,
                        j,
                        header[j],
                        _("expected a number, found %(v)s.") % {"v": raw},
                    )
                )
                continue
            comment = cell_text(cells[cj]) if cj is not None and cj < len(cells) else ""
            entries.append((pid, key, value, comment))
            where.append((row.number, j, header[j]))
    return entries, where, problems
