"""Pages of the appraisal cycle. Each view: authorise through the scope layer, validate, call one
service, respond; a refusal (Refusal) is shown as a message and nothing is changed."""

from __future__ import annotations

import difflib
from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaohe.accounts.models import Role
from kaohe.accounts.scope import get_unit_for_user, require_role, units_for_user
from kaohe.platform.errors import Refusal
from kaohe.platform.roles import BROWSE, COMMITTEE, OVERSEE
from kaohe.presets import list_presets, load_preset

from . import selectors as sel
from . import services
from .choices import AppealStatus, ClaimStatus, PeriodKind, PeriodState
from .inputs import people_of, scored_leaves
from .models import Claim, PersonResult, Score, Sheet
from .schemeview import scheme_outline

OFFICE = (Role.OFFICE,)


def _fail(request, exc: Refusal) -> None:
    for line in str(exc).splitlines() or [str(exc)]:
        messages.error(request, line)


def _num(text: str | None) -> float | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise Refusal(_("%(value)s is not a number.") % {"value": text[:40]}) from None


# --- schemes ------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def schemes(request):
    require_role(request.user, Role.OFFICE)
    if request.method == "POST":
        try:
            preset = request.POST.get("preset", "")
            if preset:
                text = load_preset(preset).scheme_text()
            else:
                upload = request.FILES.get("file")
                text = upload.read(1_000_000).decode("utf-8") if upload else request.POST.get("text", "")
            scheme = services.import_scheme(actor=request.user, text=text, preset=preset)
        except (Refusal, KeyError, UnicodeDecodeError) as exc:
            _fail(request, Refusal(str(exc)) if not isinstance(exc, Refusal) else exc)
        else:
            messages.success(request, _("Scheme imported."))
            return redirect("appraisal:scheme", scheme.pk)
    return render(
        request,
        "appraisal/schemes.html",
        {
            "schemes": sel.schemes_for_user(request.user),
            "presets": list_presets(),
            "breadcrumb": [(_("Schemes"), "")],
        },
    )


@login_required
@require_GET
def scheme(request, pk: int):
    require_role(request.user, *OVERSEE)
    obj = sel.get_scheme_for_user(request.user, pk)
    return render(
        request,
        "appraisal/scheme.html",
        {
            "scheme": obj,
            "outline": scheme_outline(obj.parsed()),
            "attachments": obj.attachments.select_related("unit"),
            "units": units_for_user(request.user, OFFICE),
            "others": sel.schemes_for_user(request.user).exclude(pk=pk),
            "periods": sel.periods_for_user(request.user).exclude(state=PeriodState.OPEN)[:50],
            "breadcrumb": [(_("Schemes"), reverse("appraisal:schemes")), (str(obj), "")],
        },
    )


@login_required
@require_GET
def scheme_diff(request, pk: int):
    require_role(request.user, *OFFICE)
    obj = sel.get_scheme_for_user(request.user, pk)
    other = sel.get_scheme_for_user(request.user, request.GET.get("other"))
    lines = list(
        difflib.unified_diff(
            other.text.splitlines(), obj.text.splitlines(), str(other), str(obj), lineterm=""
        )
    )
    return render(
        request,
        "appraisal/scheme_diff.html",
        {
            "scheme": obj,
            "other": other,
            "lines": lines,
            "breadcrumb": [
                (_("Schemes"), reverse("appraisal:schemes")),
                (str(obj), reverse("appraisal:scheme", args=[pk])),
                (_("Compare"), ""),
            ],
        },
    )


@login_required
@require_POST
def scheme_attach(request, pk: int):
    require_role(request.user, *OFFICE)
    obj = sel.get_scheme_for_user(request.user, pk)
    unit = get_unit_for_user(request.user, request.POST.get("unit"), OFFICE)
    kinds = {}
    for line in request.POST.get("unit_kinds", "").splitlines():
        code, _sep, word = line.partition("=")
        if code.strip() and word.strip():
            kinds[code.strip()] = word.strip()
    services.attach_scheme(actor=request.user, scheme=obj, unit=unit, unit_kinds=kinds)
    messages.success(request, _("Scheme attached to %(unit)s.") % {"unit": unit.name})
    return redirect("appraisal:scheme", pk)


@login_required
@require_GET
def scheme_preview(request, pk: int):
    """What-if: grades under this scheme on a period's current data, beside the results in force."""
    require_role(request.user, *OFFICE)
    obj = sel.get_scheme_for_user(request.user, pk)
    period = sel.get_period_for_user(request.user, request.GET.get("period"), OFFICE)
    changes: list[dict] = []
    error = ""
    counts: dict[str, int] = {}
    try:
        result, ids = services.run_engine(period, obj.parsed())
    except Refusal as exc:
        error = str(exc)
    else:
        rs = sel.current_set(period)
        now = dict(rs.rows.values_list("person_id", "grade")) if rs else {}
        names = dict(people_of(period).values_list("id", "name"))
        grades = obj.parsed().grading.grades
        for i, pid in enumerate(ids):
            g = grades[result.grade[i]] if result.grade[i] >= 0 else result.status_name(i)
            counts[g] = counts.get(g, 0) + 1
            if now.get(pid, "") != g:
                changes.append(
                    {
                        "name": names.get(pid),
                        "track": result.track_names[result.track[i]],
                        "total": float(result.total[i]),
                        "before": now.get(pid, "—"),
                        "after": g,
                    }
                )
    return render(
        request,
        "appraisal/scheme_preview.html",
        {
            "scheme": obj,
            "period": period,
            "changes": changes,
            "error": error,
            "counts": counts,
            "breadcrumb": [
                (_("Schemes"), reverse("appraisal:schemes")),
                (str(obj), reverse("appraisal:scheme", args=[pk])),
                (_("What-if preview"), ""),
            ],
        },
    )


# --- periods ------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def periods(request):
    require_role(request.user, *OVERSEE)
    if request.method == "POST":
        require_role(request.user, *OFFICE)
        try:
            unit = get_unit_for_user(request.user, request.POST.get("unit"), OFFICE)
            scheme_obj = sel.get_scheme_for_user(request.user, request.POST.get("scheme"))
            start = date.fromisoformat(request.POST.get("start", ""))
            campaign = None
            if request.POST.get("campaign"):
                from kaohe.ballot.selectors import get_campaign_for_user

                campaign = get_campaign_for_user(request.user, request.POST["campaign"])
            period = services.create_period(
                actor=request.user,
                unit=unit,
                scheme=scheme_obj,
                kind=request.POST.get("kind", ""),
                start=start,
                ballot_campaign=campaign,
                publicity_days=int(request.POST.get("publicity_days") or 5),
                appeal_days=int(request.POST.get("appeal_days") or 10),
            )
        except (Refusal, ValueError) as exc:
            _fail(request, Refusal(str(exc)))
        else:
            return redirect("appraisal:period", period.pk)
    return render(
        request,
        "appraisal/periods.html",
        {
            "periods": sel.periods_for_user(request.user),
            "kinds": PeriodKind.choices,
            "units": units_for_user(request.user, OFFICE),
            "schemes": sel.schemes_for_user(request.user),
            "breadcrumb": [(_("Appraisal periods"), "")],
        },
    )


@login_required
@require_GET
def period(request, pk: int):
    require_role(request.user, *OVERSEE)
    obj = sel.get_period_for_user(request.user, pk)
    return render(
        request,
        "appraisal/period.html",
        {
            "period": obj,
            "progress": _progress(obj),
            "result_sets": obj.result_sets.defer("blob"),
            "claims": Claim.objects.filter(period=obj).select_related("person")[:200],
            "decisions": obj.decisions.all(),
            "undo": obj.state in services.rules.UNDO,
            "is_office": sel.scope_for(request.user).has_role(Role.OFFICE),
            "breadcrumb": [(_("Appraisal periods"), reverse("appraisal:periods")), (str(obj), "")],
        },
    )


def _progress(period) -> list[dict]:
    """Scoring progress per assessor: cells filled of cells expected (a few grouped queries)."""
    from django.db.models import Count

    leaves = len(scored_leaves(period.scheme.parsed()))
    people = people_of(period)
    per_assessor = dict(
        people.values_list("reviewer_id").annotate(n=Count("id")).values_list("reviewer_id", "n")
    )
    filled = dict(
        Score.objects.filter(period=period)
        .values_list("person__reviewer_id")
        .annotate(n=Count("id"))
        .values_list("person__reviewer_id", "n")
    )
    sheets = {s.assessor_id: s for s in Sheet.objects.filter(period=period).select_related("assessor")}
    from kaohe.org.models import Person

    names = dict(Person.objects.filter(pk__in=[k for k in per_assessor if k]).values_list("id", "name"))
    out = []
    for aid, n in sorted(per_assessor.items(), key=lambda kv: (kv[0] is not None, names.get(kv[0], ""))):
        if aid is not None and aid not in names:
            continue
        sheet = sheets.get(aid)
        out.append(
            {
                "assessor": names.get(aid) or _("Appraisal office"),
                "people": n,
                "expected": n * leaves,
                "filled": filled.get(aid, 0),
                "sheet": sheet,
                "submitted": bool(sheet and sheet.status == "submitted"),
            }
        )
    # those the office has to chase first: least filled, then filled but not handed in
    out.sort(key=lambda a: (a["submitted"], a["filled"] / a["expected"] if a["expected"] else 1))
    return out


@login_required
@require_POST
def period_action(request, pk: int):
    require_role(request.user, *OFFICE)
    obj = sel.get_period_for_user(request.user, pk, OFFICE)
    action = request.POST.get("action", "")
    handlers = {
        "scoring": lambda: services.start_scoring(actor=request.user, period=obj),
        "compute": lambda: services.compute_period(actor=request.user, period=obj),
        "committee": lambda: services.send_to_committee(actor=request.user, period=obj),
        "undo": lambda: services.undo(actor=request.user, period=obj),
        "publish": lambda: services.publish(actor=request.user, period=obj),
        "finalize": lambda: services.finalize(actor=request.user, period=obj),
        "correct": lambda: services.correct(
            actor=request.user, period=obj, reason=request.POST.get("reason", "")
        ),
    }
    if action not in handlers:
        messages.error(request, _("Unknown action."))
        return redirect("appraisal:period", pk)
    try:
        handlers[action]()
    except Refusal as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("Done."))
    return redirect("appraisal:period", pk)


@login_required
@require_POST
def remind(request, pk: int):
    require_role(request.user, *OFFICE)
    sheet = sel.get_sheet_for_user(request.user, pk)
    sent = services.remind(actor=request.user, sheet=sheet)
    messages.success(request, _("Reminder sent.") if sent else _("This assessor has no account to remind."))
    return redirect("appraisal:period", sheet.period_id)


@login_required
@require_http_methods(["GET", "POST"])
def kpis(request, pk: int):
    """KPI actuals and targets: an Excel import (person, indicator, measure, actual, target, multiple)."""
    require_role(request.user, *OFFICE)
    obj = sel.get_period_for_user(request.user, pk, OFFICE)
    if request.method == "POST":
        try:
            rows = _kpi_rows(request.FILES.get("file"))
            n = services.save_kpis(actor=request.user, period=obj, rows=rows)
        except Refusal as exc:
            _fail(request, exc)
        else:
            messages.success(
                request, ngettext("%(n)s KPI row stored.", "%(n)s KPI rows stored.", n) % {"n": n}
            )
            return redirect("appraisal:kpis", pk)
    return render(
        request,
        "appraisal/kpis.html",
        {
            "period": obj,
            "kpis": obj.kpis.select_related("person")[:500],
            "breadcrumb": [
                (_("Appraisal periods"), reverse("appraisal:periods")),
                (str(obj), reverse("appraisal:period", args=[pk])),
                (_("KPIs"), ""),
            ],
        },
    )


KPI_HEADERS = {
    "工号": "person",
    "人员编号": "person",
    "指标": "indicator",
    "度量": "measure",
    "实际": "actual",
    "目标": "target",
    "倍数": "multiple",
}


def _kpi_rows(upload) -> list[dict]:
    import openpyxl

    from kaohe.platform.uploads import XLSX, sniff

    if upload is None:
        raise Refusal(_("Choose an Excel file."))
    data = upload.read(5 * 1024 * 1024 + 1)
    if len(data) > 5 * 1024 * 1024 or sniff(data) != XLSX:
        raise Refusal(_("Expected an Excel workbook (.xlsx) of at most 5 MB."))
    from io import BytesIO

    ws = openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=True).worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    if not rows:
        raise Refusal(_("The workbook is empty."))
    header = [KPI_HEADERS.get(str(h).strip(), str(h).strip()) if h is not None else "" for h in rows[0]]
    return [dict(zip(header, r, strict=False)) for r in rows[1:] if any(c not in (None, "") for c in r)]


# --- scoring sheets -------------------------------------------------------------------------------------


@login_required
@require_GET
def sheets(request):
    require_role(request.user, Role.REVIEWER, Role.OFFICE)
    mine = list(sel.sheets_for_user(request.user).filter(assessor__user=request.user))
    from kaohe.appraisal.models import Period

    # a reviewer's sheets of the periods in scoring appear on first visit
    person = getattr(request.user, "person", None)
    if person is not None:
        for p in Period.objects.filter(state__in=services.rules.SCORABLE).select_related("unit"):
            if person.reviewees.in_subtree(p.unit).filter(active=True).exists() and not any(
                s.period_id == p.pk for s in mine
            ):
                mine.append(services.get_or_create_sheet(p, person))
    office = []
    if sel.scope_for(request.user).has_role(Role.OFFICE):
        for p in sel.periods_for_user(request.user, OFFICE).filter(state__in=services.rules.SCORABLE):
            office.append(services.get_or_create_sheet(p, None))
    return render(
        request,
        "appraisal/sheets.html",
        {"mine": mine, "office": office, "breadcrumb": [(_("Scoring sheets"), "")]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def sheet(request, pk: int):
    require_role(request.user, Role.REVIEWER, Role.OFFICE)
    obj = sel.get_sheet_for_user(request.user, pk)
    leaves = scored_leaves(obj.period.scheme.parsed())
    people = list(services.sheet_people(obj).order_by("unit__path", "staff_no"))
    if request.method == "POST":
        try:
            if request.POST.get("reopen"):
                services.reopen_sheet(actor=request.user, sheet=obj)
            else:
                entries = []
                for p in people:
                    for i, key in enumerate(leaves):
                        entries.append(
                            (
                                p.pk,
                                key,
                                _num(request.POST.get(f"s-{p.pk}-{i}")),
                                request.POST.get(f"c-{p.pk}-{i}", ""),
                            )
                        )
                services.save_sheet(
                    actor=request.user, sheet=obj, entries=entries, submit=bool(request.POST.get("submit"))
                )
        except Refusal as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("Sheet saved."))
            return redirect("appraisal:sheet", pk)
    scores = {
        (s.person_id, s.indicator): s for s in Score.objects.filter(period=obj.period, person__in=people)
    }
    cols = [
        {
            "i": i,
            "key": k,
            "name": "/".join(leaf.names),
            "points": leaf.node.points,
            "task": leaf.node.source == "task",
        }
        for i, (k, leaf) in enumerate(leaves.items())
    ]
    grid = []
    for p in people:
        cells = []
        for c in cols:
            s = scores.get((p.pk, c["key"]))
            value = None if s is None else (round(s.value * 100, 2) if c["task"] else s.value)
            cells.append(
                {
                    "col": c,
                    "value": request.POST.get(f"s-{p.pk}-{c['i']}", "" if value is None else f"{value:g}"),
                    "comment": request.POST.get(f"c-{p.pk}-{c['i']}", s.comment if s else ""),
                }
            )
        grid.append({"person": p, "cells": cells})
    editable = obj.status == "draft" and obj.period.state in services.rules.SCORABLE
    return render(
        request,
        "appraisal/sheet.html",
        {
            "sheet": obj,
            "cols": cols,
            "grid": grid,
            "editable": editable,
            "breadcrumb": [(_("Scoring sheets"), reverse("appraisal:sheets")), (str(obj), "")],
        },
    )


# --- claims ------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def claims(request):
    require_role(request.user, Role.STAFF, Role.REVIEWER, *COMMITTEE)
    me = getattr(request.user, "person", None)
    open_periods = []
    if me is not None:
        from .models import Period

        open_periods = [
            p
            for p in Period.objects.filter(state__in=services.rules.CLAIMABLE).select_related(
                "unit", "scheme"
            )
            if me.unit.path.startswith(p.unit.path)
        ]
    if request.method == "POST":
        try:
            if me is None:
                raise Refusal(_("Only people with a record can claim."))
            period_obj = next((p for p in open_periods if str(p.pk) == request.POST.get("period")), None)
            if period_obj is None:
                raise Refusal(_("Choose an open period."))
            try:
                points = Decimal(request.POST.get("points", ""))
            except InvalidOperation:
                raise Refusal(_("Points must be a number.")) from None
            claim = services.file_claim(
                actor=request.user,
                period=period_obj,
                person=me,
                category=request.POST.get("category", ""),
                points=points,
                reason=request.POST.get("reason", ""),
                files=request.FILES.getlist("evidence"),
            )
        except Refusal as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("Claim filed."))
            return redirect("appraisal:claim", claim.pk)
    qs = sel.claims_for_user(request.user)
    scope = sel.scope_for(request.user)
    return render(
        request,
        "appraisal/claims.html",
        {
            "mine": qs.filter(person__user=request.user) if me else [],
            "section": qs.filter(status=ClaimStatus.SUBMITTED).exclude(person__user=request.user)
            if scope.has_role(Role.REVIEWER)
            else [],
            "committee": qs.filter(status=ClaimStatus.SECTION_APPROVED) if scope.has_role(*COMMITTEE) else [],
            "open_periods": [
                (
                    p,
                    [
                        (n, a)
                        for n, a in p.scheme.parsed().adjustments.items()
                        if a.source == "claims" and a.kind == "bonus"
                    ],
                )
                for p in open_periods
            ],
            "breadcrumb": [(_("Claims"), "")],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def claim(request, pk: int):
    require_role(request.user, Role.STAFF, Role.REVIEWER, *COMMITTEE)
    obj = sel.get_claim_for_user(request.user, pk)
    scope = sel.scope_for(request.user)
    stage = {"submitted": Role.REVIEWER, "section_approved": "committee"}.get(obj.status)
    can_decide = (
        stage == Role.REVIEWER and scope.has_role(Role.REVIEWER) and obj.person.user_id != request.user.pk
    ) or (stage == "committee" and scope.has_role(*COMMITTEE))
    if request.method == "POST":
        if not can_decide:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        try:
            services.decide_claim(
                actor=request.user,
                claim=obj,
                approve=request.POST.get("decision") == "approve",
                note=request.POST.get("note", ""),
            )
        except Refusal as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("Decision recorded."))
        return redirect("appraisal:claim", pk)
    return render(
        request,
        "appraisal/claim.html",
        {
            "claim": obj,
            "can_decide": can_decide,
            "evidence": obj.evidence.all(),
            "breadcrumb": [(_("Claims"), reverse("appraisal:claims")), (str(obj), "")],
        },
    )


@login_required
@require_GET
def evidence(request, pk: int):
    require_role(request.user, Role.STAFF, Role.REVIEWER, *COMMITTEE)
    ev = sel.get_evidence_for_user(request.user, pk)
    return FileResponse(
        ev.file.open("rb"), content_type=ev.content_type, as_attachment=True, filename=ev.name
    )


# --- results ------------------------------------------------------------------------------------------


@login_required
@require_GET
def results(request, pk: int):
    """Results of one version per track in rank order (one query for the rows)."""
    require_role(request.user, *OVERSEE)
    obj = sel.get_period_for_user(request.user, pk)
    rs = sel.current_set(obj)
    grades = list(obj.scheme.parsed().grading.grades)
    tracks, rows, track = [], [], request.GET.get("track", "")
    if rs is not None:
        tracks = list(rs.rows.order_by("track").values_list("track", flat=True).distinct())
        track = track if track in tracks else (tracks[0] if tracks else "")
        rows = list(
            sel.in_rank_order(rs.rows.filter(track=track)).values(
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
            )
        )
    return render(
        request,
        "appraisal/results.html",
        {
            "period": obj,
            "rs": rs,
            "tracks": tracks,
            "track": track,
            "rows": rows,
            "components": list(rows[0]["components"]) if rows else [],
            "grades": grades,
            "distribution": sel.distribution(rs, grades, track) if rs else [],
            "breadcrumb": [
                (_("Appraisal periods"), reverse("appraisal:periods")),
                (str(obj), reverse("appraisal:period", args=[pk])),
                (_("Results"), ""),
            ],
        },
    )


@login_required
@require_GET
def result(request, pk: int):
    """A person's result with every number and its reason (the engine's derivation)."""
    require_role(request.user, *BROWSE, Role.STAFF)
    row = sel.get_row_for_user(request.user, pk)
    period = row.result_set.period
    own = row.person.user_id == request.user.pk
    if own and not period.locked and not sel.scope_for(request.user).has_role(*BROWSE):
        from django.http import Http404

        raise Http404  # people see their own result once it is published
    lang = "zh" if (request.LANGUAGE_CODE or "zh").startswith("zh") else "en"
    explanation = row.result_set.explanation(row.person.staff_no, lang)
    return render(
        request,
        "appraisal/result.html",
        {
            "row": row,
            "period": period,
            "explanation": explanation,
            "own": own,
            "can_appeal": own and period.appeals_open(timezone.localdate()) and row.result_set.current,
            "changes": row.changes.all(),
            "appeals": row.appeals.all(),
            "versions": PersonResult.objects.filter(person=row.person, result_set__period=period)
            .select_related("result_set")
            .defer("result_set__blob")
            .order_by("-result_set__version"),
            "breadcrumb": [
                (
                    _("My results") if own else _("Results"),
                    reverse("appraisal:mine") if own else reverse("appraisal:results", args=[period.pk]),
                ),
                (f"{row.person.name} {period.code}", ""),
            ],
        },
    )


@login_required
@require_GET
def mine(request):
    """My published results, newest first."""
    rows = (
        PersonResult.objects.filter(
            person__user=request.user,
            result_set__current=True,
            result_set__period__state__in=[PeriodState.PUBLICITY, PeriodState.FINAL],
        )
        .select_related("result_set__period__unit")
        .order_by("-result_set__period__start")
    )
    return render(
        request,
        "appraisal/mine.html",
        {
            "rows": rows,
            "appeals": sel.appeals_for_user(request.user).filter(person__user=request.user),
            "breadcrumb": [(_("My results"), "")],
        },
    )


# --- committee ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def committee(request, pk: int):
    require_role(request.user, *COMMITTEE)
    obj = sel.get_period_for_user(request.user, pk, COMMITTEE)
    rs = sel.current_set(obj)
    if request.method == "POST":
        try:
            if request.POST.get("what") == "grade":
                row = rs.rows.get(pk=request.POST.get("row")) if rs else None
                if row is None:
                    raise Refusal(_("No such result."))
                services.change_grade(
                    actor=request.user,
                    row=row,
                    grade=request.POST.get("grade", ""),
                    reason=request.POST.get("reason", ""),
                )
            else:
                day = date.fromisoformat(request.POST.get("day") or timezone.localdate().isoformat())
                services.record_decision(
                    actor=request.user,
                    period=obj,
                    members=request.POST.get("members", ""),
                    day=day,
                    decision=request.POST.get("decision", ""),
                )
        except (Refusal, ValueError, PersonResult.DoesNotExist) as exc:
            _fail(request, Refusal(str(exc)) if not isinstance(exc, Refusal) else exc)
        else:
            messages.success(request, _("Recorded."))
        return redirect("appraisal:committee", pk)
    grades = list(obj.scheme.parsed().grading.grades)
    ranked = list(sel.in_rank_order(rs.rows.select_related("person__unit"), "quota_group")) if rs else []
    return render(
        request,
        "appraisal/committee.html",
        {
            "period": obj,
            "rs": rs,
            "grades": grades,
            "distribution": sel.distribution(rs, grades) if rs else [],
            "ranked": ranked,
            "decisions": obj.decisions.all(),
            "editable": obj.state == PeriodState.COMMITTEE,
            "appeals": obj.appeals.filter(status=AppealStatus.FILED).select_related("person"),
            "breadcrumb": [
                (_("Appraisal periods"), reverse("appraisal:periods")),
                (str(obj), reverse("appraisal:period", args=[pk])),
                (_("Committee"), ""),
            ],
        },
    )


# --- appeals ------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def appeal_new(request, pk: int):
    require_role(request.user, Role.STAFF)
    row = sel.own_row(request.user, pk)
    if request.method == "POST":
        try:
            appeal_obj = services.file_appeal(
                actor=request.user,
                row=row,
                reason=request.POST.get("reason", ""),
                files=request.FILES.getlist("evidence"),
            )
        except Refusal as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("Appeal filed."))
            return redirect("appraisal:appeal", appeal_obj.pk)
    return render(
        request,
        "appraisal/appeal_new.html",
        {"row": row, "breadcrumb": [(_("My results"), reverse("appraisal:mine")), (_("Appeal"), "")]},
    )


@login_required
@require_GET
def appeals(request):
    require_role(request.user, *COMMITTEE)
    return render(
        request,
        "appraisal/appeals.html",
        {
            "appeals": sel.appeals_for_user(request.user).exclude(person__user=request.user)[:300],
            "breadcrumb": [(_("Appeals"), "")],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def appeal(request, pk: int):
    require_role(request.user, Role.STAFF, *COMMITTEE)
    obj = sel.get_appeal_for_user(request.user, pk)
    is_committee = sel.scope_for(request.user).has_role(*COMMITTEE) and obj.person.user_id != request.user.pk
    leaves = scored_leaves(obj.period.scheme.parsed())
    if request.method == "POST":
        if not is_committee:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        try:
            corrections = []
            for i, key in enumerate(leaves):
                value = _num(request.POST.get(f"fix-{i}"))
                if value is not None:
                    corrections.append((key, value))
            services.decide_appeal(
                actor=request.user,
                appeal=obj,
                upheld=request.POST.get("outcome") == "upheld",
                decision=request.POST.get("decision", ""),
                corrections=corrections,
            )
        except Refusal as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("Decision recorded."))
        return redirect("appraisal:appeal", pk)
    scores = dict(
        Score.objects.filter(period=obj.period, person=obj.person).values_list("indicator", "value")
    )
    cols = [
        {
            "i": i,
            "name": "/".join(leaf.names),
            "points": leaf.node.points,
            "task": leaf.node.source == "task",
            "value": scores.get(k),
        }
        for i, (k, leaf) in enumerate(leaves.items())
    ]
    return render(
        request,
        "appraisal/appeal.html",
        {
            "appeal": obj,
            "is_committee": is_committee,
            "cols": cols,
            "evidence": obj.evidence.all(),
            "breadcrumb": [
                (
                    _("Appeals") if is_committee else _("My results"),
                    reverse("appraisal:appeals") if is_committee else reverse("appraisal:mine"),
                ),
                (str(obj), ""),
            ],
        },
    )


def xlsx_response(data: bytes, stem: str) -> HttpResponse:
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
    return response
