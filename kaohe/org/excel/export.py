"""Exports of units and people in the import template's layout, so an edited export imports back."""

from typing import Any

from django.db.models import QuerySet

from kaohe.engine.attributes import AttributeSpec

from .. import logic
from ..models import Person, Unit
from .attribute_columns import attribute_columns, attribute_rows
from .template import (
    GENDER_LABELS,
    IDENTITY_LABELS,
    POST_LEVEL_LABELS,
    POST_TYPE_LABELS,
    STAFFING_LABELS,
    UNIT_KIND_LABELS,
    label_of,
    workbook,
)


def people_filename(unit: Unit | None) -> str:
    """The download name of an export of people: ``示范镇人员名册.xlsx``, the unit they are of first."""
    return f"{unit.name if unit is not None else ''}人员名册.xlsx"


def _unit_row(unit: Unit, parent_codes: dict[int, str]) -> list[Any]:
    return [
        unit.code,
        unit.name,
        label_of(UNIT_KIND_LABELS, unit.kind),
        parent_codes.get(unit.parent_id, "") if unit.parent_id else "",
        unit.sort_order,
    ]


def export_units(queryset: QuerySet[Unit]) -> bytes:
    """The units of ``queryset`` in the template's layout (parents before children), re-importable."""
    units = list(queryset.order_by("path"))
    parent_ids = {u.parent_id for u in units if u.parent_id}
    parent_codes = dict(Unit.objects.filter(pk__in=parent_ids).values_list("pk", "code"))
    return workbook([_unit_row(u, parent_codes) for u in units], [])


def export_people(
    queryset: QuerySet[Person], specs: dict[str, AttributeSpec] | None = None, year: int | None = None
) -> bytes:
    """The people of ``queryset`` in the template's layout, re-importable. The 单位 sheet carries
    their units and those units' ancestors, so the file stands on its own. With ``specs`` and
    ``year``, the 人员 sheet ends with one column per attribute: the values stored for that year."""
    names = list(specs or {}) if year is not None else []
    stored = attribute_rows(queryset, year, names) if names and year is not None else {}
    blank = [""] * len(names)
    people = list(
        queryset.select_related("unit", "position", "reviewer", "user").order_by("unit__path", "staff_no")
    )
    unit_ids: set[int] = set()
    for person in people:
        unit_ids.update(logic.ids_from_path(person.unit.path))
    units = list(Unit.objects.filter(pk__in=unit_ids).order_by("path"))
    codes = {u.pk: u.code for u in units}
    unit_rows = [_unit_row(u, codes) for u in units]
    people_rows = [
        [
            p.staff_no,
            p.name,
            label_of(GENDER_LABELS, p.gender) if p.gender else "",
            p.birth_date,
            p.unit.code,
            p.position.title if p.position is not None else "",
            label_of(IDENTITY_LABELS, p.identity),
            label_of(STAFFING_LABELS, p.staffing),
            label_of(POST_TYPE_LABELS, p.post_type),
            label_of(POST_LEVEL_LABELS, p.post_level),
            p.start_date,
            p.reviewer.staff_no if p.reviewer is not None else "",
            p.user.username if p.user is not None else "",
            *stored.get(p.pk, blank),
        ]
        for p in people
    ]
    extra = attribute_columns(specs or {}) if names else []
    return workbook(unit_rows, people_rows, extra_people_columns=extra, year=year)
