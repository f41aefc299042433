"""A scheme read as a page: the indicator tree with points and weights, grade rules, quotas, claims."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .labels import ADJUSTMENT_KINDS, ADJUSTMENT_SOURCES, ATTRIBUTES, ROUNDING, SOURCES, label, tie_break_key


def _pct(v) -> str:
    return "" if v is None else f"{float(v) * 100:g}%"


def _limit(v) -> str:
    if v is None:
        return ""
    return f"{v.value * 100:g}%" if v.is_share else f"{v.value:g}"


def _tree(nodes: dict, depth: int = 0) -> list[dict]:
    out = []
    for name, node in (nodes or {}).items():
        out.append(
            {
                "name": name,
                "depth": depth,
                "points": node.points,
                "weight": _pct(node.weight),
                "source": label(SOURCES, node.source),
            }
        )
        out.extend(_tree(node.indicators or {}, depth + 1))
    return out


def scheme_outline(s) -> dict:
    components = []
    for name, comp in s.components.items():
        trees = [("", comp.indicators)] if comp.indicators else list((comp.indicators_by_track or {}).items())
        components.append(
            {
                "name": name,
                "share": _pct(comp.share),
                "trees": [{"track": t, "rows": _tree(tree)} for t, tree in trees],
                "ballot": comp.ballot.rater_groups if comp.ballot else None,
            }
        )
    g = s.grading
    return {
        "tracks": [
            (n, ", ".join(f"{k}={v}" for k, v in (c or {}).items()) if isinstance(c, dict) else str(c))
            for n, c in _tracks(s)
        ],
        "components": components,
        "grades": g.grades,
        "thresholds": g.thresholds or {},
        "quotas": [
            (grade, _limit(q.at_most), _limit(q.at_least), label(ROUNDING, q.rounding), q.minimum)
            for grade, q in (g.quotas or {}).items()
        ],
        "quota_groups": _(", ").join(label(ATTRIBUTES, k) for k in g.quota_groups.by),
        "tie_break": _(", ").join(tie_break_key(k) for k in g.tie_break),
        "adjustments": [
            (
                n,
                label(ADJUSTMENT_KINDS, a.kind),
                f"{a.points[0]:g}–{a.points[1]:g}" if a.points else "",
                label(ADJUSTMENT_SOURCES, a.source) if a.source != "claims" else "",
            )
            for n, a in s.adjustments.items()
        ],
        "caps": [
            (n, label(ADJUSTMENT_KINDS, c.kind), _limit(c.at_most), _(", ").join(c.categories or []))
            for n, c in s.caps.items()
        ],
        "tail_rules": [
            (n, ", ".join(t.tracks or []), _limit(t.bottom), t.consecutive, t.action)
            for n, t in (s.tail_rules or {}).items()
        ],
        "pay_factor": {
            k: _pct(v) for k, v in ((s.consequences.pay_factor or {}) if s.consequences else {}).items()
        },
    }


def _tracks(s):
    for name, cond in s.tracks.items():
        yield name, cond.model_dump(exclude_none=True) if hasattr(cond, "model_dump") else cond
