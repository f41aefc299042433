"""Period measures (期间指标值): the values a scheme's dynamic coefficient formulas read, per period and
unit, entered by the office on the period's page, imported from Excel or written through the API."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from kaohe.audit.services import record
from kaohe.engine.period_inputs import formula_measures

from ..models import Period, PeriodMeasure
from .entries import Problems, Where, by_entry, check_editable, number, same, text, unit_of, units_by_code


@transaction.atomic
def set_measures(*, actor, period: Period, rows: list[dict], where: Where = by_entry) -> int:
    """Set period measures from rows {unit (code or name; empty: the whole period), name, value
    (empty: remove)}. A name the scheme's formulas do not read, an unknown unit or a value that is
    not a number refuses the whole set. Returns the number of rows applied."""
    check_editable(period)
    names = formula_measures(period.scheme.parsed())
    units = units_by_code(period)
    problems = Problems(where)
    if not names:
        problems.add(0, "name", _("this period's scheme reads no period measure."))
    keep: list[tuple[int | None, str, float | None]] = []
    for i, row in enumerate(rows):
        ok, unit = unit_of(row.get("unit"), units, problems, i, "unit")
        name = text(row.get("name"))
        if names and name not in names:
            problems.add(
                i,
                "name",
                _("expected one of %(names)s, found %(found)s.") % {"names": "、".join(names), "found": name},
            )
        value = number(row.get("value"), problems, i, "value")
        if ok:
            keep.append((unit.pk if unit else None, name, value))
    problems.refuse()
    for unit_id, name, value in keep:
        PeriodMeasure.objects.filter(same("unit_id", unit_id), period=period, name=name).delete()
        if value is not None:
            PeriodMeasure.objects.create(period=period, unit_id=unit_id, name=name, value=value)
    record(
        actor=actor,
        action="appraisal.measures.set",
        obj=period,
        after={"rows": [{"unit": u, "name": n, "value": v} for u, n, v in keep]},
    )
    return len(keep)
