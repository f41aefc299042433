"""Indicator trees reduced to leaves with factors.

A tree's score on a 0–100 scale is linear in its leaves' 0–100 scores: each node's score is the sum of
its children's scores times their shares (points ÷ siblings' points, or weight). So a tree becomes a
list of leaves, each with the product of shares along its path — and scoring a tree for 100,000
people is one multiply-add per leaf.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kaohe.engine.scheme import Indicator


@dataclass(frozen=True)
class Leaf:
    key: str  # "component/level1/level2/leaf": the column name in period data
    rule: str  # path in the scheme, cited by explanations
    names: tuple[str, ...]  # indicator names from the top of the tree
    factor: float  # share of the component score (0–1)
    node: Indicator

    @property
    def max_points(self) -> float | None:
        return self.node.points


def leaves(component: str, tree: dict[str, Indicator], rule_prefix: str) -> list[Leaf]:
    """Flatten a tree into leaves with the product of shares along each path."""
    out: list[Leaf] = []
    _walk(component, tree, rule_prefix, (), 1.0, out)
    return out


def _walk(
    component: str,
    tree: dict[str, Indicator],
    rule: str,
    names: tuple[str, ...],
    factor: float,
    out: list[Leaf],
) -> None:
    total_points = sum(n.points or 0.0 for n in tree.values())
    for name, node in tree.items():
        share = (node.points or 0.0) / total_points if node.points is not None else (node.weight or 0.0)
        here = names + (name,)
        path = f"{rule}.{name}"
        if node.indicators:
            _walk(component, node.indicators, f"{path}.indicators", here, factor * share, out)
        else:
            out.append(Leaf("/".join((component,) + here), path, here, factor * share, node))


def leaf_names(keys: Iterable[str]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """How data may name a leaf: its full key ("工作实绩/党的建设/基层党建") or any tail of it ("党的建设/
    基层党建", "基层党建") that names one leaf only. Returns (name → full key, ambiguous name → the full
    keys it could mean). Used alike by scores, tasks, kpis and personal data."""
    keys = sorted(set(keys))
    out = {k: k for k in keys}
    tails: dict[str, set[str]] = {}
    for k in keys:
        parts = k.split("/")
        for j in range(1, len(parts)):
            tails.setdefault("/".join(parts[j:]), set()).add(k)
    ambiguous: dict[str, list[str]] = {}
    for tail, full in tails.items():
        if tail in out:
            continue
        if len(full) == 1:
            out[tail] = next(iter(full))
        else:
            ambiguous[tail] = sorted(full)
    return out, ambiguous
