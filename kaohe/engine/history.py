"""Earlier periods per person (previous.csv), as people × periods arrays, most recent first.

Built on first use per period kind and kept in :attr:`History.built` (a memo: dropping it only costs
the rebuild from the scheme and the data)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kaohe.engine.data import Codes, PeriodData
from kaohe.engine.scheme import Scheme


def all_grades(scheme: Scheme) -> list[str]:
    """Grades of this scheme, then routine grades of other period kinds (好 / 较好 …)."""
    grades = list(scheme.grading.grades)
    return grades + [g for g in scheme.routine_grades if g not in grades]


@dataclass
class History:
    """A person's earlier periods of a kind: grades, ranks and track sizes, totals."""

    scheme: Scheme
    data: PeriodData
    built: dict[str, dict[str, Any]] = field(default_factory=dict)

    def periods(self, kind: str | None = None) -> list[str]:
        """Previous periods of ``kind`` (default: the scheme's own period kind), most recent first."""
        return self._build(kind)["periods"]

    def grades(self, kind: str | None = None) -> np.ndarray:
        """people × previous periods of ``kind`` (most recent first): grade index into
        :func:`all_grades`, −1 where unknown."""
        return self._build(kind)["grades"]

    def totals(self) -> np.ndarray:
        """people × previous periods of the scheme's kind (most recent first): total, NaN where unknown."""
        return self._build(None)["totals"]

    def ranks(self) -> tuple[np.ndarray, np.ndarray]:
        """people × previous periods: rank and track size (0 where unknown)."""
        h = self._build(None)
        return h["ranks"], h["sizes"]

    def count_grades_in_last(self, grades: list[str], k: int, kind: str | None = None) -> np.ndarray:
        """Per person: how many of the ``k`` most recent earlier periods of ``kind`` had one of
        ``grades``."""
        hist = self.grades(kind)
        every = all_grades(self.scheme)
        want = [every.index(g) for g in grades]
        return np.isin(hist[:, :k], want).sum(axis=1)

    def _build(self, kind: str | None) -> dict[str, Any]:
        own = kind is None or kind == self.scheme.period
        key = "own" if own else str(kind)
        if key in self.built:
            return self.built[key]
        n = len(self.data.people)
        prev = self.data.previous
        h: dict[str, Any] = {}
        self.built[key] = h
        if not len(prev):
            empty = np.zeros((n, 0))
            h.update(periods=[], grades=empty.astype(np.int64), ranks=empty, sizes=empty, totals=empty)
            return h
        want = self.scheme.period if own else str(kind)
        sel = np.ones(len(prev), dtype=bool)
        kind_col = prev.columns.get("kind")
        if isinstance(kind_col, Codes) and (want in kind_col.names or not own):
            sel = kind_col.codes == (kind_col.names.index(want) if want in kind_col.names else -3)
        period = prev.code("period")
        used = np.unique(period.codes[sel])
        names = sorted((period.names[c] for c in used), reverse=True)
        col_of = np.full(len(period.names) + 1, -1, dtype=np.int64)
        for j, nm in enumerate(names):
            col_of[period.names.index(nm)] = j
        cols = col_of[period.codes[sel]]
        who = prev.person[sel]
        grades = np.full((n, len(names)), -1, dtype=np.int64)
        if "grade#" in prev.columns:
            grades[who, cols] = prev.num("grade#")[sel]
        ranks = np.zeros((n, len(names)))
        sizes = np.zeros((n, len(names)))
        if "rank" in prev.columns and "size" in prev.columns:
            ranks[who, cols] = np.nan_to_num(prev.num("rank")[sel])
            sizes[who, cols] = np.nan_to_num(prev.num("size")[sel])
        totals = np.full((n, len(names)), np.nan)
        if "total" in prev.columns:
            totals[who, cols] = prev.num("total")[sel]
        h.update(periods=names, grades=grades, ranks=ranks, sizes=sizes, totals=totals)
        return h
