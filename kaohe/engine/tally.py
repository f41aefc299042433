"""The ballot tally (民主测评计票): the one implementation of how ballots become scores. The engine's
ballot component and the ballot app's results page, Excel export, API and rater-quality view all
count with it (docs/schemes.md, "Ballots").

Ballots arrive already grouped into counts: how many ballots of a rater group gave a person an option
(on a dimension). No individual ballot is needed, so a closed campaign keeps nothing that links one
rater's marks (DESIGN §6). Counts come either as integer-coded rows (:class:`BallotRows`, what the
engine's ballots table and the app's one GROUP BY give) or as a dense cube
``counts[person, group, dimension, option]`` (:func:`count_cube`); everything returns arrays.

The rules:

- **Dropping extremes** (``drop_extremes`` k, 去掉一个最高分和一个最低分): per person, rater group and
  dimension, k ballots of the highest-scoring options and k of the lowest are dropped when more than
  2k were received; with fewer, none.
- **A rater group's mean**: per dimension, the mean points of the ballots kept; over the dimensions,
  Σ dimension weight × dimension mean, the weights renormalised over the dimensions marked.
- **Ballots received**: those of the most-marked dimension, counted before dropping. A group with
  fewer than ``min_ballots`` has no result.
- **The score**: Σ group weight × group mean over the groups with a result, divided by those groups'
  weight (``renormalise``) or by all groups' weight (``zero``: a missing group counts as 0). NaN when
  no group has a result (the engine scores that 0; the app shows nothing).
- **Vote shares** (vote rules): ballots for the rule's options ÷ all the person's ballots in the
  rule's groups, on the overall tick when the form has one, else on the scored options with each
  dimension's marks weighted by its weight (so that a ballot counts once); no dropping, no minimum.

Pure numpy: no Django, no files, no names (callers code names to indices).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from kaohe.engine.data import Table
from kaohe.engine.scheme import BallotSpec

WhenGroupMissing = Literal["renormalise", "zero"]

_WEIGHT_TOLERANCE = 1e-6  # as the scheme's own check of shares adding up to 100%
_EPS = 1e-9  # vote-share thresholds such as 2/3 are compared with this tolerance


@dataclass(frozen=True)
class TallyRules:
    """How one questionnaire is counted. ``points`` has one entry per scored option (the tick-only
    options of an overall column are not scored); ``group_weights`` are shares adding up to 1 (a
    caller holding percentages divides them by their total); ``dimension_weights`` is None for one
    overall mark per person, else one share per dimension, adding up to 1 (the overall tick's
    dimension is not among them)."""

    points: np.ndarray  # (option,)
    group_weights: np.ndarray  # (group,)
    dimension_weights: np.ndarray | None = None  # (dimension,)
    min_ballots: int = 1
    when_group_missing: WhenGroupMissing = "renormalise"
    drop_extremes: int = 0

    def __post_init__(self) -> None:
        for name, weights in (
            ("group_weights", self.group_weights),
            ("dimension_weights", self.dimension_weights),
        ):
            if weights is not None and abs(float(np.sum(weights)) - 1.0) > _WEIGHT_TOLERANCE:
                raise ValueError(f"{name} must add up to 1, found {float(np.sum(weights))}")

    @classmethod
    def from_spec(cls, spec: BallotSpec) -> TallyRules:
        """The rules of a scheme's ballot section (``components.<name>.ballot``)."""
        dims = spec.dimensions
        return cls(
            points=np.array(list(spec.options.values()), dtype=np.float64),
            group_weights=np.array(list(spec.rater_groups.values()), dtype=np.float64),
            dimension_weights=np.array(list(dims.values()), dtype=np.float64) if dims is not None else None,
            min_ballots=spec.min_ballots,
            when_group_missing=spec.when_group_missing,
            drop_extremes=spec.drop_extremes,
        )

    @property
    def n_groups(self) -> int:
        return len(self.group_weights)

    @property
    def n_dimensions(self) -> int:
        return len(self.dimension_weights) if self.dimension_weights is not None else 1

    @property
    def n_options(self) -> int:
        return len(self.points)


@dataclass(frozen=True)
class BallotRows:
    """Grouped ballot lines as integer codes: ``count[i]`` ballots of rater group ``group[i]`` gave
    person ``person[i]`` option ``option[i]`` (on dimension ``dimension[i]``). Codes index the
    questionnaire's order; a negative code (empty or unknown) never counts."""

    person: np.ndarray
    group: np.ndarray
    option: np.ndarray
    count: np.ndarray
    dimension: np.ndarray | None = None

    @classmethod
    def from_table(cls, t: Table) -> BallotRows | None:
        """The engine's ballots table once its group, option (and dimension) columns are coded into
        the scheme's order (``group#``, ``option#``, ``dimension#``); None when it has no ballots."""
        if not len(t) or "group#" not in t.columns or "option#" not in t.columns:
            return None
        return cls(
            person=t.person,
            group=t.num("group#"),
            option=t.num("option#"),
            count=np.nan_to_num(t.num("count").astype(np.float64)),
            dimension=t.num_or_none("dimension#"),
        )


@dataclass(frozen=True)
class GroupTally:
    """Per person × rater group (and the weighted score per person)."""

    mean: np.ndarray  # mean points of the ballots kept (0 where none)
    ballots: np.ndarray  # ballots received, before dropping
    dropped: np.ndarray  # ballots dropped as extremes (per dimension)
    valid: np.ndarray  # bool: at or over the minimum, so the group has a result
    score: np.ndarray  # (person,) rater-group weighted score; NaN where no group has a result


def ballot_options(spec: BallotSpec) -> list[str]:
    """Options a ballots table may hold, in code order: the scored ones, then the overall tick's."""
    extra = [o for o in (spec.overall.options if spec.overall is not None else []) if o not in spec.options]
    return list(spec.options) + extra


def _dimension_codes(rows: BallotRows) -> np.ndarray:
    return rows.dimension if rows.dimension is not None else np.zeros(len(rows.person), dtype=np.int64)


def count_cube(rows: BallotRows | None, rules: TallyRules, n_people: int) -> np.ndarray:
    """Counts of the scored marks as ``counts[person, group, dimension, option]``. Rows with a code
    outside the rules (empty, unknown, the overall tick's dimension or options) are left out; without
    dimensions the dimension codes are ignored."""
    shape = (n_people, rules.n_groups, rules.n_dimensions, rules.n_options)
    if rows is None:
        return np.zeros(shape)
    group, option = rows.group, rows.option
    ok = (group >= 0) & (option >= 0) & (option < rules.n_options)
    if rules.dimension_weights is not None:
        dim = _dimension_codes(rows)
        ok &= (dim >= 0) & (dim < rules.n_dimensions)
    else:
        dim = np.zeros(len(rows.person), dtype=np.int64)
    cell = ((rows.person[ok] * shape[1] + group[ok]) * shape[2] + dim[ok]) * shape[3] + option[ok]
    flat = np.bincount(cell, weights=rows.count[ok], minlength=int(np.prod(shape)))
    return flat.reshape(shape)


def drop_extremes(
    counts: np.ndarray, points: np.ndarray, k: int, received: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Counts kept after dropping k ballots of the highest-scoring options and k of the lowest, in
    every cell (the last axis is the option) that received more than 2k; and how many were dropped
    per cell. Example: 优 2, 良 1, 差 1 with k = 1 → 优 1, 良 1, 差 0. ``received`` is
    ``counts.sum(axis=-1)`` when the caller has it already."""
    if not k:
        return counts, np.zeros(counts.shape[:-1])
    if received is None:
        received = counts.sum(axis=-1)
    order = np.argsort(-points, kind="stable")  # highest points first
    c = counts[..., order]
    apply = received > 2 * k
    before = np.cumsum(c, axis=-1) - c
    top = np.minimum(c, np.maximum(k - before, 0))
    after = np.cumsum(c[..., ::-1], axis=-1)[..., ::-1] - c
    low = np.minimum(c - top, np.maximum(k - after, 0))
    c = np.where(apply[..., None], c - top - low, c)
    kept = np.empty_like(c)
    kept[..., order] = c
    return kept, np.where(apply, 2.0 * k, 0.0)


def group_means(
    counts: np.ndarray,
    points: np.ndarray,
    dimension_weights: np.ndarray | None = None,
    drop: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per person × group from a count cube: (mean points, ballots received, ballots dropped).

    The mean weighs each dimension's mean by its weight, renormalised over the dimensions marked;
    the ballots received are the most-marked dimension's, before dropping."""
    received = counts.sum(axis=-1)  # (person, group, dimension)
    kept_counts, dropped = drop_extremes(counts, points, drop, received)
    kept = kept_counts.sum(axis=-1) if drop else received
    with np.errstate(divide="ignore", invalid="ignore"):
        # one 2-D product whatever the shape, so that every caller gets the same bits
        marks = (kept_counts.reshape(-1, len(points)) @ points).reshape(kept.shape)
        dim_mean = np.where(kept > 0, marks / kept, 0.0)
    weights = dimension_weights if dimension_weights is not None else np.ones(counts.shape[2])
    w = weights * (kept > 0)
    total = w.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(total > 0, (w * dim_mean).sum(axis=-1) / total, 0.0)
    return mean, np.round(received.max(axis=-1, initial=0.0), 9), dropped.max(axis=-1, initial=0.0)


def weighted_score(
    mean: np.ndarray,
    valid: np.ndarray,
    group_weights: np.ndarray,
    when_group_missing: WhenGroupMissing = "renormalise",
) -> np.ndarray:
    """Per person: Σ group weight × group mean over the ``valid`` groups, divided by their weight
    (``renormalise``) or not (``zero``: the weights add up to 1, so a missing group counts as 0);
    NaN where no group is valid (or the valid groups weigh nothing, when renormalising)."""
    w = np.where(valid, group_weights, 0.0)
    got = (w * mean).sum(axis=1)
    if when_group_missing == "zero":
        return np.where(valid.any(axis=1), got, np.nan)  # the weights add up to 1
    base = w.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(base > 0, got / base, np.nan)


def tally(counts: np.ndarray, rules: TallyRules) -> GroupTally:
    """The whole tally of a count cube (:func:`count_cube`) under ``rules``."""
    mean, ballots, dropped = group_means(counts, rules.points, rules.dimension_weights, rules.drop_extremes)
    valid = ballots >= rules.min_ballots
    score = weighted_score(mean, valid, rules.group_weights, rules.when_group_missing)
    return GroupTally(mean=mean, ballots=ballots, dropped=dropped, valid=valid, score=score)


# --- vote shares ------------------------------------------------------------------------------------


def vote_counts(rows: BallotRows | None, spec: BallotSpec, n_people: int) -> np.ndarray:
    """Ballots per person × rater group × option (:func:`ballot_options` order) for vote rules: the
    overall tick's rows when the form has one; else every scored row, a dimension's rows weighted by
    its weight, so that each ballot counts once."""
    opts = ballot_options(spec)
    n_groups = len(spec.rater_groups)
    shape = (n_people, n_groups, len(opts))
    if rows is None:
        return np.zeros(shape)
    ok = (rows.group >= 0) & (rows.option >= 0)
    weight = np.ones(len(rows.person))
    if spec.dimensions is not None:
        dim = _dimension_codes(rows)
        n_dim = len(spec.dimensions)
        if spec.overall is not None:
            ok &= dim == n_dim
        else:
            ok &= (dim >= 0) & (dim < n_dim)
            weight = np.append(np.array(list(spec.dimensions.values())), 0.0)[np.where(dim >= 0, dim, -1)]
    idx = (rows.person[ok] * n_groups + rows.group[ok]) * len(opts) + rows.option[ok]
    flat = np.bincount(idx, weights=(rows.count * weight)[ok], minlength=int(np.prod(shape)))
    return flat.reshape(shape)


def vote_share(votes: np.ndarray, options: Sequence[int], groups: Sequence[int] | None = None) -> np.ndarray:
    """Per person: the share of ballots (in ``groups``, default all) for ``options`` (indices into
    the last axis of :func:`vote_counts`); NaN for a person without ballots."""
    sub = (votes[:, list(groups), :] if groups is not None else votes).sum(axis=1)
    den = sub.sum(axis=1)
    num = sub[:, list(options)].sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / den, np.nan)


def vote_hit(share: np.ndarray, *, below: float | None, above: float | None, strict: bool) -> np.ndarray:
    """Where a vote share is ``below`` / ``above`` its threshold: strict is "低于 / 超过" (<, >), not
    strict "未超过 / 达到" (≤, ≥); a tolerance of 1e-9 lets 10 of 15 equal 2/3. False for NaN."""
    with np.errstate(invalid="ignore"):
        if below is not None:
            hit = share < below - _EPS if strict else share <= below + _EPS
        else:
            assert above is not None
            hit = share > above + _EPS if strict else share >= above - _EPS
    return hit & ~np.isnan(share)
