"""Reads of the outcome domain: follow-ups, the results workbook, a feedback report, the annual roll-up."""

from __future__ import annotations

from io import BytesIO

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from kaohe.accounts.models import Role
from kaohe.accounts.scope import people_for_user
from kaohe.appraisal.choices import PeriodKind
from kaohe.appraisal.inputs import scored_leaves
from kaohe.appraisal.models import Period, PersonResult, Score
from kaohe.appraisal.selectors import in_rank_order

from . import annual
from .models import FollowUp

PUBLISHED = ("publicity", "final")


def follow_ups_for_user(user) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(person__in=people_for_user(user, [Role.OFFICE])).select_related(
        "person__unit", "owner", "period"
    )


def results_workbook(period: Period) -> bytes:
    """One sheet per track: rank, name, unit, components, total, grade (考核结果名册 columns first)."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.worksheets[0])
    rows = in_rank_order(
        PersonResult.objects.filter(result_set__period=period, result_set__current=True), "track"
    ).values_list(
        "track",
        "rank",
        "track_size",
        "person__staff_no",
        "person__name",
        "person__unit__name",
        "components",
        "total",
        "grade",
        "status",
        "tail",
        "outcomes",
    )
    sheets: dict = {}
    for track, rank, size, no, name, unit, comps, total, grade, status, tail, outcomes in rows:
        ws = sheets.get(track)
        if ws is None:
            ws = sheets[track] = wb.create_sheet(track[:31])
            ws.append(["排名", "工号", "姓名", "单位", *comps.keys(), "总分", "等次", "末位督考", "结果运用"])
        ws.append(
            [
                f"{rank}/{size}" if rank else "—",
                no,
                name,
                unit,
                *comps.values(),
                total,
                grade or status,
                tail,
                outcomes,
            ]
        )
    if not sheets:
        wb.create_sheet("结果")
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


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
    for pid, key, value in Score.objects.filter(period=period, person_id__in=peers).values_list(
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
                "score": round(mine * scale, 2),
                "points": round(top * scale, 2),
                "mean": round(mean * scale, 2),
                "gap": (mine - mean) / top if top else 0.0,
                "rank": 1 + sum(1 for v in others if v > mine),
                "of": len(others),
            }
        )
        weight = float(leaf.node.points or 100)
        dim = dims.setdefault(leaf.names[0], [0.0, 0.0])
        dim[0] += (mine / top if top else 0.0) * weight
        dim[1] += weight
    radar = {name: round(100 * got / pts, 2) for name, (got, pts) in dims.items() if pts}
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


def rollup(unit, year: int) -> tuple[list[str], list[dict], str]:
    """The year at a glance (考核结果名册): per person, the grade and total of every published month,
    quarter, half-year and the year, and the annual figure by the scheme's aggregation rule
    (:mod:`kaohe.outcome.annual`); one query for the results. Returns (period codes, rows, the rule
    in words)."""
    periods = list(
        Period.objects.filter(unit=unit, start__year=year, state__in=PUBLISHED)
        .select_related("scheme")
        .order_by("start", "kind")
    )
    if not periods:
        return [], [], ""
    # the year's own scheme, else that of the latest published period
    ruling = next((p for p in periods if p.kind == "year"), periods[-1])
    parts = annual.parts_of(ruling.scheme.parsed())
    rows = (
        PersonResult.objects.filter(result_set__current=True, result_set__period__in=periods)
        .order_by("person__unit__path", "person__staff_no", "result_set__period__start")
        .values_list(
            "person_id",
            "person__name",
            "person__unit__name",
            "result_set__period__code",
            "result_set__period__kind",
            "total",
            "grade",
            "status",
        )
    )
    codes = sorted({p.code for p in periods}, key=lambda c: (len(c) == 4, c))  # the year last
    people: dict[int, dict] = {}
    for pid, name, unit_name, code, kind, total, grade, status in rows:
        p = people.setdefault(pid, {"name": name, "unit": unit_name, "cells": {}, "totals": {}})
        p["cells"][code] = {"grade": grade or status, "total": total}
        p["totals"].setdefault(kind, []).append(total)
    out = []
    for p in people.values():
        p["row"] = [p["cells"].get(c) for c in codes]
        p["annual"] = annual.annual_total(parts, p["totals"])
        out.append(p)
    return codes, out, rule_words(parts)


def rule_words(parts: list[annual.Part]) -> str:
    """The aggregation rule in words, e.g. "mean of the Quarter periods × 100%"."""
    kinds = dict(PeriodKind.choices)
    hows = {"mean": _("mean"), "sum": _("sum"), "last": _("latest")}
    out = []
    for p in parts:
        if p.kind == "current":
            out.append(_("the year's own computation × %(share)s%%") % {"share": f"{p.share * 100:g}"})
        else:
            out.append(
                _("%(how)s of the %(kind)s periods × %(share)s%%")
                % {
                    "how": hows.get(p.how, p.how),
                    "kind": kinds.get(p.kind, p.kind),
                    "share": f"{p.share * 100:g}",
                }
            )
    return " + ".join(out)
