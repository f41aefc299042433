"""Stage 3, ballots (``components.<name>.ballot``): the ballot counts per person and rater group, and
the vote-share rules.

The one place the engine counts ballots: components, eligibility, consequences and explanations read
:class:`Ballots`; :func:`ballot_groups` and :func:`ballot_scores` are the entry points."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kaohe.engine.data import PeriodData
from kaohe.engine.scheme import Scheme, VoteRule
from kaohe.engine.tally import (
    BallotRows,
    TallyRules,
    ballot_options,
    count_cube,
    group_means,
    vote_counts,
    vote_hit,
    vote_share,
    weighted_score,
)

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
    rows = BallotRows.from_table(data.ballots)  # read once for every component and vote rule
    n = len(data.people)
    groups = {
        cname: ballot_groups(scheme, rows, n, cname)
        for cname, comp in scheme.components.items()
        if comp.ballot is not None
    }
    rules, shares, hits = _vote_rules(scheme, rows, n)
    return Ballots(groups=groups, vote_rules=rules, vote_shares=shares, vote_hits=hits)


def ballot_groups(scheme: Scheme, rows: BallotRows | None, n_people: int, cname: str) -> GroupCounts:
    """Per person and rater group: mean points, ballots received, ballots dropped as extremes — the
    one tally's (:func:`kaohe.engine.tally.group_means`; the weighted score is :func:`ballot_scores`)."""
    b = scheme.components[cname].ballot
    assert b is not None
    rules = TallyRules.from_spec(b)
    cube = count_cube(rows, rules, n_people)
    return group_means(cube, rules.points, rules.dimension_weights, rules.drop_extremes)


def ballot_scores(scheme: Scheme, cname: str, groups: GroupCounts) -> np.ndarray:
    """Rater-group weighted score; a group below ``min_ballots`` has no result and the others' weights
    are renormalised (or it counts as zero). A person no group rated at the minimum scores 0 here;
    the readiness of a period (not this stage) decides whether such a run may go ahead."""
    b = scheme.components[cname].ballot
    assert b is not None
    mean, ballots, _dropped = groups
    weights = np.array(list(b.rater_groups.values()), dtype=np.float64)
    score = weighted_score(mean, ballots >= b.min_ballots, weights, b.when_group_missing)
    return np.nan_to_num(score)


def _vote_rules(
    s: Scheme, rows: BallotRows | None, n: int
) -> tuple[list[tuple[str, str, VoteRule]], np.ndarray, np.ndarray]:
    """Vote-share thresholds: share of a person's ballots (in the rule's rater groups) for the rule's
    options, from the overall tick when the form has one, else from the scored options (see
    :func:`kaohe.engine.tally.vote_counts`)."""
    rules: list[tuple[str, str, VoteRule]] = []
    shares: list[np.ndarray] = []
    hits: list[np.ndarray] = []
    for cname, comp in s.components.items():
        b = comp.ballot
        if b is None or not b.vote_rules:
            continue
        votes = vote_counts(rows, b, n)
        opts = ballot_options(b)
        for vname, rule in b.vote_rules.items():
            groups = [list(b.rater_groups).index(g) for g in rule.groups] if rule.groups else None
            share = vote_share(votes, [opts.index(o) for o in rule.options], groups)
            rules.append((f"components.{cname}.ballot.vote_rules.{vname}", vname, rule))
            shares.append(share)
            hits.append(vote_hit(share, below=rule.below, above=rule.above, strict=rule.strict))
    return (
        rules,
        np.stack(shares, axis=1) if shares else np.zeros((n, 0)),
        np.stack(hits, axis=1) if hits else np.zeros((n, 0), dtype=bool),
    )
