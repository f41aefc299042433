"""Units' own grades and honours (单位等次, 人民满意 …), entered or imported by the office until units are
appraised in Kaohe; the scheme's quotas read them (``by_unit_grade``, ``by_honour``)."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _

from kaohe.audit.services import record
from kaohe.engine.period_inputs import honours, unit_grades

from ..models import Period, UnitGrade
from .entries import Problems, Where, by_entry, check_editable, same, text, unit_of, units_by_code


def split_honours(value: object) -> list[str]:
    """Honours as typed in one cell or field ("人民满意、效能先进", commas or spaces too), or a list."""
    if isinstance(value, list | tuple):
        return [text(v) for v in value if text(v)]
    return [h for h in re.split(r"[、,，;；\s]+", text(value)) if h]


@transaction.atomic
def set_unit_grades(
    *, actor, period: Period, rows: list[dict], whole_year: bool = False, where: Where = by_entry
) -> int:
    """Set unit grades from rows {unit (code or name), grade (empty: none), honours (a list, or names
    separated by 、 or commas)} for this period, or with ``whole_year`` for every period of its year.
    A grade or honour the scheme's quotas do not name refuses the whole set."""
    check_editable(period)
    scheme = period.scheme.parsed()
    grades, known_honours = unit_grades(scheme), honours(scheme)
    units = units_by_code(period)
    problems = Problems(where)
    if not grades and not known_honours:
        problems.add(0, "grade", _("this period's scheme reads no unit grade or honour."))
    keep: list[tuple[int, str, list[str]]] = []
    for i, row in enumerate(rows):
        ok, unit = unit_of(row.get("unit"), units, problems, i, "unit")
        if ok and unit is None:
            problems.add(i, "unit", _("name the unit."))
        grade = text(row.get("grade"))
        if grade and grade not in grades:
            problems.add(
                i,
                "grade",
                _("expected one of %(names)s, found %(found)s.")
                % {"names": "、".join(grades) or "—", "found": grade},
            )
        got = split_honours(row.get("honours"))
        for h in got:
            if h not in known_honours:
                problems.add(
                    i,
                    "honours",
                    _("expected honours among %(names)s, found %(found)s.")
                    % {"names": "、".join(known_honours) or "—", "found": h},
                )
        if unit:
            keep.append((unit.pk, grade, list(dict.fromkeys(got))))
    problems.refuse()
    year, period_id = period.start.year, None if whole_year else period.pk
    for unit_id, grade, hs in keep:
        UnitGrade.objects.filter(same("period_id", period_id), year=year, unit_id=unit_id).delete()
        if grade or hs:
            UnitGrade.objects.create(year=year, period_id=period_id, unit_id=unit_id, grade=grade, honours=hs)
    record(
        actor=actor,
        action="appraisal.unit_grades.set",
        obj=period,
        after={"year": year, "whole_year": whole_year, "rows": [list(k) for k in keep]},
    )
    return len(keep)
