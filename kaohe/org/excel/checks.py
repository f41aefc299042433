"""The checks of a read file against itself, the database and the importing user's scope.

Every problem is added to the collector with its sheet, row and column; nothing stops at the first.
The checks are the services' own (:mod:`kaohe.org.logic`), applied to the tree as it will be after the
import, and where the importing user may write comes from the scope layer
(:mod:`kaohe.accounts.scope`). A file that passes gives a :class:`Plan`: the rows in an order the
importer can write them.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kaohe.accounts.models import RoleGrant
from kaohe.accounts.scope import scope_for
from kaohe.platform.roles import Role

from .. import logic
from ..models import Person, Unit
from .issues import Collector
from .reader import Row, SheetRows
from .template import PEOPLE_COLUMNS, PEOPLE_SHEET, UNIT_COLUMNS, UNIT_SHEET

U, P = UNIT_SHEET, PEOPLE_SHEET
COL_U = {c.field: c.header for c in UNIT_COLUMNS}
COL_P = {c.field: c.header for c in PEOPLE_COLUMNS}
Tree = Mapping[str, str | None]  # unit code → parent code


@dataclass
class Plan:
    units: list[Row]  # in an order where parents come before children
    people: list[Row]  # reviewers in the file before the people they review, where the order allows
    has_sort_order: bool
    has_username: bool


@dataclass(frozen=True)
class WriteScope:
    """Where the importing user may write, as unit codes: ``roots``, the units their office grants
    are on, and ``covered``, every unit those grants cover today. ``roots`` None: anywhere (the
    system itself, a superuser)."""

    roots: frozenset[str] | None = None
    covered: frozenset[str] = frozenset()

    @classmethod
    def of(cls, actor) -> "WriteScope":
        if actor is None:
            return cls()
        scope = scope_for(actor)
        if scope.superuser:
            return cls()
        # Every grant, not only the outermost: a unit keeps its own grant when the file moves it.
        paths = {path for role, path in scope.grants if role == Role.OFFICE}
        roots = Unit.objects.filter(path__in=paths).values_list("code", flat=True)
        covered = scope.units([Role.OFFICE]).values_list("code", flat=True)
        return cls(frozenset(roots), frozenset(covered))

    def outside_now(self, code: str) -> bool:
        """The unit ``code`` (in the database) is outside the scope today."""
        return self.roots is not None and code not in self.covered

    def outside_after(self, tree: Tree, code: str) -> bool:
        """The unit ``code`` is outside the scope in ``tree`` (the tree after the import)."""
        return self.roots is not None and not set(logic.ancestry(tree, code)) & self.roots


def _unique(
    rows: list[Row], key: str, sheet: str, column: str, message: Callable[[str, int], str], out: Collector
) -> dict[str, Row]:
    """``rows`` by their ``key`` value; a second row with the same value is reported, not kept.
    ``message(value, first_row)`` says why."""
    found: dict[str, Row] = {}
    for row in rows:
        value = row.values.get(key)
        if not value:
            continue
        if value in found:
            out.add(sheet, row.number, column, message(value, found[value].number))
            continue
        found[value] = row
    return found


@dataclass
class _Units:
    file: dict[str, Row]  # code → its row
    db_parent: dict[str, str | None]  # the tree today
    parent_of: dict[str, str | None]  # the tree after the import, cycles cut
    ordered: list[Row]


def _duplicate_unit(code: str, first: int) -> str:
    return _("Duplicate unit code %(code)s (also on row %(row)s).") % {"code": code, "row": first}


def _duplicate_person(staff_no: str, first: int) -> str:
    return _("Duplicate staff number %(no)s (also on row %(row)s).") % {"no": staff_no, "row": first}


def _unknown_unit(code: str) -> str:
    return _("Unknown unit code %(code)s: it is neither in this file nor in the system.") % {"code": code}


def _out_of_scope(code: str) -> str:
    return _("Unit %(code)s is outside the part of the organisation you administer.") % {"code": code}


def _check_units(units: SheetRows, out: Collector, scope: WriteScope) -> _Units:
    """Duplicates, parents known, no cycle, in scope before and after."""
    db_parent: dict[str, str | None] = dict(Unit.objects.values_list("code", "parent__code"))
    file_units = _unique(units.rows, "code", U, COL_U["code"], _duplicate_unit, out)
    parent_of: dict[str, str | None] = dict(db_parent)
    for code, row in file_units.items():
        parent = row.values.get("parent") or None
        if parent is not None and parent not in file_units and parent not in db_parent:
            out.add(U, row.number, COL_U["parent"], _unknown_unit(parent))
            parent = None
        parent_of[code] = parent
    in_cycle: set[str] = set()
    for cycle in logic.all_cycles(parent_of):
        in_cycle.update(cycle)
        first = min((file_units[c] for c in cycle if c in file_units), key=lambda r: r.number)
        out.add(U, first.number, COL_U["parent"], logic.cycle_message(cycle))
    for code in in_cycle:
        parent_of[code] = None  # so that the checks below can still walk the tree
    for code, row in file_units.items():
        if code in in_cycle:
            continue
        if scope.outside_after(parent_of, code) or (code in db_parent and scope.outside_now(code)):
            out.add(U, row.number, COL_U["code"], _out_of_scope(code))
    ordered = sorted(
        file_units.values(), key=lambda r: (len(logic.ancestry(parent_of, r.values["code"])), r.number)
    )
    return _Units(file_units, db_parent, parent_of, ordered)


def _db_people(wanted: set[str]) -> dict[str, dict[str, Any]]:
    fields = (
        "id",
        "staff_no",
        "unit__code",
        "reviewer__staff_no",
        "user_id",
        "user__username",
        "user__is_active",
    )
    return {p["staff_no"]: p for p in Person.objects.filter(staff_no__in=wanted).values(*fields)}


def _check_accounts(
    file_people: dict[str, Row], db_people: dict[str, dict[str, Any]], out: Collector
) -> dict[str, tuple[int | None, bool]]:
    """The 账号 column: one account per person, no renaming, no taking another's. Returns each
    person's account after the import: staff_no → (user id or None for a new one, active)."""
    usernames = {r.values["username"] for r in file_people.values() if r.values.get("username")}
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    owners = dict(
        Person.objects.filter(user__in=list(users.values())).values_list("user__username", "staff_no")
    )
    username_field = User._meta.get_field("username")
    column = COL_P["username"]

    taken: dict[str, int] = {}
    account_of: dict[str, tuple[int | None, bool]] = {}
    for staff_no, row in file_people.items():
        db = db_people.get(staff_no)
        username = row.values.get("username") or ""
        if db and db["user_id"]:
            account_of[staff_no] = (db["user_id"], bool(db["user__is_active"]))
        if not username:
            continue
        if username in taken:
            message = _("The account %(username)s is also given on row %(row)s.")
            out.add(P, row.number, column, message % {"username": username, "row": taken[username]})
            continue
        taken[username] = row.number
        if db and db["user_id"] and db["user__username"] != username:
            message = _("This person already has the account %(username)s; an import cannot rename it.")
            out.add(P, row.number, column, message % {"username": db["user__username"]})
            continue
        try:
            username_field.clean(username, None)
        except ValidationError as exc:
            out.add(P, row.number, column, " ".join(exc.messages))
            continue
        user = users.get(username)
        if user is not None:
            owner = owners.get(username)
            if owner is not None and owner != staff_no:
                message = _("The account %(username)s belongs to the person %(no)s.")
                out.add(P, row.number, column, message % {"username": username, "no": owner})
                continue
            account_of[staff_no] = (user.pk, user.is_active)
        else:
            account_of.setdefault(staff_no, (None, True))  # a new account: it holds no roles yet
    for db in db_people.values():
        if db["staff_no"] not in file_people and db["user_id"]:
            account_of[db["staff_no"]] = (db["user_id"], bool(db["user__is_active"]))
    return account_of


def _reviewer_roots(account_of: dict[str, tuple[int | None, bool]]) -> dict[int, set[str]]:
    """User id → codes of the units their reviewer role is granted on."""
    roots: dict[int, set[str]] = {}
    user_ids = [uid for uid, _active in account_of.values() if uid is not None]
    grants = RoleGrant.objects.filter(user_id__in=user_ids, role=Role.REVIEWER)
    for user_id, code in grants.values_list("user_id", "unit__code"):
        roots.setdefault(user_id, set()).add(code)
    return roots


def _person_problem(
    staff_no: str, row: Row, units: _Units, db_people: dict[str, dict[str, Any]], scope: WriteScope
) -> tuple[str, str] | None:
    """(column, reason) of what is wrong with a person's unit, or None."""
    unit_code = row.values.get("unit")
    if unit_code and unit_code not in units.file and unit_code not in units.db_parent:
        return COL_P["unit"], _unknown_unit(unit_code)
    if unit_code and scope.outside_after(units.parent_of, unit_code):
        return COL_P["unit"], _out_of_scope(unit_code)
    current = db_people.get(staff_no)
    if current and scope.outside_now(current["unit__code"]):
        reason = _("The person %(no)s belongs to a unit outside the part of the organisation you administer.")
        return COL_P["staff_no"], reason % {"no": staff_no}
    return None


def _check_people(people: SheetRows, units: _Units, out: Collector, scope: WriteScope) -> list[Row]:
    """Duplicates, units and reviewers known, in scope before and after, reviewers entitled, accounts."""
    file_people = _unique(people.rows, "staff_no", P, COL_P["staff_no"], _duplicate_person, out)
    reviewers_in_file = {r.values.get("reviewer") for r in file_people.values()}
    db_people = _db_people(set(file_people) | {r for r in reviewers_in_file if r})
    account_of = _check_accounts(file_people, db_people, out)
    grant_roots = _reviewer_roots(account_of)

    for staff_no, row in file_people.items():
        problem = _person_problem(staff_no, row, units, db_people, scope)
        if problem:
            out.add(P, row.number, *problem)
            continue
        unit_code, reviewer_no = row.values.get("unit"), row.values.get("reviewer")
        if not reviewer_no or not unit_code:
            continue
        if reviewer_no not in file_people and reviewer_no not in db_people:
            reason = _("Unknown reviewer: no person has the staff number %(no)s.") % {"no": reviewer_no}
            out.add(P, row.number, COL_P["reviewer"], reason)
            continue
        db = db_people.get(staff_no)
        if db and db["reviewer__staff_no"] == reviewer_no and db["unit__code"] == unit_code:
            continue  # unchanged: checked when it was set, as the services do
        reviewer_user_id, active = account_of.get(reviewer_no, (None, False))
        reviewer_problem = logic.reviewer_problem(
            person_key=staff_no,
            reviewer_key=reviewer_no,
            reviewer_label=reviewer_no,
            reviewer_has_account=reviewer_no in account_of and active,
            unit_label=unit_code,
            unit_ancestry=logic.ancestry(units.parent_of, unit_code),
            reviewer_scope_roots=grant_roots.get(reviewer_user_id, set()) if reviewer_user_id else set(),
        )
        if reviewer_problem:
            out.add(P, row.number, COL_P["reviewer"], reviewer_problem)
    return sorted(
        file_people.values(), key=lambda r: (r.values["staff_no"] not in reviewers_in_file, r.number)
    )


def check(units: SheetRows, people: SheetRows, out: Collector, scope: WriteScope) -> Plan:
    """Cross-row and database checks of a read file; adds issues to ``out``. Every unit and person
    the file touches must lie, before and after the import, inside ``scope``."""
    checked = _check_units(units, out, scope)
    return Plan(
        units=checked.ordered,
        people=_check_people(people, checked, out, scope),
        has_sort_order=any(c.field == "sort_order" for c in units.columns),
        has_username=any(c.field == "username" for c in people.columns),
    )
