"""Work-log pages. Each view: authorise through ``kaohe.accounts.scope`` (and the selectors built on
it), validate with a form, call one service, respond."""

import json
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaohe.accounts.models import Role
from kaohe.accounts.scope import (
    people_for_user,
    require_role,
    unit_or_first_for_user,
    units_for_user,
)
from kaohe.engine.periods import span
from kaohe.platform.calendar import package_knows
from kaohe.platform.downloads import download_response
from kaohe.platform.excel import xlsx_response
from kaohe.platform.models import CalendarDay
from kaohe.platform.notifications import for_user as notifications_of
from kaohe.platform.notifications import mark_all_read
from kaohe.platform.roles import BROWSE, DECLARE
from kaohe.platform.uploads import DOCX

from . import reports, selectors, services
from .choices import LogStatus, LogTag
from .forms import AchievementForm, CalendarDayForm, DecideForm, LogForm, LogSettingsForm, PeriodForm
from .models import Attachment, MissNotice
from .workdays import month_start

WRITERS = (Role.STAFF,)
PAGE_SIZE = 100


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _me(request):
    require_role(request.user, *WRITERS)
    person = selectors.own_person(request.user)
    if person is None:
        raise PermissionDenied
    return person


# --- writing -------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def write(request):
    """Today's log (or ``?day=`` for back-filling), phone first."""
    person = _me(request)
    day = _day_asked(request)
    existing = person.worklogs.filter(day=day).first()
    if existing is not None:
        return redirect("worklog:edit" if existing.editable else "worklog:log", existing.pk)
    form = LogForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.write_log(
                actor=request.user,
                person=person,
                day=day,
                content=form.cleaned_data["content"],
                tags=form.cleaned_data["tags"],
                files=request.FILES.getlist("attachments"),
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(
                request, _("Your log of %(day)s is saved and sent to your reviewer.") % {"day": day}
            )
            return redirect("worklog:mine")
    return render(request, "worklog/write.html", _write_context(person, day, form))


def _day_asked(request) -> date:
    """The day of ``?day=`` (back-filling), else today; a day that does not parse is today."""
    today = timezone.localdate()
    try:
        return date.fromisoformat(request.GET["day"]) if request.GET.get("day") else today
    except ValueError:
        return today


def _write_context(person, day: date, form) -> dict:
    previous = person.worklogs.filter(day__lt=day).order_by("-day").only("content", "tags").first()
    return {
        "form": form,
        "day": day,
        "person": person,
        "previous": previous,
        "previous_tags": json.dumps(previous.tags if previous else []),
        "tags": LogTag.choices,
        "window": _window_or_none(person, day),
        "breadcrumb": [(_("Today's log"), "")],
    }


def _window_or_none(person, day):
    try:
        return services.writing_window(person, day)
    except ValidationError:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    _me(request)
    log = selectors.get_log_for_user(request.user, pk)
    if log.person.user_id != request.user.pk:
        raise Http404
    initial = {"content": log.content, "tags": log.tags}
    form = LogForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_log(
                actor=request.user,
                log=log,
                content=form.cleaned_data["content"],
                tags=form.cleaned_data["tags"],
                files=request.FILES.getlist("attachments"),
                remove=[int(x) for x in request.POST.getlist("remove") if x.isdigit()],
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Your log of %(day)s is saved.") % {"day": log.day})
            return redirect("worklog:mine")
    context = {
        "form": form,
        "log": log,
        "day": log.day,
        "tags": LogTag.choices,
        "breadcrumb": [(_("Edit log"), "")],
    }
    return render(request, "worklog/write.html", context)


@login_required
@require_GET
def log_detail(request, pk: int):
    log = selectors.get_log_for_user(request.user, pk)
    can_decide = (
        log.status == LogStatus.SUBMITTED
        and log.reviewer is not None
        and log.reviewer.user_id == request.user.pk
    )
    context = {"log": log, "can_decide": can_decide, "breadcrumb": [(_("Work log"), "")]}
    return render(request, "worklog/log.html", context)


@login_required
@require_GET
def attachment(request, pk: int):
    att = get_object_or_404(Attachment.objects.filter(log__in=selectors.logs_for_user(request.user)), pk=pk)
    return FileResponse(
        att.file.open("rb"), as_attachment=True, filename=att.name, content_type=att.content_type
    )


@login_required
@require_GET
def mine(request):
    """The person's history by week or month, and the deductions the miss rule gave them."""
    person = _me(request)
    view = "week" if request.GET.get("view") == "week" else "month"
    try:
        day = date.fromisoformat(request.GET["day"]) if request.GET.get("day") else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    start, end = span(view, day).bounds
    step = timedelta(days=7) if view == "week" else timedelta(days=1)
    context = {
        "person": person,
        "view": view,
        "start": start,
        "end": end,
        "logs": selectors.history(person, start, end),
        "previous": (start - step) if view == "week" else month_start(start - step),
        "next": end + timedelta(days=1),
        "notices": MissNotice.objects.filter(person=person).order_by("-day")[:20],
        "rates": _own_rates(person, view, day),
        "breadcrumb": [(_("My logs"), "")],
    }
    return render(request, "worklog/mine.html", context)


def _own_rates(person, view, day):
    rows = selectors.log_statistics([person.pk], *span("month", day).bounds)
    return rows[0] if rows else None


# --- reviewing -----------------------------------------------------------------------------------------


@login_required
@require_GET
def queue(request):
    require_role(request.user, Role.REVIEWER)
    logs = list(selectors.review_queue(request.user)[:200])
    me = selectors.own_person(request.user)
    own = selectors.reviewer_rates([me.pk], "month", timezone.localdate()).get(me.pk) if me else None
    context = {"logs": logs, "own": own, "breadcrumb": [(_("Logs to review"), "")]}
    return render(request, "worklog/queue.html", context)


@login_required
@require_POST
def decide(request, pk: int):
    require_role(request.user, Role.REVIEWER)
    log = selectors.get_log_for_user(request.user, pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or return."))
        return redirect("worklog:queue")
    try:
        if form.cleaned_data["action"] == "approve":
            services.approve_log(actor=request.user, log=log, comment=form.cleaned_data["comment"])
            messages.success(
                request, _("Approved: %(name)s, %(day)s.") % {"name": log.person.name, "day": log.day}
            )
        else:
            services.return_log(actor=request.user, log=log, comment=form.cleaned_data["comment"])
            messages.success(
                request, _("Returned: %(name)s, %(day)s.") % {"name": log.person.name, "day": log.day}
            )
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("worklog:queue")


@login_required
@require_POST
def approve_many(request):
    require_role(request.user, Role.REVIEWER)
    ids = [int(x) for x in request.POST.getlist("log") if x.isdigit()][:500]
    logs = list(selectors.logs_for_user(request.user).filter(pk__in=ids))
    if not logs:
        messages.error(request, _("Tick the logs to approve."))
        return redirect("worklog:queue")
    try:
        n = services.approve_logs(actor=request.user, logs=logs)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, ngettext("%(n)s log approved.", "%(n)s logs approved.", n) % {"n": n})
    return redirect("worklog:queue")


# --- rates and summaries -------------------------------------------------------------------------------


def _period_context(request):
    require_role(request.user, *BROWSE)
    form = PeriodForm(request.GET or None)
    unit_id, kind, day = form.values(timezone.localdate())
    unit = unit_or_first_for_user(request.user, unit_id, BROWSE)
    start, end = span(kind, day).bounds
    return {"form": form, "unit": unit, "kind": kind, "day": day, "start": start, "end": end}


@login_required
@require_GET
def rates(request):
    ctx = _period_context(request)
    total, sections = selectors.rates_by_section(ctx["unit"], ctx["kind"], ctx["day"])
    people = Paginator(selectors.rates_by_person(ctx["unit"], ctx["kind"], ctx["day"]), PAGE_SIZE)
    page = people.get_page(request.GET.get("page"))
    children = units_for_user(request.user, BROWSE).filter(parent=ctx["unit"])
    query = request.GET.copy()
    query.pop("page", None)
    ctx |= {"total": total, "sections": sections, "people": page, "page": page, "query": query.urlencode()}
    ctx["children"] = children
    ctx["breadcrumb"] = [(_("Log rates"), "")]
    return render(request, "worklog/rates.html", ctx)


@login_required
@require_GET
def summary(request):
    """Weekly or monthly summary (每周一小结、每月一大结) with charts of the sections' rates."""
    ctx = _period_context(request)
    if ctx["kind"] not in {"week", "month"}:
        ctx["kind"] = "month"
        ctx["start"], ctx["end"] = span("month", ctx["day"]).bounds
    ctx |= reports.summary_data(ctx["unit"], ctx["kind"], ctx["day"])
    ctx["breadcrumb"] = [(_("Summaries"), "")]
    return render(request, "worklog/summary.html", ctx)


@login_required
@require_GET
def summary_xlsx(request):
    ctx = _period_context(request)
    data = reports.summary_workbook(ctx["unit"], ctx["kind"], ctx["day"])
    return xlsx_response(data, f"worklog-{ctx['kind']}-{ctx['start']:%Y%m%d}.xlsx")


@login_required
@require_GET
def notice_docx(request):
    require_role(request.user, Role.OFFICE)
    ctx = _period_context(request)
    data = reports.notice_document(
        ctx["unit"], ctx["kind"], ctx["day"], number=request.GET.get("number", "")[:40]
    )
    return download_response(data, f"notice-{ctx['start']:%Y%m%d}.docx", DOCX)


# --- office: calendar, work-log settings, achievements -----------------------------------------------------


def _office_unit(request):
    require_role(request.user, Role.OFFICE)
    raw = request.GET.get("unit") or request.POST.get("unit")
    return unit_or_first_for_user(request.user, raw, [Role.OFFICE])


@login_required
@require_http_methods(["GET", "POST"])
def calendar(request):
    unit = _office_unit(request)
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        day, kind = form.cleaned_data["day"], form.cleaned_data["kind"]
        try:
            if kind:
                services.set_calendar_day(
                    actor=request.user, unit=unit, day=day, kind=kind, note=form.cleaned_data["note"]
                )
            else:
                services.clear_calendar_day(actor=request.user, unit=unit, day=day)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(
                request, _("Calendar of %(unit)s changed for %(day)s.") % {"unit": unit.name, "day": day}
            )
        return redirect(f"{reverse('worklog:calendar')}?unit={unit.pk}&month={day:%Y-%m}")
    try:
        month = date.fromisoformat(request.GET.get("month", "") + "-01")
    except ValueError:
        month = month_start(timezone.localdate())
    context = reports.calendar_month(unit, month) | {
        "unit": unit,
        "form": form,
        "month": month,
        "units": units_for_user(request.user, [Role.OFFICE]).order_by("path")[:500],
        "unknown": [
            y
            for y in (month.year, month.year + 1)
            if not package_knows(y)
            and not CalendarDay.objects.filter(unit__in=selectors.ancestor_ids(unit), day__year=y).exists()
        ],
        "breadcrumb": [(_("Working-day calendar"), "")],
    }
    return render(request, "worklog/calendar.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def log_settings(request):
    unit = _office_unit(request)
    current = selectors.log_settings_for_unit(unit)
    form = LogSettingsForm(
        request.POST or None,
        instance=current if current.pk and current.unit_id == unit.pk else None,
        initial=None
        if current.pk and current.unit_id == unit.pk
        else {f: getattr(current, f) for f in services.LOG_SETTING_FIELDS},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_log_settings(
                actor=request.user,
                unit=unit,
                **{f: form.cleaned_data[f] for f in services.LOG_SETTING_FIELDS},
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Settings of %(unit)s saved.") % {"unit": unit.name})
            return redirect(f"{reverse('worklog:log_settings')}?unit={unit.pk}")
    context = {
        "unit": unit,
        "form": form,
        "inherited_from": current.unit if current.pk and current.unit_id != unit.pk else None,
        "units": units_for_user(request.user, [Role.OFFICE]).order_by("path")[:500],
        "breadcrumb": [(_("Work-log settings"), "")],
    }
    return render(request, "worklog/log_settings.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def achievements(request):
    require_role(request.user, *DECLARE)
    people = people_for_user(request.user, DECLARE).filter(active=True).order_by("unit__path", "staff_no")
    form = AchievementForm(request.POST or None)
    form.fields["person"].widget.choices = [(p.pk, f"{p.name}（{p.staff_no}）") for p in people[:1000]]
    if request.method == "POST" and form.is_valid():
        person = people.filter(pk=form.cleaned_data["person"]).first()
        if person is None:
            raise Http404
        try:
            services.declare_achievement(
                actor=request.user,
                person=person,
                month=form.cleaned_data["month"],
                section=form.cleaned_data["section"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Achievement record declared for %(name)s.") % {"name": person.name})
            return redirect("worklog:achievements")
    today = timezone.localdate()
    records = selectors.achievements_for_user(request.user).select_related("person", "person__unit")
    context = {
        "form": form,
        "records": records.filter(month__gte=services.achievement_months(today)[1])[:500],
        "due_day": selectors.log_settings_for_unit(
            units_for_user(request.user, DECLARE).order_by("path").first()
        ).achievement_day
        if units_for_user(request.user, DECLARE).exists()
        else 25,
        "can_decide": Role.OFFICE in selectors.scope_for(request.user).roles,
        "this_month": today.strftime("%Y-%m"),
        "breadcrumb": [(_("Monthly achievement records"), "")],
    }
    return render(request, "worklog/achievements.html", context)


@login_required
@require_POST
def achievement_decide(request, pk: int):
    require_role(request.user, Role.OFFICE)
    record = get_object_or_404(
        selectors.achievements_for_user(request.user).filter(
            person__in=people_for_user(request.user, [Role.OFFICE])
        ),
        pk=pk,
    )
    try:
        services.decide_achievement(
            actor=request.user,
            achievement=record,
            accept=request.POST.get("accept") == "1",
            comment=request.POST.get("comment", "")[:500],
        )
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("worklog:achievements")


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request):
    if request.method == "POST":
        mark_all_read(user=request.user)
        return redirect("worklog:notifications")
    items = notifications_of(request.user)[:100]
    return render(
        request, "worklog/notifications.html", {"items": items, "breadcrumb": [(_("Notifications"), "")]}
    )
