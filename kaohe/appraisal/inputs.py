"""Gathering a period's engine inputs from the database with a few set-based queries.

People are exported with the scheme's words (docs/users/office.md, "How people meet the scheme"):
identity 班子成员 / 中层干部 / 一般干部, staffing 在编 / 社区指导员 / 不在编, post_type 管理 / 专业技术 / 工勤,
post_level 初级 / 中级 / 高级, unit (the unit's name), unit_kind (the period's map of unit kinds, else
:data:`UNIT_KIND_WORDS`) and unit_code. An org track whose name is one of the scheme's tracks is passed
as the person's track; otherwise the scheme's track conditions decide.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import numpy as np
from django.db.models import Q, Sum

from kaohe.ballot.choices import CampaignStatus
from kaohe.ballot.selectors import compute as ballot_results
from kaohe.ballot.selectors import questionnaire
from kaohe.engine import Codes, People, PeriodData, Scheme, Table
from kaohe.engine.dates import full_months
from kaohe.engine.marks import GROUP, REVIEWER, AssessorSpec, combine_marks, leaf_assessors, rule_of
from kaohe.engine.tree import leaves
from kaohe.org.models import Person, Secondment, TrackMembership, in_subtree
from kaohe.worklog.models import Stat
from kaohe.worklog.workdays import month_starts

from .choices import ClaimStatus
from .inputs_people import add_stored_attributes
from .inputs_period import add_period_inputs
from .inputs_personal import personal_table
from .inputs_records import confirmed_empty_kinds, gather_records
from .models import (
    HOST_SCORE,
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
    Sheet,
)
from .personal_rules import personal_nodes


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
    """Leaves assessors score on sheets (``source: assessor``), over every track. Which of them a
    given sheet asks of a given person is decided by ``selectors_sheets.person_lines``."""
    return {k: leaf for k, leaf in all_leaves(scheme).items() if leaf.node.source == "assessor"}


def kpi_leaves(scheme: Scheme) -> dict:
    return {k: leaf for k, leaf in all_leaves(scheme).items() if leaf.node.source == "kpi"}


def people_of(period: Period):
    """Who is appraised in the period: active people of its unit's subtree who had started by its
    last day (someone hired after the period is not in it, nor in a roll-up of it)."""
    return Person.objects.in_subtree(period.unit).filter(active=True, start_date__lte=period.end)


def months_in_unit(start: date, period_end: date) -> int:
    """Whole months served in the unit by the period's last day (that day served too: someone who
    started on 1 July has served six months on 31 December), as the regulations count them."""
    return full_months(start, period_end + timedelta(days=1))


def gather(period: Period, scheme: Scheme, *, strict: bool = True) -> tuple[PeriodData, list[int]]:
    """The engine's PeriodData for ``period`` and the person ids in row order. ``strict``: a period
    measure missing for someone is refused (readiness gathers leniently to show what is missing)."""
    people, ids, rows = _people_rows(period, scheme)
    index = {pid: i for i, pid in enumerate(ids)}
    _log_numbers(period, people, index)
    data = PeriodData(people=people, period=period.code)
    gather_records(
        period,
        scheme,
        data,
        index,
        units=[r[11] for r in rows],
        starts=[r[7] for r in rows],
        confirmed_empty=confirmed_empty_kinds(period, scheme),
    )
    _scores(period, scheme, data, index)
    _host_scores(period, scheme, data, index)
    data.kpis = _kpis(period, index)
    data.claims = _claims(period, index)
    data.ballots = _ballots(period, index)
    data.previous = _previous(period, index)
    data.personal = personal_table(period, personal_nodes(all_leaves(scheme)), index)
    data.sources |= {t: t for t in ("people", "scores", "tasks", "kpis", "claims", "ballots", "previous")}
    # measures, pools, unit grades and honours, task results (strict: a missing measure is refused)
    add_period_inputs(period, scheme, data, ids, strict=strict)
    return data, ids


def gather_people(period: Period, scheme: Scheme) -> tuple[People, list[int]]:
    """The period's people with the attributes the scheme's tracks match on, and their ids in row
    order (staff number): two queries. The sheets use it to know each person's track."""
    people, ids, _rows = _people_rows(period, scheme)
    return people, ids


def _people_rows(period: Period, scheme: Scheme) -> tuple[People, list[int], list[tuple]]:
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
            "unit_id",
        )
    )
    ids = [r[0] for r in rows]
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
        [months_in_unit(r[7], period.end) for r in rows], dtype=np.float64
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
    return people, ids, rows


def _log_numbers(period: Period, people: People, index: dict[int, int]) -> None:
    """log_days (the working days a log was expected), filled, reviewed and misses from the work-log
    monthly rollups (zeros if none)."""
    n = len(index)
    cols = {c: np.zeros(n) for c in ("log_days", "filled", "reviewed", "misses")}
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
            cols["log_days"][i], cols["filled"][i], cols["reviewed"][i], cols["misses"][i] = w, f, a, m
    people.numbers.update(cols)


def _scores(period: Period, scheme: Scheme, data: PeriodData, index: dict[int, int]) -> None:
    """Each leaf's score per person from the marks on every sheet: an assessed leaf's marks combined by
    its assessor's rule (``kaohe.engine.marks``: the mean, or a scoring group's trimmed mean and
    minimum); fewer marks than the minimum leave NaN, never 0. Task rates stored as marks (the demo's)
    are read as before until the task input replaces them."""
    n = len(index)
    leaf_map = {k: leaf for k, leaf in all_leaves(scheme).items() if leaf.node.source in ("assessor", "task")}
    specs = leaf_assessors(scheme)
    office = Sheet.objects.filter(period=period, assessor__isnull=True).values_list("pk", flat=True).first()
    got = Score.objects.filter(sheet__period=period).exclude(indicator=HOST_SCORE)
    by_leaf: dict[str, tuple[list[int], list[float]]] = defaultdict(lambda: ([], []))
    fixed: dict[str, dict[int, float]] = defaultdict(dict)  # the office's mark on a group's leaf
    for pid, key, value, sheet in got.values_list("person_id", "indicator", "value", "sheet_id"):
        i = index.get(pid)
        if i is not None and key in leaf_map:
            if sheet == office and specs.get(key, AssessorSpec(REVIEWER)).kind == GROUP:
                fixed[key][i] = value
                continue
            who, marks = by_leaf[key]
            who.append(i)
            marks.append(value)
    for key in set(by_leaf) | set(fixed):
        who, marks = by_leaf.get(key, ([], []))
        rule = rule_of(scheme, specs.get(key, AssessorSpec(REVIEWER)))
        col, _count = combine_marks(
            np.array(who, dtype=np.int64),
            np.array(marks, dtype=np.float64),
            n,
            min_assessors=rule.min_assessors,
            how=rule.combine,
        )
        # A group's leaf has no office line: an office mark there is a committee's correction on
        # appeal, and it stands alone.
        for i, value in fixed.get(key, {}).items():
            col[i] = value
        target = data.task_rates if leaf_map[key].node.source == "task" else data.scores
        target[key] = col


def _host_scores(period: Period, scheme: Scheme, data: PeriodData, index: dict[int, int]) -> None:
    """Seconded staff (``secondment``): ``host_share`` from the secondment overlapping the period (the
    host unit's share, 0–1) and ``host_score``, the host assessor's overall score (the mean if
    several); NaN where none, so the engine keeps the home unit's score alone."""
    if scheme.secondment is None:
        return
    n = len(index)
    share = np.full(n, np.nan)
    for pid, home_share in (
        Secondment.objects.filter(in_subtree(period.unit, via="person__unit"), start__lte=period.end)
        .filter(Q(end__isnull=True) | Q(end__gte=period.start))
        .values_list("person_id", "home_share")
    ):
        i = index.get(pid)
        if i is not None:
            share[i] = (100 - float(home_share)) / 100
    marks = list(
        Score.objects.filter(sheet__period=period, indicator=HOST_SCORE).values_list("person_id", "value")
    )
    pairs = [(index[pid], v) for pid, v in marks if pid in index]
    host, _count = combine_marks(
        np.array([p[0] for p in pairs], dtype=np.int64), np.array([p[1] for p in pairs], dtype=np.float64), n
    )
    data.people.numbers["host_share"] = share
    data.people.numbers["host_score"] = np.where(np.isfinite(share), host, np.nan)


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
