"""The annual roll-up (考核结果名册 of the year): every published period of a unit's year per person, and
the annual figure by the scheme's aggregation rule."""

from __future__ import annotations

from django.utils.translation import gettext as _

from . import annual
from .choices import PUBLISHED, PeriodKind, grade_or_status
from .models import Period, PersonResult


def rollup(unit, year: int) -> tuple[list[str], list[dict], str]:
    """The year at a glance (考核结果名册): per person, the grade and total of every published month,
    quarter, half-year and the year, and the annual figure by the scheme's aggregation rule
    (:mod:`kaohe.appraisal.annual`); one query for the results. Returns (period codes, rows, the rule
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
        p["cells"][code] = {"grade": grade_or_status(grade, status), "total": total}
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
