"""Reads of the appraisal cycle, all scoped through ``kaohe.accounts.scope`` (404 outside scope)."""

from __future__ import annotations

from collections import Counter

from django.db.models import Case, Q, QuerySet, When
from django.http import Http404

from kaohe.accounts.models import Role
from kaohe.accounts.scope import people_for_user, scope_for
from kaohe.platform.roles import BROWSE, COMMITTEE, OVERSEE

from .models import Appeal, Claim, Evidence, Period, PersonResult, ResultSet, Scheme, Sheet


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


def sheets_for_user(user) -> QuerySet[Sheet]:
    """The user's own sheets, and (office) every sheet of the periods in scope."""
    q = Q(assessor__user=user) if user.is_authenticated else Q(pk__in=[])
    if scope_for(user).has_role(Role.OFFICE):
        q |= Q(period__in=periods_for_user(user, [Role.OFFICE]))
    return Sheet.objects.filter(q).select_related("period__unit", "period__scheme", "assessor")


def get_sheet_for_user(user, pk) -> Sheet:
    return _get(sheets_for_user(user), pk)


def claims_for_user(user) -> QuerySet[Claim]:
    """Own claims; the claims of the people a reviewer or the committee oversees."""
    scope = scope_for(user)
    q = Q(person__user=user) if user.is_authenticated else Q(pk__in=[])
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
    return PersonResult.objects.filter(q).select_related(
        "person__unit", "result_set__period__unit", "result_set__period__scheme"
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


def get_evidence_for_user(user, pk) -> Evidence:
    ev = _get(Evidence.objects.all(), pk)
    if ev.claim_id and claims_for_user(user).filter(pk=ev.claim_id).exists():
        return ev
    if ev.appeal_id and appeals_for_user(user).filter(pk=ev.appeal_id).exists():
        return ev
    raise Http404


def current_set(period: Period) -> ResultSet | None:
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
