"""Scoring sheets: who gives which indicator for whom, read set-based for a whole period.

A sheet (评分表) holds, per person, only the lines this assessor gives (``person_lines``): the
indicators of the person's track (the engine's track matching over the gathered people) whose
``assessor`` is this one — the person's reviewer, the supervising leader of the person's unit, or a
member of a scoring group — and, for a seconded person, the host unit's overall score on the host
assessor's sheet. The office's sheet takes what has no assessor (no reviewer, no leader, no host
assessor). A plan is built with a handful of queries whatever the number of people.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from kaohe.engine import PeriodData
from kaohe.engine.errors import EngineError, ProblemList
from kaohe.engine.marks import GROUP, LEADER, assessed_leaves
from kaohe.engine.stages.tracks import assign_tracks
from kaohe.org.models import Person, Secondment, Unit, in_subtree

from . import logic
from .choices import SheetStatus
from .inputs import gather_people, people_of
from .models import HOST_SCORE, Period, Score, ScoringGroupMember, Sheet


@dataclass(frozen=True)
class Line:
    """One cell a sheet asks of one person: a leaf indicator (``key``) or the host unit's overall
    score (``key`` :data:`HOST_SCORE`). ``top`` is the highest score; ``comment_below`` the share of it
    (0–100) under which a comment is required (None: the period's default)."""

    key: str
    name: str
    top: float
    comment_below: int | None = None
    group: str = ""  # the scoring group whose members give it


@dataclass
class Assignment:
    """What one person needs from the assessors: the person's row facts and lines by assessor."""

    person: int
    track: str
    reviewer: int | None
    leader: int | None
    seconded: bool = False  # seconded to a host unit during the period (a host score line)
    host: int | None = None  # the host assessor (None: the office)


@dataclass
class SheetPlan:
    """A period's sheets: for each assessor (person id; None the office), each person id → the lines.
    ``order`` is the people's row order; ``no_track`` the people that match no track (no lines)."""

    order: list[int]
    lines: dict[int | None, dict[int, list[Line]]] = field(default_factory=dict)
    no_track: list[int] = field(default_factory=list)
    groups: dict[str, list[int]] = field(default_factory=dict)  # group → member ids
    unstaffed: list[str] = field(default_factory=list)  # groups whose lines are used, without members
    seconded: set[int] = field(default_factory=set)

    def of(self, assessor_id: int | None) -> dict[int, list[Line]]:
        """Person id → lines of the assessor's sheet (people in row order)."""
        return self.lines.get(assessor_id, {})


def host_line() -> Line:
    return Line(HOST_SCORE, _("Host unit's overall score"), 100.0)


def _track_lines(scheme, track: str) -> list[tuple[Line, str]]:
    """(line, assessor kind) of the assessed leaves of ``track``."""
    out = []
    for leaf, spec in assessed_leaves(scheme, track):
        below = None if leaf.node.comment_below is None else round(leaf.node.comment_below * 100)
        top = float(leaf.node.points) if leaf.node.points is not None else 100.0
        out.append((Line(leaf.key, "/".join(leaf.names), top, below, spec.group), spec.kind))
    return out


def person_lines(
    a: Assignment, track_lines: list[tuple[Line, str]], groups: dict[str, list[int]]
) -> Iterable[tuple[int | None, Line]]:
    """(assessor id, line) for everything person ``a`` is scored on by sheets. The one place that says
    who scores what: reviewer leaves by the reviewer, leader leaves by the supervising leader (the
    office if none), a group's leaves by every member but the person, and the host score by the host
    assessor. Personal indicators (``source: personal``) belong here too, given by the reviewer."""
    for line, kind in track_lines:
        if kind == GROUP:
            for member in groups.get(line.group, []):
                if member != a.person:
                    yield member, line
        elif kind == LEADER:
            yield (a.leader if a.leader != a.person else None), line
        else:
            yield a.reviewer, line
    if a.seconded:
        yield a.host, host_line()


def sheet_plan(period: Period) -> SheetPlan:
    """Every sheet of the period with its lines (five queries, a loop over people in memory)."""
    scheme = period.scheme.parsed()
    people, ids = gather_people(period, scheme)
    problems = ProblemList("people", EngineError)
    tracks = assign_tracks(scheme, PeriodData(people=people, period=period.code), problems)
    facts = dict(
        (pid, (rid, sup))
        for pid, rid, sup in people_of(period).values_list("id", "reviewer_id", "unit__supervisor_id")
    )
    plan = SheetPlan(order=ids)
    for group, person in ScoringGroupMember.objects.filter(period=period).values_list("group", "person_id"):
        plan.groups.setdefault(group, []).append(person)
    hosts = _hosts(period) if scheme.secondment is not None else {}
    plan.seconded = set(hosts)
    lines_by_track = {t: _track_lines(scheme, t) for t in scheme.tracks}
    out: dict[int | None, dict[int, list[Line]]] = defaultdict(dict)
    for i, pid in enumerate(ids):
        t = int(tracks.track[i])
        if t < 0:
            plan.no_track.append(pid)
            continue
        rid, sup = facts.get(pid, (None, None))
        a = Assignment(pid, tracks.track_names[t], rid, sup, pid in hosts, hosts.get(pid))
        for assessor, line in person_lines(a, lines_by_track[a.track], plan.groups):
            out[assessor].setdefault(pid, []).append(line)
    plan.lines = dict(out)
    used = {ln.group for lines in lines_by_track.values() for ln, kind in lines if kind == GROUP}
    plan.unstaffed = sorted(used - set(plan.groups))
    return plan


def _hosts(period: Period) -> dict[int, int | None]:
    """Seconded person id → host assessor id (else the host unit's supervisor; None: the office), for
    secondments overlapping the period."""
    rows = (
        Secondment.objects.filter(in_subtree(period.unit, via="person__unit"), start__lte=period.end)
        .filter(Q(end__isnull=True) | Q(end__gte=period.start))
        .values_list("person_id", "host_assessor_id", "host_unit__supervisor_id")
    )
    return {pid: (assessor or supervisor) for pid, assessor, supervisor in rows}


# --- pages --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetView:
    """A sheet as the page shows it: per person (in row order) their lines and stored marks."""

    people: list[Person]
    lines: dict[int, list[Line]]
    scores: dict[tuple[int, str], Score]
    no_track: int


def sheet_view(sheet: Sheet) -> SheetView:
    """The sheet's people with only their lines, and the marks stored on this sheet."""
    plan = sheet_plan(sheet.period)
    lines = plan.of(sheet.assessor_id)
    people = list(Person.objects.filter(pk__in=list(lines)).order_by("unit__path", "staff_no"))
    scores = {(s.person_id, s.indicator): s for s in Score.objects.filter(sheet=sheet)}
    no_track = len(plan.no_track) if sheet.assessor_id is None else 0
    return SheetView(people, lines, scores, no_track)


def sheet_editable(sheet: Sheet) -> bool:
    """A draft sheet of a period still open for scoring."""
    return sheet.status == SheetStatus.DRAFT and sheet.period.state in logic.SCORABLE


def shown(value: float | None) -> str:
    """A stored mark as an assessor types it."""
    return "" if value is None else f"{value:g}"


def periods_to_score(person: Person) -> list[Period]:
    """The periods open for scoring in which ``person`` has lines: a reviewer, the supervising leader
    of a unit, a member of a period's scoring group or the host assessor of a seconded person (the
    exact lines are the plan's; these are the periods worth a sheet)."""
    units = set(
        Unit.objects.filter(people__in=person.reviewees.filter(active=True)).values_list("pk", flat=True)
    )
    units |= set(person.supervised_units.values_list("pk", flat=True))
    units |= set(
        Secondment.objects.filter(
            Q(host_assessor=person) | Q(host_assessor__isnull=True, host_unit__supervisor=person)
        ).values_list("person__unit_id", flat=True)
    )
    member_of = set(ScoringGroupMember.objects.filter(person=person).values_list("period_id", flat=True))
    inside = Unit.objects.in_bulk(list(units))
    return [
        p
        for p in Period.objects.filter(state__in=logic.SCORABLE).select_related("unit")
        if p.pk in member_of or any(u.is_within(p.unit) for u in inside.values())
    ]


def scoring_progress(period: Period, plan: SheetPlan | None = None) -> list[dict]:
    """Scoring progress per assessor: the cells their sheet asks for, those filled and the sheet's
    state; the office chases the least filled first, then the filled but not handed in. A scoring
    group's members are listed even before they score; a group without members is ``plan.unstaffed``."""
    plan = plan or sheet_plan(period)
    filled: dict[int | None, int] = defaultdict(int)
    asked = {
        a: {(pid, ln.key) for pid, lines in rows.items() for ln in lines} for a, rows in plan.lines.items()
    }
    for who, pid, key in Score.objects.filter(sheet__period=period).values_list(
        "sheet__assessor_id", "person_id", "indicator"
    ):
        if (pid, key) in asked.get(who, ()):
            filled[who] += 1
    sheets = {s.assessor_id: s for s in Sheet.objects.filter(period=period)}
    names = dict(Person.objects.filter(pk__in=[a for a in plan.lines if a]).values_list("id", "name"))
    out: list[dict[str, Any]] = []
    for aid, rows in plan.lines.items():
        sheet = sheets.get(aid)
        out.append(
            {
                "assessor": names.get(aid, "") if aid is not None else _("Appraisal office"),
                "people": len(rows),
                "expected": len(asked[aid]),
                "filled": filled.get(aid, 0),
                "sheet": sheet,
                "submitted": bool(sheet and sheet.status == SheetStatus.SUBMITTED),
            }
        )
    out.sort(
        key=lambda a: (a["submitted"], a["filled"] / a["expected"] if a["expected"] else 1, a["assessor"])
    )
    return out


def scoring_groups(period: Period) -> list[dict]:
    """The scheme's scoring groups with their rule and members (the office's page)."""
    scheme = period.scheme.parsed()
    members: dict[str, list[Person]] = defaultdict(list)
    for m in (
        ScoringGroupMember.objects.filter(period=period).select_related("person").order_by("person__staff_no")
    ):
        members[m.group].append(m.person)
    out = []
    for name, group in scheme.scoring_groups.items():
        out.append(
            {"name": name, "min": group.min_assessors, "combine": group.combine, "members": members[name]}
        )
    return out
