"""Writes of the organisation domain.

Every function is keyword-only, runs in one transaction, validates with the pure checks in
:mod:`kaohe.org.logic` and ``full_clean()``, and appends its audit event in that same transaction, so
the change and its trace commit or roll back together. Errors are ``ValidationError``s keyed by the
field at fault. Update functions take the changed fields as keywords and return the fresh object;
when nothing changes they write nothing.
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from kaohe.audit.services import record, snapshot

from . import logic
from .models import LeaveRecord, Person, Position, Secondment, Track, TrackMembership, Unit

UNIT_FIELDS = frozenset({"code", "name", "kind", "parent", "sort_order", "supervisor"})
POSITION_FIELDS = frozenset({"unit", "title"})
PERSON_FIELDS = frozenset(
    {
        "staff_no",
        "name",
        "gender",
        "birth_date",
        "unit",
        "position",
        "identity",
        "staffing",
        "post_type",
        "post_level",
        "start_date",
        "reviewer",
        "active",
    }
)
LEAVE_FIELDS = frozenset({"kind", "start", "end", "note"})
TRACK_FIELDS = frozenset({"code", "name", "year", "unit"})
SECONDMENT_FIELDS = frozenset({"home_unit", "host_unit", "start", "end", "home_share", "host_assessor"})


# --- helpers ---------------------------------------------------------------------------------------


M = TypeVar("M", bound=models.Model)


def _fresh(instance: M) -> M:
    """The row as the database holds it now, locked for this transaction (PostgreSQL)."""
    return type(instance)._default_manager.select_for_update().get(pk=instance.pk)


def _apply(instance: models.Model, changes: dict[str, Any], allowed: frozenset[str]) -> list[str]:
    """Set ``changes`` on ``instance``; return the names of the fields whose value really changed."""
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"cannot change {', '.join(sorted(unknown))} of {instance._meta.label}")
    changed = []
    for name, value in changes.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed


def _label(obj: models.Model) -> str:
    return obj._meta.model_name or ""


def _created(actor, obj: models.Model) -> None:
    record(actor=actor, action=f"org.{_label(obj)}.create", obj=obj, after=snapshot(obj))


def _changed(actor, obj: models.Model, before: dict, action: str = "update") -> None:
    record(actor=actor, action=f"org.{_label(obj)}.{action}", obj=obj, before=before, after=snapshot(obj))


def _deleted(actor, obj: models.Model) -> None:
    record(actor=actor, action=f"org.{_label(obj)}.delete", obj=obj, before=snapshot(obj))


def _save_new(actor, obj: M, *, check: Callable[[M], None] | None = None, exclude=None) -> M:
    """Validate (``full_clean``, then ``check``), save and record the creation of ``obj``."""
    obj.full_clean(exclude=exclude)
    if check is not None:
        check(obj)
    obj.save()
    _created(actor, obj)
    return obj


def _update(
    actor,
    instance: M,
    changes: dict[str, Any],
    allowed: frozenset[str],
    check: Callable[[M, list[str]], None] | None = None,
    check_clean: Callable[[M, list[str]], None] | None = None,
) -> M:
    """The common update: lock the fresh row, apply ``changes``, and when something changed
    validate (``check(instance, changed)``, ``full_clean``, ``check_clean(instance, changed)``),
    save and record the change."""
    instance = _fresh(instance)
    before = snapshot(instance)
    changed = _apply(instance, changes, allowed)
    if not changed:
        return instance
    if check is not None:
        check(instance, changed)
    instance.full_clean()
    if check_clean is not None:
        check_clean(instance, changed)
    instance.save()
    _changed(actor, instance, before)
    return instance


def _delete(actor, instance: models.Model) -> None:
    """The common delete: lock the fresh row, record it, delete it."""
    instance = _fresh(instance)
    _deleted(actor, instance)
    instance.delete()


# --- units -----------------------------------------------------------------------------------------


def check_parent(*, unit: Unit | None, parent: Unit | None) -> None:
    """Refuse a parent that is the unit itself or one of its descendants (a cycle in the tree)."""
    if unit is None or unit.pk is None or parent is None:
        return
    parent = Unit.objects.get(pk=parent.pk)  # its current path, not a stale copy's
    parent_ancestry = list(reversed(logic.ids_from_path(parent.path)))
    loop = logic.cycle_after_move(unit.pk, parent.pk, parent_ancestry)
    if loop:
        names = dict(Unit.objects.filter(pk__in=loop).values_list("pk", "name"))
        raise ValidationError({"parent": logic.cycle_message([names.get(pk, str(pk)) for pk in loop])})


@transaction.atomic
def create_unit(
    *,
    actor,
    code: str,
    name: str,
    kind: str,
    parent: Unit | None = None,
    sort_order: int = 0,
    supervisor: Person | None = None,
) -> Unit:
    """Add a unit to the tree (under ``parent``, or as a root)."""
    unit = Unit(code=code, name=name, kind=kind, parent=parent, sort_order=sort_order, supervisor=supervisor)
    return _save_new(actor, unit, exclude=["path"])


@transaction.atomic
def update_unit(*, actor, unit: Unit, **changes: Any) -> Unit:
    """Change a unit's fields; a new ``parent`` moves it (see :func:`move_unit`)."""
    unit = _fresh(unit)
    before = snapshot(unit)
    if "parent" in changes:
        check_parent(unit=unit, parent=changes["parent"])
    changed = _apply(unit, changes, UNIT_FIELDS)
    if not changed:
        return unit
    unit.full_clean(exclude=["path"])
    unit.save()
    _changed(actor, unit, before, action="move" if changed == ["parent"] else "update")
    return unit


def move_unit(*, actor, unit: Unit, parent: Unit | None) -> Unit:
    """Put ``unit`` (with its subtree) under ``parent``; refuses a cycle, naming the loop."""
    return update_unit(actor=actor, unit=unit, parent=parent)


@transaction.atomic
def delete_unit(*, actor, unit: Unit) -> None:
    """Remove a unit that has no sub-units, people, positions or tracks."""
    unit = _fresh(unit)
    if unit.children.exists() or unit.people.exists() or unit.positions.exists() or unit.tracks.exists():
        raise ValidationError(
            _("The unit %(unit)s still has sub-units, people, positions or tracks.") % {"unit": unit}
        )
    _deleted(actor, unit)
    unit.delete()


# --- positions -------------------------------------------------------------------------------------


@transaction.atomic
def create_position(*, actor, unit: Unit, title: str) -> Position:
    return _save_new(actor, Position(unit=unit, title=title))


@transaction.atomic
def update_position(*, actor, position: Position, **changes: Any) -> Position:
    return _update(actor, position, changes, POSITION_FIELDS)


@transaction.atomic
def delete_position(*, actor, position: Position) -> None:
    _delete(actor, position)


# --- people ----------------------------------------------------------------------------------------


def check_reviewer(*, unit: Unit, reviewer: Person | None, person: Person | None = None) -> None:
    """Refuse a reviewer whose account does not hold the reviewer role over ``unit``."""
    if reviewer is None:
        return
    from kaohe.accounts.models import Role, RoleGrant  # local import: accounts sits above org

    reviewer = Person.objects.select_related("user").get(pk=reviewer.pk)
    account = reviewer.user
    has_account = account is not None and account.is_active
    roots = (
        list(RoleGrant.objects.filter(user=account, role=Role.REVIEWER).values_list("unit_id", flat=True))
        if has_account
        else []
    )
    unit = Unit.objects.get(pk=unit.pk)
    problem = logic.reviewer_problem(
        person_key=person.pk if person is not None else None,
        reviewer_key=reviewer.pk,
        reviewer_label=str(reviewer),
        reviewer_has_account=has_account,
        unit_label=unit.name,
        unit_ancestry=logic.ids_from_path(unit.path),
        reviewer_scope_roots=roots,
    )
    if problem:
        raise ValidationError({"reviewer": problem})


def _check_person(person: Person, changed: list[str]) -> None:
    """The position is of the person's unit; the reviewer, when it or the unit ``changed``, holds
    the reviewer role over the unit."""
    position = person.position
    if position is not None and position.unit_id != person.unit_id:
        raise ValidationError(
            {"position": _("The position %(position)s belongs to another unit.") % {"position": position}}
        )
    if {"reviewer", "unit"} & set(changed):
        check_reviewer(unit=person.unit, reviewer=person.reviewer, person=person if person.pk else None)


@transaction.atomic
def create_person(
    *,
    actor,
    staff_no: str,
    name: str,
    unit: Unit,
    identity: str,
    staffing: str,
    post_type: str,
    post_level: str,
    start_date: date,
    gender: str = "",
    birth_date: date | None = None,
    position: Position | None = None,
    reviewer: Person | None = None,
    active: bool = True,
) -> Person:
    """Add a person. The reviewer must hold the reviewer role over the person's unit."""
    person = Person(
        staff_no=staff_no,
        name=name,
        unit=unit,
        identity=identity,
        staffing=staffing,
        post_type=post_type,
        post_level=post_level,
        start_date=start_date,
        gender=gender,
        birth_date=birth_date,
        position=position,
        reviewer=reviewer,
        active=active,
    )
    return _save_new(actor, person, check=lambda p: _check_person(p, ["reviewer"]))


@transaction.atomic
def update_person(*, actor, person: Person, **changes: Any) -> Person:
    """Change a person's fields. The reviewer is checked again when it or the unit changes."""
    return _update(actor, person, changes, PERSON_FIELDS, check_clean=_check_person)


# --- leave -----------------------------------------------------------------------------------------


def _check_leave(leave: LeaveRecord) -> None:
    problem = logic.leave_problem(leave.start, leave.end) if leave.start and leave.end else None
    if problem:
        raise ValidationError({"end": problem})


@transaction.atomic
def add_leave(*, actor, person: Person, kind: str, start: date, end: date, note: str = "") -> LeaveRecord:
    leave = LeaveRecord(person=person, kind=kind, start=start, end=end, note=note)
    _check_leave(leave)
    return _save_new(actor, leave)


@transaction.atomic
def update_leave(*, actor, leave: LeaveRecord, **changes: Any) -> LeaveRecord:
    return _update(actor, leave, changes, LEAVE_FIELDS, check=lambda leave, _changed: _check_leave(leave))


@transaction.atomic
def delete_leave(*, actor, leave: LeaveRecord) -> None:
    _delete(actor, leave)


# --- tracks ----------------------------------------------------------------------------------------


@transaction.atomic
def create_track(*, actor, unit: Unit, code: str, name: str, year: int) -> Track:
    return _save_new(actor, Track(unit=unit, code=code, name=name, year=year))


def _check_track(track: Track, changed: list[str]) -> None:
    if "year" in changed and track.memberships.exists():
        raise ValidationError({"year": _("The year of a track that has members cannot change.")})


@transaction.atomic
def update_track(*, actor, track: Track, **changes: Any) -> Track:
    return _update(actor, track, changes, TRACK_FIELDS, check=_check_track)


def check_membership(*, track: Track, person: Person) -> None:
    """Refuse a second track for ``person`` in ``track``'s year."""
    existing = TrackMembership.objects.filter(person=person, year=track.year).select_related("track").first()
    if existing is not None:
        raise ValidationError(
            {
                "person": _("%(person)s is already in the track %(track)s for %(year)s.")
                % {"person": person, "track": existing.track.name, "year": track.year}
            }
        )


@transaction.atomic
def add_member(*, actor, track: Track, person: Person) -> TrackMembership:
    """Put ``person`` in ``track``; a person is in one track per year."""
    check_membership(track=track, person=person)
    return _save_new(actor, TrackMembership(track=track, person=person, year=track.year))


@transaction.atomic
def remove_member(*, actor, membership: TrackMembership) -> None:
    _delete(actor, membership)


# --- secondments -----------------------------------------------------------------------------------


def _check_secondment(secondment: Secondment) -> None:
    problems = logic.secondment_problems(
        home_unit=secondment.home_unit_id,
        host_unit=secondment.host_unit_id,
        home_share=Decimal(secondment.home_share),
        start=secondment.start,
        end=secondment.end,
    )
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def create_secondment(
    *,
    actor,
    person: Person,
    host_unit: Unit,
    start: date,
    home_unit: Unit | None = None,
    end: date | None = None,
    home_share: Decimal | int | str = Decimal("50"),
    host_assessor: Person | None = None,
) -> Secondment:
    """Record that ``person`` works in ``host_unit`` while belonging to ``home_unit`` (by default
    their own unit); ``home_share`` is the home unit's share (0–100 %) of the evaluation;
    ``host_assessor`` scores the person for the host unit (by default the host unit's supervisor)."""
    secondment = Secondment(
        person=person,
        home_unit=home_unit or person.unit,
        host_unit=host_unit,
        start=start,
        end=end,
        home_share=Decimal(str(home_share)),
        host_assessor=host_assessor or host_unit.supervisor,
    )
    _check_secondment(secondment)
    return _save_new(actor, secondment)


@transaction.atomic
def update_secondment(*, actor, secondment: Secondment, **changes: Any) -> Secondment:
    if "home_share" in changes:
        changes["home_share"] = Decimal(str(changes["home_share"]))
    return _update(
        actor,
        secondment,
        changes,
        SECONDMENT_FIELDS,
        check=lambda secondment, _changed: _check_secondment(secondment),
    )


@transaction.atomic
def delete_secondment(*, actor, secondment: Secondment) -> None:
    _delete(actor, secondment)
