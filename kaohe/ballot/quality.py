"""Rater quality (the inspector's view of a closed campaign): straight-lining per rater group and
groups whose marks lean far from the others'. Aggregates only, over groups at or over the minimum;
nothing about any single rater. Pure: no Django, no database."""

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from kaohe.engine.tally import BallotRows, TallyRules, count_cube, group_means

Key = Hashable


def mark_means(
    counts: Iterable[tuple[Key, Key, int]], points: Mapping[Any, float]
) -> dict[Key, tuple[float, int]]:
    """Per rater group: (mean points of all its marks, how many marks), from (group, option, n)
    counts over every person and dimension — the engine's group mean, the campaign as one cell."""
    rows = list(counts)
    groups = {g: i for i, g in enumerate(dict.fromkeys(g for g, _o, _n in rows))}
    options = {o: i for i, o in enumerate(points)}
    if not groups:
        return {}
    coded = BallotRows(
        person=np.zeros(len(rows), dtype=np.int64),
        group=np.array([groups[g] for g, _o, _n in rows], dtype=np.int64),
        option=np.array([options[o] for _g, o, _n in rows], dtype=np.int64),
        count=np.array([n for _g, _o, n in rows], dtype=np.float64),
    )
    rules = TallyRules(
        points=np.array([float(p) for p in points.values()], dtype=np.float64),
        group_weights=np.full(len(groups), 1.0 / len(groups)),
    )
    mean, marks, _dropped = group_means(count_cube(coded, rules, 1), rules.points)
    return {g: (float(mean[0, i]), int(marks[0, i])) for g, i in groups.items()}


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
