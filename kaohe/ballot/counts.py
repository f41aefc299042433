"""A campaign's results from its grouped counts, counted by the engine's tally (kaohe.engine.tally).

The database groups ballot lines into counts (person, rater group, dimension, option, count) with one
GROUP BY; this module codes those ids into the engine's indices, lets the engine count, and hands the
results back keyed by ids. A rater group with fewer ballots than the minimum has no result and is
never returned, not even its count. Pure: no Django, no database.
"""

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kaohe.engine.tally import BallotRows, TallyRules, WhenGroupMissing, count_cube, tally

Key = Hashable


class TallyError(ValueError):
    """Counts that do not fit the questionnaire (an unknown option, group or dimension)."""


@dataclass(frozen=True)
class Count:
    person: Key
    group: Key
    dimension: Key | None  # None for one overall mark per person
    option: Key
    count: int


@dataclass
class GroupResult:
    ballots: int
    mean: float
    counts: dict[tuple[Key | None, Key], int] = field(default_factory=dict)  # (dimension, option) → n


@dataclass
class RateeResult:
    person: Key
    groups: dict[Key, GroupResult]  # only groups at or over the minimum
    score: float | None  # None when no group reached the minimum


def shares(weights: Mapping[Key, Any]) -> np.ndarray:
    """Percentages (or any positive weights) as shares adding up to 1, in the mapping's order."""
    values = np.array([float(w) for w in weights.values()], dtype=np.float64)
    total = values.sum()
    if not total > 0:
        raise TallyError("weights must add up to more than zero")
    return values / total


def _index(keys: Iterable[Key]) -> dict[Key, int]:
    return {k: i for i, k in enumerate(keys)}


@dataclass
class _Coded:
    """Counts coded into the engine's indices (one row per count, as the caller gave them)."""

    people: dict[Key, int]  # person → index, in order of first appearance
    rows: BallotRows
    keys: list[tuple[Key | None, Key]]  # (dimension, option) of each row


def _codes(values: tuple, index: dict[Key, int], what: str) -> np.ndarray:
    unknown = set(values) - set(index)
    if unknown:
        raise TallyError(f"unknown {what}: {', '.join(sorted(map(str, unknown)))}")
    return np.fromiter(map(index.__getitem__, values), dtype=np.int64, count=len(values))


def _code(
    counts: Iterable[Count | tuple], options: dict[Key, int], groups: dict[Key, int], dims: dict[Key, int]
) -> _Coded:
    rows = [row if isinstance(row, tuple) else _fields(row) for row in counts]
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return _Coded({}, BallotRows(empty, empty, empty, empty * 1.0, empty), [])
    person, group, dimension, option, n = zip(*rows, strict=True)
    option_codes = _codes(option, options, "option")
    group_codes = _codes(group, groups, "rater group")
    dimension_codes = _codes(dimension, dims, "dimension")
    people = _index(dict.fromkeys(person))
    coded = BallotRows(
        person=_codes(person, people, "person"),
        group=group_codes,
        option=option_codes,
        count=np.array(n, dtype=np.float64),
        dimension=dimension_codes,
    )
    return _Coded(people, coded, list(zip(dimension, option, strict=True)))


def _cell_counts(
    coded: _Coded, valid: np.ndarray
) -> dict[tuple[int, int], dict[tuple[Key | None, Key], int]]:
    """(person, group) → (dimension, option) → ballots, for the cells with a result only."""
    rows = coded.rows
    keep = np.flatnonzero(valid[rows.person, rows.group] & (rows.count > 0))
    cells: dict[tuple[int, int], dict[tuple[Key | None, Key], int]] = {}
    for i, g, key, n in zip(
        rows.person[keep].tolist(),
        rows.group[keep].tolist(),
        [coded.keys[k] for k in keep.tolist()],
        rows.count[keep].astype(np.int64).tolist(),
        strict=True,
    ):
        cell = cells.setdefault((i, g), {})
        cell[key] = cell.get(key, 0) + n
    return cells


def person_results(
    counts: Iterable[Count | tuple],
    *,
    option_points: Mapping[Any, float],
    group_weights: Mapping[Key, float],
    dimension_weights: Mapping[Key, float] | None = None,
    min_ballots: int = 5,
    when_missing: str = "renormalise",
    trim: bool = False,
) -> list[RateeResult]:
    """Each person's result per rater group and weighted score, from grouped counts.

    ``counts`` rows are :class:`Count` or plain tuples (person, group, dimension, option, count);
    weights may be percentages. ``trim`` drops one highest and one lowest mark per person, group and
    dimension (docs/schemes.md, "Ballots"). People come back in the order they first appear.
    """
    if when_missing not in {"renormalise", "zero"}:
        raise TallyError(f"unknown when_missing: {when_missing}")
    mode: WhenGroupMissing = "zero" if when_missing == "zero" else "renormalise"
    rules = TallyRules(
        points=np.array([float(p) for p in option_points.values()], dtype=np.float64),
        group_weights=shares(group_weights),
        dimension_weights=shares(dimension_weights) if dimension_weights else None,
        min_ballots=min_ballots,
        when_group_missing=mode,
        drop_extremes=1 if trim else 0,
    )
    dims: dict[Key, int] = _index(dimension_weights) if dimension_weights else {None: 0}
    coded = _code(counts, _index(option_points), _index(group_weights), dims)
    result = tally(count_cube(coded.rows, rules, len(coded.people)), rules)
    cells = _cell_counts(coded, result.valid)
    group_keys = list(group_weights)
    means, ballots, scores = result.mean.tolist(), result.ballots.tolist(), result.score.tolist()
    out = []
    for person, i in coded.people.items():
        shown = {
            group_keys[g]: GroupResult(ballots=int(ballots[i][g]), mean=means[i][g], counts=cells[(i, g)])
            for g in range(len(group_keys))
            if (i, g) in cells
        }
        score = scores[i]
        out.append(RateeResult(person, shown, score if shown and not math.isnan(score) else None))
    return out


def _fields(row: Count) -> tuple:
    return row.person, row.group, row.dimension, row.option, row.count
