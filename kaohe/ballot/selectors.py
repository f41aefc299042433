"""Reads of the ballot domain, through the scope layer (``kaohe.accounts.scope``).

Results are read only from closed campaigns and only for rater groups at or over the minimum: the
functions here never return a withheld group, not even its count, and never an individual ballot.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404

from kaohe.accounts.models import Role
from kaohe.accounts.scope import require_role, units_for_user
from kaohe.org.models import Person
from kaohe.platform.roles import OVERSEE

from . import counts, logic
from . import quality as rater_quality
from .choices import CampaignStatus, Voting
from .models import Ballot, BallotLine, Campaign, Code, PaperEntry, Participation, RaterGroup

# Who may see campaigns, turnout and results in their scope; only the office changes anything.
MANAGERS = (Role.OFFICE,)


def campaigns_for_user(user, roles: Iterable[str] = OVERSEE) -> QuerySet[Campaign]:
    return Campaign.objects.filter(unit__in=units_for_user(user, roles)).select_related("unit")


def get_campaign_for_user(user, pk, roles: Iterable[str] = OVERSEE) -> Campaign:
    """403 without one of ``roles``; 404 for a campaign outside the user's scope."""
    roles = tuple(roles)
    require_role(user, *roles)
    try:
        return campaigns_for_user(user, roles).get(pk=pk)
    except (Campaign.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- the questionnaire and the rules of who rates whom ------------------------------------------


@dataclass
class Questionnaire:
    options: list  # Option rows, in order
    dimensions: list  # Dimension rows, in order (empty: one overall mark)

    @property
    def option_points(self) -> dict[int, float]:
        return {o.pk: float(o.points) for o in self.options}

    @property
    def dimension_ids(self) -> list[int]:
        return [d.pk for d in self.dimensions]


def questionnaire(campaign: Campaign) -> Questionnaire:
    return Questionnaire(list(campaign.options.all()), list(campaign.dimensions.all()))


def _rule(group: RaterGroup) -> logic.GroupRule:
    return logic.GroupRule(
        identities=tuple(group.identities),
        staffings=tuple(group.staffings),
        relation=group.relation,
        same_unit=group.same_unit,
        ratee_identities=tuple(group.ratee_identities),
    )


def _member(person: Person) -> logic.Member:
    return logic.Member(
        id=person.pk, unit_id=person.unit_id, identity=person.identity, staffing=person.staffing
    )


def member_group(campaign: Campaign, person: Person | None) -> RaterGroup | None:
    """The account group ``person`` votes in: the first whose categories match, if the person is an
    active member of the campaign's unit subtree; else None."""
    if person is None or not person.active or not person.unit.path.startswith(campaign.unit.path):
        return None
    member = _member(person)
    for group in campaign.groups.filter(voting=Voting.ACCOUNT):
        if logic.is_member(_rule(group), member):
            return group
    return None


def allowed_people(campaign: Campaign, group: RaterGroup, rater: Person | None) -> list[Person]:
    """The people a member of ``group`` rates, in the order of the ballot form."""
    rule = _rule(group)
    me = _member(rater) if rater is not None else None
    people = Person.objects.filter(ballot_ratings__campaign=campaign).select_related("unit", "position")
    return [p for p in people.order_by("unit__path", "staff_no") if logic.may_rate(rule, me, _member(p))]


@dataclass
class OpenBallot:
    campaign: Campaign
    group: RaterGroup
    voted: bool


def open_ballots_for_user(user) -> list[OpenBallot]:
    """The open campaigns in which ``user`` (through their person) is a rater, voted or not."""
    person = (
        Person.objects.filter(user=user, active=True).select_related("unit").first()
        if user.is_authenticated
        else None
    )
    if person is None:
        return []
    ancestors = [int(i) for i in person.unit.path.strip("/").split("/") if i]
    campaigns = Campaign.objects.filter(status=CampaignStatus.OPEN, unit_id__in=ancestors).select_related(
        "unit"
    )
    voted = set(
        Participation.objects.filter(user=user, campaign__in=campaigns).values_list("campaign_id", flat=True)
    )
    result = []
    for campaign in campaigns:
        group = member_group(campaign, person)
        if group is not None:
            result.append(OpenBallot(campaign, group, campaign.pk in voted))
    return result


def get_open_campaign_for_rater(user, pk) -> tuple[Campaign, RaterGroup, Person]:
    """403 for an account without a person (it cannot be a rater); 404 for a campaign that is not
    open or in which the user's person is not a rater."""
    person = Person.objects.filter(user=user, active=True).select_related("unit").first()
    if person is None:
        raise PermissionDenied
    try:
        campaign = Campaign.objects.select_related("unit").get(pk=pk, status=CampaignStatus.OPEN)
    except (Campaign.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    group = member_group(campaign, person)
    if group is None:
        raise Http404
    return campaign, group, person


def has_voted(campaign: Campaign, user) -> bool:
    return Participation.objects.filter(campaign=campaign, user=user).exists()


# --- progress ------------------------------------------------------------------------------------


@dataclass
class TurnoutRow:
    group: RaterGroup
    voted: int
    eligible: int | None  # None when unknown (paper only)

    @property
    def share(self) -> float | None:
        return self.voted / self.eligible if self.eligible else None


def _per_group(rows: QuerySet, count: Count | None = None) -> Counter[int]:
    """How many of ``rows`` there are per rater group id (or, given, ``count`` of them per group)."""
    n = Count("pk") if count is None else count
    return Counter(dict(rows.values_list("group").annotate(n=n).values_list("group", "n")))


def turnout(campaign: Campaign) -> list[TurnoutRow]:
    """Per rater group: how many have voted (online and counted paper sheets) and how many may.
    Shown while the campaign is open too: it says how many voted, never how."""
    groups = list(campaign.groups.all())
    online = _per_group(Participation.objects.filter(campaign=campaign))
    paper = _per_group(
        PaperEntry.objects.filter(campaign=campaign, counted=True), Count("sheet", distinct=True)
    )
    codes = _per_group(Code.objects.filter(campaign=campaign, void=False))
    members: Counter = Counter()
    account_groups = [g for g in groups if g.voting == Voting.ACCOUNT]
    if account_groups:
        rules_by_group = [(g.pk, _rule(g)) for g in account_groups]
        raters = Person.objects.in_subtree(campaign.unit).filter(active=True, user__isnull=False)
        for pk, unit_id, identity, staffing in raters.values_list("pk", "unit_id", "identity", "staffing"):
            m = logic.Member(pk, unit_id, identity, staffing)
            first = next((gid for gid, r in rules_by_group if logic.is_member(r, m)), None)
            if first is not None:
                members[first] += 1
    rows = []
    for g in groups:
        eligible = members[g.pk] if g.voting == Voting.ACCOUNT else codes[g.pk]
        rows.append(TurnoutRow(g, online[g.pk] + paper[g.pk], eligible or None))
    return rows


# --- results -------------------------------------------------------------------------------------


def grouped_counts(campaign: Campaign) -> list[tuple[int, int, int | None, int, int]]:
    """(person, group, dimension, option, count) with one GROUP BY over the ballot lines."""
    return list(
        BallotLine.objects.filter(campaign=campaign)
        .values_list("person_id", "group_id", "dimension_id", "option_id")
        .annotate(n=Count("*"))
        .values_list("person_id", "group_id", "dimension_id", "option_id", "n")
        .order_by()
    )


def compute(campaign: Campaign) -> list[counts.RateeResult]:
    """The tally of a campaign, whatever its state: internal; pages and the API use :func:`results`."""
    q = questionnaire(campaign)
    groups = list(campaign.groups.all())
    return counts.person_results(
        grouped_counts(campaign),
        option_points=q.option_points,
        group_weights={g.pk: float(g.weight) for g in groups},
        dimension_weights={d.pk: float(d.weight) for d in q.dimensions} or None,
        min_ballots=campaign.min_ballots,
        when_missing=campaign.when_group_missing,
        trim=campaign.trim_extremes,
    )


@dataclass
class Results:
    campaign: Campaign
    questionnaire: Questionnaire
    groups: list[RaterGroup]
    rows: list[tuple[Person, counts.RateeResult]] = field(default_factory=list)


class ResultsNotAvailable(Exception):
    """Results exist only once a campaign is closed."""


def results(campaign: Campaign) -> Results:
    """Per person and rater group (only groups at or over the minimum) and the weighted score.
    :class:`ResultsNotAvailable` while the campaign is not closed."""
    if campaign.status != CampaignStatus.CLOSED:
        raise ResultsNotAvailable
    computed = {r.person: r for r in compute(campaign)}
    people = Person.objects.filter(ballot_ratings__campaign=campaign).select_related("unit", "position")
    rows = []
    for person in people.order_by("unit__path", "staff_no"):
        rows.append((person, computed.get(person.pk) or counts.RateeResult(person.pk, {}, None)))
    return Results(campaign, questionnaire(campaign), list(campaign.groups.all()), rows)


def engine_rows(campaign: Campaign) -> list[dict]:
    """The engine's ``ballots`` input (docs/schemes.md): one row per person, rater group, option
    (and dimension) with its count, keyed by staff number and names, withheld groups left out."""
    res = results(campaign)
    options: dict = {o.pk: o.label for o in res.questionnaire.options}
    dims: dict = {d.pk: d.name for d in res.questionnaire.dimensions}
    groups: dict = {g.pk: g.name for g in res.groups}
    rows = []
    for person, result in res.rows:
        for gid, gr in result.groups.items():
            for (dim, opt), n in sorted(gr.counts.items(), key=lambda kv: (kv[0][0] or 0, kv[0][1])):
                row = {"person": person.staff_no, "group": groups[gid], "option": options[opt], "count": n}
                if dims:
                    row["dimension"] = dims[dim]
                rows.append(row)
    return rows


# --- rater quality ---------------------------------------------------------------------------------


@dataclass
class Quality:
    straight: list[rater_quality.StraightLining]
    leans: list[rater_quality.GroupLean]
    groups: dict[int, RaterGroup]


EXTREME_POINTS = 10.0


def quality(campaign: Campaign) -> Quality:
    """Straight-lining per group and groups whose marks lean far from the others. Aggregates over
    groups with at least the minimum number of ballots only; nothing about any single rater."""
    if campaign.status != CampaignStatus.CLOSED:
        raise ResultsNotAvailable
    per_ballot = (
        BallotLine.objects.filter(campaign=campaign)
        .values("ballot_id", "group_id")
        .annotate(lines=Count("*"), distinct=Count("option_id", distinct=True))
        .values_list("group_id", "lines", "distinct")
        .order_by()
    )
    straight = rater_quality.straight_lining(per_ballot, min_ballots=campaign.min_ballots)
    ballots = _per_group(Ballot.objects.filter(campaign=campaign))
    points = {o.pk: float(o.points) for o in campaign.options.all()}
    marks = (
        BallotLine.objects.filter(campaign=campaign)
        .values_list("group_id", "option_id")
        .annotate(n=Count("*"))
        .values_list("group_id", "option_id", "n")
        .order_by()
    )
    means = rater_quality.mark_means(
        ((g, o, n) for g, o, n in marks if ballots[g] >= campaign.min_ballots), points
    )
    leans = rater_quality.extreme_groups(means, threshold=EXTREME_POINTS)
    return Quality(straight, leans, {g.pk: g for g in campaign.groups.all()})
