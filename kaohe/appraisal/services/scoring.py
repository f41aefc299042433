"""Scoring: assessors' sheets (save, import, submit, reopen, remind), the scoring groups' members and
the office's KPI rows."""

from __future__ import annotations

import math

from django.db import connection, transaction
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

from .. import logic
from ..choices import SheetStatus
from ..inputs import kpi_leaves, people_of
from ..models import HOST_SCORE, Kpi, Period, Score, ScoringGroupMember, Sheet
from ..selectors import periods_for_user, sheets_for_user
from ..selectors_sheets import SheetPlan, periods_to_score, sheet_plan
from ..sheet_excel import ExcelRow, sheet_entries
from ..sheet_excel import place as _place
from .personal import missing_personal_scores, save_personal_scores


def get_or_create_sheet(period: Period, assessor: Person | None) -> Sheet:
    """The assessor's sheet of the period (``None``: the office's), created on first use."""
    sheet, _created = Sheet.objects.get_or_create(period=period, assessor=assessor)
    return sheet


def sheets_to_score(*, user) -> tuple[list[Sheet], list[Sheet]]:
    """The user's sheets, and (office) the office's sheet of each period open for scoring in scope.
    An assessor's sheet of a period in scoring is created on their first visit."""
    mine = list(sheets_for_user(user).filter(assessor__user=user))
    person = getattr(user, "person", None)
    if person is not None:
        have = {s.period_id for s in mine}
        mine += [get_or_create_sheet(p, person) for p in periods_to_score(person) if p.pk not in have]
    office = []
    if scope_for(user).has_role(Role.OFFICE):
        periods = periods_for_user(user, [Role.OFFICE]).filter(state__in=logic.SCORABLE)
        office = [get_or_create_sheet(p, None) for p in periods]
    return mine, office


Entry = tuple[int, str, float | None, str]  # (person id, line key, value or None to clear, comment)


def entry_problems(
    period: Period, plan: SheetPlan, assessor_id: int | None, entries: list[Entry]
) -> list[tuple[int, str]]:
    """(position in ``entries``, problem) for every cell this sheet cannot take: a person not on it, a
    line it does not ask of that person, a host score for someone not seconded, a score outside
    0–points, a low score without its comment. One pass over the grid, no query."""
    lines = {pid: {ln.key: ln for ln in ls} for pid, ls in plan.of(assessor_id).items()}
    out: list[tuple[int, str]] = []
    for n, (pid, key, value, comment) in enumerate(entries):
        mine = lines.get(pid)
        if key == HOST_SCORE and pid not in plan.seconded:
            out.append(
                (
                    n,
                    _("person %(id)s is not seconded to a host unit in this period; a host score is refused.")
                    % {"id": pid},
                )
            )
            continue
        if mine is None:
            out.append((n, _("Person %(id)s is not on this sheet.") % {"id": pid}))
            continue
        line = mine.get(key)
        if line is None:
            out.append(
                (
                    n,
                    _("%(indicator)s is not an indicator this sheet asks for this person.")
                    % {"indicator": key},
                )
            )
            continue
        if value is None:
            continue
        if not math.isfinite(value) or value < 0 or value > line.top:
            out.append(
                (
                    n,
                    _("%(indicator)s: expected a score between 0 and %(top)s, found %(value)s.")
                    % {
                        "indicator": line.name if key == HOST_SCORE else key,
                        "top": f"{line.top:g}",
                        "value": f"{value:g}",
                    },
                )
            )
            continue
        below = period.comment_below if line.comment_below is None else line.comment_below
        if value < line.top * below / 100 and not comment.strip():
            out.append(
                (
                    n,
                    _("%(indicator)s: a score below %(share)s%% of the points needs a comment.")
                    % {"indicator": line.name if key == HOST_SCORE else key, "share": below},
                )
            )
    return out


def _refusal(problems: list[str]) -> Refusal:
    shown = problems[:20]
    more = len(problems) - len(shown)
    text = " ".join(shown)
    if more:
        text += " " + ngettext("…and %(n)s more problem.", "…and %(n)s more problems.", more) % {"n": more}
    return Refusal(text)


def _locked(sheet: Sheet) -> Sheet:
    sheet = (
        Sheet.objects.select_for_update().select_related("period__scheme", "period__unit").get(pk=sheet.pk)
    )
    if sheet.period.state not in logic.SCORABLE:
        raise Refusal(_("Scores can be entered only while the period is open or in scoring."))
    if sheet.status == SheetStatus.SUBMITTED:
        raise Refusal(_("This sheet has been submitted."))
    return sheet


@transaction.atomic
def save_sheet(*, actor, sheet: Sheet, entries: list[Entry], submit: bool = False) -> Sheet:
    """Store marks ``(person id, line key, value or None, comment)`` on the assessor's sheet; with
    ``submit`` the sheet is handed in (every line it asks filled). One bad cell refuses the whole save.
    Set-based: one validation pass over the grid, then the sheet's marks are replaced by one delete
    and one bulk insert (COPY on PostgreSQL)."""
    sheet = _locked(sheet)
    plan = sheet_plan(sheet.period)
    # personal indicators (个性指标, keyed personal#<id>) are stored on their own rows
    entries, personal = save_personal_scores(sheet=sheet, entries=entries)
    problems = entry_problems(sheet.period, plan, sheet.assessor_id, entries)
    if problems:
        raise _refusal([p for _n, p in problems])
    return _store(actor, sheet, plan, entries, submit, personal)


def _store(
    actor, sheet: Sheet, plan: SheetPlan, entries: list[Entry], submit: bool, personal: int = 0
) -> Sheet:
    """Write ``entries`` (already checked) as the sheet's marks in one delete and one insert. When they
    cover every line the sheet asks (the page and the import send every cell) they are the sheet;
    otherwise they are merged into the stored marks, read once."""
    period = sheet.period
    asked = {(pid, ln.key) for pid, lines in plan.of(sheet.assessor_id).items() for ln in lines}
    sent = {(pid, key) for pid, key, _v, _c in entries}
    marks: dict[tuple[int, str], tuple[float, str]] = {}
    if not asked <= sent:
        rows = Score.objects.filter(sheet=sheet).values_list("person_id", "indicator", "value", "comment")
        marks = {(pid, key): (value, comment) for pid, key, value, comment in rows}
    cleared = 0
    for pid, key, value, comment in entries:
        if value is None:
            cleared += 1
            marks.pop((pid, key), None)
        else:
            marks[(pid, key)] = (float(value), comment.strip()[:300])
    Score.objects.filter(sheet=sheet)._raw_delete(Score.objects.db)  # nothing refers to a mark
    write_marks(period.pk, sheet.pk, [(pid, key, v, c) for (pid, key), (v, c) in marks.items()])
    if submit:
        missing = sum(cell not in marks for cell in asked) + missing_personal_scores(sheet)
        if missing:
            raise Refusal(
                ngettext(
                    "%(n)s score is still missing; fill every cell before submitting.",
                    "%(n)s scores are still missing; fill every cell before submitting.",
                    missing,
                )
                % {"n": missing}
            )
        sheet.status = SheetStatus.SUBMITTED
        sheet.submitted_at = timezone.now()
        sheet.save(update_fields=["status", "submitted_at"])
    record(
        actor=actor,
        action="appraisal.sheet.submit" if submit else "appraisal.sheet.save",
        obj=sheet,
        after={
            "scores": sum(1 for e in entries if e[2] is not None),
            "cleared": cleared,
            "personal": personal,
        },
    )
    return sheet


def write_marks(period_id: int, sheet_id: int, rows: list[tuple[int, str, float, str]]) -> None:
    """Insert marks ``(person id, key, value, comment)`` of one sheet in one statement's worth of
    work: COPY on PostgreSQL, one prepared INSERT run over every row elsewhere (``bulk_create`` would
    build a model object per row, seconds for 50,000 marks)."""
    opts = Score._meta
    names = ("period", "sheet", "person", "indicator", "value", "comment")
    column = {f.name: str(f.column) for f in opts.concrete_fields}
    columns = ", ".join(connection.ops.quote_name(column[f]) for f in names)
    table = connection.ops.quote_name(opts.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as cp:
                cp.write(_copy_text(period_id, sheet_id, rows))
            return
        sql = f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s)"
        cursor.executemany(sql, [(period_id, sheet_id, p, k, v, c) for p, k, v, c in rows])


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(period_id: int, sheet_id: int, rows: list[tuple[int, str, float, str]]) -> str:
    """The rows in COPY's text format, built as one string (psycopg's ``write_row`` costs a call per
    row); text is escaped once per distinct key."""
    keys: dict[str, str] = {}
    head = f"{period_id}\t{sheet_id}\t"
    out = []
    for p, k, v, c in rows:
        key = keys.get(k)
        if key is None:
            key = keys[k] = k.translate(_COPY_ESCAPES)
        out.append(f"{head}{p}\t{key}\t{v!r}\t{c.translate(_COPY_ESCAPES) if c else ''}\n")
    return "".join(out)


@transaction.atomic
def import_sheet(*, actor, sheet: Sheet, rows: list[ExcelRow], sheet_name: str) -> int:
    """Store a sheet's marks from its Excel workbook (the template of ``sheet_template``): a header row
    工号, 姓名, one column per line and an optional "<line>·说明" comment column beside it, then a row
    per person. All or nothing: every problem names the sheet, row and column, and nothing is written
    while one remains. Returns the marks stored."""
    sheet = _locked(sheet)
    plan = sheet_plan(sheet.period)
    entries, where, problems = sheet_entries(sheet, plan, rows, sheet_name)
    for n, problem in entry_problems(sheet.period, plan, sheet.assessor_id, entries):
        problems.append(_place(sheet_name, *where[n], problem))
    if problems:
        raise _refusal(problems)
    _store(actor, sheet, plan, entries, submit=False)
    return sum(1 for e in entries if e[2] is not None)


@transaction.atomic
def reopen_sheet(*, actor, sheet: Sheet) -> Sheet:
    """Turn a submitted sheet back into a draft while the period can still be scored."""
    if sheet.period.state not in logic.SCORABLE:
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
    if period.state not in logic.SCORABLE:
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


@transaction.atomic
def set_group_members(*, actor, period: Period, group: str, staff_nos: list[str]) -> int:
    """Name the members of a scoring group of the period's scheme by staff number (replacing the
    previous list); each member then has a sheet with the group's indicators. Returns the members."""
    if period.state not in logic.SCORABLE:
        raise Refusal(_("Scores can be entered only while the period is open or in scoring."))
    groups = period.scheme.parsed().scoring_groups
    if group not in groups:
        raise Refusal(
            _("%(group)s is not a scoring group of the scheme (%(groups)s).")
            % {"group": group, "groups": ", ".join(groups) or "—"}
        )
    wanted = list(dict.fromkeys(no.strip() for no in staff_nos if no.strip()))
    found = dict(Person.objects.filter(staff_no__in=wanted, active=True).values_list("staff_no", "id"))
    unknown = [no for no in wanted if no not in found]
    if unknown:
        raise Refusal(_("staff numbers: no active person %(nos)s.") % {"nos": ", ".join(unknown)})
    before = sorted(
        ScoringGroupMember.objects.filter(period=period, group=group).values_list(
            "person__staff_no", flat=True
        )
    )
    ScoringGroupMember.objects.filter(period=period, group=group).delete()
    ScoringGroupMember.objects.bulk_create(
        [ScoringGroupMember(period=period, group=group, person_id=found[no]) for no in wanted]
    )
    record(
        actor=actor,
        action="appraisal.scoring_group.members",
        obj=period,
        before={"group": group, "members": before},
        after={"group": group, "members": sorted(wanted)},
    )
    return len(wanted)
