"""Reads of the outcome domain: follow-ups, the results workbook, a feedback report, the annual roll-up."""

from __future__ import annotations

from io import BytesIO

from django.db.models import QuerySet

from kaohe.accounts.models import Role
from kaohe.accounts.scope import people_for_user
from kaohe.appraisal.inputs import scored_leaves
from kaohe.appraisal.models import Period, PersonResult, Score

from .models import FollowUp


def follow_ups_for_user(user) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(person__in=people_for_user(user, [Role.OFFICE])).select_related(
        "person__unit", "owner", "period"
    )


def results_workbook(period: Period) -> bytes:
    """One sheet per track: rank, name, unit, components, total, grade (考核结果名册 columns first)."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.worksheets[0])
    rows = (
        PersonResult.objects.filter(result_set__period=period, result_set__current=True)
        .order_by("track", "rank", "-total")
        .values_list(
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
    """Every indicator's score with its rank in the track, strengths and weaknesses, the dimensions
    (components) for the radar, and the trend of totals over the person's periods."""
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
    for key, leaf in leaves.items():
        mine = scores.get(key, {}).get(row.person_id)
        if mine is None:
            continue
        others = scores[key].values()
        top = 1.0 if leaf.node.source == "task" else float(leaf.node.points or 100)
        items.append(
            {
                "name": "/".join(leaf.names),
                "score": round(mine * 100, 2) if leaf.node.source == "task" else mine,
                "points": 100 if leaf.node.source == "task" else top,
                "share": mine / top if top else 0,
                "rank": 1 + sum(1 for v in others if v > mine),
                "of": len(peers),
            }
        )
    ordered = sorted(items, key=lambda i: (-i["share"], i["rank"]))
    trend = list(
        PersonResult.objects.filter(
            person_id=row.person_id, result_set__current=True, result_set__period__unit=period.unit
        )
        .order_by("result_set__period__start")
        .values_list("result_set__period__code", "total")
    )
    return {
        "items": items,
        "strengths": ordered[:2],
        "weaknesses": ordered[-2:][::-1] if len(ordered) > 2 else [],
        "radar": row.components,
        "trend": trend,
    }


def rollup(unit, year: int) -> tuple[list[str], list[dict]]:
    """The year at a glance (考核结果名册): per person, the grade of every published month, quarter,
    half-year and the year, one query."""
    rows = (
        PersonResult.objects.filter(
            result_set__current=True,
            result_set__period__unit=unit,
            result_set__period__start__year=year,
            result_set__period__state__in=["publicity", "final"],
        )
        .order_by("person__unit__path", "person__staff_no", "result_set__period__start")
        .values_list(
            "person_id",
            "person__name",
            "person__unit__name",
            "result_set__period__code",
            "total",
            "grade",
            "status",
        )
    )
    codes: list[str] = []
    people: dict[int, dict] = {}
    for pid, name, unit_name, code, total, grade, status in rows:
        if code not in codes:
            codes.append(code)
        p = people.setdefault(pid, {"name": name, "unit": unit_name, "cells": {}, "totals": []})
        p["cells"][code] = f"{grade or status} ({total:g})"
        p["totals"].append(total)
    codes.sort()
    out = []
    for p in people.values():
        p["row"] = [p["cells"].get(c, "") for c in codes]
        p["mean"] = round(sum(p["totals"]) / len(p["totals"]), 2) if p["totals"] else None
        out.append(p)
    return codes, out
