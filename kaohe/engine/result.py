"""The result of a computation: one column per intermediate quantity, kept from the bulk run so that a
person's derivation can be assembled on demand (see explain.py) without building 100,000 explanation
objects up front."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kaohe.engine.data import Codes, PeriodData
from kaohe.engine.scheme import Scheme

# Labels of UNGRADED_EFFECTS (pending, no_grade, comment_only), shown where the rank and grade would be.
UNGRADED_LABELS = ("暂缓确定等次", "不定等次", "只写评语")


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

    def history_periods(self, kind: str | None = None) -> list[str]:
        """Previous periods of ``kind`` (default: the scheme's own period kind), most recent first."""
        return self._build_history(kind)["periods"]

    def history_grades(self, kind: str | None = None) -> np.ndarray:
        """people × previous periods of ``kind`` (most recent first): grade index into
        :meth:`all_grades` (the scheme's grades first, then its routine grades), −1 where unknown."""
        return self._build_history(kind)["grades"]

    def history_ranks(self) -> tuple[np.ndarray, np.ndarray]:
        """people × previous periods: rank and track size (0 where unknown)."""
        h = self._build_history(None)
        return h["ranks"], h["sizes"]

    def all_grades(self) -> list[str]:
        """Grades of this scheme, then routine grades of other period kinds (好 / 较好 …)."""
        grades = list(self.scheme.grading.grades)
        return grades + [g for g in self.scheme.routine_grades if g not in grades]

    def _build_history(self, kind: str | None) -> dict[str, Any]:
        own = kind is None or kind == self.scheme.period
        key = "own" if own else str(kind)
        if key in self._history:
            return self._history[key]
        n = len(self.data.people)
        prev = self.data.previous
        h: dict[str, Any] = {}
        self._history[key] = h
        if not len(prev):
            empty = np.zeros((n, 0))
            h.update(periods=[], grades=empty.astype(np.int64), ranks=empty, sizes=empty)
            return h
        want = self.scheme.period if own else str(kind)
        sel = np.ones(len(prev), dtype=bool)
        kind_col = prev.columns.get("kind")
        if isinstance(kind_col, Codes) and (want in kind_col.names or not own):
            sel = kind_col.codes == (kind_col.names.index(want) if want in kind_col.names else -3)
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
        h.update(periods=names, grades=grades, ranks=ranks, sizes=sizes)
        return h

    def status_name(self, i: int) -> str:
        """不定等次 / 暂缓确定等次 / 只写评语 for people without a grade, else ""."""
        k = int(self.ungraded_kind[i])
        return UNGRADED_LABELS[k] if k >= 0 else ""

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
                rank=int(self.rank[i]) if self.rank[i] > 0 else "不定等次",
                track_size=int(self.track_size[i]),
                grade=grades[g[i]] if g[i] >= 0 else "",
                status=self.status_name(i),
                pay_factor=float(self.pay_factor[i]),
                tail="；".join(
                    s.tail_rules[nm].action for j, nm in enumerate(self.tail_names) if self.tail_hits[i, j]
                ),
                outcomes="；".join(nm for j, nm in enumerate(self.outcome_names) if self.outcome_hits[i, j]),
                pool_yuan=int(self.pool_fen[i]) / 100,
            )
            if len(self.pool_names) > 1:
                for j, pname in enumerate(self.pool_names):
                    row[f"pool_yuan:{pname}"] = int(self.pool_fen_by[i, j]) / 100
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
