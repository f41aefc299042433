"""The result of a computation: one column per intermediate quantity, kept from the bulk run so that a
person's derivation can be assembled on demand (see explain.py) without building 100,000 explanation
objects up front."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kaohe.engine.data import Codes, PeriodData
from kaohe.engine.scheme import Scheme


@dataclass(eq=False)
class Result:
    scheme: Scheme
    data: PeriodData
    # Filled by compute(); documented there. Declared loosely: they are numpy columns.
    track: np.ndarray = field(default=None)  # type: ignore[assignment]
    track_names: list[str] = field(default_factory=list)
    _history: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:  # columns set dynamically by compute()
        raise AttributeError(name)

    # --- lookups -------------------------------------------------------------------------------------

    def index_of(self, person_id: str) -> int:
        """Row of a person by id; KeyError if unknown."""
        ids = np.asarray(self.data.people.ids).astype(str)
        hit = np.flatnonzero(ids == str(person_id))
        if not len(hit):
            raise KeyError(person_id)
        return int(hit[0])

    def grade_name(self, i: int) -> str:
        g = int(self.grade[i])
        return self.scheme.grading.grades[g] if g >= 0 else ""

    def history_periods(self) -> list[str]:
        """Previous periods of the scheme's own period kind, most recent first."""
        self._build_history()
        return self._history["periods"]

    def history_grades(self) -> np.ndarray:
        """people × previous periods (most recent first): grade index, −1 where unknown."""
        self._build_history()
        return self._history["grades"]

    def history_ranks(self) -> tuple[np.ndarray, np.ndarray]:
        """people × previous periods: rank and track size (0 where unknown)."""
        self._build_history()
        return self._history["ranks"], self._history["sizes"]

    def _build_history(self) -> None:
        if self._history:
            return
        n = len(self.data.people)
        prev = self.data.previous
        if not len(prev):
            empty = np.zeros((n, 0))
            self._history.update(periods=[], grades=empty.astype(np.int64), ranks=empty, sizes=empty)
            return
        sel = np.ones(len(prev), dtype=bool)
        kind = prev.columns.get("kind")
        if isinstance(kind, Codes) and self.scheme.period in kind.names:
            sel = kind.codes == kind.names.index(self.scheme.period)
        period: Codes = prev.columns["period"]  # type: ignore[assignment]
        used = np.unique(period.codes[sel])
        names = sorted((period.names[c] for c in used), reverse=True)
        col_of = np.full(len(period.names) + 1, -1, dtype=np.int64)
        for j, nm in enumerate(names):
            col_of[period.names.index(nm)] = j
        cols = col_of[period.codes[sel]]
        who = prev.person[sel]
        grades = np.full((n, len(names)), -1, dtype=np.int64)
        if "grade#" in prev.columns:
            grades[who, cols] = prev.columns["grade#"][sel]
        ranks = np.zeros((n, len(names)))
        sizes = np.zeros((n, len(names)))
        if "rank" in prev.columns and "size" in prev.columns:
            ranks[who, cols] = np.nan_to_num(prev.columns["rank"][sel])
            sizes[who, cols] = np.nan_to_num(prev.columns["size"][sel])
        self._history.update(periods=names, grades=grades, ranks=ranks, sizes=sizes)

    # --- output --------------------------------------------------------------------------------------

    def rows(self) -> list[dict[str, Any]]:
        """One plain dict per person (for export); builds Python objects, so not for the hot path."""
        s = self.scheme
        grades = s.grading.grades
        g = self.grade
        out = []
        comp = np.round(self.components, 2)
        for i in range(len(self.total)):
            row: dict[str, Any] = {
                "person": str(self.data.people.ids[i]),
                "track": self.track_names[self.track[i]],
                "quota_group": self.group_names[self.group[i]],
            }
            for j, name in enumerate(self.component_names):
                row[name] = float(comp[i, j])
            row.update(
                base=round(float(self.base[i]), 2),
                bonus=round(float(self.bonus[i]), 2),
                deduction=round(float(self.deduction[i]), 2),
                coefficient=round(float(self.total_coef[i]), 4),
                total=float(self.total[i]),
                rank=int(self.rank[i]),
                track_size=int(self.track_size[i]),
                grade=grades[g[i]] if g[i] >= 0 else "",
                pay_factor=float(self.pay_factor[i]),
                tail="；".join(
                    s.tail_rules[nm].action for j, nm in enumerate(self.tail_names) if self.tail_hits[i, j]
                ),
                outcomes="；".join(nm for j, nm in enumerate(self.outcome_names) if self.outcome_hits[i, j]),
                pool_yuan=int(self.pool_fen[i]) / 100,
            )
            out.append(row)
        return out

    def summary(self) -> list[dict[str, Any]]:
        """Per track: people, mean total, count per grade (vectorised)."""
        grades = self.scheme.grading.grades
        n_t = len(self.track_names)
        size = np.bincount(self.track, minlength=n_t)
        tot = np.bincount(self.track, weights=self.total, minlength=n_t)
        out = []
        counts = np.zeros((n_t, len(grades) + 1), dtype=np.int64)
        np.add.at(counts, (self.track, np.where(self.grade >= 0, self.grade, len(grades))), 1)
        for t, name in enumerate(self.track_names):
            out.append(
                {
                    "track": name,
                    "people": int(size[t]),
                    "mean_total": round(float(tot[t] / size[t]), 2) if size[t] else 0.0,
                    "grades": {g: int(counts[t, j]) for j, g in enumerate(grades)}
                    | {"不定等次": int(counts[t, -1])},
                    "pool_yuan": float(
                        np.bincount(self.track, weights=self.pool_fen, minlength=n_t)[t] / 100
                    ),
                }
            )
        return out

    def explain(self, person_id: str, lang: str = "zh") -> str:
        """One person's derivation as readable text (Chinese by default, ``lang="en"`` for English)."""
        from kaohe.engine.explain import derivation, render

        return render(derivation(self, self.index_of(person_id)), lang)
