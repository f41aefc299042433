"""The problems found in an uploaded file, each at its place (sheet, row, column)."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .template import PEOPLE_SHEET, SHEETS, UNIT_SHEET


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


class Collector:
    """Gathers the issues of one import, so every check reports and none stops the others."""

    def __init__(self) -> None:
        self.issues: list[ImportIssue] = []

    def add(self, sheet: str, row: int | None, column: str, reason: str) -> None:
        self.issues.append(ImportIssue(sheet, row, column, reason))


def in_file_order(issues: list[ImportIssue]) -> list[ImportIssue]:
    """``issues`` as a reader meets them: the file's own, then by sheet, row and column."""
    sheet_order = {"": 0, UNIT_SHEET: 1, PEOPLE_SHEET: 2}
    column_order = {c.header: i for columns in SHEETS.values() for i, c in enumerate(columns)}
    return sorted(
        issues,
        key=lambda i: (sheet_order.get(i.sheet, 3), i.row or 0, column_order.get(i.column, 99), i.reason),
    )
