"""Reads of personal indicators (个性指标): the scheme's personal nodes, who may set whose, the period's
list page, one person's set, the rows a sheet adds, what a person sees of their own, and the gaps
that readiness reports. Each a few queries, none per person."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404

from kaohe.accounts.models import Role
from kaohe.accounts.scope import people_for_user, scope_for
from kaohe.org.models import Person

from . import logic
from .choices import PeriodState
from .inputs import all_leaves, people_of
from .models import Period, PersonalIndicator, Sheet
from .personal_rules import Node, personal_nodes

PAGE_SIZE = 200  # people listed on the period's page at once (a search narrows them)
SETTABLE = logic.SCORABLE  # indicators are set while the period is open or in scoring
SETTERS = (Role.REVIEWER, Role.OFFICE)  # who sets them: a reviewer (their reviewees), the office


def period_nodes(period: Period) -> dict[str, Node]:
    """The personal nodes of the period's scheme, by leaf key."""
    return personal_nodes(all_leaves(period.scheme.parsed()))


def settable_people(user, period: Period) -> QuerySet[Person]:
    """The period's people whose indicators ``user`` sets: all of them in the office's scope, a
    reviewer's own reviewees in the reviewer's scope; nobody else."""
    scope = scope_for(user)
    q = Q(pk__in=[])
    if scope.has_role(Role.OFFICE):
        q |= Q(pk__in=people_for_user(user, [Role.OFFICE]))
    if scope.has_role(Role.REVIEWER) and user.is_authenticated:
        q |= Q(reviewer__user=user, pk__in=people_for_user(user, [Role.REVIEWER]))
    return people_of(period).filter(q)


def get_personal_period(user, pk) -> Period:
    """A period with personal nodes in which ``user`` sets someone's indicators (404 otherwise)."""
    try:
        period = Period.objects.select_related("unit", "scheme").get(pk=pk)
    except (Period.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not settable_people(user, period).exists():
        raise Http404
    return period


def get_settable_person(user, period: Period, pk) -> Person:
    try:
        return settable_people(user, period).select_related("unit").get(pk=pk)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_edit(period: Period) -> bool:
    return period.state in SETTABLE and bool(period_nodes(period))


def indicators_of(period: Period, people) -> dict[int, list[PersonalIndicator]]:
    """Person id → their indicators of the period, in order (one query)."""
    out: dict[int, list[PersonalIndicator]] = defaultdict(list)
    for pi in PersonalIndicator.objects.filter(period=period, person__in=people):
        out[pi.person_id].append(pi)
    return out


@dataclass
class PersonRow:
    """A person on the period's page: their indicators per node and whether each node is set."""

    person: Person
    by_node: dict[str, list[PersonalIndicator]] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return all(self.by_node.values())


def personal_page(user, period: Period, query: str = "") -> dict:
    """The period's page: the people the user sets (searched by name, staff number or unit name),
    the first :data:`PAGE_SIZE` of them with their indicators, and the scheme's nodes."""
    people = settable_people(user, period).select_related("unit").order_by("unit__path", "staff_no")
    query = query.strip()
    if query:
        people = people.filter(
            Q(name__icontains=query) | Q(staff_no__icontains=query) | Q(unit__name__icontains=query)
        )
    shown = list(people[:PAGE_SIZE])
    nodes = period_nodes(period)
    got = indicators_of(period, shown)
    rows = [PersonRow(p, {k: [pi for pi in got.get(p.pk, []) if pi.node == k] for k in nodes}) for p in shown]
    return {"rows": rows, "nodes": nodes, "more": people.count() > len(shown), "query": query}


# --- the sheet ----------------------------------------------------------------------------------------


def personal_rows(period: Period, people) -> list[tuple[PersonalIndicator, float]]:
    """The personal indicators a sheet over ``people`` scores, each with its highest score, by
    person then node (one query)."""
    nodes = period_nodes(period)
    if not nodes:
        return []
    rows = (
        PersonalIndicator.objects.filter(period=period, person__in=people, node__in=list(nodes))
        .select_related("person")
        .order_by("person__unit__path", "person__staff_no", "node", "position", "id")
    )
    return [(pi, nodes[pi.node].top(pi.points)) for pi in rows]


def sheet_personal(sheet: Sheet) -> QuerySet[PersonalIndicator]:
    """The personal indicators of the sheet's people (the assessor's reviewees, or the office's)."""
    people = people_of(sheet.period)
    people = (
        people.filter(reviewer__isnull=True)
        if sheet.assessor_id is None
        else people.filter(reviewer_id=sheet.assessor_id)
    )
    return PersonalIndicator.objects.filter(
        period=sheet.period, person__in=people, node__in=list(period_nodes(sheet.period))
    )


# --- the person ---------------------------------------------------------------------------------------


def own_personal(user) -> list[dict]:
    """The user's own indicators in the periods not yet final: [{period, nodes: {node name: [rows]}}],
    newest period first (one query)."""
    if not user.is_authenticated:
        return []
    rows = (
        PersonalIndicator.objects.filter(person__user=user)
        .exclude(period__state=PeriodState.FINAL)
        .select_related("period__unit", "period__scheme")
        .order_by("-period__start", "period_id", "node", "position", "id")
    )
    out: list[dict] = []
    for pi in rows:
        if not out or out[-1]["period"].pk != pi.period_id:
            out.append({"period": pi.period, "nodes": defaultdict(list)})
        out[-1]["nodes"][pi.node].append(pi)
    for entry in out:
        entry["nodes"] = dict(entry["nodes"])
    return out


# --- readiness ----------------------------------------------------------------------------------------


def personal_gaps(period: Period) -> dict[str, list[tuple[str, str]]]:
    """Per personal node: the people (staff no, name) without any indicator, and those with an
    indicator not scored yet — what readiness reports before the period is computed."""
    nodes = period_nodes(period)
    if not nodes:
        return {}
    people = dict(people_of(period).values_list("id", "staff_no"))
    names = dict(people_of(period).values_list("id", "name"))
    have: dict[str, set[int]] = defaultdict(set)
    unscored: dict[str, set[int]] = defaultdict(set)
    for pid, node, score in PersonalIndicator.objects.filter(period=period).values_list(
        "person_id", "node", "score"
    ):
        have[node].add(pid)
        if score is None:
            unscored[node].add(pid)
    out: dict[str, list[tuple[str, str]]] = {}
    for key in nodes:
        missing = [pid for pid in people if pid not in have[key] or pid in unscored[key]]
        out[key] = sorted((people[pid], names[pid]) for pid in missing)
    return out
