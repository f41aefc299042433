"""The result of a computation: the outputs of the stages (see compute.py), kept from the bulk run so
that a person's derivation can be assembled on demand (:func:`kaohe.engine.explain.explain`) without
building 100,000 explanation objects up front.

A :class:`Result` is a tree of plain data: the scheme, the period data, the earlier-periods memo and
one frozen dataclass per stage. Each stage's columns are also readable under their own name
(``result.total``, ``result.grade`` …): properties that read the stage's output."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from kaohe.engine.data import PeriodData
from kaohe.engine.history import History, all_grades
from kaohe.engine.numeric import round_half_up
from kaohe.engine.scheme import Scheme, VoteRule
from kaohe.engine.stages.adjustments import Adjustments
from kaohe.engine.stages.aggregation import Aggregated
from kaohe.engine.stages.ballots import Ballots, GroupCounts
from kaohe.engine.stages.checks import Checks
from kaohe.engine.stages.coefficients import Coefficients, Totals
from kaohe.engine.stages.components import Components
from kaohe.engine.stages.eligibility import Eligibility
from kaohe.engine.stages.grading import Grades
from kaohe.engine.stages.pool import Pools
from kaohe.engine.stages.ranking import Ranking
from kaohe.engine.stages.tail import Consequences, Tail
from kaohe.engine.stages.tracks import Tracks
from kaohe.engine.tree import Leaf

# Labels of UNGRADED_EFFECTS (pending, no_grade, comment_only), shown where the rank and grade would be.
UNGRADED_LABELS = ("暂缓确定等次", "不定等次", "只写评语")


@dataclass(frozen=True)
class Result:
    """Per-person columns of one computation, by stage.

    Arrays are indexed by person (rows of ``data.people``) unless noted; "people × k" arrays have one
    column per scheme rule, component, coefficient, pool… in the order of the matching ``*_names``."""

    scheme: Scheme
    data: PeriodData
    history: History  # earlier periods (a memo rebuilt from scheme and data on demand)
    tracks: Tracks
    checks: Checks
    ballots: Ballots
    component_scores: Components
    aggregated: Aggregated
    adjustments: Adjustments
    coefficient_values: Coefficients
    totals: Totals
    eligibility: Eligibility
    ranking: Ranking
    grades: Grades
    tail: Tail
    consequences: Consequences
    pools: Pools

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
        return self.history.periods(kind)

    def history_grades(self, kind: str | None = None) -> np.ndarray:
        """people × previous periods of ``kind`` (most recent first): grade index into
        :meth:`all_grades` (the scheme's grades first, then its routine grades), −1 where unknown."""
        return self.history.grades(kind)

    def history_totals(self) -> np.ndarray:
        """people × previous periods of the scheme's kind (most recent first): total, NaN where unknown."""
        return self.history.totals()

    def history_ranks(self) -> tuple[np.ndarray, np.ndarray]:
        """people × previous periods: rank and track size (0 where unknown)."""
        return self.history.ranks()

    def all_grades(self) -> list[str]:
        """Grades of this scheme, then routine grades of other period kinds (好 / 较好 …)."""
        return all_grades(self.scheme)

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
        comp = round_half_up(self.components)
        base, bonus = round_half_up(self.base), round_half_up(self.bonus)
        deduction, coef = round_half_up(self.deduction), round_half_up(self.total_coef, 4)
        for i in range(len(self.total)):
            row: dict[str, Any] = {
                "person": str(self.data.people.ids[i]),
                "track": self.track_names[self.track[i]],
                "quota_group": self.group_names[self.group[i]],
            }
            for j, name in enumerate(self.component_names):
                row[name] = float(comp[i, j])
            row.update(
                base=float(base[i]),
                bonus=float(bonus[i]),
                deduction=float(deduction[i]),
                coefficient=float(coef[i]),
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
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = round_half_up(np.where(size > 0, tot / np.maximum(size, 1), 0.0))
        out = []
        counts = np.zeros((n_t, len(grades) + 1), dtype=np.int64)
        np.add.at(counts, (self.track, np.where(self.grade >= 0, self.grade, len(grades))), 1)
        for t, name in enumerate(self.track_names):
            out.append(
                {
                    "track": name,
                    "people": int(size[t]),
                    "mean_total": float(mean[t]),
                    "grades": {g: int(counts[t, j]) for j, g in enumerate(grades)}
                    | {"不定等次": int(counts[t, -1])},
                    "pool_yuan": float(
                        np.bincount(self.track, weights=self.pool_fen, minlength=n_t)[t] / 100
                    ),
                }
            )
        return out

    # --- each stage's columns under its own name ---------------------------------------------------

    # tracks (Tracks)

    @property
    def track(self) -> np.ndarray:
        return self.tracks.track

    @property
    def track_names(self) -> list[str]:
        return self.tracks.track_names

    @property
    def track_explicit(self) -> np.ndarray:
        return self.tracks.track_explicit

    @property
    def id_order(self) -> np.ndarray:
        return self.tracks.id_order

    # checks (Checks)

    @property
    def leaves(self) -> dict[str, list[tuple[list[int] | None, list[Leaf]]]]:
        return self.checks.leaves

    @property
    def leaf_index(self) -> dict[str, Leaf]:
        return self.checks.leaf_index

    @property
    def kpi_keys(self) -> list[str]:
        return self.checks.kpi_keys

    @property
    def personal_keys(self) -> list[str]:
        return self.checks.personal_keys

    # ballots (Ballots)

    @property
    def ballot_cache(self) -> dict[str, GroupCounts]:
        return self.ballots.groups

    @property
    def vote_rules(self) -> list[tuple[str, str, VoteRule]]:
        return self.ballots.vote_rules

    @property
    def vote_shares(self) -> np.ndarray:
        return self.ballots.vote_shares

    @property
    def vote_hits(self) -> np.ndarray:
        return self.ballots.vote_hits

    # component_scores (Components)

    @property
    def component_names(self) -> list[str]:
        return self.component_scores.component_names

    @property
    def components(self) -> np.ndarray:
        return self.component_scores.components

    @property
    def component_current(self) -> np.ndarray:
        return self.component_scores.component_current

    @property
    def component_earlier_mean(self) -> dict[str, np.ndarray]:
        return self.component_scores.component_earlier_mean

    @property
    def component_earlier_count(self) -> dict[str, np.ndarray]:
        return self.component_scores.component_earlier_count

    @property
    def kpi_multiple_points(self) -> np.ndarray:
        return self.component_scores.kpi_multiple_points

    # aggregated (Aggregated)

    @property
    def base_current(self) -> np.ndarray:
        return self.aggregated.base_current

    @property
    def base(self) -> np.ndarray:
        return self.aggregated.base

    @property
    def aggregation_parts(self) -> dict[str, np.ndarray]:
        return self.aggregated.aggregation_parts

    @property
    def aggregation_counts(self) -> dict[str, np.ndarray]:
        return self.aggregated.aggregation_counts

    @property
    def aggregation_shares(self) -> dict[str, np.ndarray]:
        return self.aggregated.aggregation_shares

    @property
    def host_share(self) -> np.ndarray:
        return self.aggregated.host_share

    @property
    def host_score(self) -> np.ndarray:
        return self.aggregated.host_score

    # adjustments (Adjustments)

    @property
    def adjustment_names(self) -> list[str]:
        return self.adjustments.adjustment_names

    @property
    def adjustment_raw(self) -> np.ndarray:
        return self.adjustments.adjustment_raw

    @property
    def adjustment(self) -> np.ndarray:
        return self.adjustments.adjustment

    @property
    def cap_applied(self) -> np.ndarray:
        return self.adjustments.cap_applied

    @property
    def cap_limit(self) -> np.ndarray:
        return self.adjustments.cap_limit

    @property
    def bonus_raw(self) -> np.ndarray:
        return self.adjustments.bonus_raw

    @property
    def veto_deduct(self) -> np.ndarray:
        return self.adjustments.veto_deduct

    @property
    def deduction(self) -> np.ndarray:
        return self.adjustments.deduction

    @property
    def kpi_bonus(self) -> np.ndarray:
        return self.adjustments.kpi_bonus

    # coefficient_values (Coefficients)

    @property
    def coefficient_names(self) -> list[str]:
        return self.coefficient_values.coefficient_names

    @property
    def coefficients(self) -> np.ndarray:
        return self.coefficient_values.coefficients

    @property
    def total_coef(self) -> np.ndarray:
        return self.coefficient_values.total_coef

    @property
    def bonus_coef(self) -> np.ndarray:
        return self.coefficient_values.bonus_coef

    @property
    def pool_coef(self) -> np.ndarray:
        return self.coefficient_values.pool_coef

    @property
    def component_grade(self) -> dict[str, np.ndarray]:
        return self.coefficient_values.component_grade

    @property
    def component_grade_rank(self) -> dict[str, np.ndarray]:
        return self.coefficient_values.component_grade_rank

    # totals (Totals)

    @property
    def bonus(self) -> np.ndarray:
        return self.totals.bonus

    @property
    def total_raw(self) -> np.ndarray:
        return self.totals.total_raw

    @property
    def total(self) -> np.ndarray:
        return self.totals.total

    @property
    def home_value(self) -> np.ndarray:
        return self.totals.home_value

    # eligibility (Eligibility)

    @property
    def rules(self) -> list[tuple[str, str, str, str]]:
        return self.eligibility.rules

    @property
    def rule_hits(self) -> np.ndarray:
        return self.eligibility.rule_hits

    @property
    def elig_cap(self) -> np.ndarray:
        return self.eligibility.elig_cap

    @property
    def fixed(self) -> np.ndarray:
        return self.eligibility.fixed

    @property
    def ungraded_kind(self) -> np.ndarray:
        return self.eligibility.ungraded_kind

    @property
    def no_grade(self) -> np.ndarray:
        return self.eligibility.no_grade

    # ranking (Ranking)

    @property
    def tie_keys(self) -> list[np.ndarray]:
        return self.ranking.tie_keys

    @property
    def ranked(self) -> np.ndarray:
        return self.ranking.ranked

    @property
    def rank(self) -> np.ndarray:
        return self.ranking.rank

    @property
    def track_size(self) -> np.ndarray:
        return self.ranking.track_size

    @property
    def group(self) -> np.ndarray:
        return self.ranking.group

    @property
    def group_names(self) -> list[str]:
        return self.ranking.group_names

    @property
    def group_order(self) -> np.ndarray:
        return self.ranking.group_order

    @property
    def group_rank(self) -> np.ndarray:
        return self.ranking.group_rank

    @property
    def group_size(self) -> np.ndarray:
        return self.ranking.group_size

    # grades (Grades)

    @property
    def threshold_grade(self) -> np.ndarray:
        return self.grades.threshold_grade

    @property
    def best_allowed(self) -> np.ndarray:
        return self.grades.best_allowed

    @property
    def in_base(self) -> np.ndarray:
        return self.grades.in_base

    @property
    def grade(self) -> np.ndarray:
        return self.grades.grade

    @property
    def decided_by(self) -> np.ndarray:
        return self.grades.decided_by

    @property
    def place(self) -> np.ndarray:
        return self.grades.place

    @property
    def ceilings(self) -> np.ndarray:
        return self.grades.ceilings

    @property
    def floors(self) -> np.ndarray:
        return self.grades.floors

    @property
    def graded_size(self) -> np.ndarray:
        return self.grades.graded_size

    # tail (Tail)

    @property
    def tail_names(self) -> list[str]:
        return self.tail.tail_names

    @property
    def tail_hits(self) -> np.ndarray:
        return self.tail.tail_hits

    @property
    def tail_value(self) -> dict[str, np.ndarray]:
        return self.tail.tail_value

    @property
    def tail_rank(self) -> dict[str, np.ndarray]:
        return self.tail.tail_rank

    # consequences (Consequences)

    @property
    def pay_factor(self) -> np.ndarray:
        return self.consequences.pay_factor

    @property
    def outcome_names(self) -> list[str]:
        return self.consequences.outcome_names

    @property
    def outcome_rules(self) -> list[str]:
        return self.consequences.outcome_rules

    @property
    def outcome_hits(self) -> np.ndarray:
        return self.consequences.outcome_hits

    # pools (Pools)

    @property
    def pool_names(self) -> list[str]:
        return self.pools.pool_names

    @property
    def pool_rules(self) -> list[str]:
        return self.pools.pool_rules

    @property
    def pool_fen_by(self) -> np.ndarray:
        return self.pools.pool_fen_by

    @property
    def pool_weight_by(self) -> np.ndarray:
        return self.pools.pool_weight_by

    @property
    def pool_fen(self) -> np.ndarray:
        return self.pools.pool_fen

    @property
    def pool_weight(self) -> np.ndarray:
        return self.pools.pool_weight

    @property
    def pool_totals(self) -> list[int | None]:
        return self.pools.pool_totals

    @property
    def pool_total_fen(self) -> int | None:
        return self.pools.pool_total_fen
