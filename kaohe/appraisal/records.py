"""What a person record may say and who may enter it: the items the schemes attached in a person's
tree name, per record kind, and the roles that enter each kind (pure of writes; read by the
records services, pages, import and API)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from kaohe.accounts.models import Role
from kaohe.accounts.scope import scope_for
from kaohe.org.choices import DISCIPLINE_KINDS, FIXED_ITEMS, RecordKind
from kaohe.org.models import Person, PersonRecord, Unit

from .models import Scheme

# Roles that enter records at all; the inspector only discipline (DISCIPLINE_KINDS).
RECORD_ROLES = (Role.OFFICE, Role.INSPECTOR)


def ancestor_ids(unit: Unit) -> list[int]:
    """The unit and its ancestors, root first (from the materialised path)."""
    return [int(part) for part in unit.path.strip("/").split("/") if part] or [unit.pk]


def vocabulary_of(units: Iterable[Unit]) -> dict[int, dict[str, list[str]]]:
    """unit id → record kind → the items allowed there: the sanction levels and veto names of every
    scheme attached to the unit or an ancestor (or adopted by a period of one), and the fixed items
    of probation and investigation. One query for all the units."""
    units = list(units)
    by_unit = {u.pk: ancestor_ids(u) for u in units}
    wanted = {uid for ids in by_unit.values() for uid in ids}
    schemes = (
        Scheme.objects.filter(Q(attachments__unit_id__in=wanted) | Q(periods__unit_id__in=wanted))
        .values_list("pk", "attachments__unit_id", "periods__unit_id")
        .distinct()
    )
    units_of: dict[int, set[int]] = {}
    for pk, att_unit, period_unit in schemes:
        units_of.setdefault(pk, set()).update(u for u in (att_unit, period_unit) if u in wanted)
    parsed = {s.pk: s.parsed() for s in Scheme.objects.filter(pk__in=units_of)}
    out: dict[int, dict[str, list[str]]] = {}
    for uid, ids in by_unit.items():
        levels: dict[str, None] = {}
        vetoes: dict[str, None] = {}
        for pk, at in units_of.items():
            if at & set(ids):
                levels.update(dict.fromkeys(parsed[pk].sanction_levels))
                vetoes.update(dict.fromkeys(parsed[pk].vetoes))
        out[uid] = {
            RecordKind.SANCTION: list(levels),
            RecordKind.VETO: list(vetoes),
            **{k: [v] for k, v in FIXED_ITEMS.items()},
        }
    return out


def allowed_items(person: Person, kind: str) -> list[str]:
    return vocabulary_of([person.unit]).get(person.unit_id, {}).get(kind, [])


def may_enter(user, person: Person, kind: str) -> bool:
    """The office of the person's unit enters every kind; its inspector the discipline kinds."""
    scope = scope_for(user)
    if scope.covers_unit(person.unit, [Role.OFFICE]):
        return True
    return kind in DISCIPLINE_KINDS and scope.covers_unit(person.unit, [Role.INSPECTOR])


def kinds_for(user) -> list[str]:
    """The record kinds ``user`` may enter somewhere."""
    scope = scope_for(user)
    if scope.has_role(Role.OFFICE):
        return list(RecordKind.values)
    return [str(k) for k in DISCIPLINE_KINDS] if scope.has_role(Role.INSPECTOR) else []


def records_for_user(user):
    """The records of the people in the user's office or inspector subtrees (the inspector sees
    the discipline kinds only)."""
    scope = scope_for(user)
    office = PersonRecord.objects.filter(person__in=scope.people([Role.OFFICE]))
    inspector = PersonRecord.objects.filter(
        person__in=scope.people([Role.INSPECTOR]), kind__in=DISCIPLINE_KINDS
    )
    return (office | inspector).select_related("person__unit").distinct()
