"""Stage 4, components (``components``): indicator trees, KPIs, work logs, tasks, personal
indicators and ballots, each component on 0–100; a component's ``over_periods`` combines it with its
earlier periods' scores."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kaohe.engine.data import PeriodData
from kaohe.engine.scheme import Scheme
from kaohe.engine.stages.ballots import Ballots, ballot_scores
from kaohe.engine.stages.checks import Checks
from kaohe.engine.stages.common import code_of, recent
from kaohe.engine.stages.tracks import Tracks
from kaohe.engine.tree import Leaf


@dataclass(frozen=True)
class Components:
    component_names: list[str]
    components: np.ndarray  # people × components, 0–100 (combined over periods where the scheme says)
    component_current: np.ndarray  # people × components: this period's own scores, before over_periods
    component_earlier_mean: dict[str, np.ndarray]  # over_periods: mean of the earlier periods (NaN: none)
    component_earlier_count: dict[str, np.ndarray]  # over_periods: earlier periods found
    kpi_multiple_points: np.ndarray  # signed points of KPI multiples


def score_components(
    s: Scheme, d: PeriodData, tracks: Tracks, checks: Checks, ballots: Ballots
) -> Components:
    """Each component's score on 0–100 per person: Σ leaf weight × leaf score (the person's track's
    tree), or the ballot score; then ``over_periods`` where the scheme says."""
    n = len(d.people)
    components = np.zeros((n, len(s.components)), dtype=np.float64)
    kpi_multiple_points = np.zeros(n)
    for c, (cname, comp) in enumerate(s.components.items()):
        if comp.ballot is not None:
            components[:, c] = ballot_scores(s, cname, ballots.groups[cname])
            continue
        for track_ids, lvs in checks.leaves[cname]:
            mask = np.isin(tracks.track, track_ids) if track_ids is not None else np.ones(n, dtype=bool)
            if not mask.any():
                continue
            score = np.zeros(n)
            for leaf in lvs:
                score += leaf.factor * leaf_score(d, checks, leaf)
                if leaf.node.source == "kpi" and leaf.node.kpi and leaf.node.kpi.multiplied:
                    kpi_multiple_points += np.where(
                        mask, kpi_multiple(d, checks, leaf) * leaf.factor * comp.share * 100, 0
                    )
            components[mask, c] = score[mask]
    current = components.copy()
    earlier_mean: dict[str, np.ndarray] = {}
    earlier_count: dict[str, np.ndarray] = {}
    for c, (cname, comp) in enumerate(s.components.items()):
        if comp.over_periods is not None:
            components[:, c], earlier_mean[cname], earlier_count[cname] = _component_over_periods(
                s, d, cname, current[:, c]
            )
    return Components(
        component_names=list(s.components),
        components=components,
        component_current=current,
        component_earlier_mean=earlier_mean,
        component_earlier_count=earlier_count,
        kpi_multiple_points=kpi_multiple_points,
    )


def _component_over_periods(
    s: Scheme, d: PeriodData, cname: str, current: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``components.<name>.over_periods`` (seed 000 季度评和年终评): this period's score combined with
    the component's own scores of earlier periods of a kind, read from previous.csv's column named as
    the component (an empty cell: that period is left out). Without ``earlier_share``: the mean over
    the periods found, this one included; with it: earlier_share × mean of the earlier ones +
    (1 − earlier_share) × this period's (this period's alone when no earlier one is found). Returns
    (the combined score, the earlier periods' mean (NaN: none), the earlier periods found)."""
    comp = s.components[cname]
    op = comp.over_periods
    assert op is not None
    n = len(d.people)
    prev = d.previous
    total: np.ndarray = np.zeros(n)
    count: np.ndarray = np.zeros(n)
    if len(prev) and cname in prev.columns and "kind" in prev.columns:
        kind = prev.code("kind")
        sel = kind.codes == code_of(kind, op.source)
        if op.last is not None:
            sel &= recent(n, prev.person, prev.code("period"), sel, op.last)
        value = prev.num(cname)
        sel &= np.isfinite(value)
        total = np.bincount(prev.person[sel], weights=value[sel], minlength=n)
        count = np.bincount(prev.person[sel], minlength=n).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        earlier = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    if op.earlier_share is None:
        return (total + current) / (count + 1), earlier, count
    w = op.earlier_share
    return np.where(count > 0, w * np.nan_to_num(earlier) + (1 - w) * current, current), earlier, count


def leaf_score(d: PeriodData, checks: Checks, leaf: Leaf, rows: np.ndarray | None = None) -> np.ndarray:
    """A leaf's score on 0–100 for every person (or for ``rows``), from its source."""
    n = len(d.people)
    node = leaf.node
    if node.source == "assessor":
        raw = d.scores.get(leaf.key)
        value = np.zeros(n) if raw is None else np.nan_to_num(raw, nan=0.0)
        value = value / node.points * 100.0 if node.points is not None else value
    elif node.source == "task":
        raw = d.task_rates.get(leaf.key)
        value = np.zeros(n) if raw is None else np.clip(np.nan_to_num(raw, nan=0.0), 0.0, 1.0) * 100.0
    elif node.source == "worklog":
        spec = node.worklog
        # the days a log was expected (log_days, from the work-log rollups), else the working days
        days = d.people.numbers.get("log_days", d.people.numbers.get("working_days", np.zeros(n)))
        done = d.people.numbers.get(
            "filled" if spec is None or spec.measure == "fill_rate" else "reviewed", np.zeros(n)
        )
        full = spec.full_at if spec else 1.0
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.where(days > 0, done / days, 1.0)
        value = np.clip(rate / full, 0.0, 1.0) * 100.0
    elif node.source == "kpi":
        value = kpi_completion(d, checks, leaf) * 100.0
    else:  # personal
        value = personal_score(d, checks, leaf)
    return value if rows is None else value[rows]


def kpi_completion(d: PeriodData, checks: Checks, leaf: Leaf) -> np.ndarray:
    """Σ measure weight × actual ÷ target (seed 001: total × 80% + growth × 20%), capped if the scheme says."""
    spec = leaf.node.kpi
    n = len(d.people)
    t = d.kpis
    out = np.zeros(n)
    if not len(t) or spec is None:
        return out
    sel = t.num("indicator#") == checks.kpi_keys.index(leaf.key)
    measure = t.code("measure")
    for mname, weight in spec.measures.items():
        m = sel & (measure.codes == code_of(measure, mname))
        ratio = t.num("actual")[m] / t.num("target")[m]
        out += weight * np.bincount(t.person[m], weights=ratio, minlength=n)
    return np.minimum(out, spec.cap) if spec.cap is not None else out


def kpi_multiple(d: PeriodData, checks: Checks, leaf: Leaf) -> np.ndarray:
    """The signed multiple of the indicator's points for outstanding (+) or damaging (−) results."""
    t = d.kpis
    n = len(d.people)
    if not len(t) or "multiple" not in t.columns:
        return np.zeros(n)
    sel = t.num("indicator#") == checks.kpi_keys.index(leaf.key)
    mult = np.nan_to_num(t.num("multiple")[sel])
    # one multiple per person and indicator, whichever measure row carries it
    return np.bincount(t.person[sel], weights=mult, minlength=n)


def personal_score(d: PeriodData, checks: Checks, leaf: Leaf) -> np.ndarray:
    """Personal indicators of a node: Σ score ÷ Σ points × 100 over the person's own indicators."""
    n = len(d.people)
    t = d.personal
    if not len(t) or "node#" not in t.columns:
        return np.zeros(n)
    sel = t.num("node#") == checks.personal_keys.index(leaf.key)
    got = np.bincount(t.person[sel], weights=t.num("score")[sel], minlength=n)
    top = np.bincount(t.person[sel], weights=t.num("points")[sel], minlength=n)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(top > 0, got / top * 100.0, 0.0)
