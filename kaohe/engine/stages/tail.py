"""Stage 11, tail and consequences (``tail_rules``, ``consequences``): the bottom of the track over
this and earlier periods (consecutive ranks, or the rank of a window's mean total), the pay factor by
grade, outcomes from runs and counts of grades, and vote rules whose effect is a named outcome."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kaohe.engine.grading import quota_counts
from kaohe.engine.history import History, all_grades
from kaohe.engine.numeric import round_count, round_half_up, segment_cumsum, segment_starts
from kaohe.engine.scheme import Limit, Scheme, TailRule
from kaohe.engine.stages.ballots import Ballots
from kaohe.engine.stages.coefficients import Totals
from kaohe.engine.stages.common import positions
from kaohe.engine.stages.grading import Grades
from kaohe.engine.stages.ranking import Ranking
from kaohe.engine.stages.tracks import Tracks


@dataclass(frozen=True)
class Tail:
    tail_names: list[str]
    tail_hits: np.ndarray  # people × tail rules
    tail_value: dict[str, np.ndarray]  # tail rules with ``over``: the score ranked
    tail_rank: dict[str, np.ndarray]  # tail rules with ``over``: rank of that score in the track


@dataclass(frozen=True)
class Consequences:
    pay_factor: np.ndarray
    outcome_names: list[str]
    outcome_rules: list[str]
    outcome_hits: np.ndarray  # people × outcomes


def tail(s: Scheme, history: History, tracks: Tracks, totals: Totals, ranking: Ranking) -> Tail:
    """Bottom N or share of the track, this period and the K−1 periods before it."""
    n = len(totals.total)
    names = list(s.tail_rules)
    hits = np.zeros((n, len(s.tail_rules)), dtype=bool)
    values: dict[str, np.ndarray] = {}
    ranks: dict[str, np.ndarray] = {}
    if not s.tail_rules:
        return Tail(tail_names=names, tail_hits=hits, tail_value=values, tail_rank=ranks)
    prev_rank, prev_size = history.ranks()
    size = ranking.track_size.astype(np.float64)
    for j, rule in enumerate(s.tail_rules.values()):
        in_tracks = (
            np.ones(n, dtype=bool)
            if not rule.tracks
            else np.isin(tracks.track, [tracks.track_names.index(t) for t in rule.tracks])
        )
        # A rule naming several tracks ranks across the group it names ("机关干部后五位": the bottom
        # five of the offices' three tracks together), not within each of them.
        across = rule.tracks is not None and len(rule.tracks) > 1
        group = np.where(in_tracks, 0, tracks.track + 1) if across else tracks.track
        window = rule.window_size(s.period)
        if window is not None:
            name = names[j]
            value, rank = _tail_window_rank(history, tracks, totals, ranking, window, group)
            values[name], ranks[name] = value, rank
            if len(history.periods()) < window - 1:
                continue  # the window is not complete yet: a first month is not a quarter
            group_size = _ranked_in_group(ranking, group) if across else size
            hits[:, j] = in_tracks & _bottom(rule, rank.astype(np.float64), group_size)
            continue
        if across:
            now_rank = _rank_in_group(ranking, tracks, group)
            now_size = _ranked_in_group(ranking, group)
            earlier_rank, earlier_size = _earlier_ranks_in_group(history, tracks, in_tracks)
        else:
            now_rank, now_size = ranking.rank.astype(np.float64), size
            earlier_rank, earlier_size = prev_rank, prev_size
        hit = in_tracks & _bottom(rule, now_rank, now_size)
        for p in range(rule.consecutive - 1):
            if p >= earlier_rank.shape[1]:
                hit &= False
                break
            hit &= _bottom(rule, earlier_rank[:, p], earlier_size[:, p])
        hits[:, j] = hit
    return Tail(tail_names=names, tail_hits=hits, tail_value=values, tail_rank=ranks)


def _rank_in_group(ranking: Ranking, tracks: Tracks, group: np.ndarray) -> np.ndarray:
    """This period's rank within ``group`` by the scheme's tie-break (0 for people without a place)."""
    last = (~ranking.ranked).astype(np.int8)
    order = np.lexsort([*ranking.tie_keys, last, group])
    n_groups = int(group.max()) + 1 if len(group) else 0
    return np.where(ranking.ranked, positions(order, group, n_groups), 0).astype(np.float64)


def _ranked_in_group(ranking: Ranking, group: np.ndarray) -> np.ndarray:
    """Per person: how many people of their group take a rank place this period."""
    counts = np.bincount(group, weights=ranking.ranked.astype(np.float64), minlength=int(group.max()) + 1)
    return counts[group]


def _earlier_ranks_in_group(
    history: History, tracks: Tracks, in_group: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """people × earlier periods: rank within the group by that period's published total (higher
    first, then person id), and the group's size then (people of the group with a total)."""
    earlier = history.totals()
    n, m = earlier.shape
    ranks, sizes = np.zeros((n, m)), np.zeros((n, m))
    for p in range(m):
        has = in_group & np.isfinite(earlier[:, p])
        order = np.lexsort([tracks.id_order, -np.nan_to_num(earlier[:, p]), ~has])
        pos = np.empty(n, dtype=np.int64)
        pos[order] = np.arange(1, n + 1)
        ranks[:, p] = np.where(has, pos, 0)
        sizes[:, p] = np.where(in_group, has.sum(), 0)
    return ranks, sizes


def _bottom(rule: TailRule, rank: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Ranks within the rule's bottom count or share of ``size``."""
    k = round_count(rule.bottom.value * size, rule.rounding) if rule.bottom.is_share else rule.bottom.value
    return (rank > size - k) & (rank > 0)


def _tail_window_rank(
    history: History, tracks: Tracks, totals: Totals, ranking: Ranking, window: int, group: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Tail rules with ``window`` / ``over`` (seed 001: 季度 / 半年 / 全年靠后): each person's mean of the
    totals of this period and the ``window`` − 1 most recent earlier periods of the scheme's kind
    (previous.csv ``total``; a period without a total is left out), rounded half up to two decimals,
    and its rank within ``group`` (the track, or the tracks a rule names together) among the people
    ranked this period (ties broken by the scheme's ``tie_break`` on this period's values, then person
    id; 0 for people without a rank place)."""
    earlier = history.totals()[:, : window - 1]
    found = np.isfinite(earlier)
    got = totals.total + np.where(found, earlier, 0.0).sum(axis=1)
    value = round_half_up(got / (found.sum(axis=1) + 1), 2)
    last = (~ranking.ranked).astype(np.int8)
    order = np.lexsort([*ranking.tie_keys, -value, last, group])
    n_groups = int(group.max()) + 1 if len(group) else 0
    rank = np.where(ranking.ranked, positions(order, group, n_groups), 0)
    return value, rank


def consequences(
    s: Scheme, history: History, ballots: Ballots, ranking: Ranking, grades: Grades
) -> Consequences:
    """Pay factor by grade; outcomes from runs and counts of grades over this and earlier periods; vote
    rules whose effect is a named outcome."""
    grade = grades.grade
    n = len(grade)
    names = s.grading.grades
    pay = s.consequences.pay_factor or {}
    table = np.array([pay.get(g, 0.0) for g in names] + [0.0])
    outcomes = s.consequences.outcomes or {}
    outcome_names: list[str] = []
    outcome_rules: list[str] = []
    cols: list[np.ndarray] = []
    every_grade = all_grades(s)
    for name, out in outcomes.items():
        own = out.kind is None or out.kind == s.period
        hist = history.grades(out.kind)
        if own and out.include_current:
            hist = np.concatenate([grade[:, None], hist], axis=1)
        want = np.isin(hist, [every_grade.index(g) for g in out.grades])
        m = want.shape[1]
        if out.consecutive is not None:
            k = out.consecutive
            run = np.where(want.all(axis=1), m, want.argmin(axis=1)) if m else np.zeros(n, dtype=np.int64)
            hit = run >= k
            if out.every:
                hit &= run % k == 0
        else:
            w = out.within or m
            count = want[:, :w].sum(axis=1)
            k = out.cumulative or 1
            hit = count >= k
            if out.every:
                hit &= (count % k == 0) & (want[:, 0] if m else False)
        if out.at_most is not None:
            hit = _first_in_group(ranking, grades, hit, out.at_most, out.rounding)
        outcome_names.append(name)
        outcome_rules.append(f"consequences.outcomes.{name}")
        cols.append(hit)
    for k, (path, vname, vrule) in enumerate(ballots.vote_rules):
        if vrule.effect == "outcome":
            outcome_names.append(vrule.action or vname)
            outcome_rules.append(path)
            cols.append(ballots.vote_hits[:, k])
    return Consequences(
        pay_factor=table[np.where(grade >= 0, grade, len(names))],
        outcome_names=outcome_names,
        outcome_rules=outcome_rules,
        outcome_hits=np.stack(cols, axis=1) if cols else np.zeros((n, 0), dtype=bool),
    )


def _first_in_group(
    ranking: Ranking, grades: Grades, hit: np.ndarray, limit: Limit, rounding: str
) -> np.ndarray:
    """Keep only the first ``limit`` (count or share of the quota base) of each quota group in rank
    order among ``hit``."""
    n_groups = len(ranking.group_names)
    sizes = np.bincount(ranking.group[grades.in_base], minlength=n_groups).astype(np.float64)
    places = quota_counts(np.asarray(limit.value), limit.is_share, sizes, rounding)
    order = ranking.group_order
    g_sorted = ranking.group[order]
    starts, _ = segment_starts(g_sorted, n_groups)
    run = segment_cumsum(hit[order], g_sorted, starts)
    keep_s = hit[order] & (run <= places[g_sorted])
    keep = np.empty(len(hit), dtype=bool)
    keep[order] = keep_s
    return keep
