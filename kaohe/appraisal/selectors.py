"""Reads of the appraisal cycle, all scoped through ``kaohe.accounts.scope`` (404 outside scope),
and the reads the pages assemble (a few grouped queries each, none per row)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Case, Exists, OuterRef, Q, QuerySet, When
from django.http import Http404

from kaohe.accounts.models import Role
from kaohe.accounts.scope import people_for_user, scope_for
from kaohe.org.models import Person, Secondment
from kaohe.platform.roles import BROWSE, COMMITTEE, OVERSEE

from . import logic
from .choices import AppealStatus, ClaimStatus, PeriodState, grade_or_status
from .inputs import scored_leaves
from .models import Appeal, Claim, Evidence, Kpi, Period, PersonResult, ResultSet, Scheme, Score, Sheet


def _get(qs: QuerySet, pk):
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def periods_for_user(user, roles=OVERSEE) -> QuerySet[Period]:
    return Period.objects.filter(unit__in=scope_for(user).units(roles)).select_related("unit", "scheme")


def get_period_for_user(user, pk, roles=OVERSEE) -> Period:
    return _get(periods_for_user(user, roles), pk)


def schemes_for_user(user) -> QuerySet[Scheme]:
    """Schemes attached inside the user's scope, and schemes not attached anywhere yet."""
    units = scope_for(user).units(OVERSEE)
    return Scheme.objects.filter(Q(attachments__unit__in=units) | Q(attachments__isnull=True)).distinct()


def get_scheme_for_user(user, pk) -> Scheme:
    return _get(schemes_for_user(user), pk)


def scheme_context(user, scheme: Scheme) -> dict:
    """What the scheme page offers beside the scheme: its attachments, the other schemes to compare
    with and the periods (computed or later) to preview it on."""
    return {
        "attachments": scheme.attachments.select_related("unit"),
        "others": schemes_for_user(user).exclude(pk=scheme.pk),
        "periods": periods_for_user(user).exclude(state=PeriodState.OPEN)[:50],
    }


def sheets_for_user(user) -> QuerySet[Sheet]:
    """The user's own sheets, and (office) every sheet of the periods in scope."""
    q = Q(assessor__user=user) if user.is_authenticated else Q(pk__in=[])
    if scope_for(user).has_role(Role.OFFICE):
        q |= Q(period__in=periods_for_user(user, [Role.OFFICE]))
    return Sheet.objects.filter(q).select_related("period__unit", "period__scheme", "assessor")


def get_sheet_for_user(user, pk) -> Sheet:
    return _get(sheets_for_user(user), pk)


def claims_for_user(user) -> QuerySet[Claim]:
    """Own claims and the deductions filed against oneself; those one filed; the claims of the
    people a reviewer or the committee oversees."""
    scope = scope_for(user)
    q = Q(person__user=user) | Q(filed_by=user) if user.is_authenticated else Q(pk__in=[])
    roles = [r for r in (Role.REVIEWER, *COMMITTEE) if scope.has_role(r)]
    if roles:
        q |= Q(person__in=people_for_user(user, roles))
    return Claim.objects.filter(q).select_related("person__unit", "period__unit")


def get_claim_for_user(user, pk) -> Claim:
    return _get(claims_for_user(user), pk)


def rows_for_user(user) -> QuerySet[PersonResult]:
    """Own results, and the results of the people the user oversees or reviews."""
    scope = scope_for(user)
    q = Q(person__user=user) if user.is_authenticated else Q(pk__in=[])
    roles = [r for r in BROWSE if scope.has_role(r)]
    if roles:
        q |= Q(person__in=people_for_user(user, roles))
    if scope.has_role(Role.OFFICE):
        q |= Q(Exists(_hosted(scope.units([Role.OFFICE]))))
    return PersonResult.objects.filter(q).select_related(
        "person__unit", "result_set__period__unit", "result_set__period__scheme"
    )


def _hosted(units) -> QuerySet[Secondment]:
    """The secondments into ``units`` that overlap a result row's period: the host unit's office sees
    the result of the person seconded to it (004 两头考评), as the home unit's does."""
    period = "result_set__period__"
    return Secondment.objects.filter(
        Q(end__isnull=True) | Q(end__gte=OuterRef(period + "start")),
        person=OuterRef("person"),
        host_unit__in=units,
        start__lte=OuterRef(period + "end"),
    )


def get_row_for_user(user, pk) -> PersonResult:
    return _get(rows_for_user(user), pk)


def own_row(user, pk) -> PersonResult:
    return (
        _get(PersonResult.objects.filter(person__user=user).select_related("result_set__period"), pk)
        if user.is_authenticated
        else _get(PersonResult.objects.none(), pk)
    )


def appeals_for_user(user) -> QuerySet[Appeal]:
    scope = scope_for(user)
    q = Q(person__user=user) if user.is_authenticated else Q(pk__in=[])
    if scope.has_role(*COMMITTEE):
        q |= Q(person__in=people_for_user(user, COMMITTEE))
    return Appeal.objects.filter(q).select_related("person__unit", "period__unit", "row")


def get_appeal_for_user(user, pk) -> Appeal:
    return _get(appeals_for_user(user), pk)


def appeals_to_review(user) -> QuerySet[Appeal]:
    """The appeals the committee member reviews (never their own), the first 300."""
    return appeals_for_user(user).exclude(person__user=user)[:300]


def own_appeals(user) -> QuerySet[Appeal]:
    """The user's own appeals."""
    return appeals_for_user(user).filter(person__user=user)


def get_evidence_for_user(user, pk) -> Evidence:
    ev = _get(Evidence.objects.all(), pk)
    if ev.claim_id and claims_for_user(user).filter(pk=ev.claim_id).exists():
        return ev
    if ev.appeal_id and appeals_for_user(user).filter(pk=ev.appeal_id).exists():
        return ev
    raise Http404


def current_set(period: Period) -> ResultSet | None:
    """The period's version in force (without its stored run), or None before computation."""
    return ResultSet.objects.filter(period=period, current=True).defer("blob").first()


def in_rank_order(rows: QuerySet[PersonResult], *first: str) -> QuerySet[PersonResult]:
    """Ordered by ``first`` fields, then rank 1 first; people without a rank place (rank 0: not
    graded this period) last."""
    return rows.order_by(*first, Case(When(rank=0, then=1), default=0), "rank", "-total", "person__staff_no")


def distribution(rs: ResultSet, grades: list[str], track: str | None = None) -> list[dict]:
    """Per quota group (of ``track`` if given): people, count per grade and the quota's ceiling and
    floor."""
    counts: dict[str, Counter] = {}
    rows = rs.rows.all() if track is None else rs.rows.filter(track=track)
    for group, grade, status in rows.values_list("quota_group", "grade", "status"):
        counts.setdefault(group, Counter())[grade or status or "—"] += 1
    out = []
    for group, c in sorted(counts.items()):
        quota = rs.quotas.get(group, {})
        out.append(
            {
                "group": group,
                "people": sum(c.values()),
                "cells": [
                    {
                        "grade": g,
                        "n": c.get(g, 0),
                        "ceiling": quota.get("ceilings", {}).get(g),
                        "floor": quota.get("floors", {}).get(g) or 0,
                        "over": quota.get("ceilings", {}).get(g) is not None
                        and c.get(g, 0) > quota["ceilings"][g],
                    }
                    for g in grades
                ],
                "ungraded": sum(n for k, n in c.items() if k not in grades),
            }
        )
    return out


# --- scoring ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A leaf indicator as a column of a sheet (``i`` numbers the form fields)."""

    i: int
    key: str
    name: str
    points: float | None
    task: bool


def columns(period: Period) -> list[Column]:
    """The indicators scored on the period's sheets, in the scheme's order."""
    return [
        Column(i, k, "/".join(leaf.names), leaf.node.points, leaf.node.source == "task")
        for i, (k, leaf) in enumerate(scored_leaves(period.scheme.parsed()).items())
    ]


def shown(value: float | None, task: bool = False) -> str:
    """A stored score as an assessor types it (a task's rate in %)."""
    if value is None:
        return ""
    return f"{round(value * 100, 2) if task else value:g}"


# --- claims ------------------------------------------------------------------------------------------


def claimable_periods(person: Person | None) -> list[Period]:
    """The periods open for claims whose unit subtree holds ``person``."""
    if person is None:
        return []
    periods = Period.objects.filter(state__in=logic.CLAIMABLE).select_related("unit", "scheme")
    return [p for p in periods if person.unit.is_within(p.unit)]


def claim_categories(period: Period) -> list[tuple[str, object]]:
    """The bonus categories of the period's scheme that people claim: (name, adjustment)."""
    adjustments = period.scheme.parsed().adjustments.items()
    return [(n, a) for n, a in adjustments if a.source == "claims" and a.kind == "bonus"]


def deduction_categories(period: Period) -> list[tuple[str, object]]:
    """The deduction categories of the period's scheme that are filed against people."""
    adjustments = period.scheme.parsed().adjustments.items()
    return [(n, a) for n, a in adjustments if a.source == "claims" and a.kind == "deduction"]


def deduction_periods(user) -> list[Period]:
    """Periods open for claims, in the user's reviewer or office subtrees, with deduction categories."""
    paths = scope_for(user).paths([Role.REVIEWER, Role.OFFICE])
    periods = Period.objects.filter(state__in=logic.CLAIMABLE).select_related("unit", "scheme")
    return [
        p
        for p in periods
        if any(p.unit.path.startswith(x) or x.startswith(p.unit.path) for x in paths)
        and deduction_categories(p)
    ]


def claim_lists(user) -> dict:
    """The claims page's lists: the user's own, those waiting for the section (reviewers) and those
    waiting for the committee."""
    qs = claims_for_user(user)
    scope = scope_for(user)
    section = qs.filter(status=ClaimStatus.SUBMITTED).exclude(person__user=user).exclude(filed_by=user)
    committee = (
        qs.filter(status=ClaimStatus.SECTION_APPROVED).exclude(person__user=user).exclude(filed_by=user)
    )
    return {
        "mine": qs.filter(person__user=user) if getattr(user, "person", None) else [],
        "filed": qs.filter(filed_by=user).exclude(person__user=user),
        "section": section if scope.has_role(Role.REVIEWER) else [],
        "committee": committee if scope.has_role(*COMMITTEE) else [],
        "can_deduct": scope.has_role(Role.REVIEWER, Role.OFFICE),
    }


def can_decide_claim(user, claim: Claim) -> bool:
    """The section (a reviewer, not the claimant) decides a submitted claim, the committee one the
    section approved."""
    scope = scope_for(user)
    if user.pk in (claim.filed_by_id, claim.person.user_id):
        return False  # whoever filed an item, or is its subject, never decides it
    if claim.status == ClaimStatus.SUBMITTED:
        return scope.has_role(Role.REVIEWER)
    return claim.status == ClaimStatus.SECTION_APPROVED and scope.has_role(*COMMITTEE)


def kpis_of(period: Period) -> QuerySet[Kpi]:
    """The period's KPI rows (the first 500) with their people."""
    return period.kpis.select_related("person")[:500]


def claims_of(period: Period) -> QuerySet[Claim]:
    """The period's claims (the first 200) with their people."""
    return Claim.objects.filter(period=period).select_related("person")[:200]


# --- results ------------------------------------------------------------------------------------------

RESULT_COLUMNS = (
    "pk",
    "person__name",
    "person__staff_no",
    "person__unit__name",
    "total",
    "rank",
    "track_size",
    "grade",
    "status",
    "components",
    "tail",
    "pay_factor",
    "pay_fen",
    "pool_fen",
)


def track_results(period: Period, track: str) -> dict:
    """The results page of one version in force: its tracks, the chosen ``track`` (else the first),
    its rows in rank order (one query) and its grades against the quotas."""
    rs = current_set(period)
    grades = list(period.scheme.parsed().grading.grades)
    out: dict = {"rs": rs, "grades": grades, "tracks": [], "track": track, "rows": [], "distribution": []}
    if rs is not None:
        tracks = list(rs.rows.order_by("track").values_list("track", flat=True).distinct())
        track = track if track in tracks else (tracks[0] if tracks else "")
        rows = list(in_rank_order(rs.rows.filter(track=track)).values(*RESULT_COLUMNS))
        out |= {"tracks": tracks, "track": track, "rows": rows}
        out["distribution"] = distribution(rs, grades, track)
    out["components"] = list(out["rows"][0]["components"]) if out["rows"] else []
    out["money"] = money_columns(rs, out["rows"])
    return out


def money_columns(rs: ResultSet | None, rows: list[dict]) -> dict[str, bool]:
    """Which money columns a version shows: the pay amount where a pay base gave one, the pool share
    where a pool amount was given (a share of 0.00 then means none, not a missing amount)."""
    return {
        "pay": any(r["pay_fen"] is not None for r in rows),
        "pool": rs is not None and rs.pool_total_fen is not None,
    }


def rows_in_force(period: Period) -> QuerySet[PersonResult]:
    """The rows of the period's version in force, per track in rank order."""
    return (
        PersonResult.objects.filter(result_set__period=period, result_set__current=True)
        .select_related("person", "result_set__period")
        .order_by("track", "rank")
    )


def published_rows_of(user) -> QuerySet[PersonResult]:
    """The user's own results in force once published, newest period first."""
    return (
        PersonResult.objects.filter(
            person__user=user,
            result_set__current=True,
            result_set__period__state__in=[PeriodState.PUBLICITY, PeriodState.FINAL],
        )
        .select_related("person", "result_set__period__unit")
        .order_by("-result_set__period__start")
    )


def versions_of(row: PersonResult) -> QuerySet[PersonResult]:
    """The person's results in every version of the row's period, newest first."""
    return (
        PersonResult.objects.filter(person=row.person, result_set__period=row.result_set.period)
        .select_related("result_set")
        .defer("result_set__blob")  # the stored run is read only for the row shown
        .order_by("-result_set__version")
    )


def result_hidden(user, row: PersonResult) -> bool:
    """People see their own result once it is published (those who browse see it before)."""
    own = row.person.user_id == user.pk
    return own and not row.result_set.period.locked and not scope_for(user).has_role(*BROWSE)


def committee_rows(period: Period) -> dict:
    """The committee page: the version in force ranked per quota group and its grades against the
    quotas, the decisions and the appeals under review."""
    rs = current_set(period)
    grades = list(period.scheme.parsed().grading.grades)
    ranked = list(in_rank_order(rs.rows.select_related("person__unit"), "quota_group")) if rs else []
    return {
        "rs": rs,
        "grades": grades,
        "distribution": distribution(rs, grades) if rs else [],
        "ranked": ranked,
        "rows": rs.rows.all() if rs else PersonResult.objects.none(),
        "decisions": period.decisions.all(),
        "appeals": period.appeals.filter(status=AppealStatus.FILED).select_related("person"),
    }


def can_decide_appeal(user, appeal: Appeal) -> bool:
    """The committee decides an appeal, never on its own result."""
    return scope_for(user).has_role(*COMMITTEE) and appeal.person.user_id != user.pk


def appeal_scores(appeal: Appeal) -> dict[str, float]:
    """The appellant's stored scores of the period, by leaf key."""
    scores = Score.objects.filter(sheet__period=appeal.period, person=appeal.person)
    return dict(scores.values_list("indicator", "value"))


def publish_summary(period: Period) -> dict:
    """What publishing will do, for the office to confirm: the people shown their result, the grades
    per track, the publicity window that will open and the people notified."""
    rs = current_set(period)
    rows = rs.rows.all() if rs is not None else PersonResult.objects.none()
    grades = Counter(grade_or_status(g, st) for g, st in rows.values_list("grade", "status"))
    notified = rows.filter(person__user__isnull=False).count()
    return {
        "version": rs.version if rs is not None else None,
        "people": sum(grades.values()),
        "grades": sorted(grades.items(), key=lambda kv: -kv[1]),
        "notified": notified,
        "days": period.publicity_days,
        "appeal_days": period.appeal_days,
        "today_counts": period.publication_day_counts,
        "decisions": period.decisions.count(),
    }
