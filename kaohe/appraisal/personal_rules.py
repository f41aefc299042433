"""Pure rules of personal indicators (个性指标 / 私人定制), no database: how many a person may have under
a scheme node, how their points or weights add up, the range of their scores, and what the engine
reads of them.

A node of ``source: personal`` carries either ``points`` (004: 个性指标 60 points) — a person's own
indicators then have points that add up to the node's points, and each is scored from 0 to its
points — or only a ``weight``: the person's indicators then have weights in % that add up to 100,
and each is scored from 0 to 100.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import numpy as np
from django.utils.translation import gettext as _

from kaohe.platform.errors import Refusal

NAME_LENGTH = 200
TARGET_LENGTH = 2000
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Node:
    """A scheme leaf of ``source: personal``: its key, its name as shown, its points (None: the
    indicators under it carry weights) and the scheme's ``max_count``."""

    key: str
    name: str
    points: Decimal | None
    max_count: int

    @property
    def by_weight(self) -> bool:
        return self.points is None

    @property
    def total(self) -> Decimal:
        """What the person's indicators add up to: the node's points, or 100 (%)."""
        return self.points if self.points is not None else HUNDRED

    def top(self, points: Decimal | float) -> float:
        """The highest score of an indicator with ``points``: its points, or 100 under weights."""
        return 100.0 if self.by_weight else float(points)


@dataclass(frozen=True)
class Item:
    """One indicator as it is set: its name, points (or weight in %) and target."""

    name: str
    points: Decimal
    target: str = ""


@dataclass(frozen=True)
class Problem:
    """What is wrong with a set of indicators: ``item`` numbers the indicator (1 = the first; None:
    the set as a whole), ``field`` is ``name``, ``points``, ``target`` or ``count``."""

    item: int | None
    field: str
    message: str


def number(value: object) -> Decimal | None:
    """A cell or a field as points (two decimals at most), None when it is not such a number."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    if not d.is_finite() or d != d.quantize(Decimal("0.01")):
        return None
    return d


def problems(node: Node, items: list[Item]) -> list[Problem]:
    """Every problem of ``items`` as the person's indicators under ``node`` (none: they may be set).
    An empty list clears the person's indicators and is allowed: the node is then missing for them."""
    out: list[Problem] = []
    if len(items) > node.max_count:
        out.append(
            Problem(
                None,
                "count",
                _(
                    "at most %(n)s personal indicators under %(node)s (the scheme's max_count), found %(found)s."
                )
                % {"n": node.max_count, "node": node.name, "found": len(items)},
            )
        )
    seen: set[str] = set()
    for i, item in enumerate(items, start=1):
        name = item.name.strip()
        if not name:
            out.append(Problem(i, "name", _("a name is required.")))
        elif len(name) > NAME_LENGTH:
            out.append(Problem(i, "name", _("at most %(n)s characters.") % {"n": NAME_LENGTH}))
        elif name in seen:
            out.append(Problem(i, "name", _("%(name)s is given twice.") % {"name": name}))
        seen.add(name)
        if not item.points.is_finite() or item.points <= 0 or item.points > node.total:
            out.append(
                Problem(
                    i,
                    "points",
                    _("expected more than 0 and at most %(total)s, found %(found)s.")
                    % {"total": f"{node.total:g}", "found": f"{item.points:g}"},
                )
            )
        if len(item.target) > TARGET_LENGTH:
            out.append(Problem(i, "target", _("at most %(n)s characters.") % {"n": TARGET_LENGTH}))
    total = sum((item.points for item in items), Decimal(0))
    if items and total.is_finite() and total != node.total:
        message = (
            _("the weights add up to %(sum)s%%; they must add up to 100%%.")
            if node.by_weight
            else _("the points add up to %(sum)s; they must add up to %(total)s, the points of %(node)s.")
        )
        out.append(
            Problem(
                None, "points", message % {"sum": f"{total:g}", "total": f"{node.total:g}", "node": node.name}
            )
        )
    return out


def field_label(field: str) -> str:
    return {
        "name": _("name"),
        "points": _("points or weight"),
        "target": _("target"),
        "count": _("number of indicators"),
    }.get(field, field)


def describe(problem: Problem) -> str:
    """A problem as one sentence naming the indicator and the field."""
    if problem.item is None:
        return _("%(field)s: %(problem)s") % {"field": field_label(problem.field), "problem": problem.message}
    return _("indicator %(n)s, %(field)s: %(problem)s") % {
        "n": problem.item,
        "field": field_label(problem.field),
        "problem": problem.message,
    }


def check(node: Node, items: list[Item], where: str = "") -> None:
    """Refuse ``items`` with every problem, each naming its place (``where`` first, e.g. the person)."""
    found = problems(node, items)
    if found:
        prefix = f"{where}: " if where else ""
        raise Refusal("\n".join(prefix + describe(p) for p in found), field=found[0].field)


def check_score(node: Node, name: str, points: Decimal | float, value: float) -> None:
    """A score lies between 0 and the indicator's points (0–100 under weights)."""
    top = node.top(points)
    if not math.isfinite(value) or value < 0 or value > top:
        raise Refusal(
            _("%(indicator)s: expected a score between 0 and %(top)s, found %(value)s.")
            % {"indicator": name, "top": f"{top:g}", "value": f"{value:g}"}
        )


def engine_scores(node: Node, points: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """The scores as the engine reads them (Σ score ÷ Σ points) for indicators of ``node``: as they
    are under points; under weights the weight is the points and the 0–100 score is scaled to it, so
    the node scores the weighted mean. NaN (not scored) stays NaN: missing, never 0."""
    return scores * points / 100.0 if node.by_weight else scores


def personal_nodes(leaves: dict) -> dict[str, Node]:
    """The leaves (key → ``kaohe.engine.tree.Leaf``) of ``source: personal`` as nodes, in order."""
    out = {}
    for key, leaf in leaves.items():
        if leaf.node.source == "personal":
            pts = leaf.node.points
            out[key] = Node(
                key=key,
                name="/".join(leaf.names),
                points=None if pts is None else Decimal(str(pts)),
                max_count=leaf.node.max_count or 0,
            )
    return out
