"""The organisation's pure logic: no database, no I/O.

The services (one object at a time, ids from the database) and the Excel import (a whole file at
once, codes and staff numbers that may not be in the database yet) both ask these functions, so a
rule is written once. Keys are whatever identifies a node for the caller: unit ids for the services,
unit codes for the import. Each check returns a message (a translated string) or None.
"""

from collections.abc import Collection, Hashable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import TypeVar

from django.utils.translation import gettext as _

K = TypeVar("K", bound=Hashable)


def ids_from_path(path: str) -> list[int]:
    """The unit ids of a materialised path, root first: "/1/4/9/" → [1, 4, 9]."""
    return [int(part) for part in path.strip("/").split("/") if part]


def find_cycle(parent_of: Mapping[K, K | None], start: K) -> list[K] | None:
    """The cycle reached by following parents from ``start``, or None if the walk reaches a root.

    The cycle is given in walking order beginning at its first node met, e.g. [a, b, c] for
    a → b → c → a. A parent missing from ``parent_of`` counts as a root (it is outside the tree
    being checked and cannot lead back into it).
    """
    seen: dict[K, int] = {}
    walk: list[K] = []
    node: K | None = start
    while node is not None and node in parent_of:
        if node in seen:
            return walk[seen[node] :]
        seen[node] = len(walk)
        walk.append(node)
        node = parent_of[node]
    return None


def all_cycles(parent_of: Mapping[K, K | None]) -> list[list[K]]:
    """Every distinct cycle in a parent mapping (each reported once), in the mapping's order."""
    cycles: list[list[K]] = []
    in_cycle: set[K] = set()
    cleared: set[K] = set()
    for start in parent_of:
        if start in cleared or start in in_cycle:
            continue
        cycle = find_cycle(parent_of, start)
        if cycle is None:
            # Everything on this walk leads to a root.
            node: K | None = start
            while node is not None and node in parent_of and node not in cleared:
                cleared.add(node)
                node = parent_of[node]
        elif not in_cycle.intersection(cycle):
            cycles.append(cycle)
            in_cycle.update(cycle)
    return cycles


def ancestry(parent_of: Mapping[K, K | None], node: K) -> list[K]:
    """``node`` and its ancestors, nearest first. The mapping must be free of cycles."""
    chain: list[K] = []
    current: K | None = node
    while current is not None:
        chain.append(current)
        current = parent_of.get(current)
    return chain


def cycle_message(names: Sequence[str]) -> str:
    """A readable message for a cycle given as unit names or codes in walking order."""
    loop = " → ".join([*names, names[0]])
    return _(
        "The unit tree would contain a cycle: %(loop)s. A unit cannot be placed under itself or its own descendant."
    ) % {"loop": loop}


def cycle_after_move(unit: K, new_parent: K | None, parent_ancestry: Sequence[K]) -> list[K] | None:
    """The loop that putting ``unit`` under ``new_parent`` would close, or None.

    ``parent_ancestry`` is the new parent and its current ancestors, nearest first; a loop closes
    when ``unit`` is among them (the new parent is the unit itself or one of its descendants).
    """
    if new_parent is None:
        return None
    chain = list(parent_ancestry)
    parent_of: dict[K, K | None] = dict(zip(chain, [*chain[1:], None], strict=True))
    parent_of[unit] = new_parent
    return find_cycle(parent_of, unit)


def reviewer_covers(unit_ancestry: Collection[K], reviewer_scope_roots: Collection[K]) -> bool:
    """A reviewer role granted on any of ``reviewer_scope_roots`` covers a unit whose ancestry
    (the unit and its ancestors) contains one of them."""
    roots = set(reviewer_scope_roots)
    return any(unit in roots for unit in unit_ancestry)


def reviewer_problem(
    *,
    person_key: Hashable | None,
    reviewer_key: Hashable,
    reviewer_label: str,
    reviewer_has_account: bool,
    unit_label: str,
    unit_ancestry: Collection[K],
    reviewer_scope_roots: Collection[K],
) -> str | None:
    """Why ``reviewer`` may not review a person in the unit, or None if they may.

    A reviewer must be someone else, hold an account, and that account must hold the reviewer role
    over a subtree that contains the person's unit.
    """
    if person_key is not None and person_key == reviewer_key:
        return _("A person cannot be their own reviewer.")
    if not reviewer_has_account:
        return _("The reviewer %(reviewer)s has no account, so cannot review anyone.") % {
            "reviewer": reviewer_label
        }
    if not reviewer_covers(unit_ancestry, reviewer_scope_roots):
        return _(
            "The reviewer %(reviewer)s is outside the person's scope: their reviewer role does not cover the unit %(unit)s."
        ) % {"reviewer": reviewer_label, "unit": unit_label}
    return None


def leave_problem(start: date, end: date) -> str | None:
    if end < start:
        return _("The leave ends (%(end)s) before it starts (%(start)s).") % {"start": start, "end": end}
    return None


def secondment_problems(
    *, home_unit: Hashable, host_unit: Hashable, home_share: Decimal, start: date, end: date | None
) -> dict[str, str]:
    """Field → message for a secondment that breaks a rule."""
    problems: dict[str, str] = {}
    if home_unit == host_unit:
        problems["host_unit"] = _("The host unit must differ from the home unit.")
    if not Decimal("0") <= Decimal(home_share) <= Decimal("100"):
        problems["home_share"] = _("The home unit's share must be between 0 and 100.")
    if end is not None and end < start:
        problems["end"] = _("The secondment ends (%(end)s) before it starts (%(start)s).") % {
            "start": start,
            "end": end,
        }
    return problems
