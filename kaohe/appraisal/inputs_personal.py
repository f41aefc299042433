"""Gathering a period's personal indicators (个性指标) as the engine's ``PeriodData.personal`` table:
person, node, indicator, points, score — one query over the period.

A person without any indicator under a node has no row for it (missing, never 0); an indicator not
scored yet has a NaN score. Readiness (``selectors_personal.personal_gaps``) reports both before a
computation. Under a node without points, an indicator's weight is its points and its 0–100 score is
scaled to it, so the engine's Σ score ÷ Σ points is the weighted mean."""

from __future__ import annotations

import numpy as np

from kaohe.engine import Codes, Table

from .models import Period, PersonalIndicator
from .personal_rules import Node, engine_row


def personal_table(period: Period, nodes: dict[str, Node], index: dict[int, int]) -> Table:
    """The ``personal`` table of ``period`` for the scheme's personal ``nodes`` and the people of
    ``index`` (person id → row)."""
    if not nodes:
        return Table.empty()
    rows = [
        r
        for r in PersonalIndicator.objects.filter(period=period, node__in=list(nodes)).values_list(
            "person_id", "node", "name", "points", "score"
        )
        if r[0] in index
    ]
    if not rows:
        return Table.empty()
    values = [engine_row(nodes[node], points, score) for _pid, node, _name, points, score in rows]
    t = Table(person=np.fromiter((index[r[0]] for r in rows), dtype=np.int64, count=len(rows)))
    t.columns["points"] = np.array([v[0] for v in values], dtype=np.float64)
    t.columns["score"] = np.array([v[1] for v in values], dtype=np.float64)
    t.columns["node"] = Codes.from_values([r[1] for r in rows])
    t.columns["indicator"] = Codes.from_values([r[2] for r in rows])
    return t
