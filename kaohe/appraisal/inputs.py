"""Gathering a period's engine inputs from the database with a few set-based queries.

People are exported with the scheme's words (docs/users/office.md, "How people meet the scheme"):
identity 班子成员 / 中层干部 / 一般干部, staffing 在编 / 社区指导员 / 不在编, post_type 管理 / 专业技术 / 工勤,
post_level 初级 / 中级 / 高级, unit (the unit's name), unit_kind (the period's map of unit kinds, else
:data:`UNIT_KIND_WORDS`) and unit_code. An org track whose name is one of the scheme's tracks is passed
as the person's track; otherwise the scheme's track conditions decide.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

import numpy as np
from django.db.models import Q, Sum

from kaohe.ballot.choices import CampaignStatus
from kaohe.ballot.selectors import compute as ballot_results
from kaohe.ballot.selectors import questionnaire
from kaohe.engine import Codes, People, PeriodData, Scheme, Table
from kaohe.engine.tree import leaves
from kaohe.org.models import LeaveRecord, Person, TrackMembership, in_subtree
from kaohe.worklog.models import Stat
from kaohe.worklog.workdays import month_starts

from .choices import ClaimStatus
from .inputs_people import add_stored_attributes
from .models import (
    IDENTITY_WORDS,
    POST_LEVEL_WORDS,
    POST_TYPE_WORDS,
    STAFFING_WORDS,
    UNIT_KIND_WORDS,
    Claim,
    Kpi,
    Period,
    PersonResult,
    Score,
)


def all_leaves(scheme: Scheme) -> dict:
    """Leaf key → Leaf over every indicator tree of the scheme."""
    out: dict = {}
    for cname, comp in scheme.components.items():
        trees = list((comp.indicators_by_track or {}).values()) + (
            [comp.indicators] if comp.indicators else []
        )
        for tree in trees:
            for leaf in leaves(cname, tree, f"components.{cname}.indicators"):
                out.setdefault(leaf.key, leaf)
    return out


def scored_leaves(scheme: Scheme) -> dict:
    """Leaves an assessor enters on a sheet: assessor scores, and task completion rates."""
    return {k: leaf for k, leaf in all_leaves(scheme).items() if leaf.node.source in ("assessor", "task")}


def kpi_leaves(scheme: Scheme) -> dict:
    return {k: leaf for k, leaf in all_leaves(scheme).items() if leaf.node.source == "kpi"}


def people_of(period: Period):
    return Person.objects.in_subtree(period.unit).filter(active=True)


def months_between(a: date, b: date) -> float:
    return (b.year - a.year) * 12 + (b.month - a.month) + (b.day - a.day) / 31


def gather(period: Period, scheme: Scheme) -> tuple[PeriodData, list[int]]:
    """The engine's PeriodData for ``period`` and the person ids in row order."""
    rows = list(
        people_of(period)
        .order_by("staff_no")
        .values_list(
            "id",
            "staff_no",
            "name",
            "identity",
            "staffing",
            "post_type",
            "post_level",
            "start_date",
            "unit__name",
            "unit__kind",
            "unit__code",
        )
    )
    ids = [r[0] for r in rows]
    index = {pid: i for i, pid in enumerate(ids)}
    kinds = UNIT_KIND_WORDS | dict(period.unit_kinds or {})
    people = People(
        ids=np.array([r[1] for r in rows], dtype=object), names=np.array([r[2] for r in rows], dtype=object)
    )
    people.attributes = {
        "identity": Codes.from_values([IDENTITY_WORDS.get(r[3], r[3]) for r in rows]),
        "staffing": Codes.from_values([STAFFING_WORDS.get(r[4], r[4]) for r in rows]),
        "post_type": Codes.from_values([POST_TYPE_WORDS.get(r[5], r[5]) for r in rows]),
        "post_level": Codes.from_values([POST_LEVEL_WORDS.get(r[6], r[6]) for r in rows]),
        "unit": Codes.from_values([r[8] for r in rows]),
        "unit_kind": Codes.from_values([kinds.get(r[9], r[9]) for r in rows]),
        "unit_code": Codes.from_values([r[10] for r in rows]),
    }
    add_stored_attributes(period, scheme, people, ids)
    people.numbers["months_in_unit"] = np.array(
        [months_between(r[7], period.end) for r in rows], dtype=np.float64
    )
    track_names = set(scheme.tracks)
    memberships = dict(
        TrackMembership.objects.filter(
            in_subtree(period.unit, via="person__unit"), year=period.start.year
        ).values_list("person_id", "track__name")
    )
    explicit = [memberships.get(pid, "") if memberships.get(pid, "") in track_names else "" for pid in ids]
    if any(explicit):
        people.track = Codes.from_values(explicit)
    _log_numbers(period, people, index)
    _leave_days(period, people, index)
    data = PeriodData(people=people, period=period.code)
    _scores(period, scheme, data, index)
    data.kpis = _kpis(period, index)
    data.claims = _claims(period, index)
    data.ballots = _ballots(period, index)
    data.previous = _previous(period, index)
    data.sources = {t: t for t in ("people", "scores", "tasks", "kpis", "claims", "ballots", "previous")}
    return data, ids


def _log_numbers(period: Period, people: People, index: dict[int, int]) -> None:
    """working_days, filled, reviewed and misses from the work-log monthly rollups (zeros if none)."""
    n = len(index)
    cols = {c: np.zeros(n) for c in ("working_days", "filled", "reviewed", "misses")}
    rows = (
        Stat.objects.filter(
            period="month",
            start__in=month_starts(period.start, period.end),
            person__in=Person.objects.in_subtree(period.unit),
        )
        .values("person_id")
        .annotate(w=Sum("working_days"), f=Sum("filled"), a=Sum("approved"), m=Sum("notices"))
        .values_list("person_id", "w", "f", "a", "m")
    )
    for pid, w, f, a, m in rows:
        i = index.get(pid)
        if i is not None:
            cols["working_days"][i], cols["filled"][i], cols["reviewed"][i], cols["misses"][i] = w, f, a, m
    people.numbers.update(cols)


def _leave_days(period: Period, people: People, index: dict[int, int]) -> None:
    days = np.zeros(len(index))
    for pid, start, end in LeaveRecord.objects.filter(
        in_subtree(period.unit, via="person__unit"), start__lte=period.end, end__gte=period.start
    ).values_list("person_id", "start", "end"):
        i = index.get(pid)
        if i is not None:
            days[i] += (min(end, period.end) - max(start, period.start)).days + 1
    people.numbers["leave_days"] = days


def _scores(period: Period, scheme: Scheme, data: PeriodData, index: dict[int, int]) -> None:
    n = len(index)
    leaf_map = scored_leaves(scheme)
    got = list(Score.objects.filter(period=period).values_list("person_id", "indicator", "value"))
    by_leaf: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for pid, key, value in got:
        i = index.get(pid)
        if i is not None and key in leaf_map:
            by_leaf[key].append((i, value))
    for key, pairs in by_leaf.items():
        col = np.full(n, np.nan)
        who = np.fromiter((p[0] for p in pairs), dtype=np.int64, count=len(pairs))
        col[who] = np.fromiter((p[1] for p in pairs), dtype=np.float64, count=len(pairs))
        target = data.task_rates if leaf_map[key].node.source == "task" else data.scores
        target[key] = col


def _table(rows: list[tuple], index: dict[int, int], numbers: dict[int, str], codes: dict[int, str]) -> Table:
    rows = [r for r in rows if r[0] in index]
    person = np.fromiter((index[r[0]] for r in rows), dtype=np.int64, count=len(rows))
    t = Table(person=person)
    for pos, name in numbers.items():
        t.columns[name] = np.array([float(r[pos]) for r in rows], dtype=np.float64)
    for pos, name in codes.items():
        t.columns[name] = Codes.from_values([r[pos] for r in rows])
    return t


def _kpis(period: Period, index: dict[int, int]) -> Table:
    rows = list(
        Kpi.objects.filter(period=period).values_list(
            "person_id", "indicator", "measure", "actual", "target", "multiple"
        )
    )
    if not rows:
        return Table.empty()
    return _table(rows, index, {3: "actual", 4: "target", 5: "multiple"}, {1: "indicator", 2: "measure"})


def _claims(period: Period, index: dict[int, int]) -> Table:
    rows = list(
        Claim.objects.filter(period=period, status=ClaimStatus.APPROVED).values_list(
            "person_id", "category", "points"
        )
    )
    if not rows:
        return Table.empty()
    t = _table(rows, index, {2: "points"}, {1: "category"})
    t.columns["approved"] = np.ones(len(t), dtype=bool)
    return t


def _ballots(period: Period, index: dict[int, int]) -> Table:
    """The linked campaign's counts once it is closed (nothing otherwise): per person, rater group,
    option (and dimension), only for the groups the ballot app's tally shows (at or over the
    campaign's minimum; a withheld group leaves no trace). Read from the tally directly, keyed by
    person id: the results page's rows (a Person object each) would cost seconds at 100,000 people."""
    campaign = period.ballot_campaign
    if campaign is None:
        return Table.empty()
    if campaign.status != CampaignStatus.CLOSED:
        return Table.empty()
    q = questionnaire(campaign)
    options: dict[Any, str] = {o.pk: o.label for o in q.options}
    dims: dict[Any, str] = {d.pk: d.name for d in q.dimensions}
    groups: dict[Any, str] = dict(campaign.groups.values_list("pk", "name"))
    where: dict[Any, int] = dict(index)
    who: list[int] = []
    group_col: list[str] = []
    option_col: list[str] = []
    dim_col: list[str] = []
    count_col: list[int] = []
    for res in ballot_results(campaign):
        i = where.get(res.person)
        if i is None:
            continue
        for gid, gr in res.groups.items():
            for (dim, opt), n in gr.counts.items():
                who.append(i)
                group_col.append(groups[gid])
                option_col.append(options[opt])
                dim_col.append(dims.get(dim, ""))
                count_col.append(n)
    if not who:
        return Table.empty()
    t = Table(person=np.array(who, dtype=np.int64))
    t.columns["count"] = np.array(count_col, dtype=np.float64)
    t.columns["group"] = Codes.from_values(group_col)
    t.columns["option"] = Codes.from_values(option_col)
    if dims:
        t.columns["dimension"] = Codes.from_values(dim_col)
    return t


def _previous(period: Period, index: dict[int, int]) -> Table:
    """Published results in force of the unit's earlier periods and of the shorter periods inside
    this one (a year reads its quarters and months), for aggregation, tail rules and consequences."""
    rows = list(
        PersonResult.objects.filter(
            Q(result_set__period__end__lt=period.start)
            | Q(result_set__period__start__gte=period.start, result_set__period__end__lte=period.end),
            result_set__current=True,
            result_set__period__unit=period.unit,
            result_set__period__state__in=["publicity", "final"],
        )
        .exclude(result_set__period=period)
        .values_list(
            "person_id",
            "result_set__period__code",
            "result_set__period__kind",
            "total",
            "grade",
            "rank",
            "track_size",
        )
    )
    if not rows:
        return Table.empty()
    return _table(rows, index, {3: "total", 5: "rank", 6: "size"}, {1: "period", 2: "kind", 4: "grade"})
