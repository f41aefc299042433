"""Reading one cell: text, a choice by its Chinese label, a date in the common Chinese formats, a
whole number. Pure functions over the values openpyxl gives; no workbook, no database."""

from datetime import date, datetime, timedelta
from typing import Any

from django.utils.translation import gettext as _

from .template import Column


def cell_text(value: Any) -> str:
    """A cell as trimmed text; a whole float as an integer, a datetime as its date."""
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
    text = cell_text(value)
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


def parse_cell(column: Column, raw: Any) -> tuple[Any, str | None]:
    """(value, problem). Empty cells give "" (text/choice) or None (date/int)."""
    empty = raw is None or (isinstance(raw, str) and not raw.strip())
    if empty:
        if column.required:
            return None, _("A value is required.")
        return ("" if column.kind in {"text", "choice"} else None), None
    if column.kind == "text":
        text = cell_text(raw)
        if column.max_length and len(text) > column.max_length:
            return None, _("Too long: at most %(n)s characters.") % {"n": column.max_length}
        return text, None
    if column.kind == "choice":
        labels = column.labels or {}
        text = cell_text(raw)
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
            return None, _("“%(value)s” is not a date; write it like 2024-03-01.") % {"value": cell_text(raw)}
    if column.kind == "int":
        try:
            number = int(raw) if not isinstance(raw, str) else int(raw.strip())
        except (TypeError, ValueError):
            return None, _("“%(value)s” is not a whole number.") % {"value": cell_text(raw)}
        if isinstance(raw, float) and not raw.is_integer() or number < 0:
            return None, _("“%(value)s” is not a whole number.") % {"value": cell_text(raw)}
        return number, None
    raise AssertionError(column.kind)
