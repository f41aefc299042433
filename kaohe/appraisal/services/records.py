"""Writes of person records (sanctions, probation, investigations, vetoes): enter, end, delete.

Each write is keyword-only, checks who may enter the kind (the office every kind, the inspector the
discipline kinds) and what the item may be (the words of the schemes attached in the person's tree),
runs in one transaction and appends its audit event there. A refusal names the field at fault."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from kaohe.audit.services import record, snapshot
from kaohe.org.choices import FIXED_ITEMS, RecordKind
from kaohe.org.models import Person, PersonRecord, RecordEvidence
from kaohe.platform.errors import Refusal
from kaohe.platform.uploads import check_upload

from ..records import allowed_items, may_enter


def check_record(
    *, person: Person, kind: str, item: str, start: date, end: date | None, allowed: list[str]
) -> None:
    """The pure checks of a record: a known kind, an item the schemes name, an end not before the start."""
    if kind not in RecordKind.values:
        raise Refusal(
            _("kind: “%(kind)s” is not a record kind; expected one of %(kinds)s.")
            % {"kind": kind, "kinds": "、".join(str(k.label) for k in RecordKind)},
            field="kind",
        )
    if item not in allowed:
        raise Refusal(
            _("item: “%(item)s” is not named by any scheme of %(unit)s; allowed: %(allowed)s.")
            % {"item": item, "unit": person.unit.name, "allowed": "、".join(allowed) or _("none")},
            field="item",
        )
    if end is not None and end < start:
        raise Refusal(
            _("end: %(end)s is before the start %(start)s.") % {"end": end, "start": start}, field="end"
        )


def _authorise(actor, person: Person, kind: str) -> None:
    if not may_enter(actor, person, kind):
        raise Refusal(
            _("You may not enter a record of kind “%(kind)s” for %(person)s.")
            % {"kind": RecordKind(kind).label if kind in RecordKind.values else kind, "person": person},
            field="kind",
        )


def _store_files(record_: PersonRecord, files) -> None:
    for upload in files:
        try:
            checked = check_upload(upload)
        except ValidationError as exc:
            raise Refusal(" ".join(exc.messages), field="evidence") from None
        ev = RecordEvidence(
            record=record_,
            name=checked.name,
            content_type=checked.content_type,
            size=len(checked.data),
            sha256=checked.sha256,
        )
        ev.file.save(checked.name, ContentFile(checked.data), save=False)
        ev.save()


@transaction.atomic
def add_record(
    *,
    actor,
    person: Person,
    kind: str,
    item: str,
    start: date,
    end: date | None = None,
    note: str = "",
    files=(),
    allowed: list[str] | None = None,
) -> PersonRecord:
    """Enter a record for ``person`` with its evidence files. ``allowed`` (the items of the kind in
    the person's tree) is looked up unless the caller already has it (the import, for many rows)."""
    _authorise(actor, person, kind)
    item = (item or "").strip() or FIXED_ITEMS.get(kind, "")  # 试用期, 立案审查 need not be typed
    check_record(
        person=person,
        kind=kind,
        item=item,
        start=start,
        end=end,
        allowed=allowed if allowed is not None else allowed_items(person, kind),
    )
    rec = PersonRecord.objects.create(
        person=person, kind=kind, item=item, start=start, end=end, note=note.strip()[:500], created_by=actor
    )
    _store_files(rec, files)
    record(actor=actor, action="org.personrecord.create", obj=rec, after=snapshot(rec))
    return rec


@transaction.atomic
def end_record(*, actor, record_: PersonRecord, end: date) -> PersonRecord:
    """Close an open record (a probation served, an investigation concluded) on ``end``."""
    rec = PersonRecord.objects.select_for_update().select_related("person__unit").get(pk=record_.pk)
    _authorise(actor, rec.person, rec.kind)
    if end < rec.start:
        raise Refusal(
            _("end: %(end)s is before the start %(start)s.") % {"end": end, "start": rec.start}, field="end"
        )
    before = snapshot(rec)
    rec.end = end
    rec.save(update_fields=["end"])
    record(actor=actor, action="org.personrecord.end", obj=rec, before=before, after=snapshot(rec))
    return rec


@transaction.atomic
def delete_record(*, actor, record_: PersonRecord) -> None:
    """Delete a record entered in error (its evidence goes with it; the audit keeps its content)."""
    rec = PersonRecord.objects.select_for_update().select_related("person__unit").get(pk=record_.pk)
    _authorise(actor, rec.person, rec.kind)
    record(actor=actor, action="org.personrecord.delete", obj=rec, before=snapshot(rec))
    rec.delete()
