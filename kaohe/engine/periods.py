"""A period's span: the first and last day, and the sortable code, of the week, month, quarter,
half-year or year that contains a day. The one place this rule lives: the appraisal cycle (a period's
dates and code) and the work-log pages (a month's or a week's statistics) both call :func:`span`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

# kind → months it spans; a week is seven days from Monday.
MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}
KINDS = ("week", *MONTHS)


@dataclass(frozen=True)
class Span:
    """``first`` to ``last`` inclusive; ``code`` sorts in time (2025-04, 2025Q2, 2025H1, 2025, 2025W23)."""

    first: date
    last: date
    code: str

    @property
    def bounds(self) -> tuple[date, date]:
        return self.first, self.last


def span(kind: str, day: date) -> Span:
    """The span of ``kind`` containing ``day``. Raises ValueError for a kind not in :data:`KINDS`."""
    if kind == "week":
        first = day - timedelta(days=day.weekday())
        year, week, _weekday = first.isocalendar()
        return Span(first, first + timedelta(days=6), f"{year}W{week:02d}")
    if kind not in MONTHS:
        raise ValueError(f"unknown period kind {kind!r}; expected one of {', '.join(KINDS)}")
    months = MONTHS[kind]
    index = (day.month - 1) // months
    first = date(day.year, months * index + 1, 1)
    code = {
        "month": f"{day.year}-{day.month:02d}",
        "quarter": f"{day.year}Q{index + 1}",
        "half": f"{day.year}H{index + 1}",
        "year": f"{day.year}",
    }[kind]
    carry, month = divmod(first.month - 1 + months, 12)
    return Span(first, date(first.year + carry, month + 1, 1) - timedelta(days=1), code)
