"""Stage 3, ballots (``components.<name>.ballot``): the ballot counts per person and rater group, and
the vote-share rules.

The one place the engine counts ballots: components, eligibility, consequences and explanations read
:class:`Ballots`; :func:`ballot_groups` and :func:`ballot_scores` are the entry points."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kaohe.engine.data import PeriodData
from kaohe.engine.scheme import BallotSpec, Scheme, VoteRule

# per person and rater group: mean points, ballots received, ballots dropped as extremes
GroupCounts = tuple[np.ndarray, np.ndarray, np.ndarray]


@dataclass(frozen=True)
class Ballots:
    groups: dict[str, GroupCounts]  # ballot component → its rater groups' counts
    vote_rules: list[tuple[str, str, VoteRule]]  # (rule path, name, rule)
    vote_shares: np.ndarray  # people × vote rules (NaN: no ballots)
    vote_hits: np.ndarray  # people × vote rules


def count_ballots(scheme: Scheme, data: PeriodData) -> Ballots:
    """Every ballot component's group counts and every vote rule's share and hits."""
    groups = {
        cname: ballot_groups(scheme, data, cname)
        for cname, comp in scheme.components.items()
        if comp.ballot is not None
    }
    rules, shares, hits = _vote_rules(scheme, data)
    return Ballots(groups=groups, vote_rules=rules, vote_shares=shares, vote_hits=hits)


def ballot_options(b: BallotSpec) -> list[str]:
    """Options a ballots table may hold: the scored ones, then the overall tick's."""
    extra = [o for o in (b.overall.options if b.overall is not None else []) if o not in b.options]
    return list(b.options) + extra


def ballot_group_scores(scheme: Scheme, data: PeriodData, cname: str) -> tuple[np.ndarray, np.ndarray]:
    """Per person and rater group: (mean points of the counted ballots, ballots received)."""
    got = ballot_groups(scheme, data, cname)
    return got[0], got[1]


def ballot_groups(scheme: Scheme, data: PeriodData, cname: str) -> GroupCounts:
    """Per person and rater group: mean points, ballots received, ballots dropped as extremes.

    Counts are gathered per (person, group, dimension) × option. ``drop_extremes`` k removes k
    ballots from the highest-scoring options and k from the lowest in each (person, group, dimension)
    that received more than 2k. With dimensions (德能勤绩廉), the group's mean is Σ dimension weight ×
    that dimension's mean over the dimensions marked (weights renormalised), and the ballots
    received are those of the most-marked dimension. Rows of the overall tick do not score."""
    d, b = data, scheme.components[cname].ballot
    assert b is not None
    n = len(d.people)
    n_groups = len(b.rater_groups)
    t = d.ballots
    if not len(t) or "group#" not in t.columns or "option#" not in t.columns:
        z = np.zeros((n, n_groups))
        return z, z, z
    n_opt = len(b.options)
    dims = list(b.dimensions.values()) if b.dimensions is not None else [1.0]
    n_dim = len(dims)
    group, option = t.num("group#"), t.num("option#")
    count = np.nan_to_num(t.num("count").astype(np.float64))
    ok = (group >= 0) & (option >= 0) & (option < n_opt)
    if b.dimensions is not None:
        found = t.num_or_none("dimension#")
        dim = found if found is not None else np.zeros(len(t), dtype=np.int64)
        ok &= (dim >= 0) & (dim < n_dim)
    else:
        dim = np.zeros(len(t), dtype=np.int64)
    cell = (t.person[ok] * n_groups + group[ok]) * n_dim + dim[ok]
    counts = np.bincount(
        cell * n_opt + option[ok], weights=count[ok], minlength=n * n_groups * n_dim * n_opt
    ).reshape(-1, n_opt)
    received = counts.sum(axis=1)
    pts = np.array(list(b.options.values()), dtype=np.float64)
    dropped = np.zeros(len(counts))
    if b.drop_extremes:
        k = float(b.drop_extremes)
        order = np.argsort(-pts, kind="stable")  # highest points first
        c = counts[:, order]
        apply = received > 2 * k
        before = np.cumsum(c, axis=1) - c
        top = np.minimum(c, np.maximum(k - before, 0))
        after = np.cumsum(c[:, ::-1], axis=1)[:, ::-1] - c
        low = np.minimum(c - top, np.maximum(k - after, 0))
        c = np.where(apply[:, None], c - top - low, c)
        counts = np.empty_like(c)
        counts[:, order] = c
        dropped = np.where(apply, 2 * k, 0.0)
    kept = counts.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        dim_mean = np.where(kept > 0, (counts @ pts) / kept, 0.0).reshape(n * n_groups, n_dim)
    w = np.array(dims)[None, :] * (kept.reshape(n * n_groups, n_dim) > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(w.sum(axis=1) > 0, (w * dim_mean).sum(axis=1) / w.sum(axis=1), 0.0)
    ballots = np.round(received.reshape(n * n_groups, n_dim).max(axis=1), 9)
    drop = dropped.reshape(n * n_groups, n_dim).max(axis=1)
    return mean.reshape(n, n_groups), ballots.reshape(n, n_groups), drop.reshape(n, n_groups)


def ballot_scores(scheme: Scheme, cname: str, groups: GroupCounts) -> np.ndarray:
    """Rater-group weighted score; a group below ``min_ballots`` has no result and the others' weights
    are renormalised (or it counts as zero)."""
    b = scheme.components[cname].ballot
    assert b is not None
    mean, ballots, _dropped = groups
    weights = np.array(list(b.rater_groups.values()))
    valid = ballots >= b.min_ballots
    w = np.where(valid, weights, 0.0)
    got = (w * mean).sum(axis=1)
    if b.when_group_missing == "zero":
        return got
    total_w = w.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total_w > 0, got / total_w, 0.0)


def _vote_rules(s: Scheme, d: PeriodData) -> tuple[list[tuple[str, str, VoteRule]], np.ndarray, np.ndarray]:
    """Vote-share thresholds: share of a person's ballots (in the rule's rater groups) for the rule's
    options, from the overall tick when the form has one, else from the scored options (dimension
    marks weighted by the dimension weights, so that each ballot counts once)."""
    n = len(d.people)
    rules: list[tuple[str, str, VoteRule]] = []
    shares: list[np.ndarray] = []
    hits: list[np.ndarray] = []
    for cname, comp in s.components.items():
        b = comp.ballot
        if b is None or not b.vote_rules:
            continue
        t = d.ballots
        opts = ballot_options(b)
        n_groups = len(b.rater_groups)
        tally: np.ndarray = np.zeros((n, n_groups, len(opts)))
        if len(t) and "group#" in t.columns and "option#" in t.columns:
            group, option = t.num("group#"), t.num("option#")
            count = np.nan_to_num(t.num("count").astype(np.float64))
            ok = (group >= 0) & (option >= 0)
            weight = np.ones(len(t))
            if b.dimensions is not None:
                found = t.num_or_none("dimension#")
                dim = found if found is not None else np.zeros(len(t), dtype=np.int64)
                n_dim = len(b.dimensions)
                if b.overall is not None:
                    ok &= dim == n_dim
                else:
                    ok &= (dim >= 0) & (dim < n_dim)
                    weight = np.append(np.array(list(b.dimensions.values())), 0.0)[
                        np.where(dim >= 0, dim, -1)
                    ]
            idx = (t.person[ok] * n_groups + group[ok]) * len(opts) + option[ok]
            tally = np.bincount(
                idx, weights=(count * weight)[ok], minlength=n * n_groups * len(opts)
            ).reshape(n, n_groups, len(opts))
        for vname, rule in b.vote_rules.items():
            gsel = (
                [list(b.rater_groups).index(g) for g in rule.groups] if rule.groups else list(range(n_groups))
            )
            sub = tally[:, gsel, :].sum(axis=1)
            den = sub.sum(axis=1)
            num = sub[:, [opts.index(o) for o in rule.options]].sum(axis=1)
            with np.errstate(divide="ignore", invalid="ignore"):
                share = np.where(den > 0, num / den, np.nan)
            eps = 1e-9
            if rule.below is not None:
                hit = share < rule.below - eps if rule.strict else share <= rule.below + eps
            else:
                assert rule.above is not None
                hit = share > rule.above + eps if rule.strict else share >= rule.above - eps
            rules.append((f"components.{cname}.ballot.vote_rules.{vname}", vname, rule))
            shares.append(share)
            hits.append(hit & (den > 0))
    return (
        rules,
        np.stack(shares, axis=1) if shares else np.zeros((n, 0)),
        np.stack(hits, axis=1) if hits else np.zeros((n, 0), dtype=bool),
    )
