"""The result of a computation: one column per intermediate quantity, kept from the bulk run so that a
person's derivation can be assembled on demand (see explain.py) without building 100,000 explanation
objects up front."""

from __future__ import annotations

from typing import Any

import numpy as np

from kaohe.engine.data import Codes, PeriodData
from kaohe.engine.scheme import Scheme, VoteRule
from kaohe.engine.tree import Leaf

# Labels of UNGRADED_EFFECTS (pending, no_grade, comment_only), shown where the rank and grade would be.
UNGRADED_LABELS = ("暂缓确定等次", "不定等次", "只写评语")


class Result:
    """Per-person columns of one computation (``compute()`` fills them step by step; see compute.py).

    Arrays are indexed by person (rows of ``data.people``) unless noted; "people × k" arrays have one
    column per scheme rule, component, coefficient, pool… in the order of the matching ``*_names``."""

    # 1. tracks
    track: np.ndarray  # track index per person (into track_names)
    track_names: list[str]
    track_explicit: np.ndarray  # 1 where the data's track column chose the track
    # 2. components
    leaves: dict[str, list[tuple[list[int] | None, list[Leaf]]]]  # component → (track ids, leaves)
    leaf_index: dict[str, Leaf]  # leaf key → leaf
    kpi_keys: list[str]  # KPI leaves (kpis ``indicator#`` codes index this)
    personal_keys: list[str]  # personal leaves (personal ``node#`` codes index this)
    component_names: list[str]
    components: np.ndarray  # people × components, 0–100 (combined over periods where the scheme says)
    component_current: np.ndarray  # people × components: this period's own scores, before over_periods
    component_earlier_mean: dict[str, np.ndarray]  # over_periods: mean of the earlier periods (NaN: none)
    component_earlier_count: dict[str, np.ndarray]  # over_periods: earlier periods found
    component_grade: dict[str, np.ndarray]  # by_component_grade coefficients: grade index per person
    component_grade_rank: dict[str, np.ndarray]  # … and the component's rank within the track
    kpi_multiple_points: np.ndarray  # signed points of KPI multiples
    ballot_cache: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]
    vote_rules: list[tuple[str, str, VoteRule]]  # (rule path, name, rule)
    vote_shares: np.ndarray  # people × vote rules (NaN: no ballots)
    vote_hits: np.ndarray  # people × vote rules
    # 3. base, aggregation, secondment
    base_current: np.ndarray
    base: np.ndarray
    aggregation_parts: dict[str, np.ndarray]
    aggregation_counts: dict[str, np.ndarray]  # periods found per person, per part
    aggregation_shares: dict[str, np.ndarray]  # share per person, per part (share_by_track)
    host_share: np.ndarray
    host_score: np.ndarray
    home_value: np.ndarray
    # 4. adjustments
    adjustment_names: list[str]
    adjustment_raw: np.ndarray  # people × categories
    adjustment: np.ndarray  # people × categories, after caps
    cap_applied: np.ndarray  # people × caps
    cap_limit: np.ndarray  # people × caps
    bonus_raw: np.ndarray
    veto_deduct: np.ndarray
    deduction: np.ndarray
    kpi_bonus: np.ndarray
    # 5–6. coefficients, total
    coefficient_names: list[str]
    coefficients: np.ndarray  # people × coefficients
    total_coef: np.ndarray
    bonus_coef: np.ndarray
    pool_coef: np.ndarray
    bonus: np.ndarray
    total_raw: np.ndarray
    total: np.ndarray  # rounded half up to 2 decimals
    # 7. eligibility
    rules: list[tuple[str, str, str, str]]  # (rule path, effect, grade, reason)
    rule_hits: np.ndarray  # people × rules
    elig_cap: np.ndarray  # best grade index allowed by the rules
    fixed: np.ndarray  # fixed grade index or -1
    ungraded_kind: np.ndarray  # index into UNGRADED_LABELS or -1
    no_grade: np.ndarray
    _active_sanctions: np.ndarray | None = None
    # 8. rank, quota groups
    id_order: np.ndarray  # position of the person id in sorted order (the last tie-break)
    tie_keys: list[np.ndarray]
    ranked: np.ndarray
    rank: np.ndarray  # 1-based within the track, 0 for people without a rank place
    track_size: np.ndarray
    group: np.ndarray  # quota group index
    group_names: list[str]
    group_order: np.ndarray  # people sorted by (quota group, rank)
    group_rank: np.ndarray
    group_size: np.ndarray
    # 9. grade
    threshold_grade: np.ndarray
    best_allowed: np.ndarray
    in_base: np.ndarray
    grade: np.ndarray  # grade index, -1 for no grade
    decided_by: np.ndarray
    place: np.ndarray
    ceilings: np.ndarray  # quota groups × grades
    floors: np.ndarray  # quota groups × grades
    graded_size: np.ndarray  # per quota group
    # 10–12. tail, consequences, pool
    tail_names: list[str]
    tail_hits: np.ndarray  # people × tail rules
    tail_value: dict[str, np.ndarray]  # tail rules with ``over``: the score ranked
    tail_rank: dict[str, np.ndarray]  # tail rules with ``over``: rank of that score in the track
    pay_factor: np.ndarray
    outcome_names: list[str]
    outcome_rules: list[str]
    outcome_hits: np.ndarray  # people × outcomes
    pool_names: list[str]
    pool_rules: list[str]
    pool_fen_by: np.ndarray  # people × pools, integer fen
    pool_weight_by: np.ndarray  # people × pools
    pool_fen: np.ndarray
    pool_weight: np.ndarray
    pool_totals: list[int | None]  # fen per pool (None: no amount given)
    pool_total_fen: int | None = None

    def __init__(self, scheme: Scheme, data: PeriodData) -> None:
        self.scheme = scheme
        self.data = data
        self.track_names = []
        self.component_grade = {}
        self.component_grade_rank = {}
        self.component_earlier_mean = {}
        self.component_earlier_count = {}
        self.aggregation_shares = {}
        self.aggregation_counts = {}
        self.tail_value = {}
        self.tail_rank = {}
        self._history: dict[str, dict[str, Any]] = {}

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

    def history_totals(self) -> np.ndarray:
        """people × previous periods of the scheme's kind (most recent first): total, NaN where unknown."""
        return self._build_history(None)["totals"]

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
