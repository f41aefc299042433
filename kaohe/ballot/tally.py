"""Counting ballots: pure functions over counts, no Django, no database.

The database groups ballot lines into counts (person, rater group, dimension, option, count) with one
GROUP BY; everything after that happens here, so it is tested without a database and is the same
computation the engine's ``ballot`` component performs (docs/schemes.md, "Ballots").

A rater group's result for a person is the mean points of its ballots (with dimensions: the weighted
sum of each dimension's mean points). A group with fewer ballots than the minimum has no result and is
never shown, not even its count; the person's score then spreads that group's weight over the others
(``renormalise``) or counts the group as zero (``zero``).
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

Key = Hashable


class TallyError(ValueError):
    """Counts that do not fit the questionnaire (an unknown option, group or dimension)."""


@dataclass(frozen=True)
class Count:
    person: Key
    group: Key
    dimension: Key | None  # None for one overall grade per person
    option: Key
    count: int


@dataclass
class GroupResult:
    ballots: int
    mean: float
    counts: dict[tuple[Key | None, Key], int] = field(default_factory=dict)  # (dimension, option) → n


@dataclass
class PersonResult:
    person: Key
    groups: dict[Key, GroupResult]  # only groups at or over the minimum
    score: float | None  # None when no group reached the minimum


def round_half_up(value: float, places: int = 2) -> Decimal:
    """Scores are rounded half-up to two decimals before anyone sees or ranks them (DESIGN §3)."""
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _normalised(weights: Mapping[Key, float]) -> dict[Key, float]:
    total = float(sum(weights.values()))
    if total <= 0:
        raise TallyError("weights must add up to more than zero")
    return {k: float(w) / total for k, w in weights.items()}


def trimmed(counts: Mapping[Key, int], points: Mapping[Key, float]) -> dict[Key, int]:
    """Drop one of the highest and one of the lowest marks (去掉一个最高分和一个最低分) when more
    than two remain; fewer are left as they are."""
    if sum(counts.values()) <= 2:
        return dict(counts)
    present = [o for o, n in counts.items() if n > 0]
    result = dict(counts)
    result[max(present, key=lambda o: points[o])] -= 1
    result[min(present, key=lambda o: points[o])] -= 1
    return result


def _mean(counts: Mapping[Key, int], points: Mapping[Key, float]) -> float:
    n = sum(counts.values())
    return sum(points[o] * c for o, c in counts.items()) / n if n else 0.0


def tally(
    counts: Iterable[Count | tuple],
    *,
    option_points: Mapping[Any, float],
    group_weights: Mapping[Key, float],
    dimension_weights: Mapping[Key, float] | None = None,
    min_ballots: int = 5,
    when_missing: str = "renormalise",
    trim: bool = False,
) -> list[PersonResult]:
    """Each person's result per rater group and weighted score, from grouped counts.

    ``counts`` rows are :class:`Count` or plain tuples (person, group, dimension, option, count).
    People come back in the order they first appear.
    """
    if when_missing not in {"renormalise", "zero"}:
        raise TallyError(f"unknown when_missing: {when_missing}")
    weights = _normalised(group_weights)
    dims = _normalised(dimension_weights) if dimension_weights else {None: 1.0}
    # person → group → dimension → option → n
    cells: dict[Key, dict[Key, dict[Key | None, dict[Key, int]]]] = {}
    for row in counts:
        person, group, dimension, option, n = row if isinstance(row, tuple) else _fields(row)
        if option not in option_points:
            raise TallyError(f"unknown option: {option}")
        if group not in weights:
            raise TallyError(f"unknown rater group: {group}")
        if dimension not in dims:
            raise TallyError(f"unknown dimension: {dimension}")
        by_option = cells.setdefault(person, {}).setdefault(group, {}).setdefault(dimension, {})
        by_option[option] = by_option.get(option, 0) + int(n)

    results = []
    for person, by_group in cells.items():
        shown: dict[Key, GroupResult] = {}
        for group, by_dim in by_group.items():
            # Every ballot rates every dimension, so the ballot count is that of any one of them;
            # the largest guards against a dimension left out by a (refused) partial ballot.
            ballots = max(sum(c.values()) for c in by_dim.values())
            if ballots < min_ballots:
                continue  # withheld: neither its mean nor its count leaves this function
            mean = 0.0
            for dim, w in dims.items():
                used = by_dim.get(dim, {})
                if trim:
                    used = trimmed(used, option_points)
                mean += w * _mean(used, option_points)
            flat = {(d, o): n for d, c in by_dim.items() for o, n in c.items() if n}
            shown[group] = GroupResult(ballots=ballots, mean=mean, counts=flat)
        results.append(PersonResult(person, shown, weighted_score(shown, weights, when_missing)))
    return results


def _fields(row: Count) -> tuple:
    return row.person, row.group, row.dimension, row.option, row.count


def weighted_score(
    shown: Mapping[Key, GroupResult], weights: Mapping[Key, float], when_missing: str
) -> float | None:
    """Σ weight × group mean over the shown groups, divided by the shown groups' weight
    (``renormalise``) or by all groups' weight (``zero``). None when no group is shown."""
    if not shown:
        return None
    total = sum(weights[g] * r.mean for g, r in shown.items())
    base = sum(weights[g] for g in shown) if when_missing == "renormalise" else sum(weights.values())
    return total / base if base else None


# --- rater quality ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StraightLining:
    group: Key
    ballots: int
    straight: int

    @property
    def share(self) -> float:
        return self.straight / self.ballots if self.ballots else 0.0


def straight_lining(ballots: Iterable[tuple[Key, int, int]], *, min_ballots: int) -> list[StraightLining]:
    """Per rater group, how many ballots gave every person the same mark (straight-lining).

    ``ballots`` rows are (group, lines on the ballot, distinct options on it). A ballot rating a
    single person cannot straight-line and is not counted. Groups with fewer than ``min_ballots``
    ballots are left out, so nothing is said about a small group.
    """
    totals: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    for group, lines, distinct in ballots:
        if lines < 2:
            continue
        totals[group][0] += 1
        totals[group][1] += int(distinct == 1)
    return [StraightLining(g, n, s) for g, (n, s) in totals.items() if n >= min_ballots]


@dataclass(frozen=True)
class GroupLean:
    group: Key
    mean: float
    others: float | None
    difference: float | None
    extreme: bool


def extreme_groups(means: Mapping[Key, tuple[float, int]], *, threshold: float = 10.0) -> list[GroupLean]:
    """Each group's mean points against the mean of all other groups' marks.

    ``means`` maps group → (mean points, number of marks). A group is *extreme* when it differs
    from the others by at least ``threshold`` points. One group alone has nothing to compare with.
    """
    result = []
    for group, (mean, _n) in means.items():
        others = [(m, n) for g, (m, n) in means.items() if g != group and n]
        weight = sum(n for _m, n in others)
        if not weight:
            result.append(GroupLean(group, mean, None, None, False))
            continue
        other_mean = sum(m * n for m, n in others) / weight
        diff = mean - other_mean
        result.append(GroupLean(group, mean, other_mean, diff, abs(diff) >= threshold))
    return result
