"""The annual figure of the roll-up, by the scheme's aggregation rule (pure: no database).

A published year period's total is the annual figure: the engine aggregated it itself. Before the year
is computed, the roll-up applies the scheme's ``aggregation`` parts that read earlier periods (annual =
mean of the four quarters, seed 003); a scheme without one is read as the mean of its own periods.
A part that needs the year's own computation (``from: current``) cannot be applied yet; a part that
also counts it (``include_current``) is applied to the periods found unless ``current`` is given.

The rule itself is the engine's (:func:`kaohe.engine.stages.aggregation.earlier_periods`); this module
only feeds it one person's totals.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from kaohe.engine.numeric import round_half_up
from kaohe.engine.scheme import Scheme
from kaohe.engine.stages.aggregation import earlier_periods


@dataclass(frozen=True)
class Part:
    """One aggregation part: earlier periods of ``kind`` combined by ``how``, weighted by ``share``."""

    kind: str  # month, quarter, half, year; "current" for the year's own computation
    share: float
    how: str = "mean"  # mean, sum, last
    last: int | None = None
    include_current: bool = False  # the year's own computation counts as one more period (mean)
    share_by_track: dict[str, float] = field(default_factory=dict)


def parts_of(scheme: Scheme) -> list[Part]:
    """The parts of a parsed scheme's aggregation, or the mean of its own periods."""
    agg = scheme.aggregation
    if agg is None:
        return [Part(kind=scheme.period, share=1.0)]
    return [
        Part(
            kind=p.source,
            share=float(p.share),
            how=p.how,
            last=p.last,
            include_current=p.include_current,
            share_by_track={t: float(v) for t, v in (p.share_by_track or {}).items()},
        )
        for p in agg.parts.values()
    ]


def annual_total(
    parts: list[Part],
    totals: dict[str, list[float]],
    *,
    current: float | None = None,
    track: str | None = None,
) -> float | None:
    """The annual figure from ``totals`` (kind → the person's totals of that kind, oldest first),
    rounded half up to two decimals; None while a part has nothing to read. A year total, when there
    is one, is the figure itself. ``current``: the year's own base score, for parts that count it;
    ``track``: the person's track, for parts with a share by track."""
    if totals.get("year"):
        return float(totals["year"][-1])
    value = np.zeros(1)
    for part in parts:
        got = totals.get(part.kind) or []
        if part.kind == "current" or not got:
            return None
        one, _found = earlier_periods(
            part.how,
            np.zeros(len(got), dtype=np.int64),
            np.arange(len(got)),
            np.asarray(got, dtype=np.float64),
            1,
            last=part.last,
            current=np.array([current]) if part.include_current and current is not None else None,
        )
        share = part.share_by_track.get(track, part.share) if track is not None else part.share
        value += share * one
    return float(round_half_up(value, 2)[0])
