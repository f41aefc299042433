"""A person's feedback report: every indicator against the track, strengths, weaknesses, the radar of
dimensions and the trend over the unit's published periods."""

from __future__ import annotations

from django.db.models import Q

from kaohe.engine.numeric import round_half_up_scalar

from .choices import PUBLISHED
from .inputs import scored_leaves
from .models import PersonResult, Score


def feedback(row: PersonResult) -> dict:
    """Every indicator's score with its rank in the track and the track's mean; strengths (above the
    track's mean, best first) and weaknesses (below it, worst first); the dimensions for the radar
    (first-level indicators as a percentage of their points, and the components not scored on
    indicators); the trend of totals over the unit's published periods of the same kind up to this one."""
    rs = row.result_set
    period = rs.period
    leaves = scored_leaves(period.scheme.parsed())
    peers = list(rs.rows.filter(track=row.track).values_list("person_id", flat=True))
    scores: dict[str, dict[int, float]] = {}
    for pid, key, value in Score.objects.filter(sheet__period=period, person_id__in=peers).values_list(
        "person_id", "indicator", "value"
    ):
        scores.setdefault(key, {})[pid] = value
    items: list[dict] = []
    dims: dict[str, list[float]] = {}  # dimension → [points earned, points]
    for key, leaf in leaves.items():
        mine = scores.get(key, {}).get(row.person_id)
        if mine is None:
            continue
        task = leaf.node.source == "task"
        others = list(scores[key].values())
        top = 1.0 if task else float(leaf.node.points or 100)
        scale = 100 if task else 1  # a task leaf holds a rate: shown as a percentage
        mean = sum(others) / len(others)
        items.append(
            {
                "name": "/".join(leaf.names),
                "score": round_half_up_scalar(mine * scale),
                "points": round_half_up_scalar(top * scale),
                "mean": round_half_up_scalar(mean * scale),
                "gap": (mine - mean) / top if top else 0.0,
                "rank": 1 + sum(1 for v in others if v > mine),
                "of": len(others),
            }
        )
        weight = float(leaf.node.points or 100)
        dim = dims.setdefault(leaf.names[0], [0.0, 0.0])
        dim[0] += (mine / top if top else 0.0) * weight
        dim[1] += weight
    radar = {name: round_half_up_scalar(100 * got / pts) for name, (got, pts) in dims.items() if pts}
    on_indicators = {key.split("/", 1)[0] for key in leaves}  # a leaf key starts with its component
    radar |= {c: v for c, v in row.components.items() if c not in on_indicators}
    trend = list(
        PersonResult.objects.filter(
            person_id=row.person_id,
            result_set__current=True,
            result_set__period__unit=period.unit,
            result_set__period__kind=period.kind,
            result_set__period__start__lte=period.start,
        )
        .filter(Q(result_set__period=period) | Q(result_set__period__state__in=PUBLISHED))
        .order_by("result_set__period__start")
        .values_list("result_set__period__code", "total")
    )
    return {
        "items": items,
        "strengths": sorted((i for i in items if i["gap"] > 0), key=lambda i: -i["gap"])[:3],
        "weaknesses": sorted((i for i in items if i["gap"] < 0), key=lambda i: i["gap"])[:3],
        "radar": radar,
        "trend": [[code, total] for code, total in trend],
    }
