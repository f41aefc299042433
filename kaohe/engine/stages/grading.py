"""Stage 10, grading (``grading``): thresholds, the rules' caps and fixed grades, quotas with
ceilings and floors per quota group (the assignment itself: :mod:`kaohe.engine.grading`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kaohe.engine.data import PeriodData
from kaohe.engine.grading import assign_grades, cap_overall, quota_counts
from kaohe.engine.numeric import round_count
from kaohe.engine.scheme import Grading, QuotaRule, Scheme
from kaohe.engine.stages.coefficients import Totals
from kaohe.engine.stages.eligibility import Eligibility
from kaohe.engine.stages.ranking import Ranking


@dataclass(frozen=True)
class Grades:
    threshold_grade: np.ndarray  # grade reached by thresholds alone
    best_allowed: np.ndarray  # best grade index after the rules' caps
    in_base: np.ndarray  # in the quota base (grading.quota_base)
    grade: np.ndarray  # grade index, -1 for no grade
    decided_by: np.ndarray  # how the grade was decided (kaohe.engine.grading BY_*)
    place: np.ndarray  # place within the grade's quota
    ceilings: np.ndarray  # quota groups × grades
    floors: np.ndarray  # quota groups × grades
    graded_size: np.ndarray  # per quota group


def grade(s: Scheme, d: PeriodData, totals: Totals, elig: Eligibility, ranking: Ranking) -> Grades:
    """Grades by thresholds, capped by the rules, then by quotas per quota group in rank order."""
    score = totals.total
    g = s.grading
    grades = g.grades
    n = len(score)
    n_g = len(grades)
    # A grade without a threshold needs at least the threshold of the next worse grade that has one
    # (优秀 by quota only, 合格 ≥ 60: a 优秀 needs 60 too); the last grade needs nothing.
    thr = np.full(n_g, -np.inf)
    for j in range(n_g - 1, -1, -1):
        given = (g.thresholds or {}).get(grades[j])
        thr[j] = given if given is not None else (thr[j + 1] if j < n_g - 1 else -np.inf)
    reach = score[:, None] >= thr[None, :] - 1e-9
    abs_idx = np.where(reach.any(axis=1), reach.argmax(axis=1), n_g - 1)
    best = np.maximum(abs_idx, elig.elig_cap)
    graded = ~elig.no_grade
    n_groups = len(ranking.group_names)
    # the quota base (grading.quota_base): who the shares are of
    if g.quota_base == "everyone":
        in_base = np.ones(n, dtype=bool)
    elif g.quota_base == "graded_not_fixed":
        in_base = graded & (elig.fixed < 0)
    else:
        in_base = graded
    sizes = np.bincount(ranking.group[in_base], minlength=n_groups).astype(np.float64)
    ceilings = np.full((n_groups, n_g), np.inf)
    floors = np.zeros((n_groups, n_g))
    first_member = np.full(n_groups, -1, dtype=np.int64)
    first_member[ranking.group[ranking.group_order[::-1]]] = ranking.group_order[::-1]
    honour_share = _honour_shares(g, d, n)
    for gname, rule in (g.quotas or {}).items():
        j = grades.index(gname)
        ceilings[:, j] = _ceiling(rule, d, first_member, sizes, honour_share.get(gname))
        if np.isfinite(ceilings[:, j]).any():
            ceilings[:, j] = np.minimum(np.maximum(ceilings[:, j], np.minimum(rule.minimum, sizes)), sizes)
            if rule.overall_at_most is not None:
                total = float(round_count(np.asarray(rule.overall_at_most * sizes.sum()), rule.rounding))
                ceilings[:, j] = cap_overall(ceilings[:, j], total, np.arange(n_groups))
        if rule.at_least is not None:
            f = quota_counts(np.asarray(rule.at_least.value), rule.at_least.is_share, sizes, rule.rounding)
            floors[:, j] = np.where(sizes >= g.quota_groups.floors_min_size, f, 0)
    res = assign_grades(
        ranking.group_order, ranking.group, n_groups, best, elig.fixed, graded, ceilings, floors, in_base
    )
    assert len(res.grade) == n
    return Grades(
        threshold_grade=abs_idx,
        best_allowed=best,
        in_base=in_base,
        grade=res.grade,
        decided_by=res.decided_by,
        place=res.place,
        ceilings=res.ceilings,
        floors=res.floors,
        graded_size=res.graded_size,
    )


def _honour_shares(g: Grading, d: PeriodData, n: int) -> dict[str, np.ndarray]:
    """Per grade with ``by_honour``: the share each person's unit adds for its honours (the sum over
    the honours it holds; 0 for none). An honour the rule does not name adds nothing."""
    out: dict[str, np.ndarray] = {}
    t = d.honours
    for gname, rule in (g.quotas or {}).items():
        if not rule.by_honour:
            continue
        add: np.ndarray = np.zeros(n)
        if len(t):
            per_row = t.code("honour").lookup(rule.by_honour, default=0.0)
            add = np.bincount(t.person, weights=per_row, minlength=n)[:n]
        out[gname] = add
    return out


def _ceiling(
    rule: QuotaRule,
    d: PeriodData,
    first_member: np.ndarray,
    sizes: np.ndarray,
    honour_share: np.ndarray | None,
) -> np.ndarray:
    """The places of one grade per quota group, before the minimum and the overall cap. The share is
    the unit grade's (``by_unit_grade``; ``at_most`` for units whose grade is not listed), plus the
    unit's honours (``by_honour``: shares added before rounding), at most ``unit_at_most``; a group
    takes its unit's grade and honours from its first member (quota groups by unit)."""
    n_groups = len(sizes)
    at_most = rule.at_most
    other = (
        quota_counts(np.asarray(at_most.value), at_most.is_share, sizes, rule.rounding)
        if at_most is not None
        else np.full(n_groups, np.inf)
    )
    if rule.by_unit_grade is None and rule.by_honour is None and rule.unit_at_most is None:
        return other
    share = np.full(n_groups, at_most.value if at_most is not None and at_most.is_share else np.nan)
    if rule.by_unit_grade is not None:
        if at_most is None:
            other = np.zeros(n_groups)  # a unit whose grade the rule does not list gets no place
        unit_grade = d.people.attributes.get("unit_grade")
        graded = (
            unit_grade.lookup(rule.by_unit_grade, default=np.nan)[first_member]
            if unit_grade is not None
            else np.full(n_groups, np.nan)
        )
        share = np.where(np.isnan(graded), np.nan if at_most is None else share, graded)
    add = np.zeros(n_groups)
    if honour_share is not None and len(honour_share):
        add = np.where(first_member >= 0, honour_share[first_member], 0.0)
    ceiling = np.where(
        np.isnan(share),
        other + round_count(add * sizes, rule.rounding),
        round_count(np.nan_to_num(share + add) * sizes, rule.rounding),
    )
    if rule.unit_at_most is not None:
        ceiling = np.minimum(ceiling, round_count(rule.unit_at_most * sizes, rule.rounding))
    return ceiling
