"""Grading: absolute thresholds, relative quotas (ceilings and floors per quota group), eligibility caps.

Everything here works on people sorted by (quota group, rank) and is vectorised across all groups at
once: one pass per grade, each a handful of array operations. The rules:

1. Each graded person has a best allowed grade: the best grade whose threshold the total reaches,
   made no better than any eligibility or veto cap.
2. Grades are handed out best first. In each group the first ``ceiling`` candidates in rank order
   whose best allowed grade is at least this good get it; an ineligible person is skipped, so the
   place passes on to the next one. A grade without a ceiling takes every remaining candidate.
3. Floors ("不合格 at least 5%") count people at that grade or worse; if a group is short, its lowest
   ranked people are moved down until the floor is met (only in groups of at least ``floors_min_size``).
4. Fixed grades (vetoes) are set directly, and count against that grade's ceiling and floor.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kaohe.engine.numeric import round_count, segment_cumsum, segment_starts

# How a person's grade was decided, for explanations.
BY_CEILING, BY_DEFAULT, BY_FLOOR, BY_FIXED, NO_GRADE, BY_THRESHOLD = range(6)


@dataclass
class GradeResult:
    grade: np.ndarray  # grade index per person, -1 = no grade
    decided_by: np.ndarray  # one of BY_* per person
    place: np.ndarray  # place within the grade in the group (1-based), 0 if not by ceiling
    ceilings: np.ndarray  # groups × grades, counts (inf = none)
    floors: np.ndarray  # groups × grades, counts (0 = none)
    graded_size: np.ndarray  # graded people per group


def assign_grades(
    order: np.ndarray,
    group: np.ndarray,
    n_groups: int,
    best_allowed: np.ndarray,
    fixed: np.ndarray,
    graded: np.ndarray,
    ceilings: np.ndarray,
    floors: np.ndarray,
    in_base: np.ndarray | None = None,
) -> GradeResult:
    """Assign grades. ``order`` sorts people by (group, rank); ``best_allowed`` is the best grade index
    each may get; ``fixed`` a forced grade index or -1; ``graded`` False for people without a grade;
    ``ceilings``/``floors`` are groups × grades counts; ``in_base`` (default ``graded``) marks who the
    quota shares are of: a fixed grade outside it takes no place and does not count towards a floor."""
    n = len(group)
    n_grades = ceilings.shape[1]
    g_sorted = group[order]
    starts, _sizes = segment_starts(g_sorted, n_groups)
    allowed = best_allowed[order]
    fixed_s = fixed[order]
    graded_s = graded[order]
    base_s = (graded if in_base is None else in_base)[order]
    grade_s = np.full(n, -1, dtype=np.int64)
    how_s = np.full(n, NO_GRADE, dtype=np.int8)
    place_s = np.zeros(n, dtype=np.int64)

    is_fixed = graded_s & (fixed_s >= 0)
    grade_s[is_fixed] = fixed_s[is_fixed]
    how_s[is_fixed] = BY_FIXED
    open_ = graded_s & ~is_fixed
    for g in range(n_grades):
        cand = open_ & (allowed <= g)
        if g == n_grades - 1 or not np.isfinite(ceilings[:, g]).any():
            take = cand if g == n_grades - 1 else cand & ~np.isfinite(ceilings[g_sorted, g])
            run = segment_cumsum(cand, g_sorted, starts)
        else:
            fixed_here = np.bincount(g_sorted[is_fixed & base_s & (fixed_s == g)], minlength=n_groups)
            room = np.maximum(ceilings[:, g] - fixed_here, 0)
            run = segment_cumsum(cand, g_sorted, starts)
            take = cand & (run <= room[g_sorted])
        grade_s[take] = g
        has_ceiling = np.isfinite(ceilings[g_sorted, g])
        how_s[take] = np.where(has_ceiling[take], BY_CEILING, BY_DEFAULT)
        place_s[take] = np.where(has_ceiling[take], run[take], 0)
        open_ &= ~take

    # Floors, worst grade first: count people at this grade or worse and push up the shortfall from
    # the bottom of the ranking.
    graded_size = np.bincount(g_sorted[base_s], minlength=n_groups)
    for g in range(n_grades - 1, -1, -1):
        need = floors[:, g]
        if not need.any():
            continue
        have = np.bincount(g_sorted[graded_s & base_s & (grade_s >= g)], minlength=n_groups)
        short = np.maximum(need - have, 0)
        if not short.any():
            continue
        movable = graded_s & (grade_s < g) & ~is_fixed
        # running count from the bottom: reverse the sorted arrays, count, reverse back
        rev = slice(None, None, -1)
        g_rev = g_sorted[rev]
        ends = starts + np.bincount(g_sorted, minlength=n_groups)
        starts_rev = n - ends
        run_rev = segment_cumsum(movable[rev], g_rev, starts_rev)[rev]
        push = movable & (run_rev <= short[g_sorted])
        grade_s[push] = g
        how_s[push] = BY_FLOOR
        place_s[push] = 0

    grade = np.empty(n, dtype=np.int64)
    how = np.empty(n, dtype=np.int8)
    place = np.empty(n, dtype=np.int64)
    grade[order] = grade_s
    how[order] = how_s
    place[order] = place_s
    return GradeResult(grade, how, place, ceilings, floors, graded_size)


def quota_counts(
    shares_or_counts: np.ndarray, is_share: bool, sizes: np.ndarray, rounding: str
) -> np.ndarray:
    """Places per group from a share (rounded as the scheme says) or a fixed count."""
    if is_share:
        return round_count(shares_or_counts * sizes, rounding)
    return np.minimum(np.broadcast_to(shares_or_counts, sizes.shape).astype(np.float64), sizes)


def cap_overall(ceiling: np.ndarray, total_places: float, tie: np.ndarray) -> np.ndarray:
    """Scale group ceilings down so they add up to at most ``total_places`` (an overall cap across
    groups): proportional floor, then the remaining places by largest remainder (ties by ``tie``)."""
    have = ceiling.sum()
    if have <= total_places:
        return ceiling
    exact = ceiling * (total_places / have)
    out = np.floor(exact)
    left = int(total_places - out.sum())
    if left > 0:
        order = np.lexsort((tie, -(exact - out)))
        out[order[:left]] += 1
    return out
