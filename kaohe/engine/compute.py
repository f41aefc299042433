"""The computation: period data + scheme → per-person columns (a :class:`Result`).

A pipeline of stages (:mod:`kaohe.engine.stages`), each a function of explicit inputs returning a
frozen dataclass, each citing the scheme rule that drives it:

1. tracks            who competes with whom (``tracks``)
2. checks            what needs both the scheme and the data: scores within points, known codes
3. ballots           ballot counts per rater group, vote-share rules (``ballot``)
4. components        indicator trees, KPIs, work logs, tasks, personal indicators, ballots; a
                     component's ``over_periods`` combines it with its earlier periods' scores
5. aggregation       Σ component score × share; then ``aggregation`` over earlier periods; secondment
6. adjustments       claims and miss notices per category, ``caps``, vetoes' deductions, KPI multiples
7. coefficients      static, dynamic, by component grade; then the total:
                     (base + bonus × bonus coefficient − deductions) × total coefficient, half-up 2 dp
8. eligibility       ``eligibility`` rules, ``vetoes`` and ballot ``vote_rules``: no grade (pending,
                     comment only), grade at most X, fixed grade
9. ranking           within the track and the quota group among graded people, ties by ``tie_break``
10. grading          thresholds, quotas with ceilings and floors (see kaohe.engine.grading)
11. tail             ``tail_rules`` over this and earlier periods: consecutive ranks, or the rank
                     of a window's mean total (``window`` / ``over``); consequences: pay factor,
                     outcomes from consecutive / cumulative grades
12. pool             integer fen by largest remainder

No per-person Python loops: every step is array arithmetic over all people; loops run over scheme
rules, indicators, grades and quota groups' summary arrays only.
"""

from __future__ import annotations

from collections.abc import Callable

from kaohe.engine.data import PeriodData
from kaohe.engine.errors import DataError, ProblemList
from kaohe.engine.history import History
from kaohe.engine.result import Result
from kaohe.engine.scheme import Scheme
from kaohe.engine.stages.adjustments import adjust
from kaohe.engine.stages.aggregation import aggregate
from kaohe.engine.stages.ballots import count_ballots
from kaohe.engine.stages.checks import check_data
from kaohe.engine.stages.coefficients import apply_coefficients, total
from kaohe.engine.stages.components import score_components
from kaohe.engine.stages.eligibility import eligibility
from kaohe.engine.stages.grading import grade
from kaohe.engine.stages.pool import pool
from kaohe.engine.stages.ranking import rank
from kaohe.engine.stages.tail import consequences, tail
from kaohe.engine.stages.tracks import assign_tracks

Progress = Callable[[str], None]


def _silent(_name: str) -> None:
    """The default progress callback: nothing."""


def compute(scheme: Scheme, data: PeriodData, progress: Progress | None = None) -> Result:
    """Run the whole appraisal for one period. Raises :class:`DataError` (nothing computed) when the
    data does not fit the scheme. ``progress`` is called with each step's name."""
    step = progress or _silent
    s, d = scheme, data
    problems = ProblemList(d.source("people"), DataError)
    step("tracks")
    tracks = assign_tracks(s, d, problems)
    problems.raise_if_any()
    step("components")
    checks = check_data(s, d, problems)
    problems.raise_if_any()
    history = History(s, d)
    ballots = count_ballots(s, d)
    comps = score_components(s, d, tracks, checks, ballots)
    step("adjustments")
    agg = aggregate(s, d, tracks, comps)
    adj = adjust(s, d, agg.base, comps.kpi_multiple_points)
    step("coefficients")
    coefs = apply_coefficients(s, d, tracks, comps, agg.base, problems)
    problems.raise_if_any()
    totals = total(s, agg, adj, coefs)
    step("rank")
    elig = eligibility(s, d, history, ballots)
    ranking = rank(s, d, tracks, comps, agg, adj, totals, elig)
    step("grade")
    grades = grade(s, d, totals, elig, ranking)
    step("consequences")
    return Result(
        scheme=s,
        data=d,
        history=history,
        tracks=tracks,
        checks=checks,
        ballots=ballots,
        component_scores=comps,
        aggregated=agg,
        adjustments=adj,
        coefficient_values=coefs,
        totals=totals,
        eligibility=elig,
        ranking=ranking,
        grades=grades,
        tail=tail(s, history, tracks, totals, ranking),
        consequences=consequences(s, history, ballots, ranking, grades),
        pools=pool(s, d, tracks, coefs, totals, grades),
    )
