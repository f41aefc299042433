"""Who gives an indicator's score, and how several assessors' marks make one score.

A leaf with ``source: assessor`` names its assessor (``Indicator.assessor``): the person's
``reviewer`` (the default), the supervising ``leader`` of the person's unit, or a scoring group
(``group: 考核小组``) declared in the scheme's ``scoring_groups`` with its minimum number of assessors and
its rule (``mean``, or ``trimmed_mean``: the highest and the lowest mark dropped when there are three or
more, seed 003). Marks fewer than the minimum are no score: NaN, never 0, so the engine's checks and the
period's readiness report the person as unscored instead of counting a zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kaohe.engine.scheme import Scheme, ScoringGroup
from kaohe.engine.tree import Leaf, leaves

REVIEWER = "reviewer"
LEADER = "leader"
GROUP = "group"


@dataclass(frozen=True)
class AssessorSpec:
    """An indicator's assessor: ``kind`` reviewer, leader or group, and the group's name."""

    kind: str
    group: str = ""


def parse_assessor(text: str) -> AssessorSpec | None:
    """``reviewer`` / ``leader`` / ``group: <name>`` (spaces allowed around the colon); None if neither."""
    word = (text or REVIEWER).strip()
    if word in (REVIEWER, LEADER):
        return AssessorSpec(word)
    head, sep, name = word.partition(":")
    if sep and head.strip() == GROUP and name.strip():
        return AssessorSpec(GROUP, name.strip())
    return None


def assessor_problems(scheme: Scheme) -> list[tuple[str, str, str]]:
    """(path, expected, found) for every leaf whose assessor is unknown or names an undeclared group."""
    groups = sorted(scheme.scoring_groups)
    out = []
    for track in scheme.tracks:
        for leaf in track_leaves(scheme, track):
            spec = parse_assessor(leaf.node.assessor)
            path = f"{leaf.rule}.assessor"
            if spec is None:
                out.append((path, "reviewer, leader or group: <a scoring group>", leaf.node.assessor))
            elif spec.kind == GROUP and spec.group not in scheme.scoring_groups:
                out.append((path, f"a scoring group of scoring_groups {groups}", spec.group))
            elif leaf.node.source != "assessor" and leaf.node.assessor != REVIEWER:
                out.append((path, "an assessor only with source: assessor", leaf.node.source))
    return sorted(set(out))


def track_leaves(scheme: Scheme, track: str) -> list[Leaf]:
    """Every leaf of the trees ``track`` uses (its own tree or the common one), in scheme order."""
    out: list[Leaf] = []
    for cname, comp in scheme.components.items():
        tree = scheme.tree_for(cname, track)
        if not tree:
            continue
        own = bool(comp.indicators_by_track and track in comp.indicators_by_track)
        prefix = f"components.{cname}." + (f"indicators_by_track.{track}" if own else "indicators")
        out += leaves(cname, tree, prefix)
    return out


def assessed_leaves(scheme: Scheme, track: str) -> list[tuple[Leaf, AssessorSpec]]:
    """The leaves of ``track`` that assessors score on sheets (``source: assessor``), each with its
    assessor. Other sources (kpi, worklog, task, personal) come in by their own inputs."""
    out = []
    for leaf in track_leaves(scheme, track):
        if leaf.node.source != "assessor":
            continue
        spec = parse_assessor(leaf.node.assessor) or AssessorSpec(REVIEWER)
        out.append((leaf, spec))
    return out


def leaf_assessors(scheme: Scheme) -> dict[str, AssessorSpec]:
    """Leaf key → its assessor, over every track's assessed leaves (the first track's if two differ)."""
    out: dict[str, AssessorSpec] = {}
    for track in scheme.tracks:
        for leaf, spec in assessed_leaves(scheme, track):
            out.setdefault(leaf.key, spec)
    return out


def rule_of(scheme: Scheme, spec: AssessorSpec) -> ScoringGroup:
    """The combining rule of an assessor: its group's, else one mark suffices (the mean of what is
    there, for a reviewer or leader who changed during the period)."""
    if spec.kind == GROUP and spec.group in scheme.scoring_groups:
        return scheme.scoring_groups[spec.group]
    return ScoringGroup()


def combine_marks(
    person: np.ndarray, marks: np.ndarray, n: int, *, min_assessors: int = 1, how: str = "mean"
) -> tuple[np.ndarray, np.ndarray]:
    """One score per person from several marks: ``person`` (row index of each mark) and ``marks``
    (its value), over ``n`` people. Returns (score, count of marks): the mean, or with
    ``trimmed_mean`` the mean without one highest and one lowest mark when there are three or more;
    NaN where fewer than ``min_assessors`` marks (or none) were given. Set-based: a sort and a few
    reductions over all marks, no loop per person."""
    person = np.asarray(person, dtype=np.int64)
    marks = np.asarray(marks, dtype=np.float64)
    ok = np.isfinite(marks)
    person, marks = person[ok], marks[ok]
    count = np.bincount(person, minlength=n).astype(np.int64)
    total: np.ndarray = np.bincount(person, weights=marks, minlength=n).astype(np.float64)
    if how == "trimmed_mean" and len(marks):
        order = np.lexsort((marks, person))
        p_sorted, m_sorted = person[order], marks[order]
        starts = np.searchsorted(p_sorted, np.arange(n), side="left")
        ends = np.searchsorted(p_sorted, np.arange(n), side="right")
        trim = count >= 3
        rows = np.flatnonzero(trim)
        low = np.zeros(n)
        high = np.zeros(n)
        low[rows] = m_sorted[starts[rows]]
        high[rows] = m_sorted[ends[rows] - 1]
        total = total - low - high
        kept = np.where(trim, count - 2, count)
    else:
        kept = count
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.where((count >= max(min_assessors, 1)) & (kept > 0), total / np.maximum(kept, 1), np.nan)
    return score, count
