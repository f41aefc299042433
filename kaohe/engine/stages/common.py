"""Small helpers several stages share: codes of names, most recent periods, positions in groups."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from kaohe.engine.data import Codes, PeriodData, Table
from kaohe.engine.errors import Problem, ProblemList

MAX_ROWS_REPORTED = 5


def code_of(col: Codes, name: str) -> int:
    """Code of ``name`` in ``col`` (−3, matching no row, when absent)."""
    try:
        return col.names.index(name)
    except ValueError:
        return -3


def recent(n: int, person: np.ndarray, period: Codes, sel: np.ndarray, k: int) -> np.ndarray:
    """Rows (among ``sel``) of each of ``n`` people's ``k`` most recent periods (names sort
    chronologically)."""
    return most_recent(n, person, period_order(period), sel, k)


def period_order(period: Codes) -> np.ndarray:
    """A chronological key per row of a period column (names sort chronologically; −1: no period)."""
    order_of = np.argsort(np.argsort(np.array(period.names, dtype=object), kind="stable"))
    return np.where(period.codes >= 0, np.append(order_of, -1)[period.codes], -1)


def most_recent(n: int, person: np.ndarray, key: np.ndarray, sel: np.ndarray, k: int) -> np.ndarray:
    """Rows (among ``sel``) of each of ``n`` people's ``k`` rows of highest chronological ``key``."""
    idx = np.flatnonzero(sel)
    o = idx[np.lexsort((-key[idx], person[idx]))]  # by person, most recent first
    starts = np.searchsorted(person[o], np.arange(n))
    pos = np.arange(len(o)) - starts[person[o]]
    keep = np.zeros(len(sel), dtype=bool)
    keep[o[pos < k]] = True
    return keep


def positions(order: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """1-based position within the group of each person, given an order sorted by group."""
    n = len(order)
    sizes = np.bincount(group, minlength=n_groups)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    pos = np.empty(n, dtype=np.int64)
    pos[order] = np.arange(n) - starts[group[order]] + 1
    return pos


def problem(d: PeriodData, table: str, path: str, expected: str, found: str) -> Problem:
    """A problem in one of the period's tables."""
    return Problem(d.source(table), path, expected, found)


def report_rows(
    problems: ProblemList,
    table: str,
    data: PeriodData,
    rows: np.ndarray,
    column: str,
    expected: str,
    found: Callable[[int], object],
    source: Table | None = None,
) -> None:
    """One problem per bad row (the first few; then one saying how many more)."""
    for i in rows[:MAX_ROWS_REPORTED]:
        row = source.row(int(i)) if source is not None else int(i) + 2
        problems.add(f"row {row}, column {column}", expected, found(int(i)), file=data.source(table))
    if len(rows) > MAX_ROWS_REPORTED:
        problems.add(
            f"column {column}",
            expected,
            f"{len(rows) - MAX_ROWS_REPORTED} more rows like these",
            file=data.source(table),
        )


def fmt_at(values: np.ndarray) -> Callable[[int], object]:
    """The cell ``i`` of ``values`` as a short number (for :func:`report_rows`)."""
    return lambda i: f"{values[i]:g}"
