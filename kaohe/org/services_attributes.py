"""Writes of the person attributes the schemes name (考核属性), per person and year.

Each function is keyword-only and runs in one transaction with its audit event. A value is checked
against the allowed values of the schemes that cover the person's unit for that year
(:func:`kaohe.org.attributes.specs_for_paths`); a refusal is a ``ValidationError`` keyed by the
attribute's name and writes nothing. An empty value removes the stored one, so the built-in field's
word (or nothing) applies again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kaohe.audit.services import record
from kaohe.engine.attributes import AttributeSpec

from .attributes import specs_for_paths, stored_values, value_problem
from .bulk_insert import insert_values
from .models import Person, PersonAttribute, Unit

MAX_YEAR = 2100
MIN_YEAR = 2000


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError({"year": _("A year between %(a)s and %(b)s.") % {"a": MIN_YEAR, "b": MAX_YEAR}})


def check_values(values: dict[str, str], specs: dict[str, AttributeSpec]) -> dict[str, str]:
    """Problems of ``values`` under ``specs``: attribute name → message (empty: all fine)."""
    problems: dict[str, str] = {}
    for name, value in values.items():
        spec = specs.get(name)
        if spec is None:
            problems[name] = _(
                "No scheme of this year names the attribute %(name)s here; known: %(known)s."
            ) % {
                "name": name,
                "known": "、".join(specs) or "—",
            }
            continue
        problem = value_problem(spec, value)
        if problem:
            problems[name] = problem
    return problems


def upsert(rows: Iterable[tuple[int, int, str, str]]) -> None:
    """Store (person id, year, name, value) rows in bulk, replacing any value already there."""
    values = [(p, y, n, v) for p, y, n, v in rows]
    insert_values(
        PersonAttribute,
        ["person_id", "year", "name", "value"],
        values,
        conflict=(["person_id", "year", "name"], ["value"]),
    )


def clear(person_ids: Iterable[int], year: int, name: str) -> int:
    """Remove the stored value of ``name`` for ``year`` of these people; returns how many."""
    deleted, _by_model = PersonAttribute.objects.filter(
        person_id__in=list(person_ids), year=year, name=name
    ).delete()
    return deleted


@transaction.atomic
def set_attributes(*, actor, person: Person, year: int, values: dict[str, str]) -> dict[str, Any]:
    """Set ``person``'s attributes for ``year`` (name → value; "" removes the stored value). Returns
    the changes, name → [before, after]; nothing changed writes nothing and records nothing."""
    _check_year(year)
    values = {name: (value or "").strip() for name, value in values.items()}
    problems = check_values(values, specs_for_paths([person.unit.path], year))
    if problems:
        raise ValidationError(problems)
    before = stored_values([person.pk], year).get(person.pk, {})
    changes = {n: [before.get(n, ""), v] for n, v in values.items() if before.get(n, "") != v}
    if not changes:
        return {}
    upsert((person.pk, year, n, v) for n, (_old, v) in changes.items() if v)
    for name, (_old, v) in changes.items():
        if not v:
            clear([person.pk], year, name)
    record(
        actor=actor,
        action="org.person.attributes",
        obj=person,
        before={"year": year, **{n: old for n, (old, _v) in changes.items()}},
        after={"year": year, **{n: new for n, (_o, new) in changes.items()}},
    )
    return changes


@transaction.atomic
def set_attribute_for_many(
    *, actor, people: Iterable[Person], year: int, name: str, value: str, unit: Unit | None = None
) -> int:
    """Set one attribute to one value for ``year`` for every person of ``people`` (the bulk page);
    "" removes the stored values. One audit event names the people (on ``unit``, the subtree they
    were chosen from, so that its inspectors read it). Returns how many people."""
    _check_year(year)
    value = (value or "").strip()
    chosen = list(people)
    if not chosen:
        raise ValidationError({"people": _("No person is selected.")})
    paths = {p.unit.path for p in chosen}
    problems = check_values({name: value}, specs_for_paths(paths, year))
    if problems:
        raise ValidationError(problems)
    ids = [p.pk for p in chosen]
    if value:
        upsert((pid, year, name, value) for pid in ids)
    else:
        clear(ids, year, name)
    record(
        actor=actor,
        action="org.person.attributes.bulk",
        obj=unit,
        object_type="org.person",
        object_repr=_("%(n)s people") % {"n": len(ids)},
        after={"year": year, "name": name, "value": value, "people": [p.staff_no for p in chosen]},
    )
    return len(ids)
