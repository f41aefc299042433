"""Writing many plain people rows at once: the import of a large file (100,000 people in a minute).

A *plain* row is one the services would write with no check beyond the fields themselves: a new
person, or a change that leaves the reviewer question where it was (no reviewer to check because
the reviewer and the unit are unchanged, or there is none), and no account to make. Such rows are
validated exactly as ``full_clean`` validates them but without its per-row queries (the uniqueness
of the staff number and the units were checked for the whole file by :mod:`.checks`), then inserted
or updated in batches, each with the audit event its service would write (``org.person.create`` /
``org.person.update``, with the same snapshot), inserted in batches too. Every other row goes through
the services one by one, as before (:class:`kaohe.org.excel.importer._PeopleWriter`).
"""

from __future__ import annotations

from typing import Any

from kaohe.audit.models import Event
from kaohe.audit.services import event, snapshot

from ..bulk_insert import BATCH, insert_many
from ..models import Person

# Foreign keys are not validated row by row (each would be a query): the units were checked for the
# whole file, the positions are the units' own (made by the import) and the reviewers are not plain.
RELATIONS = ["unit", "position", "reviewer", "user"]


def _fill_ids(people: list[Person]) -> None:
    """Give the inserted people their ids (looked up by staff number, a batch a query)."""
    for i in range(0, len(people), BATCH):
        chunk = people[i : i + BATCH]
        ids = dict(
            Person.objects.filter(staff_no__in=[p.staff_no for p in chunk]).values_list("staff_no", "id")
        )
        for p in chunk:
            p.pk = ids[p.staff_no]
            p._state.adding = False


class BulkPeople:
    """Pending plain rows: :meth:`create` and :meth:`change` validate and queue, :meth:`flush`
    writes the queue (the caller flushes before any row that must see these people saved)."""

    def __init__(self, actor) -> None:
        self.actor = actor
        self.new: list[Person] = []
        self.changed: list[tuple[Person, dict[str, Any], list[str]]] = []  # person, before, fields

    def __len__(self) -> int:
        return len(self.new) + len(self.changed)

    def create(self, staff_no: str, fields: dict[str, Any]) -> Person:
        """Queue a new person; raises ``ValidationError`` (by field) as ``full_clean`` would."""
        person = Person(staff_no=staff_no, **fields)
        person.clean_fields(exclude=RELATIONS)
        person.clean()
        self.new.append(person)
        return person

    def change(self, person: Person, fields: dict[str, Any]) -> Person:
        """Queue the changes ``fields`` of an existing person (only the values that differ)."""
        before = snapshot(person)
        changed = []
        for name, value in fields.items():
            if getattr(person, name) != value:
                setattr(person, name, value)
                changed.append(name)
        person.clean_fields(exclude=RELATIONS)
        person.clean()
        self.changed.append((person, before, changed))
        return person

    def flush(self) -> None:
        """Write the queue: inserts, updates and their audit events, in batches."""
        events: list[Event] = []
        if self.new:
            insert_many(self.new)
            _fill_ids(self.new)
            events += [
                event(actor=self.actor, action="org.person.create", obj=p, after=snapshot(p))
                for p in self.new
            ]
        by_fields: dict[tuple[str, ...], list[Person]] = {}
        for person, before, changed in self.changed:
            if changed:
                by_fields.setdefault(tuple(sorted(changed)), []).append(person)
                events.append(
                    event(
                        actor=self.actor,
                        action="org.person.update",
                        obj=person,
                        before=before,
                        after=snapshot(person),
                    )
                )
        for fields, people in by_fields.items():
            Person.objects.bulk_update(people, list(fields), batch_size=BATCH)
        insert_many(events)
        self.new, self.changed = [], []


def plain(fields: dict[str, Any], existing: Person | None, username: str) -> bool:
    """The row can be written in bulk: no account to make, and no reviewer to check (none, or the
    same reviewer and unit as today)."""
    if username and (existing is None or existing.user_id is None):
        return False
    reviewer = fields.get("reviewer")  # absent: written after the file's rows (deferred), by the services
    if reviewer is None:
        return True
    if existing is None:
        return False
    return existing.reviewer_id == reviewer.pk and existing.unit_id == fields["unit"].pk
