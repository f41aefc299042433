"""The committee: grade changes within the quotas, with a reason, and the recorded decision."""

from __future__ import annotations

from datetime import date

import numpy as np
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from kaohe.audit.services import record
from kaohe.engine.period_inputs import pay_factor_of, pay_fen
from kaohe.platform.errors import Refusal

from .. import logic
from ..choices import PeriodState
from ..models import CommitteeDecision, GradeChange, Period, PersonResult, ResultSet
from .periods import lock

S = PeriodState


def quota_problem(rs: ResultSet, row: PersonResult, to: str, grades: list[str]) -> str | None:
    """What giving ``row`` the grade ``to`` would break in its quota group, or None."""
    counts = dict(
        rs.rows.filter(quota_group=row.quota_group)
        .exclude(grade="")
        .exclude(pk=row.pk)
        .values_list("grade")
        .annotate(n=Count("id"))
        .values_list("grade", "n")
    )
    counts[to] = counts.get(to, 0) + 1
    return logic.check_quota(grades, rs.quotas.get(row.quota_group, {"name": row.quota_group}), counts)


def regrade(row: PersonResult, grade: str, scheme) -> None:
    """Save ``grade`` as the row's grade in force; the pay factor and the pay amount follow it (the
    pool shares stay the engine's: they are shared among everyone at once)."""
    row.grade = grade
    fields = ["grade"]
    if row.pay_fen is not None and row.pay_base_fen is not None:
        row.pay_factor = pay_factor_of(scheme, grade)
        amount = pay_fen(np.array([row.pay_base_fen]), np.array([row.pay_factor]), np.array([True]))
        row.pay_fen = int(amount[0])
        fields += ["pay_factor", "pay_fen"]
    row.save(update_fields=fields)


@transaction.atomic
def change_grade(*, actor, row: PersonResult, grade: str, reason: str) -> PersonResult:
    """The committee changes a grade within the quotas, with a recorded reason."""
    row = PersonResult.objects.select_for_update().select_related("result_set__period__scheme").get(pk=row.pk)
    period = row.result_set.period
    if period.state != S.COMMITTEE or not row.result_set.current:
        raise Refusal(_("Grades are changed by the committee, before publication."))
    grades = list(period.scheme.parsed().grading.grades)
    if grade not in grades:
        raise Refusal(_("%(grade)s is not a grade of the scheme.") % {"grade": grade})
    if row.status:
        raise Refusal(
            _("%(person)s gets no grade this period (%(status)s).")
            % {"person": row.person, "status": row.get_status_display()}
        )
    if not reason.strip():
        raise Refusal(_("Give the reason for the change."))
    problem = quota_problem(row.result_set, row, grade, grades)
    if problem:
        raise Refusal(problem)
    GradeChange.objects.create(
        row=row, from_grade=row.grade, to_grade=grade, reason=reason.strip()[:300], by=actor
    )
    before = row.grade
    regrade(row, grade, period.scheme.parsed())
    record(
        actor=actor,
        action="appraisal.grade.change",
        obj=row,
        object_repr=str(row.person_id),
        before={"grade": before},
        after={"grade": grade, "reason": reason},
    )
    return row


@transaction.atomic
def record_decision(*, actor, period: Period, members: str, day: date, decision: str) -> CommitteeDecision:
    """Record the committee's decision on the period (needed before publishing)."""
    period = lock(period)
    if period.state != S.COMMITTEE:
        raise Refusal(_("The committee decides while the period is with the committee."))
    if not members.strip() or not decision.strip():
        raise Refusal(_("Name the members and write the decision."))
    d = CommitteeDecision.objects.create(
        period=period, members=members.strip()[:500], day=day, decision=decision.strip(), recorded_by=actor
    )
    record(
        actor=actor, action="appraisal.committee.decide", obj=period, after={"members": d.members, "day": day}
    )
    return d
