"""The person attributes stored per year (考核属性) in the engine's people: one set-based query.

A stored value for the period's year overrides the built-in field's word (identity, staffing,
post_type, post_level); an attribute that is not a built-in field becomes a column of its own, empty
("" : missing, never a guess) for the people who have no value. The attributes the scheme declares
get a column even when nobody has a value yet, so that a rule reading one finds the column and the
engine reports the people it cannot place rather than a missing column.
"""

from __future__ import annotations

from kaohe.engine import Codes, People, Scheme
from kaohe.engine.attributes import scheme_attributes
from kaohe.org.models import PersonAttribute, in_subtree

from .models import Period


def add_stored_attributes(period: Period, scheme: Scheme, people: People, ids: list[int]) -> None:
    """Overlay the values stored for ``period.start.year`` on ``people.attributes`` (rows as ``ids``)."""
    index = {pid: i for i, pid in enumerate(ids)}
    columns: dict[str, list[str] | None] = {}
    rows = PersonAttribute.objects.filter(
        in_subtree(period.unit, via="person__unit"), year=period.start.year
    ).values_list("person_id", "name", "value")
    for pid, name, value in rows:
        i = index.get(pid)
        if i is None:
            continue
        col = columns.get(name)
        if col is None:
            base = people.attributes.get(name)
            col = [base.value(k) for k in range(len(ids))] if base is not None else [""] * len(ids)
            columns[name] = col
        col[i] = value
    for name, spec in scheme_attributes(scheme).items():
        if spec.declared and not spec.from_unit and name not in columns and name not in people.attributes:
            columns[name] = [""] * len(ids)
    for name, col in columns.items():
        if col is not None:
            people.attributes[name] = Codes.from_values(col)
