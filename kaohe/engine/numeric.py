"""Numeric helpers shared by the engine: half-up rounding, quota rounding, segment operations on
people sorted by group, and largest-remainder allocation in integer fen."""

from __future__ import annotations

import numpy as np

# Significant decimal digits a float64 holds faithfully (C's DBL_DIG): every decimal of 15 digits
# survives the trip to a float and back; what lies beyond is binary noise of storage and arithmetic.
DIGITS = 15


def round_half_up(x: np.ndarray | float, decimals: int = 2) -> np.ndarray:
    """Round half away from zero at ``decimals`` the decimal that the float stands for — its value
    to 15 significant digits, which is its repr whenever that is shorter: 2.675 → 2.68, 1.005 → 1.01,
    84.125 → 84.13, 89.994999999999 → 89.99, 89.995 → 90.00, −2.675 → −2.68; NaN and ±inf stay.
    A sum that should be 99.605 but is 99.60499999999999 in binary rounds to 99.61, as the office's
    own arithmetic would. (``np.round`` rounds half to even, and on the binary value.)

    Vectorised and without strings: with s = 10**decimals and k = ⌊|x|·s⌋, the half point is
    H = (k + ½)/s; x rounds up when |x| ≥ H − ½ unit of H's 15th significant digit. A product |x|·s
    one off in k moves H by 1/s, far from |x|, so the answer stands. Values of 10**14 / s and more
    (10**12 at two decimals) are returned as they are."""
    x = np.asarray(x, dtype=np.float64)
    scale = 10.0**decimals
    magnitude = np.abs(x)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        k = np.floor(magnitude * scale)
        half = (k + 0.5) / scale
        slack = 0.5 * np.power(10.0, np.floor(np.log10(half)) - (DIGITS - 1))
        rounded = np.copysign((k + (magnitude >= half - slack)) / scale, x)
        return np.where(magnitude * scale < 1e14, rounded, x)


def round_half_up_scalar(value: float, decimals: int = 2) -> float:
    """:func:`round_half_up` of one number, for app code (pages, exports, the API)."""
    return float(round_half_up(np.array([value], dtype=np.float64), decimals)[0])


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
