"""Gathering a period's personal indicators (个性指标) as the engine's ``PeriodData.personal`` table:
person, node, indicator, points, score — one query over the period.

A person without any indicator under a node has no row for it (missing, never 0: readiness,
``selectors_personal.personal_gaps``, reports them). An indicator set but not scored yet refuses the
gathering, naming it: the engine would make the person's total NaN. Under a node without points, an indicator's weight is its points and its 0–100 score is
scaled to it, so the engine's Σ score ÷ Σ points is the weighted mean."""

from __future__ import annotations

import numpy as np
from django.db.models import FloatField
from django.db.models.functions import Cast
from django.utils.translation import ngettext

from kaohe.engine import Codes, Table
from kaohe.org.models import Person
from kaohe.platform.errors import Refusal

from .models import Period, PersonalIndicator
from .personal_rules import Node, engine_scores

MAX_NAMED = 10  # indicators named in the refusal


def personal_table(period: Period, nodes: dict[str, Node], index: dict[int, int]) -> Table:
    """The ``personal`` table of ``period`` for the scheme's personal ``nodes`` and the people of
    ``index`` (person id → row)."""
    if not nodes:
        return Table.empty()
    rows: list[tuple] = []
    node_of: list[np.ndarray] = []
    for code, key in enumerate(nodes):  # one query per personal node (a scheme has one or two)
        got = [
            r
            for r in PersonalIndicator.objects.filter(period=period, node=key)
            .annotate(p=Cast("points", FloatField()))
            .values_list("person_id", "name", "p", "score")
            .iterator(chunk_size=20_000)
            if r[0] in index
        ]
        rows += got
        node_of.append(np.full(len(got), code, dtype=np.int64))
    if not rows:
        return Table.empty()
    unscored = [r for r in rows if r[3] is None]
    if unscored:
        _refuse(unscored)
    node = Codes(np.concatenate(node_of), tuple(nodes))
    points = np.fromiter((r[2] for r in rows), dtype=np.float64, count=len(rows))
    score = np.fromiter((r[3] for r in rows), dtype=np.float64, count=len(rows))
    for code, key in enumerate(nodes):
        sel = node.codes == code
        score[sel] = engine_scores(nodes[key], points[sel], score[sel])
    t = Table(person=np.fromiter((index[r[0]] for r in rows), dtype=np.int64, count=len(rows)))
    t.columns["points"] = points
    t.columns["score"] = score
    t.columns["node"] = node
    t.columns["indicator"] = Codes.from_values([r[1] for r in rows])
    return t


def _refuse(unscored: list[tuple]) -> None:
    """An indicator set but not scored is missing: the computation waits for its score rather than
    count it as 0 (or store NaN totals). The message names the first people and indicators."""
    names = dict(Person.objects.filter(pk__in={r[0] for r in unscored[:MAX_NAMED]}).values_list("pk", "name"))
    shown = "、".join(f"{names.get(r[0], r[0])}（{r[1]}）" for r in unscored[:MAX_NAMED])
    more = len(unscored) - MAX_NAMED
    raise Refusal(
        ngettext(
            "%(n)s personal indicator has no score yet: %(shown)s. Score it on the sheet first.",
            "%(n)s personal indicators have no score yet: %(shown)s. Score them on the sheet first.",
            len(unscored),
        )
        % {"n": len(unscored), "shown": shown + ("…" if more > 0 else "")}
    )
