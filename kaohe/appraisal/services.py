"""Writes of the appraisal cycle. Each service is keyword-only, runs in one transaction and records
its audit event there; a refusal raises ``Refusal`` (a clear message) and changes nothing."""

from __future__ import annotations

import math
from dataclasses import astuple
from datetime import date
from decimal import Decimal

import numpy as np
from django.db import connection, transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kaohe.audit.services import record
from kaohe.engine import EngineError, Result, SchemeError, compute, load_scheme
from kaohe.engine.periods import span
from kaohe.engine.scheme import UNGRADED_EFFECTS
from kaohe.engine.store import dumps
from kaohe.org.models import Person
from kaohe.platform.errors import Refusal

from . import rules
from .choices import AppealStatus, ClaimStatus, PeriodKind, PeriodState, SheetStatus
from .followups import create_follow_ups
from .inputs import gather, kpi_leaves, people_of, scored_leaves
from .models import (
    Appeal,
    Attachment,
    Claim,
    CommitteeDecision,
    Evidence,
    GradeChange,
    Kpi,
    Period,
    PersonResult,
    ResultSet,
    Scheme,
    Score,
    Sheet,
)

S = PeriodState


def scheme_problems(exc: EngineError) -> list[str]:
    """Every problem of a scheme or data error, each naming its place."""
    problems = getattr(exc, "problems", None)
    return [str(p) for p in problems] if problems else [str(exc)]


# --- schemes ------------------------------------------------------------------------------------------


@transaction.atomic
def import_scheme(*, actor, text: str, preset: str = "") -> Scheme:
    """Validate a scheme file with the engine and store it as a new version."""
    try:
        parsed = load_scheme(text, file="scheme.yaml")
    except SchemeError as exc:
        raise Refusal("\n".join(scheme_problems(exc))) from None
    if Scheme.objects.filter(name=parsed.scheme, version=parsed.version).exists():
        raise Refusal(
            _("Version %(version)s of %(name)s exists already; give the file a new version.")
            % {"version": parsed.version, "name": parsed.scheme}
        )
    scheme = Scheme.objects.create(
        name=parsed.scheme,
        year=parsed.year,
        version=str(parsed.version),
        period_kind=parsed.period,
        text=text,
        preset=preset,
        created_by=actor,
    )
    record(
        actor=actor,
        action="appraisal.scheme.import",
        obj=scheme,
        after={"version": scheme.version, "preset": preset},
    )
    return scheme


@transaction.atomic
def attach_scheme(*, actor, scheme: Scheme, unit, unit_kinds: dict[str, str] | None = None) -> Attachment:
    att, _created = Attachment.objects.update_or_create(
        scheme=scheme, unit=unit, defaults={"unit_kinds": dict(unit_kinds or {})}
    )
    record(actor=actor, action="appraisal.scheme.attach", obj=att, after={"unit_kinds": att.unit_kinds})
    return att


@transaction.atomic
def create_period(
    *,
    actor,
    unit,
    scheme: Scheme,
    kind: str,
    start: date,
    ballot_campaign=None,
    publicity_days: int = 5,
    appeal_days: int = 10,
    unit_kinds: dict[str, str] | None = None,
) -> Period:
    """A period of ``kind`` containing ``start`` for the unit subtree under ``scheme``."""
    if kind not in PeriodKind.values:
        raise Refusal(_("Unknown period kind %(kind)s.") % {"kind": kind})
    first, last, code = astuple(span(kind, start))
    if scheme.period_kind != kind:
        # a monthly scheme's rules (its quotas, tail rules over consecutive periods, log statistics)
        # mean months: run over a quarter they would be applied to the wrong span
        raise Refusal(
            _("The scheme “%(scheme)s” is for periods of kind “%(scheme_kind)s”, not “%(kind)s”.")
            % {
                "scheme": scheme.name,
                "scheme_kind": PeriodKind(scheme.period_kind).label,
                "kind": PeriodKind(kind).label,
            }
        )
    if Period.objects.filter(unit=unit, kind=kind, start=first).exists():
        raise Refusal(_("%(unit)s already has the period %(code)s.") % {"unit": unit.name, "code": code})
    if unit_kinds is None:
        att = Attachment.objects.filter(scheme=scheme, unit=unit).first()
        unit_kinds = att.unit_kinds if att else {}
    period = Period.objects.create(
        unit=unit,
        scheme=scheme,
        kind=kind,
        start=first,
        end=last,
        code=code,
        ballot_campaign=ballot_campaign,
        publicity_days=publicity_days,
        appeal_days=appeal_days,
        unit_kinds=unit_kinds,
    )
    record(
        actor=actor, action="appraisal.period.create", obj=period, after={"scheme": scheme.pk, "code": code}
    )
    return period


# --- state machine --------------------------------------------------------------------------------------


def _lock(period: Period) -> Period:
    return Period.objects.select_for_update().select_related("unit", "scheme").get(pk=period.pk)


def _move(actor, period: Period, to: str, action: str, caller: Period | None = None, **after) -> Period:
    before = period.state
    period.state = to
    period.save(update_fields=["state"])
    record(actor=actor, action=action, obj=period, before={"state": before}, after={"state": to} | after)
    if caller is not None:  # the caller's object follows the change
        for f in ("state", "published_on", "publicity_end", "appeal_deadline"):
            setattr(caller, f, getattr(period, f))
    return period


@transaction.atomic
def start_scoring(*, actor, period: Period) -> Period:
    """Open scoring: every assessor gets their sheet now, so that the office can follow and remind
    those who have not opened it yet (people without a reviewer are on the office's sheet)."""
    locked = _lock(period)
    rules.check_move(locked.state, S.SCORING)
    assessors = set(people_of(locked).values_list("reviewer_id", flat=True).distinct())
    Sheet.objects.bulk_create([Sheet(period=locked, assessor_id=a) for a in assessors], ignore_conflicts=True)
    return _move(actor, locked, S.SCORING, "appraisal.period.scoring", period)


@transaction.atomic
def send_to_committee(*, actor, period: Period) -> Period:
    locked = _lock(period)
    rules.check_move(locked.state, S.COMMITTEE)
    return _move(actor, locked, S.COMMITTEE, "appraisal.period.committee", period)


@transaction.atomic
def undo(*, actor, period: Period) -> Period:
    """Step back one state, where the undo list allows it."""
    locked = _lock(period)
    return _move(actor, locked, rules.undo_target(locked.state), "appraisal.period.undo", period)


def calendar(period: Period):
    from kaohe.platform.calendar import calendar_for_unit

    return calendar_for_unit(period.unit)


@transaction.atomic
def publish(*, actor, period: Period, today: date | None = None) -> Period:
    """Open the publicity window (N working days) and the appeal window (M working days from today,
    the day people are notified), notify the people and create the follow-ups."""
    caller, period = period, _lock(period)
    rules.check_move(period.state, S.PUBLICITY)
    if not period.decisions.exists():
        raise Refusal(_("Record the committee's decision before publishing."))
    today = today or timezone.localdate()
    cal = calendar(period)
    period.published_on = today
    period.publicity_end = cal.add_working_days(today, period.publicity_days)
    period.appeal_deadline = cal.add_working_days(today, period.appeal_days)
    period.save(update_fields=["published_on", "publicity_end", "appeal_deadline"])
    _notify_people(period)
    create_follow_ups(actor=actor, period=period, today=today)
    return _move(
        actor,
        period,
        S.PUBLICITY,
        "appraisal.period.publish",
        caller,
        publicity_end=period.publicity_end.isoformat(),
        appeal_deadline=period.appeal_deadline.isoformat(),
    )


def _notify_people(period: Period) -> None:
    from django.urls import reverse

    from kaohe.platform.models import Notification

    users = people_of(period).filter(user__isnull=False).values_list("user_id", flat=True)
    text = _("The results of %(period)s are published; appeals until %(day)s.") % {
        "period": str(period),
        "day": period.appeal_deadline,
    }
    url = reverse("appraisal:mine")
    Notification.objects.bulk_create([Notification(user_id=u, text=text[:300], url=url) for u in users])


@transaction.atomic
def finalize(*, actor, period: Period, today: date | None = None) -> Period:
    """After the publicity window, results are final and locked."""
    caller, period = period, _lock(period)
    rules.check_move(period.state, S.FINAL)
    today = today or timezone.localdate()
    if period.publicity_end is None or today <= period.publicity_end:
        raise Refusal(_("The publicity window runs until %(day)s.") % {"day": period.publicity_end})
    return _move(actor, period, S.FINAL, "appraisal.period.final", caller)


def close_publicity(now=None) -> int:
    """Job: finalize every period whose publicity window has passed. Idempotent."""
    today = timezone.localdate(now) if now else timezone.localdate()
    done = 0
    for period in Period.objects.filter(state=S.PUBLICITY, publicity_end__lt=today):
        try:
            finalize(actor=None, period=period, today=today)
            done += 1
        except Refusal:  # another scheduler got there first
            continue
    return done


# --- scoring ------------------------------------------------------------------------------------------


def sheet_people(sheet: Sheet):
    """The people a sheet covers: the assessor's reviewees, or (office sheet) those without a reviewer."""
    people = people_of(sheet.period)
    if sheet.assessor_id is None:
        return people.filter(reviewer__isnull=True)
    return people.filter(reviewer_id=sheet.assessor_id)


def get_or_create_sheet(period: Period, assessor: Person | None) -> Sheet:
    sheet, _created = Sheet.objects.get_or_create(period=period, assessor=assessor)
    return sheet


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
        after={"scores": len(keep), "cleared": len(drop)},
    )
    return sheet


@transaction.atomic
def reopen_sheet(*, actor, sheet: Sheet) -> Sheet:
    if sheet.period.state not in rules.SCORABLE:
        raise Refusal(_("Scores can be entered only while the period is open or in scoring."))
    sheet.status = SheetStatus.DRAFT
    sheet.save(update_fields=["status"])
    record(actor=actor, action="appraisal.sheet.reopen", obj=sheet)
    return sheet


@transaction.atomic
def remind(*, actor, sheet: Sheet) -> int:
    """Notify the assessor (or the office) that the sheet waits; returns the notifications sent."""
    from django.urls import reverse

    from kaohe.platform.models import Notification

    if sheet.assessor is None or sheet.assessor.user_id is None:
        return 0
    Notification.objects.create(
        user_id=sheet.assessor.user_id,
        text=(_("Please complete your scoring sheet for %(period)s.") % {"period": str(sheet.period)})[:300],
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


# --- claims ------------------------------------------------------------------------------------------


@transaction.atomic
def file_claim(
    *, actor, period: Period, person: Person, category: str, points: Decimal, reason: str, files=()
) -> Claim:
    """A claim within its category's range and under its point caps, with checked evidence."""
    if period.state not in rules.CLAIMABLE:
        raise Refusal(_("Claims are closed for this period."))
    if not reason.strip():
        raise Refusal(_("Give the reason for the claim."))
    scheme = period.scheme.parsed()
    spec = scheme.adjustments.get(category)
    rules.check_points(category, spec, float(points))
    for cap_name, limit in rules.point_caps(scheme, category):
        cats = scheme.caps[cap_name].categories or [
            c for c, a in scheme.adjustments.items() if a.kind == spec.kind
        ]
        so_far = Claim.objects.filter(period=period, person=person, category__in=cats).exclude(
            status=ClaimStatus.REJECTED
        ).aggregate(s=Sum("points"))["s"] or Decimal(0)
        if float(so_far + points) > limit:
            raise Refusal(
                _("%(cap)s allows at most %(limit)s points; %(sofar)s are claimed already.")
                % {"cap": cap_name, "limit": f"{limit:g}", "sofar": f"{float(so_far):g}"}
            )
    claim = Claim.objects.create(
        period=period, person=person, category=category, points=points, reason=reason.strip(), filed_by=actor
    )
    _store_evidence(files, claim=claim)
    record(
        actor=actor,
        action="appraisal.claim.file",
        obj=claim,
        after={"category": category, "points": str(points)},
    )
    return claim


def _store_evidence(files, **owner) -> None:
    from django.core.exceptions import ValidationError
    from django.core.files.base import ContentFile

    from kaohe.platform.uploads import check_upload

    for upload in files:
        try:
            checked = check_upload(upload)
        except ValidationError as exc:
            raise Refusal(" ".join(exc.messages)) from None
        ev = Evidence(
            name=checked.name,
            content_type=checked.content_type,
            size=len(checked.data),
            sha256=checked.sha256,
            **owner,
        )
        ev.file.save(checked.name, ContentFile(checked.data), save=False)
        ev.save()


@transaction.atomic
def decide_claim(*, actor, claim: Claim, approve: bool, note: str) -> Claim:
    """The section decides a submitted claim, then the committee one the section approved."""
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.period.state not in rules.CLAIMABLE:
        raise Refusal(_("Claims are closed for this period."))
    if not approve and not note.strip():
        raise Refusal(_("Give the reason for rejecting the claim."))
    before = claim.status
    if claim.status == ClaimStatus.SUBMITTED:
        claim.section_note = note.strip()[:300]
        claim.status = ClaimStatus.SECTION_APPROVED if approve else ClaimStatus.REJECTED
    elif claim.status == ClaimStatus.SECTION_APPROVED:
        claim.committee_note = note.strip()[:300]
        claim.status = ClaimStatus.APPROVED if approve else ClaimStatus.REJECTED
    else:
        raise Refusal(_("This claim has been decided."))
    claim.save(update_fields=["status", "section_note", "committee_note"])
    record(
        actor=actor,
        action="appraisal.claim.decide",
        obj=claim,
        before={"status": before},
        after={"status": claim.status, "note": note},
    )
    return claim


# --- computation --------------------------------------------------------------------------------------


def run_engine(period: Period, scheme=None) -> tuple[Result, list[int]]:
    """Compute ``period`` on its current data (with ``scheme``, default the period's own)."""
    scheme = scheme or period.scheme.parsed()
    data, ids = gather(period, scheme)
    if not ids:
        raise Refusal(_("Nobody is appraised in %(unit)s.") % {"unit": period.unit.name})
    try:
        return compute(scheme, data), ids
    except EngineError as exc:
        raise Refusal("\n".join(scheme_problems(exc))) from None


def _quotas(result: Result) -> dict:
    grades = list(result.scheme.grading.grades)
    out = {}
    for g, name in enumerate(result.group_names):
        ceil = {
            gr: (None if not np.isfinite(result.ceilings[g, j]) else int(result.ceilings[g, j]))
            for j, gr in enumerate(grades)
        }
        floor = {gr: int(result.floors[g, j]) for j, gr in enumerate(grades)}
        out[name] = {
            "name": name,
            "size": int(result.graded_size[g]) if len(result.graded_size) > g else 0,
            "ceilings": ceil,
            "floors": floor,
        }
    return out


# PersonResult fields in the order ``_row_values`` yields them.
ROW_FIELDS = (
    "result_set",
    "person",
    "track",
    "quota_group",
    "components",
    "base",
    "bonus",
    "deduction",
    "total",
    "rank",
    "track_size",
    "engine_grade",
    "grade",
    "status",
    "pay_factor",
    "tail",
    "outcomes",
    "pool_fen",
)


def _row_values(result_set: ResultSet, result: Result, ids: list[int]) -> list[tuple]:
    """One tuple per person in ``ROW_FIELDS`` order, built column-wise from the engine's arrays."""
    s = result.scheme
    n = len(ids)
    grades = s.grading.grades
    comp = np.round(result.components, 2).tolist()
    cnames = result.component_names
    tracks = [result.track_names[t] for t in result.track.tolist()]
    groups = [result.group_names[g] for g in result.group.tolist()]
    grade = [grades[g] if g >= 0 else "" for g in result.grade.tolist()]
    ungraded = result.ungraded_kind.tolist()
    status = [UNGRADED_EFFECTS[k] if k >= 0 else "" for k in ungraded]  # UngradedStatus codes
    tails = _joined([s.tail_rules[nm].action for nm in result.tail_names], result.tail_hits, n)
    outs = _joined(list(result.outcome_names), result.outcome_hits, n)
    base = np.round(result.base, 2).tolist()
    bonus = np.round(result.bonus, 2).tolist()
    ded = np.round(result.deduction, 2).tolist()
    total = result.total.tolist()
    rank = result.rank.astype(int).tolist()
    size = result.track_size.astype(int).tolist()
    pay = result.pay_factor.tolist()
    pool = result.pool_fen.astype(np.int64).tolist()
    rs_id = result_set.pk
    return [
        (
            rs_id,
            pid,
            tracks[i],
            groups[i],
            dict(zip(cnames, comp[i], strict=True)),
            base[i],
            bonus[i],
            ded[i],
            total[i],
            rank[i],
            size[i],
            grade[i],
            grade[i],
            status[i],
            pay[i],
            tails[i],
            outs[i],
            pool[i],
        )
        for i, pid in enumerate(ids)
    ]


def _joined(names: list[str], hits, n: int) -> list[list[str]]:
    """Per person, the list of the names whose column of ``hits`` is set."""
    if not names:
        return [[] for _ in range(n)]
    return [[a for a, hit in zip(names, row, strict=True) if hit] for row in hits.tolist()]


def _write_rows(result_set: ResultSet, result: Result, ids: list[int]) -> None:
    """Store the result rows: COPY on PostgreSQL (100,000 rows in a few seconds), ``bulk_create``
    elsewhere."""
    values = _row_values(result_set, result, ids)
    if connection.vendor != "postgresql":
        objs = [
            PersonResult(
                **{
                    f if f not in ("result_set", "person") else f"{f}_id": v
                    for f, v in zip(ROW_FIELDS, row, strict=True)
                }
            )
            for row in values
        ]
        PersonResult.objects.bulk_create(objs, batch_size=2000)
        return
    import json

    opts = PersonResult._meta
    column = {f.name: str(f.column) for f in opts.concrete_fields}
    columns = ", ".join(connection.ops.quote_name(column[f]) for f in ROW_FIELDS)
    encode = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps with options makes one per call
    pos = ROW_FIELDS.index("components")
    lists = [ROW_FIELDS.index("tail"), ROW_FIELDS.index("outcomes")]
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {connection.ops.quote_name(opts.db_table)} ({columns}) FROM STDIN") as cp:
            for row in values:
                cells = list(row)
                cells[pos] = encode(cells[pos])
                for k in lists:
                    cells[k] = encode(cells[k]) if cells[k] else "[]"  # most: no tail rule, no consequence
                cp.write_row(cells)


def _drop(old: ResultSet) -> None:
    """Delete an unpublished version. Its rows go in one DELETE: Django's cascade would first read
    every row's id to look for grade changes and appeals (appeals exist only after publication)."""
    GradeChange.objects.filter(row__result_set=old).delete()
    PersonResult.objects.filter(result_set=old)._raw_delete(PersonResult.objects.db)
    ResultSet.objects.filter(pk=old.pk).delete()


def store(*, actor, period: Period, result: Result, ids: list[int], reason: str, replace: bool) -> ResultSet:
    """Store a computation as the current version (inside the caller's transaction). ``replace``
    drops the unpublished current version; otherwise the old version is kept and marked not current."""
    old = ResultSet.objects.filter(period=period, current=True).defer("blob").first()
    if old is not None and replace:
        version = old.version
        _drop(old)
    else:
        version = (ResultSet.objects.filter(period=period).aggregate(v=Max("version"))["v"] or 0) + 1
        if old is not None:
            ResultSet.objects.filter(pk=old.pk).update(current=False)
    blob = dumps(result, scheme_text=period.scheme.text, scheme_file=period.scheme.file_name)
    rs = ResultSet.objects.create(
        period=period,
        version=version,
        created_by=actor,
        reason=reason[:300],
        quotas=_quotas(result),
        blob=blob,
    )
    _write_rows(rs, result, ids)
    return rs


def compute_period(*, actor, period: Period) -> ResultSet:
    """Run the engine on the period's data and store the results, replacing unpublished ones. The
    engine runs before the transaction opens: a failure leaves the previous results as they were."""
    period.refresh_from_db()
    if period.state not in rules.COMPUTABLE:
        raise Refusal(
            _("Results are computed in the scoring or computed state; this period is “%(state)s”.")
            % {"state": S(period.state).label}
        )
    result, ids = run_engine(period)
    with transaction.atomic():
        locked = _lock(period)
        if locked.state not in rules.COMPUTABLE:
            raise Refusal(_("The period moved on meanwhile; nothing was stored."))
        rs = store(actor=actor, period=locked, result=result, ids=ids, reason=_("computation"), replace=True)
        if locked.state != S.COMPUTED:
            locked.state = S.COMPUTED
            locked.save(update_fields=["state"])
        record(
            actor=actor,
            action="appraisal.period.compute",
            obj=locked,
            after={"version": rs.version, "people": len(ids), "state": locked.state},
        )
    period.refresh_from_db()
    return rs


def correct(*, actor, period: Period, reason: str) -> ResultSet:
    """After publication: recompute into a new version and keep the old one; the committee's grade
    changes are carried over where the engine's grade is unchanged and the quotas still hold."""
    period.refresh_from_db()
    if not period.locked:
        raise Refusal(_("Before publication, compute again instead."))
    if not reason.strip():
        raise Refusal(_("Give the reason for the correction."))
    result, ids = run_engine(period)
    with transaction.atomic():
        locked = _lock(period)
        old = ResultSet.objects.filter(period=locked, current=True).first()
        rs = store(actor=actor, period=locked, result=result, ids=ids, reason=reason, replace=False)
        if old is not None:
            _carry_changes(old, rs)
        record(
            actor=actor,
            action="appraisal.period.correct",
            obj=locked,
            after={"version": rs.version, "reason": reason},
        )
    return rs


def _carry_changes(old: ResultSet, new: ResultSet) -> None:
    grades = list(new.period.scheme.parsed().grading.grades)
    for change in GradeChange.objects.filter(row__result_set=old).select_related("row").order_by("at"):
        row = new.rows.filter(person_id=change.row.person_id).first()
        if row is None or row.engine_grade != change.row.engine_grade or row.grade != change.from_grade:
            continue
        if _quota_problem(new, row, change.to_grade, grades) is None:
            row.grade = change.to_grade
            row.save(update_fields=["grade"])
            GradeChange.objects.create(
                row=row,
                from_grade=change.from_grade,
                to_grade=change.to_grade,
                reason=change.reason,
                by=change.by,
            )


# --- committee ----------------------------------------------------------------------------------------


def _quota_problem(rs: ResultSet, row: PersonResult, to: str, grades: list[str]) -> str | None:
    counts = dict(
        rs.rows.filter(quota_group=row.quota_group)
        .exclude(grade="")
        .exclude(pk=row.pk)
        .values_list("grade")
        .annotate(n=models_count())
        .values_list("grade", "n")
    )
    counts[to] = counts.get(to, 0) + 1
    return rules.check_quota(grades, rs.quotas.get(row.quota_group, {"name": row.quota_group}), counts)


def models_count():
    from django.db.models import Count

    return Count("id")


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
    problem = _quota_problem(row.result_set, row, grade, grades)
    if problem:
        raise Refusal(problem)
    GradeChange.objects.create(
        row=row, from_grade=row.grade, to_grade=grade, reason=reason.strip()[:300], by=actor
    )
    before = row.grade
    row.grade = grade
    row.save(update_fields=["grade"])
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
    period = _lock(period)
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


# --- appeals ------------------------------------------------------------------------------------------


@transaction.atomic
def file_appeal(*, actor, row: PersonResult, reason: str, files=(), today: date | None = None) -> Appeal:
    """A person appeals their own published result within the appeal window."""
    row = PersonResult.objects.select_related("result_set__period", "person").get(pk=row.pk)
    period = row.result_set.period
    today = today or timezone.localdate()
    if row.person.user_id is None or row.person.user_id != getattr(actor, "pk", None):
        raise Refusal(_("You can appeal only your own result."))
    if not period.locked:
        raise Refusal(_("Results can be appealed once they are published."))
    if not period.appeals_open(today):
        raise Refusal(_("The appeal window closed on %(day)s.") % {"day": period.appeal_deadline})
    if not row.result_set.current:
        raise Refusal(_("This result has been replaced by a newer version."))
    if Appeal.objects.filter(row=row, status=AppealStatus.FILED).exists():
        raise Refusal(_("An appeal against this result is under review already."))
    if not reason.strip():
        raise Refusal(_("Give the reasons for the appeal."))
    appeal = Appeal.objects.create(row=row, period=period, person=row.person, reason=reason.strip())
    _store_evidence(files, appeal=appeal)
    record(actor=actor, action="appraisal.appeal.file", obj=appeal, after={"row": row.pk})
    return appeal


def decide_appeal(
    *,
    actor,
    appeal: Appeal,
    upheld: bool,
    decision: str,
    corrections: tuple[tuple[str, float], ...] | list[tuple[str, float]] = (),
) -> Appeal:
    """The committee's review. Upheld: the corrected scores are stored and the period is recomputed
    into a new version (the old one kept); dismissed: the decision is recorded."""
    if appeal.status != AppealStatus.FILED:
        raise Refusal(_("This appeal has been decided."))
    if not decision.strip():
        raise Refusal(_("Write the committee's decision."))
    period = appeal.period
    leaves = scored_leaves(period.scheme.parsed())
    for key, value in corrections:
        leaf = leaves.get(key)
        if leaf is None:
            raise Refusal(_("%(indicator)s is not an indicator scored on sheets.") % {"indicator": key})
        rules.check_score(value, leaf.node.points, key, leaf.node.source == "task")
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if appeal.status != AppealStatus.FILED:
            raise Refusal(_("This appeal has been decided."))
        if upheld:
            sheet = get_or_create_sheet(period, None)
            for key, value in corrections:
                task = leaves[key].node.source == "task"
                Score.objects.update_or_create(
                    period=period,
                    person=appeal.person,
                    indicator=key,
                    defaults={
                        "value": value / 100 if task else value,
                        "sheet": sheet,
                        "comment": (_("corrected on appeal #%(n)s") % {"n": appeal.pk})[:300],
                    },
                )
            appeal.new_result_set = correct(
                actor=actor, period=period, reason=_("appeal #%(n)s upheld") % {"n": appeal.pk}
            )
        appeal.status = AppealStatus.UPHELD if upheld else AppealStatus.DISMISSED
        appeal.decision = decision.strip()
        appeal.decided_at = timezone.now()
        appeal.decided_by = actor
        appeal.save()
        record(
            actor=actor,
            action="appraisal.appeal.decide",
            obj=appeal,
            after={
                "status": appeal.status,
                "corrections": [list(c) for c in corrections],
                "version": appeal.new_result_set.version if appeal.new_result_set else None,
            },
        )
    return appeal
