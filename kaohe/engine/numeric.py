"""Numeric helpers shared by the engine: half-up rounding, quota rounding, segment operations on
people sorted by group, and largest-remainder allocation in integer fen."""

from __future__ import annotations

import numpy as np


def round_half_up(x: np.ndarray, decimals: int = 2) -> np.ndarray:
    """Round half away from zero at ``decimals`` (Chinese offices round 84.125 to 84.13, not 84.12).
    A tiny nudge absorbs binary noise such as 84.125 stored as 84.12499999999999."""
    scale = 10.0**decimals
    y = np.abs(x) * scale
    return np.sign(x) * np.floor(y + 0.5 + 1e-11 * np.maximum(1.0, y)) / scale


def round_count(x: np.ndarray, how: str) -> np.ndarray:
    """Quota counts from fractional places: down, half_up or up. Rounded to 9 decimals first so that
    15% of 20 (= 3.0000000000000004 in binary) is 3 places, not 4."""
    x = np.round(np.asarray(x, dtype=np.float64), 9)
    if how == "down":
        return np.floor(x)
    if how == "up":
        return np.ceil(x)
    return np.floor(x + 0.5)


def segment_starts(group_sorted: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """For people sorted by group: the first position and the size of each group."""
    sizes = np.bincount(group_sorted, minlength=n_groups)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    return starts, sizes


def segment_cumsum(mask_sorted: np.ndarray, group_sorted: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Inclusive running count of ``mask`` within each group (people sorted by group)."""
    cs = np.cumsum(mask_sorted, dtype=np.int64)
    before = np.concatenate(([0], cs))[starts]
    return cs - before[group_sorted]


def largest_remainder(weights: np.ndarray, amount: int, tie: np.ndarray) -> np.ndarray:
    """Split ``amount`` (integer fen) in proportion to ``weights``: floor each share, then give the
    remaining fen one each to the largest remainders (ties by ``tie`` ascending). The parts add up to
    ``amount`` exactly."""
    weights = np.where(np.isfinite(weights) & (weights > 0), weights, 0.0)
    total = weights.sum()
    out = np.zeros(len(weights), dtype=np.int64)
    if amount <= 0 or total <= 0:
        return out
    exact = weights / total * amount
    base = np.floor(exact).astype(np.int64)
    left = int(amount - base.sum())
    if left > 0:
        frac = exact - base
        order = np.lexsort((tie, -frac))
        base[order[:left]] += 1
    elif left < 0:  # float overshoot on huge pools: take back from the smallest remainders
        frac = exact - base
        order = np.lexsort((tie, frac))
        order = order[base[order] > 0]
        base[order[:-left]] -= 1
    return base


def largest_remainder_groups(
    weights: np.ndarray, amounts: np.ndarray, group: np.ndarray, tie: np.ndarray
) -> np.ndarray:
    """Several pools at once: person i shares ``amounts[group[i]]`` (integer fen) with the others of its
    group in proportion to ``weights``; each group's parts add up to its amount exactly (a group whose
    weights are all zero gets nothing). Vectorised over groups: floor, then one fen each to the
    largest remainders of each group (ties by ``tie`` ascending)."""
    weights = np.where(np.isfinite(weights) & (weights > 0), weights, 0.0)
    n_groups = len(amounts)
    amounts = np.asarray(amounts, dtype=np.int64)
    total = np.bincount(group, weights=weights, minlength=n_groups)
    out = np.zeros(len(weights), dtype=np.int64)
    if not len(weights):
        return out
    with np.errstate(divide="ignore", invalid="ignore"):
        exact = np.where(total[group] > 0, weights / total[group] * amounts[group], 0.0)
    base = np.floor(exact).astype(np.int64)
    left = amounts - np.bincount(group, weights=base, minlength=n_groups).round().astype(np.int64)
    left = np.where(total > 0, left, 0)
    frac = exact - base
    order = np.lexsort((tie, -frac, group))
    g_sorted = group[order]
    starts, _ = segment_starts(g_sorted, n_groups)
    pos = np.arange(len(order)) - starts[g_sorted]
    plus = np.maximum(left, 0)[g_sorted]
    give = np.zeros(len(order), dtype=np.int64)
    give[pos < plus] = 1
    # float overshoot (huge pools): take back from the smallest remainders
    minus = np.maximum(-left, 0)
    if minus.any():
        order2 = np.lexsort((tie, frac, group))
        g2 = group[order2]
        starts2, _ = segment_starts(g2, n_groups)
        pos2 = np.arange(len(order2)) - starts2[g2]
        take = np.zeros(len(order2), dtype=np.int64)
        take[(pos2 < minus[g2]) & (base[order2] > 0)] = 1
        base[order2] -= take
    base[order] += give
    return base
