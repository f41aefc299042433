"""The annual figure of the roll-up, by the scheme's aggregation rule (pure: no database).

A published year period's total is the annual figure: the engine aggregated it itself. Before the year
is computed, the roll-up applies the scheme's ``aggregation`` parts that read earlier periods (annual =
mean of the four quarters, seed 003); a scheme without one is read as the mean of its own periods.
A part that needs the year's own computation (``from: current``) cannot be applied yet.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kaohe.engine.numeric import round_half_up


@dataclass(frozen=True)
class Part:
    """One aggregation part: earlier periods of ``kind`` combined by ``how``, weighted by ``share``."""

    kind: str  # month, quarter, half, year; "current" for the year's own computation
    share: float
    how: str = "mean"  # mean, sum, last
    last: int | None = None


def parts_of(scheme) -> list[Part]:
    """The parts of a parsed scheme's aggregation, or the mean of its own periods."""
    agg = getattr(scheme, "aggregation", None)
    if agg is None:
        return [Part(kind=scheme.period, share=1.0)]
    return [
        Part(
            kind=p.source,
            share=float(p.share),
            how=p.how,
            last=p.last,
        )
        for p in agg.parts.values()
    ]


def annual_total(parts: list[Part], totals: dict[str, list[float]]) -> float | None:
    """The annual figure from ``totals`` (kind → the person's totals of that kind, oldest first),
    rounded half up to two decimals; None while a part has nothing to read. A year total, when there
    is one, is the figure itself."""
    if totals.get("year"):
        return float(totals["year"][-1])
    value = 0.0
    for part in parts:
        got = totals.get(part.kind) or []
        if part.last:
            got = got[-part.last :]
        if part.kind == "current" or not got:
            return None
        if part.how == "sum":
            x = float(sum(got))
        elif part.how == "last":
            x = float(got[-1])
        else:
            x = float(sum(got)) / len(got)
        value += part.share * x
    return float(round_half_up(np.array([value]), 2)[0])
