"""Personal indicators (个性指标 / 私人定制): the reviewer or the office sets each person's own
indicators within the scheme's limit, one person at a time or by an Excel import (all or nothing),
and the assessor's sheet stores their scores. Every write checks first and writes nothing on a
problem; each records its audit event."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

from django.db import transaction
from django.utils.translation import gettext as _

from kaohe.audit.services import record
from kaohe.org.models import Person
from kaohe.platform.errors import Refusal

from ..inputs import people_of
from ..models import Period, PersonalIndicator, Sheet
from ..personal_rules import Item, Node, check, check_score, describe, problems
from ..personal_rules import number as as_points
from ..selectors_personal import SETTABLE, period_nodes, settable_people, sheet_personal

BATCH = 5_000  # rows per statement of the import's writes


class Stored(NamedTuple):
    """A stored indicator as the import compares it (tuples: 300,000 model objects cost seconds)."""

    pk: int
    person_id: int
    node: str
    name: str
    points: Decimal
    target: str
    position: int
    score: float | None
    comment: str
    sheet_id: int | None


PERSONAL_KEY = "personal#"  # a sheet entry's key for a personal indicator: "personal#<id>"


def _check_open(period: Period) -> None:
    if period.state not in SETTABLE:
        raise Refusal(_("Personal indicators are set only while the period is open or in scoring."))


def _node(nodes: dict[str, Node], key: str) -> Node:
    node = nodes.get(key)
    if node is None:
        if not nodes:
            raise Refusal(_("The scheme of this period has no personal indicators."), field="node")
        raise Refusal(
            _("%(node)s is not a personal indicator of the scheme (expected one of %(nodes)s).")
            % {"node": key, "nodes": ", ".join(nodes)},
            field="node",
        )
    return node


def _replace(*, actor, period: Period, sets: dict[tuple[int, str], list[Item]]) -> dict:
    """Make each (person id, node)'s indicators exactly its items (checked already), set-based: one
    read, then deletes and inserts in batches. An unchanged indicator is left alone; one kept by name
    with other target or order keeps its score, with other points loses it; the others are deleted
    or created. Returns (person id, node) →
    {"before": …, "after": …} as [name, points, target] lists, for the audit trail."""
    existing: dict[tuple[int, str], dict[str, Stored]] = defaultdict(dict)
    people = {pid for pid, _node in sets}
    rows = PersonalIndicator.objects.select_for_update().filter(period=period, node__in={n for _p, n in sets})
    if len(people) <= BATCH:  # a large import reads the period's rows whole rather than bind 100,000 ids
        rows = rows.filter(person_id__in=people)
    for row in rows.values_list(*Stored._fields).iterator(chunk_size=20_000):
        stored = Stored._make(row)
        if (stored.person_id, stored.node) in sets:
            existing[(stored.person_id, stored.node)][stored.name] = stored
    setter = actor if getattr(actor, "pk", None) else None
    create: list[PersonalIndicator] = []
    delete: list[int] = []
    changes = {}
    for (pid, node), items in sets.items():
        mine = existing.get((pid, node), {})
        changes[(pid, node)] = {
            "before": [[pi.name, str(pi.points), pi.target] for pi in mine.values()],
            "after": [[i.name.strip(), str(i.points), i.target.strip()] for i in items],
        }
        for pos, item in enumerate(items):
            name, target = item.name.strip(), item.target.strip()
            old = mine.pop(name, None)
            if old is not None and (old.points, old.target, old.position) == (item.points, target, pos):
                continue  # unchanged: kept as it is (a sheet open on it still saves)
            new = PersonalIndicator(
                period=period,
                person_id=pid,
                node=node,
                name=name,
                points=item.points,
                target=target,
                position=pos,
                set_by=setter,
            )
            if old is not None:
                delete.append(old.pk)
                if old.points == item.points:  # same points: the score still holds
                    new.score, new.comment, new.sheet_id = old.score, old.comment, old.sheet_id
            create.append(new)
        delete += [pi.pk for pi in mine.values()]
    # A changed row is replaced rather than updated: Django's bulk_update builds a CASE per row and
    # takes minutes for 100,000 rows, a delete and an insert in batches take seconds.
    for i in range(0, len(delete), BATCH):
        PersonalIndicator.objects.filter(pk__in=delete[i : i + BATCH]).delete()
    if create:
        PersonalIndicator.objects.bulk_create(create, batch_size=BATCH)
    return changes


@transaction.atomic
def set_personal_indicators(*, actor, period: Period, person: Person, sets: dict[str, list[Item]]) -> int:
    """Set ``person``'s own indicators under each of the scheme's personal nodes named in ``sets``
    (node key → indicators; an empty list clears them). Refused, naming the indicator and the field,
    beyond the scheme's ``max_count``, when the points (weights) do not add up to the node's points
    (100%), for a person the actor does not set, or once the period is past scoring; nothing is
    written then. Returns the number of indicators set."""
    _check_open(period)
    nodes = period_nodes(period)
    if not sets:
        raise Refusal(_("No personal indicator was given."), field="node")
    if not settable_people(actor, period).filter(pk=person.pk).exists():
        raise Refusal(_("You do not set the indicators of %(name)s.") % {"name": person.name}, field="person")
    for key, items in sets.items():
        node = _node(nodes, key)
        check(node, items, node.name if len(nodes) > 1 else "")
    changes = _replace(actor=actor, period=period, sets={(person.pk, k): items for k, items in sets.items()})
    record(
        actor=actor,
        action="appraisal.personal.set",
        obj=person,
        before={"period": period.code, "nodes": {k: c["before"] for (_p, k), c in changes.items()}},
        after={"period": period.code, "nodes": {k: c["after"] for (_p, k), c in changes.items()}},
    )
    return sum(len(items) for items in sets.values())


# --- the Excel import -----------------------------------------------------------------------------------

IMPORT_COLUMNS = {
    "person": "工号",
    "node": "考核指标",
    "name": "个性指标",
    "points": "分值",
    "target": "目标",
}


def _at(sheet: str, row: int, column: str, problem: str) -> str:
    return _("sheet %(sheet)s, row %(row)s, column %(column)s: %(problem)s") % {
        "sheet": sheet,
        "row": row,
        "column": column,
        "problem": problem,
    }


@transaction.atomic
def import_personal_indicators(*, actor, period: Period, sheet: str, rows: list[tuple[int, dict]]) -> int:
    """Set the indicators of every (person, node) the rows name, from ``rows`` of a worksheet (Excel
    row number, {person, node, name, points, target}). A person and node in the file gets exactly its
    rows; those not in the file, and rows without a name and points, are left as they are. Every problem is reported with its sheet, row
    and column, and nothing is written unless there is none. Returns the indicators set."""
    _check_open(period)
    nodes = period_nodes(period)
    if not nodes:
        raise Refusal(_("The scheme of this period has no personal indicators."))
    staff = dict(settable_people(actor, period).values_list("staff_no", "id"))
    in_period = set(people_of(period).values_list("staff_no", flat=True))
    only = next(iter(nodes)) if len(nodes) == 1 else None
    errors: list[str] = []
    groups: dict[tuple[int, str], list[tuple[int, Item]]] = defaultdict(list)
    for number, row in rows:
        if _blank(row.get("name")) and _blank(row.get("points")):
            continue  # the downloaded workbook's empty row for someone without indicators: left as it is
        errors_before = len(errors)
        no = str(row.get("person") or "").strip()
        pid = staff.get(no)
        if pid is None:
            problem = (
                _("you do not set the indicators of %(no)s.")
                if no in in_period
                else _("no person %(no)s in this period's unit.")
            )
            errors.append(_at(sheet, number, IMPORT_COLUMNS["person"], problem % {"no": no or "—"}))
        key = str(row.get("node") or "").strip() or (only or "")
        key = next((k for k in nodes if k == key or k.endswith("/" + key)), key)
        if key not in nodes:
            errors.append(
                _at(
                    sheet,
                    number,
                    IMPORT_COLUMNS["node"],
                    _("expected one of %(nodes)s, found %(found)s.")
                    % {"nodes": ", ".join(nodes), "found": key or "—"},
                )
            )
        points = as_points(row.get("points"))
        if points is None:
            errors.append(
                _at(
                    sheet,
                    number,
                    IMPORT_COLUMNS["points"],
                    _("expected a number with at most two decimals, found %(found)s.")
                    % {"found": row.get("points") if row.get("points") not in (None, "") else "—"},
                )
            )
        if len(errors) == errors_before and pid is not None and points is not None:
            item = Item(str(row.get("name") or ""), points, str(row.get("target") or ""))
            groups[(pid, key)].append((number, item))
    numbers = {pid: no for no, pid in staff.items()}
    for (pid, key), numbered in groups.items():
        items = [item for _n, item in numbered]
        for p in problems(nodes[key], items):
            number = numbered[p.item - 1][0] if p.item else numbered[0][0]
            column = IMPORT_COLUMNS.get(p.field, IMPORT_COLUMNS["name"])
            errors.append(_at(sheet, number, column, f"{numbers[pid]} {describe(p)}"))
    if errors:
        raise Refusal("\n".join(errors))
    sets = {group: [item for _n, item in numbered] for group, numbered in groups.items()}
    _replace(actor=actor, period=period, sets=sets)
    total = sum(len(items) for items in sets.values())
    record(
        actor=actor,
        action="appraisal.personal.import",
        obj=period,
        after={"people": len({pid for pid, _k in groups}), "indicators": total},
    )
    return total


def _blank(value) -> bool:
    return value is None or not str(value).strip()


# --- scores from the sheet ------------------------------------------------------------------------------


def is_personal(key: str) -> bool:
    return key.startswith(PERSONAL_KEY)


def save_personal_scores(
    *, sheet: Sheet, entries: Iterable[tuple[int, str, float | None, str]]
) -> tuple[list[tuple[int, str, float | None, str]], int]:
    """Store the sheet's scores of personal indicators (entries keyed ``personal#<id>``) inside the
    sheet's save, and return the other entries and the number changed. The indicator must belong to
    a person of the sheet, and the score lie within its points."""
    Entry = tuple[int, str, float | None, str]
    rest: list[Entry] = []
    mine: list[Entry] = []
    for entry in entries:
        (mine if is_personal(entry[1]) else rest).append(entry)
    if not mine:
        return rest, 0
    period = sheet.period
    nodes = period_nodes(period)
    known = {pi.pk: pi for pi in sheet_personal(sheet).select_for_update()}
    changed = []
    for pid, key, value, comment in mine:
        try:
            pi = known[int(key.removeprefix(PERSONAL_KEY))]
        except (KeyError, ValueError):
            raise Refusal(
                _("%(indicator)s is not a personal indicator on this sheet.") % {"indicator": key}
            ) from None
        if pi.person_id != pid:
            raise Refusal(_("%(indicator)s is not a personal indicator on this sheet.") % {"indicator": key})
        if value is not None:
            check_score(nodes[pi.node], pi.name, pi.points, value)
        new = (value, (comment or "").strip()[:300], sheet.pk if value is not None else None)
        if new != (pi.score, pi.comment, pi.sheet_id):  # a sheet saved again rewrites only what changed
            pi.score, pi.comment, pi.sheet_id = new
            changed.append(pi)
    PersonalIndicator.objects.bulk_update(changed, ["score", "comment", "sheet"], batch_size=1_000)
    return rest, len(changed)


def missing_personal_scores(sheet: Sheet) -> int:
    """The sheet's personal indicators without a score (a sheet is submitted only without any)."""
    return sheet_personal(sheet).filter(score__isnull=True).count()
