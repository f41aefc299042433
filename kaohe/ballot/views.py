"""Ballot pages: the office's campaign pages (list, new, detail, codes and print sheet, paper entry,
results, export, quality) and the raters' phone pages (vote with an account, vote with a code).
Each view: authorise through the selectors, validate, call one service, respond."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaohe.accounts.models import Role
from kaohe.accounts.scope import require_role, scope_for, units_for_user
from kaohe.org.models import Person
from kaohe.platform.excel import xlsx_response
from kaohe.platform.roles import OVERSEE

from . import excel, logic, presets, qr, selectors, services
from .choices import Voting
from .forms import CampaignForm, CodeEntryForm, CodesForm, PaperForm
from .models import PaperEntry


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _crumbs(campaign=None, *tail):
    crumbs = [(_("Democratic evaluation"), reverse("ballot:campaigns"))]
    if campaign is not None:
        crumbs.append((str(campaign), reverse("ballot:campaign", args=[campaign.pk])))
    return crumbs + list(tail)


def ballot_rows(q, people, data) -> list[dict]:
    """The ballot form's rows: each person with one field per dimension (or one overall field)."""
    dims = q.dimensions or [None]
    rows = []
    for person in people:
        marks = []
        for dim in dims:
            name = logic.field_name(person.pk, dim.pk if dim else None)
            marks.append({"dimension": dim, "name": name, "value": str(data.get(name, ""))})
        rows.append({"person": person, "marks": marks})
    return rows


# --- the office ----------------------------------------------------------------------------------


@login_required
@require_GET
def campaigns(request):
    require_role(request.user, *OVERSEE)
    items = selectors.campaigns_for_user(request.user).order_by("-id")[:200]
    context = {"campaigns": items, "breadcrumb": [(_("Democratic evaluation"), "")]}
    return render(request, "ballot/campaigns.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request):
    require_role(request.user, Role.OFFICE)
    form = CampaignForm(request.POST or None, units=units_for_user(request.user, [Role.OFFICE]))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.create_campaign(
                actor=request.user,
                unit=data["unit"],
                name=data["name"],
                period=data["period"],
                options=presets.OPTIONS_FOUR,
                groups=presets.LAYOUTS[data["layout"]][1],
                dimensions=presets.DIMENSIONS_FIVE if data["dimensions"] else (),
                min_ballots=data["min_ballots"],
                when_group_missing=data["when_group_missing"],
                max_top_marks=data["max_top_marks"],
                identical_invalid=data["identical_invalid"],
                trim_extremes=data["trim_extremes"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The campaign was created. Check it, then open it for voting."))
            return redirect("ballot:campaign", campaign.pk)
    crumbs = _crumbs(None, (_("New campaign"), ""))
    return render(request, "ballot/campaign_new.html", {"form": form, "breadcrumb": crumbs})


@login_required
@require_GET
def campaign_detail(request, pk: int):
    campaign = selectors.get_campaign_for_user(request.user, pk)
    context = {
        "campaign": campaign,
        "q": selectors.questionnaire(campaign),
        "groups": list(campaign.groups.all()),
        "turnout": selectors.turnout(campaign),
        "ratees": campaign.ratees.count(),
        "can_manage": scope_for(request.user).has_role(Role.OFFICE),
        "breadcrumb": _crumbs(None, (str(campaign), "")),
    }
    return render(request, "ballot/campaign.html", context)


def _transition(request, pk: int, service, done: str):
    campaign = selectors.get_campaign_for_user(request.user, pk, selectors.MANAGERS)
    try:
        service(actor=request.user, campaign=campaign)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, done)
    return redirect("ballot:campaign", campaign.pk)


@login_required
@require_POST
def campaign_open(request, pk: int):
    return _transition(request, pk, services.open_campaign, _("Voting is open."))


@login_required
@require_POST
def campaign_close(request, pk: int):
    return _transition(request, pk, services.close_campaign, _("Voting is closed; the results are ready."))


@login_required
@require_http_methods(["GET", "POST"])
def codes(request, pk: int):
    campaign = selectors.get_campaign_for_user(request.user, pk, selectors.MANAGERS)
    groups = campaign.groups.filter(voting=Voting.CODE)
    form = CodesForm(request.POST or None, groups=groups, initial={"group": groups.first()})
    if request.method == "POST" and form.is_valid():
        group = form.cleaned_data["group"]
        try:
            raw = services.generate_codes(
                actor=request.user, campaign=campaign, group=group, count=form.cleaned_data["count"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            url = request.build_absolute_uri(reverse("ballot:code_entry"))
            if form.cleaned_data["output"] == "xlsx":
                data = excel.export_codes(campaign=campaign, group=group, raw_codes=raw, url=url)
                return xlsx_response(data, excel.codes_filename(campaign, group), fallback="codes.xlsx")
            sheets = [qr.code_card(url, code) for code in raw]
            return render(
                request, "ballot/print.html", {"campaign": campaign, "group": group, "sheets": sheets}
            )
    crumbs = _crumbs(campaign, (_("One-time codes"), ""))
    return render(request, "ballot/codes.html", {"campaign": campaign, "form": form, "breadcrumb": crumbs})


@login_required
@require_GET
def results(request, pk: int):
    campaign = selectors.get_campaign_for_user(request.user, pk)
    try:
        res = selectors.results(campaign)
    except selectors.ResultsNotAvailable:
        res = None
    crumbs = _crumbs(campaign, (_("Results"), ""))
    return render(request, "ballot/results.html", {"campaign": campaign, "res": res, "breadcrumb": crumbs})


@login_required
@require_GET
def results_export(request, pk: int):
    campaign = selectors.get_campaign_for_user(request.user, pk, selectors.MANAGERS)
    try:
        res = selectors.results(campaign)
    except selectors.ResultsNotAvailable:
        messages.error(request, _("Results appear once the campaign is closed."))
        return redirect("ballot:campaign", campaign.pk)
    name = excel.results_filename(campaign)
    return xlsx_response(excel.export_results(res), name, fallback="ballot-results.xlsx")


@login_required
@require_GET
def quality(request, pk: int):
    campaign = selectors.get_campaign_for_user(request.user, pk, (Role.OFFICE, Role.INSPECTOR))
    try:
        report = selectors.quality(campaign)
    except selectors.ResultsNotAvailable:
        report = None
    crumbs = _crumbs(campaign, (_("Rater quality"), ""))
    return render(
        request, "ballot/quality.html", {"campaign": campaign, "report": report, "breadcrumb": crumbs}
    )


@login_required
@require_http_methods(["GET", "POST"])
def paper(request, pk: int):
    campaign = selectors.get_campaign_for_user(request.user, pk, selectors.MANAGERS)
    groups = campaign.groups.all()
    form = PaperForm(request.POST or None, groups=groups, initial={"group": request.GET.get("group")})
    if request.method == "POST" and form.is_valid():
        group = form.cleaned_data["group"]
        try:
            _enter_paper_sheet(request, campaign, form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect(f"{reverse('ballot:paper', args=[campaign.pk])}?group={group.pk}")
    else:
        group = _picked_group(groups, request.GET.get("group", ""))
    q = selectors.questionnaire(campaign)
    people = selectors.allowed_people(campaign, group, None) if group else []
    context = {
        "campaign": campaign,
        "form": form,
        "group": group,
        "q": q,
        "rows": ballot_rows(q, people, request.POST if request.method == "POST" else {}),
        "pending": _pending_sheets(campaign, q),
        "breadcrumb": _crumbs(campaign, (_("Paper ballots"), "")),
    }
    return render(request, "ballot/paper.html", context)


def _enter_paper_sheet(request, campaign, data: dict) -> None:
    """Enter a paper sheet (or settle a differing one with these marks) and say what happened."""
    sheet = {"actor": request.user, "campaign": campaign, "group": data["group"], "sheet": data["sheet"]}
    if data["action"] == "resolve":
        services.resolve_paper_sheet(**sheet, answers=request.POST)
        messages.success(request, _("The sheet was settled and counted."))
    else:
        outcome = services.enter_paper_sheet(**sheet, answers=request.POST)
        messages.success(request, _PAPER_OUTCOMES[outcome])


def _picked_group(groups, raw: str):
    """The rater group picked on the page (``?group=``), else the first."""
    picked = groups.filter(pk=int(raw)).first() if raw.isdigit() else None
    return picked or groups.first()


_PAPER_OUTCOMES = {
    "first": gettext_lazy("Entered. The sheet counts once a second clerk has entered it the same way."),
    "counted": gettext_lazy("Both entries agree; the sheet is counted."),
    "differs": gettext_lazy("The two entries differ. Look at the paper sheet and settle it below."),
}


def _pending_sheets(campaign, q) -> list[dict]:
    """Sheets not yet counted: entered once, or twice with differences (each difference named)."""
    entries: dict[str, list] = {}
    for e in PaperEntry.objects.filter(campaign=campaign, counted=False).select_related("group", "clerk"):
        entries.setdefault(e.sheet, []).append(e)
    names = dict(Person.objects.filter(ballot_ratings__campaign=campaign).values_list("pk", "name"))
    labels = {str(o.pk): o.label for o in q.options}
    dims = {str(d.pk): d.name for d in q.dimensions}
    sheets = []
    for sheet, es in sorted(entries.items()):
        diffs = []
        if len(es) == 2:
            a, b = es
            if a.group_id != b.group_id:
                diffs.append((_("Rater group"), a.group.name, b.group.name))
            for key in sorted(set(a.answers) | set(b.answers)):
                if a.answers.get(key) != b.answers.get(key):
                    parts = key.split("-")
                    who = names.get(int(parts[1]), parts[1]) + (
                        f" · {dims.get(parts[2], '')}" if len(parts) > 2 else ""
                    )
                    diffs.append(
                        (
                            who,
                            labels.get(a.answers.get(key, ""), "—"),
                            labels.get(b.answers.get(key, ""), "—"),
                        )
                    )
        sheets.append({"sheet": sheet, "entries": es, "differences": diffs, "group": es[0].group})
    return sheets


# --- raters --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def vote(request, pk: int):
    campaign, group, person = selectors.get_open_campaign_for_rater(request.user, pk)
    if selectors.has_voted(campaign, request.user):
        return render(request, "ballot/thanks.html", {"campaign": campaign, "already": True})
    error = None
    if request.method == "POST":
        try:
            services.vote_with_account(user=request.user, campaign=campaign, answers=request.POST)
        except ValidationError as exc:
            error = _error_text(exc)
        else:
            return render(request, "ballot/thanks.html", {"campaign": campaign})
    q = selectors.questionnaire(campaign)
    people = selectors.allowed_people(campaign, group, person)
    context = {
        "campaign": campaign,
        "group": group,
        "q": q,
        "rows": ballot_rows(q, people, request.POST if request.method == "POST" else {}),
        "error": error,
        "draft_key": f"kaohe-ballot-{campaign.pk}-{request.user.pk}",
    }
    return render(request, "ballot/vote.html", context, status=400 if error else 200)


@require_http_methods(["GET", "POST"])
def code_entry(request):
    """Public: a rater without an account opens the ballot with a code (typed, or read from the QR
    code's address fragment, which never reaches the server logs), then submits it."""
    form = CodeEntryForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "ballot/code_entry.html", {"form": form})
    raw = form.cleaned_data["code"]
    error = None
    if "cast" in request.POST:
        try:
            campaign = services.vote_with_code(raw_code=raw, answers=request.POST)
        except ValidationError as exc:
            error = _error_text(exc)
        else:
            return render(request, "ballot/thanks.html", {"campaign": campaign, "anonymous": True})
    try:
        code = services.find_code(raw)
    except ValidationError as exc:
        form.add_error("code", exc)
        return render(request, "ballot/code_entry.html", {"form": form}, status=400)
    campaign = code.campaign
    q = selectors.questionnaire(campaign)
    people = selectors.allowed_people(campaign, code.group, None)
    context = {
        "campaign": campaign,
        "group": code.group,
        "q": q,
        "rows": ballot_rows(q, people, request.POST if "cast" in request.POST else {}),
        "error": error,
        "code": form.cleaned_data["code"],
        "draft_key": f"kaohe-ballot-{campaign.pk}-code",
    }
    return render(request, "ballot/vote.html", context, status=400 if error else 200)
