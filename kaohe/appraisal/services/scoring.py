"""Scoring: assessors' sheets (save, submit, reopen, remind) and the office's KPI rows."""

from __future__ import annotations

import math

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kaohe.accounts.models import Role
from kaohe.accounts.scope import scope_for
from kaohe.audit.services import record
from kaohe.org.models import Person
from kaohe.platform.errors import Refusal
from kaohe.platform.notifications import notify

from .. import rules
from ..choices import SheetStatus
from ..inputs import kpi_leaves, people_of, scored_leaves
from ..models import Kpi, Period, Score, Sheet
from ..selectors import periods_for_user, periods_to_score, sheet_people, sheets_for_user
from .personal import missing_personal_scores, save_personal_scores


def get_or_create_sheet(period: Period, assessor: Person | None) -> Sheet:
    """The assessor's sheet of the period (``None``: the office's), created on first use."""
    sheet, _created = Sheet.objects.get_or_create(period=period, assessor=assessor)
    return sheet


def sheets_to_score(*, user) -> tuple[list[Sheet], list[Sheet]]:
    """The user's sheets, and (office) the office's sheet of each period open for scoring in scope.
    A reviewer's sheet of a period in scoring is created on their first visit."""
    mine = list(sheets_for_user(user).filter(assessor__user=user))
    person = getattr(user, "person", None)
    if person is not None:
        have = {s.period_id for s in mine}
        mine += [get_or_create_sheet(p, person) for p in periods_to_score(person) if p.pk not in have]
    office = []
    if scope_for(user).has_role(Role.OFFICE):
        periods = periods_for_user(user, [Role.OFFICE]).filter(state__in=rules.SCORABLE)
        office = [get_or_create_sheet(p, None) for p in periods]
    return mine, office


@transaction.atomic
def save_sheet(
    *, actor, sheet: Sheet, entries: list[tuple[int, str, float | None, str]], submit: bool = False
) -> Sheet:
    """Store scores ``(person id, leaf key, value or None, comment)``; with ``submit`` the sheet is
    handed in (every cell filled). One bad cell refuses the whole save."""
    sheet = (
        Sheet.objects.select_for_update().select_related("period__scheme", "period__unit").get(pk=sheet.pk)
    )
    period = sheet.period
    if period.state not in rules.SCORABLE:
        raise Refusal(_("Scores can be entered only while the period is open or in scoring."))
    if sheet.status == SheetStatus.SUBMITTED:
        raise Refusal(_("This sheet has been submitted."))
    leaves = scored_leaves(period.scheme.parsed())
    allowed = set(sheet_people(sheet).values_list("id", flat=True))
    entries, personal = save_personal_scores(sheet=sheet, entries=entries)
    keep, drop = [], []
    for pid, key, value, comment in entries:
        if pid not in allowed:
            raise Refusal(_("Person %(id)s is not on this sheet.") % {"id": pid})
        leaf = leaves.get(key)
        if leaf is None:
            raise Refusal(_("%(indicator)s is not an indicator scored on sheets.") % {"indicator": key})
        if value is None:
            drop.append((pid, key))
            continue
        task = leaf.node.source == "task"
        rules.check_score(value, leaf.node.points, key, task)
        # The scheme may require comments per indicator; otherwise the period's default applies.
        below = (
            period.comment_below if leaf.node.comment_below is None else round(leaf.node.comment_below * 100)
        )
        if rules.needs_comment(value, leaf.node.points, below, task) and not comment.strip():
            raise Refusal(
                _("%(indicator)s: a score below %(share)s%% of the points needs a comment.")
                % {"indicator": key, "share": below}
            )
        keep.append(
            Score(
                period=period,
                sheet=sheet,
                person_id=pid,
                indicator=key,
                value=value / 100 if task else value,
                comment=comment.strip()[:300],
            )
        )
    for pid, key in drop:
        Score.objects.filter(period=period, person_id=pid, indicator=key).delete()
    if keep:
        Score.objects.bulk_create(
            keep,
            update_conflicts=True,
            unique_fields=["period", "person", "indicator"],
            update_fields=["value", "comment", "sheet"],
        )
    if submit:
        expected = len(allowed) * len(leaves)
        have = Score.objects.filter(period=period, person_id__in=allowed, indicator__in=list(leaves)).count()
        have -= missing_personal_scores(sheet)
        if have < expected:
            raise Refusal(
                ngettext(
                    "%(n)s score is still missing; fill every cell before submitting.",
                    "%(n)s scores are still missing; fill every cell before submitting.",
                    expected - have,
                )
                % {"n": expected - have}
            )
        sheet.status = SheetStatus.SUBMITTED
        sheet.submitted_at = timezone.now()
        sheet.save(update_fields=["status", "submitted_at"])
    record(
        actor=actor,
        action="appraisal.sheet.submit" if submit else "appraisal.sheet.save",
        obj=sheet,
        after={"scores": len(keep), "cleared": len(drop), "personal": personal},
    )
    return sheet


@transaction.atomic
def reopen_sheet(*, actor, sheet: Sheet) -> Sheet:
    """Turn a submitted sheet back into a draft while the period can still be scored."""
    if sheet.period.state not in rules.SCORABLE:
        raise Refusal(_("Scores can be entered only while the period is open or in scoring."))
    sheet.status = SheetStatus.DRAFT
    sheet.save(update_fields=["status"])
    record(actor=actor, action="appraisal.sheet.reopen", obj=sheet)
    return sheet


@transaction.atomic
def remind(*, actor, sheet: Sheet) -> int:
    """Notify the assessor (or the office) that the sheet waits; returns the notifications sent."""
    if sheet.assessor is None or sheet.assessor.user_id is None:
        return 0
    notify(
        user_ids=[sheet.assessor.user_id],
        text=_("Please complete your scoring sheet for %(period)s.") % {"period": str(sheet.period)},
        url=reverse("appraisal:sheet", args=[sheet.pk]),
    )
    sheet.reminded_at = timezone.now()
    sheet.save(update_fields=["reminded_at"])
    record(actor=actor, action="appraisal.sheet.remind", obj=sheet)
    return 1


def _row_problem(n: int, problem: str) -> str:
    """A problem of row ``n`` of an uploaded sheet, as one sentence (its punctuation is translated)."""
    return _("row %(n)s: %(problem)s") % {"n": n, "problem": problem}


@transaction.atomic
def save_kpis(*, actor, period: Period, rows: list[dict]) -> int:
    """Store KPI rows {person (staff no), indicator, measure, actual, target, multiple}; every row is
    checked first, so the import lands whole or not at all."""
    if period.state not in rules.SCORABLE:
        raise Refusal(_("KPIs can be entered only while the period is open or in scoring."))
    scheme = period.scheme.parsed()
    kpis = kpi_leaves(scheme)
    by_tail: dict[str, set[str]] = {}
    for key in kpis:
        parts = key.split("/")
        for i in range(len(parts)):
            by_tail.setdefault("/".join(parts[i:]), set()).add(key)
    staff = dict(people_of(period).values_list("staff_no", "id"))
    objs = []
    for n, row in enumerate(rows, start=2):
        pid = staff.get(str(row.get("person", "")).strip())
        if pid is None:
            raise Refusal(
                _row_problem(n, _("no person %(no)s in this period's unit.") % {"no": row.get("person")})
            )
        keys = by_tail.get(str(row.get("indicator", "")).strip(), set())
        if len(keys) != 1:
            raise Refusal(
                _row_problem(
                    n,
                    _("%(indicator)s is not one KPI indicator of the scheme.")
                    % {"indicator": row.get("indicator")},
                )
            )
        key = keys.pop()
        spec = kpis[key].node.kpi
        measure = str(row.get("measure", "")).strip()
        if spec is not None and measure not in spec.measures:
            raise Refusal(
                _row_problem(
                    n,
                    _("expected a measure among %(m)s, found %(found)s.")
                    % {"m": ", ".join(spec.measures), "found": measure},
                )
            )
        try:
            actual, target = float(row["actual"]), float(row["target"])
            multiple = float(row.get("multiple") or 0)
        except (KeyError, TypeError, ValueError):
            raise Refusal(_row_problem(n, _("actual, target and multiple must be numbers."))) from None
        if not (math.isfinite(actual) and math.isfinite(target)) or target == 0:
            raise Refusal(_row_problem(n, _("expected a finite actual and a non-zero target.")))
        objs.append(
            Kpi(
                period=period,
                person_id=pid,
                indicator=key,
                measure=measure,
                actual=actual,
                target=target,
                multiple=multiple,
            )
        )
    Kpi.objects.bulk_create(
        objs,
        update_conflicts=True,
        unique_fields=["period", "person", "indicator", "measure"],
        update_fields=["actual", "target", "multiple"],
    )
    record(actor=actor, action="appraisal.kpi.save", obj=period, after={"rows": len(objs)})
    return len(objs)
