"""Readiness: the coverage of every input a period's scheme requires, and what is still missing.

``readiness(period)`` walks :func:`kaohe.engine.requirements.requirements` of the period's scheme and
measures each against the gathered period data (the same set-based :func:`inputs.gather` the
computation reads) and a few counts (sheets, the linked campaign, log rollups). An input is *ready*
when it covers everyone who needs it, *empty* when the office has recorded, with a reason, that it
is truly empty this period ("本期无扣分事项"), *missing* otherwise. Compute refuses while anything is
missing; the explanation of a result cites the recorded reasons.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _

from kaohe.ballot.choices import CampaignStatus
from kaohe.engine import PeriodData, Scheme
from kaohe.engine.errors import DataError, ProblemList
from kaohe.engine.requirements import Need, Requirement, requirements
from kaohe.engine.stages.tracks import assign_tracks
from kaohe.worklog.models import Stat
from kaohe.worklog.workdays import month_starts

from .choices import ClaimStatus, SheetStatus
from .inputs import gather
from .inputs_period import pay_bases
from .inputs_records import recorded_kinds
from .models import Claim, EmptyInput, Period, Sheet

READY, EMPTY, MISSING, INFO = "ready", "empty", "missing", "info"

#: the Chinese name of each kind of input, for the readiness table
NEED_LABELS = {
    Need.ATTRIBUTE: "考核属性",
    Need.SCORE: "评分",
    Need.KPI: "量化指标",
    Need.WORKLOG: "工作日志",
    Need.TASK: "任务完成",
    Need.PERSONAL: "个性指标",
    Need.MEASURE: "期间指标",
    Need.RECORD: "人员记录",
    Need.CLAIM: "加减分事项",
    Need.BALLOT: "民主测评",
    Need.HOST_SCORE: "派驻单位评分",
    Need.UNIT_GRADE: "单位等次",
    Need.PREVIOUS: "以往结果",
    Need.HIRE_DATE: "入职日期",
    Need.LEAVE: "请假记录",
    Need.POOL: "奖金总额",
    Need.PAY_BASE: "绩效工资基数",
}

#: kinds that the office may record as truly empty for a period (a kind that cannot be empty —
#: scores, a ballot, a pool — is refused); unit grades: "本年度单位尚未评定等次"
MAY_BE_EMPTY = {Need.RECORD, Need.CLAIM, Need.LEAVE, Need.PREVIOUS, Need.UNIT_GRADE}


@dataclass(frozen=True)
class Coverage:
    """One requirement's state in a period: ``have`` of ``of`` covered; ``missing`` names (a few)
    of who or what is missing; ``note`` says it in words."""

    requirement: Requirement
    status: str
    have: int | None = None
    of: int | None = None
    missing: tuple[str, ...] = ()
    note: str = ""
    reason: str = ""  # the office's reason when recorded as truly empty

    @property
    def label(self) -> str:
        return NEED_LABELS[self.requirement.need]

    @property
    def blocks(self) -> bool:
        return self.status == MISSING


@dataclass
class _Context:
    period: Period
    scheme: Scheme
    data: PeriodData
    ids: list[int]
    track: np.ndarray
    track_names: list[str]
    without_track: list[str] = field(default_factory=list)
    empties: dict[tuple[str, str], EmptyInput] = field(default_factory=dict)
    record_counts: dict[str, int] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.ids)

    def names(self, mask: np.ndarray, limit: int = 8) -> tuple[str, ...]:
        people = self.data.people
        who = np.flatnonzero(mask)[:limit]
        labels = people.names if people.names is not None else people.ids
        return tuple(str(labels[i]) for i in who)


def readiness(period: Period) -> list[Coverage]:
    """Every requirement of the period's scheme with its coverage, tracks first."""
    ctx = _context(period)
    out = [_tracks(ctx)]
    for req in requirements(ctx.scheme):
        cov = _measure(ctx, req)
        empty = ctx.empties.get(req.key)
        if empty is not None and cov.status == MISSING and req.need in MAY_BE_EMPTY:
            cov = Coverage(
                req, EMPTY, cov.have, cov.of, note=_("recorded as truly empty"), reason=empty.reason
            )
        out.append(cov)
    return out


def blocking(coverage: Iterable[Coverage]) -> list[Coverage]:
    return [c for c in coverage if c.blocks]


def missing_message(coverage: Iterable[Coverage]) -> str:
    """One sentence per missing input, for a refusal."""
    parts = [
        f"{c.label}「{c.requirement.name}」：{c.note}" + (f"（{'、'.join(c.missing)}）" if c.missing else "")
        for c in blocking(coverage)
    ]
    return "；".join(parts)


def _context(period: Period) -> _Context:
    scheme = period.scheme.parsed()
    data, ids = gather(period, scheme, strict=False)
    problems = ProblemList("people", DataError)
    tracks = assign_tracks(scheme, data, problems)
    ctx = _Context(period, scheme, data, ids, tracks.track, tracks.track_names)
    ctx.without_track = list(ctx.names(tracks.track < 0))
    ctx.empties = {(e.need, e.name): e for e in EmptyInput.objects.filter(period=period)}
    ctx.record_counts = recorded_kinds(period)
    return ctx


def _tracks(ctx: _Context) -> Coverage:
    req = Requirement(Need.ATTRIBUTE, _("track"), ("tracks",), tuple(ctx.track_names), "office")
    lacking = int((ctx.track < 0).sum())
    if ctx.n == 0:
        return Coverage(req, MISSING, 0, 0, note=_("nobody is appraised in this period"))
    if lacking:
        note = _("%(n)d people match no track of the scheme") % {"n": lacking}
        return Coverage(req, MISSING, ctx.n - lacking, ctx.n, tuple(ctx.without_track), note)
    return Coverage(req, READY, ctx.n, ctx.n)


def _needing(ctx: _Context, req: Requirement) -> np.ndarray:
    """Who needs a leaf: everyone for a component's common tree; a track's people for its own tree."""
    place = req.places[0]
    if ".indicators_by_track." in place:
        track = place.split(".indicators_by_track.", 1)[1].split(".", 1)[0]
        if track in ctx.track_names:
            return ctx.track == ctx.track_names.index(track)
        return np.zeros(ctx.n, dtype=bool)
    return np.ones(ctx.n, dtype=bool)


def _count(req: Requirement, have: np.ndarray, need: np.ndarray, ctx: _Context, what: str) -> Coverage:
    lacking = need & ~have
    n_need, n_lack = int(need.sum()), int(lacking.sum())
    if n_lack == 0:
        return Coverage(req, READY, n_need, n_need)
    note = _("%(n)d of %(of)d people have no %(what)s") % {"n": n_lack, "of": n_need, "what": what}
    return Coverage(req, MISSING, n_need - n_lack, n_need, ctx.names(lacking), note)


def _measure(ctx: _Context, req: Requirement) -> Coverage:
    handler = _HANDLERS.get(req.need)
    if handler is None:
        return Coverage(req, MISSING, note=_("Kaohe has no way to collect this input yet"))
    return handler(ctx, req)


def _attribute(ctx: _Context, req: Requirement) -> Coverage:
    """A person attribute is covered when people carry it; someone without one of the scheme's values
    is simply not in the group a rule names (not 中层 → another track), so that is shown, not refused.
    Everyone having a track is checked on its own line."""
    col = ctx.data.people.attributes.get(req.name)
    read = any(not place.startswith("attributes.") for place in req.places)  # not only declared
    if col is None or not (col.codes >= 0).any():
        return Coverage(req, MISSING if read else INFO, 0, ctx.n, note=_("no person has this attribute"))
    named = int(col.isin(req.values).sum()) if req.values else int((col.codes >= 0).sum())
    note = _("%(n)d of %(of)d people have one of the scheme's values") % {"n": named, "of": ctx.n}
    return Coverage(req, READY, named, ctx.n, note=note)


def _score(ctx: _Context, req: Requirement) -> Coverage:
    col = ctx.data.scores.get(req.name)
    have = np.isfinite(col) if col is not None else np.zeros(ctx.n, dtype=bool)
    cov = _count(req, have, _needing(ctx, req), ctx, _("score"))
    drafts = list(
        Sheet.objects.filter(period=ctx.period)
        .exclude(status=SheetStatus.SUBMITTED)
        .values_list("assessor__name", flat=True)
    )
    if cov.status == READY and drafts:
        who = tuple(n or str(_("office")) for n in drafts[:8])
        note = _("sheets not submitted: %(who)s") % {"who": "、".join(who)}
        return Coverage(req, MISSING, cov.have, cov.of, (), note)
    return cov


def _task(ctx: _Context, req: Requirement) -> Coverage:
    col = ctx.data.task_rates.get(req.name)
    have = np.isfinite(col) if col is not None else np.zeros(ctx.n, dtype=bool)
    return _count(req, have, _needing(ctx, req), ctx, _("task completion"))


def _kpi(ctx: _Context, req: Requirement) -> Coverage:
    kpis = ctx.data.kpis
    have = np.zeros(ctx.n, dtype=bool)
    if len(kpis) and "indicator" in kpis.columns:
        ind = kpis.code("indicator")
        hit = ind.isin([req.name])
        have[kpis.person[hit]] = True
    return _count(req, have, _needing(ctx, req), ctx, _("KPI values"))


def _personal(ctx: _Context, req: Requirement) -> Coverage:
    table = ctx.data.personal
    have = np.zeros(ctx.n, dtype=bool)
    if len(table) and "node" in table.columns:
        hit = table.code("node").isin([req.name])
        have[table.person[hit]] = True
    return _count(req, have, _needing(ctx, req), ctx, _("personal indicators"))


def _worklog(ctx: _Context, req: Requirement) -> Coverage:
    starts = month_starts(ctx.period.start, ctx.period.end)
    with_stats = set(
        Stat.objects.filter(period="month", start__in=starts, person_id__in=ctx.ids, working_days__gt=0)
        .values_list("person_id", flat=True)
        .distinct()
    )
    have = np.fromiter((pid in with_stats for pid in ctx.ids), dtype=bool, count=ctx.n)
    return _count(req, have, np.ones(ctx.n, dtype=bool), ctx, _("work-log days in the period"))


def _measure_value(ctx: _Context, req: Requirement) -> Coverage:
    """A period measure is entered per unit (or for the whole period): name the units lacking it."""
    col = ctx.data.people.numbers.get(req.name)
    have = np.isfinite(col) if col is not None else np.zeros(ctx.n, dtype=bool)
    cov = _count(req, have, np.ones(ctx.n, dtype=bool), ctx, _("value of this measure"))
    units = ctx.data.people.attributes.get("unit")
    if cov.status == MISSING and units is not None:
        lacking = sorted({units.value(int(i)) for i in np.flatnonzero(~have)})
        return Coverage(req, MISSING, cov.have, cov.of, tuple(lacking[:8]), cov.note)
    return cov


def _claim(ctx: _Context, req: Requirement) -> Coverage:
    claims = Claim.objects.filter(period=ctx.period, category=req.name)
    approved = claims.filter(status=ClaimStatus.APPROVED).count()
    open_ = claims.filter(status__in=[ClaimStatus.SUBMITTED, ClaimStatus.SECTION_APPROVED]).count()
    if open_:
        note = _("%(n)d items are still waiting for a decision") % {"n": open_}
        return Coverage(req, MISSING, approved, approved + open_, note=note)
    if approved:
        return Coverage(req, READY, approved, approved, note=_("%(n)d approved") % {"n": approved})
    return Coverage(req, MISSING, 0, None, note=_("none filed: record that there are none, with a reason"))


def _record(ctx: _Context, req: Requirement) -> Coverage:
    """Dated records: present when the period's people have records of the kind (a veto or flag: of
    that item); else the office confirms, with a reason, that there are none."""
    kind = req.get("kind")
    if kind in ("veto", "flag"):
        flags = ctx.data.flags
        found = (
            int(flags.code("item").isin([req.name]).sum()) if len(flags) and "item" in flags.columns else 0
        )
    else:
        found = ctx.record_counts.get(kind, 0)
    if found:
        return Coverage(req, READY, found, None, note=_("%(n)d recorded") % {"n": found})
    return Coverage(req, MISSING, 0, None, note=_("none recorded: record that there are none, with a reason"))


def _leave(ctx: _Context, req: Requirement) -> Coverage:
    days = ctx.data.people.numbers.get("leave_days")
    found = int(np.sum(days > 0)) if days is not None else 0
    if found:
        return Coverage(req, READY, found, None, note=_("%(n)d people with leave") % {"n": found})
    return Coverage(
        req, MISSING, 0, None, note=_("no leave recorded: record that there is none, with a reason")
    )


def _ballot(ctx: _Context, req: Requirement) -> Coverage:
    campaign = ctx.period.ballot_campaign
    if campaign is None:
        return Coverage(req, MISSING, note=_("no ballot campaign is linked to the period"))
    if campaign.status != CampaignStatus.CLOSED:
        return Coverage(req, MISSING, note=_("the linked campaign is not closed"))
    groups = set(campaign.groups.values_list("name", flat=True))
    wanted = [g for g in req.get("groups").split("/") if g]
    unknown = [g for g in wanted if g not in groups]
    if len(unknown) == len(wanted):
        note = _("the campaign has none of the scheme's rater groups: %(g)s") % {"g": "、".join(unknown)}
        return Coverage(req, MISSING, 0, len(wanted), tuple(unknown), note)
    ballots = ctx.data.ballots
    have = np.zeros(ctx.n, dtype=bool)
    if len(ballots):
        have[ballots.person] = True
    return _count(req, have, np.ones(ctx.n, dtype=bool), ctx, _("ballot results"))


def _host(ctx: _Context, req: Requirement) -> Coverage:
    share = ctx.data.people.numbers.get("host_share")
    seconded = (np.nan_to_num(share) > 0) if share is not None else np.zeros(ctx.n, dtype=bool)
    score = ctx.data.people.numbers.get("host_score")
    have = np.isfinite(score) if score is not None else np.zeros(ctx.n, dtype=bool)
    if not seconded.any():
        return Coverage(req, READY, 0, 0, note=_("nobody is seconded in this period"))
    return _count(req, have, seconded, ctx, _("host-unit score"))


def _unit_grade(ctx: _Context, req: Requirement) -> Coverage:
    """Unit grades are entered for the units that have one: none at all is missing; a unit without
    a grade is shown (its people get the scheme's share for no grade), not refused."""
    col = ctx.data.people.attributes.get("unit_grade")
    have = (col.codes >= 0) if col is not None else np.zeros(ctx.n, dtype=bool)
    if not have.any() and not len(ctx.data.honours):
        return Coverage(req, MISSING, 0, ctx.n, note=_("no unit grade is entered for the period"))
    units = ctx.data.people.attributes.get("unit")
    lacking = sorted({units.value(int(i)) for i in np.flatnonzero(~have)}) if units is not None else []
    note = _("units without a grade: %(units)s") % {"units": "、".join(lacking[:8])} if lacking else ""
    return Coverage(req, READY, int(have.sum()), ctx.n, note=note)


def _previous(ctx: _Context, req: Requirement) -> Coverage:
    prev = ctx.data.previous
    kinds = prev.code("kind") if len(prev) and "kind" in prev.columns else None
    found = int(kinds.isin([req.name]).sum()) if kinds is not None else 0
    if kinds is not None and found:
        periods = len(set(prev.code("period").codes[kinds.isin([req.name])].tolist()))
        return Coverage(req, READY, periods, None, note=_("%(n)d earlier periods") % {"n": periods})
    return Coverage(
        req, INFO, 0, None, note=_("no earlier published period: rules over earlier periods see none")
    )


def _hire_date(ctx: _Context, req: Requirement) -> Coverage:
    months = ctx.data.people.numbers.get("months_in_unit")
    have = np.isfinite(months) if months is not None else np.zeros(ctx.n, dtype=bool)
    return _count(req, have, np.ones(ctx.n, dtype=bool), ctx, _("start date"))


def _pool(ctx: _Context, req: Requirement) -> Coverage:
    d = ctx.data
    amount = d.pool_amount if req.name == "pool" else d.pool_amounts.get(req.name)
    if amount is None:
        return Coverage(req, MISSING, note=_("no amount is set for the period"))
    return Coverage(req, READY, note=f"{amount}")


def _pay_base(ctx: _Context, req: Requirement) -> Coverage:
    bases = pay_bases(ctx.period, ctx.ids)
    if np.isnan(bases).all():
        return Coverage(req, MISSING, 0, ctx.n, note=_("no pay base is set for the period"))
    return _count(req, np.isfinite(bases), np.ones(ctx.n, dtype=bool), ctx, _("pay base"))


_HANDLERS = {
    Need.ATTRIBUTE: _attribute,
    Need.SCORE: _score,
    Need.KPI: _kpi,
    Need.WORKLOG: _worklog,
    Need.TASK: _task,
    Need.PERSONAL: _personal,
    Need.MEASURE: _measure_value,
    Need.RECORD: _record,
    Need.CLAIM: _claim,
    Need.BALLOT: _ballot,
    Need.HOST_SCORE: _host,
    Need.UNIT_GRADE: _unit_grade,
    Need.PREVIOUS: _previous,
    Need.HIRE_DATE: _hire_date,
    Need.LEAVE: _leave,
    Need.POOL: _pool,
    Need.PAY_BASE: _pay_base,
}
