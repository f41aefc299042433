"""Writes of the ballot domain (民主测评).

Keyword-only, one transaction each, each with its audit event in that transaction. Voting writes
*that* someone voted (a :class:`Participation` and an audit event without content) and *what* was
voted (a :class:`Ballot`) in one transaction, so a vote counts once or not at all; the unique
constraints on participation make "once" hold under concurrent submissions too. Refusals are
``ValidationError``\\ s with a message for the rater or the office.
"""

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kaohe.audit.services import record, snapshot
from kaohe.org.models import Person, Unit

from . import codes as codelib
from . import logic
from .choices import CampaignStatus, Relation, Voting, WhenGroupMissing
from .models import (
    Ballot,
    BallotLine,
    Campaign,
    Code,
    Dimension,
    Option,
    PaperEntry,
    Participation,
    Ratee,
    RaterGroup,
)
from .selectors import Questionnaire, allowed_people, member_group, questionnaire

MAX_CODES_AT_ONCE = 2000
CAMPAIGN_FIELDS = [
    "id",
    "name",
    "period",
    "unit",
    "status",
    "min_ballots",
    "when_group_missing",
    "max_top_marks",
    "identical_invalid",
    "trim_extremes",
]


def code_key() -> str:
    return getattr(settings, "KAOHE_BALLOT_CODE_KEY", "") or settings.SECRET_KEY


@dataclass(frozen=True)
class GroupSpec:
    """A rater group as the office describes it when creating a campaign."""

    name: str
    weight: Decimal | float | int
    voting: str = Voting.ACCOUNT
    identities: tuple[str, ...] = ()
    staffings: tuple[str, ...] = ()
    relation: str = Relation.ANY
    same_unit: bool = False
    ratee_identities: tuple[str, ...] = ()


def _weights_add_up(weights: Iterable[Decimal], field: str, what: str) -> None:
    total = sum(weights, Decimal(0))
    if total != Decimal(100):
        raise ValidationError(
            {
                field: _("The %(what)s weights add up to %(total)s%%, not 100%%.")
                % {"what": what, "total": total}
            }
        )


# --- campaigns -------------------------------------------------------------------------------------


@transaction.atomic
def create_campaign(
    *,
    actor,
    unit: Unit,
    name: str,
    period: str,
    options: Sequence[tuple[str, Decimal | float | int]],
    groups: Sequence[GroupSpec],
    dimensions: Sequence[tuple[str, Decimal | float | int]] = (),
    ratees: Iterable[Person] | None = None,
    min_ballots: int = 5,
    when_group_missing: str = WhenGroupMissing.RENORMALISE,
    max_top_marks: int | None = None,
    identical_invalid: bool = False,
    trim_extremes: bool = False,
) -> Campaign:
    """A draft campaign with its questionnaire and rater groups. ``ratees`` defaults to every active
    person of the unit's subtree; anyone outside the subtree is refused."""
    campaign = Campaign(
        unit=unit,
        name=name,
        period=period,
        min_ballots=min_ballots,
        when_group_missing=when_group_missing,
        max_top_marks=max_top_marks,
        identical_invalid=identical_invalid,
        trim_extremes=trim_extremes,
    )
    campaign.full_clean()
    if not options:
        raise ValidationError({"options": _("A ballot needs at least one option.")})
    if len({label for label, _p in options}) != len(options):
        raise ValidationError({"options": _("Two options have the same label.")})
    if not groups:
        raise ValidationError({"groups": _("A campaign needs at least one rater group.")})
    _weights_add_up((Decimal(str(g.weight)) for g in groups), "groups", _("rater group"))
    if dimensions:
        _weights_add_up((Decimal(str(w)) for _n, w in dimensions), "dimensions", _("dimension"))
    campaign.save()
    for i, (label, points) in enumerate(options):
        option = Option(campaign=campaign, label=label, points=Decimal(str(points)), order=i)
        option.full_clean()
        option.save()
    for i, (dim_name, weight) in enumerate(dimensions):
        Dimension.objects.create(campaign=campaign, name=dim_name, weight=Decimal(str(weight)), order=i)
    for i, g in enumerate(groups):
        group = RaterGroup(
            campaign=campaign,
            name=g.name,
            weight=Decimal(str(g.weight)),
            order=i,
            voting=g.voting,
            identities=list(g.identities),
            staffings=list(g.staffings),
            relation=g.relation,
            same_unit=g.same_unit,
            ratee_identities=list(g.ratee_identities),
        )
        group.full_clean(exclude=["campaign"])
        group.save()
    subtree = Person.objects.in_subtree(unit)
    if ratees is None:
        people = list(subtree.filter(active=True))
    else:
        people = list(ratees)
        outside = {p.pk for p in people} - set(
            subtree.filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True)
        )
        if outside:
            raise ValidationError(
                {"ratees": _("Some people to be rated are not in %(unit)s.") % {"unit": unit}}
            )
    Ratee.objects.bulk_create([Ratee(campaign=campaign, person=p) for p in people])
    record(
        actor=actor,
        action="ballot.campaign.create",
        obj=campaign,
        after=snapshot(campaign, CAMPAIGN_FIELDS)
        | {
            "options": [[label, str(points)] for label, points in options],
            "dimensions": [[n, str(w)] for n, w in dimensions],
            "groups": [[g.name, str(g.weight), g.voting] for g in groups],
            "ratees": len(people),
        },
    )
    return campaign


def _locked(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().get(pk=campaign.pk)


@transaction.atomic
def open_campaign(*, actor, campaign: Campaign) -> Campaign:
    """Start voting."""
    campaign = _locked(campaign)
    if campaign.status != CampaignStatus.DRAFT:
        raise ValidationError(_("Only a campaign in preparation can be opened."))
    if not campaign.ratees.exists():
        raise ValidationError(_("The campaign has nobody to be rated."))
    before = snapshot(campaign, ["status"])
    campaign.status = CampaignStatus.OPEN
    campaign.opened_at = timezone.now()
    campaign.save(update_fields=["status", "opened_at"])
    record(
        actor=actor,
        action="ballot.campaign.open",
        obj=campaign,
        before=before,
        after=snapshot(campaign, ["status"]),
    )
    return campaign


@transaction.atomic
def close_campaign(*, actor, campaign: Campaign) -> Campaign:
    """Stop voting, then rewrite every ballot under fresh random ids in an order sorted by content,
    so that neither ids, nor physical order, nor transaction ids say anything about arrival."""
    campaign = _locked(campaign)
    if campaign.status != CampaignStatus.OPEN:
        raise ValidationError(_("Only an open campaign can be closed."))
    pending = PaperEntry.objects.filter(campaign=campaign, counted=False).values("sheet").distinct().count()
    if pending:
        raise ValidationError(
            ngettext(
                "%(n)s paper ballot sheet is entered once only or differs between the clerks; resolve it first.",
                "%(n)s paper ballot sheets are entered once only or differ between the clerks; resolve them first.",
                pending,
            )
            % {"n": pending}
        )
    before = snapshot(campaign, ["status"])
    campaign.status = CampaignStatus.CLOSED
    campaign.closed_at = timezone.now()
    campaign.save(update_fields=["status", "closed_at"])
    rewritten = rewrite_ballots(campaign)
    record(
        actor=actor,
        action="ballot.campaign.close",
        obj=campaign,
        before=before,
        after=snapshot(campaign, ["status"]) | {"ballots": rewritten},
    )
    transaction.on_commit(_vacuum)
    return campaign


def rewrite_ballots(campaign: Campaign) -> int:
    """Delete and re-insert the campaign's ballots sorted by (group, content) with new random ids.
    Returns the number of ballots. Call inside the closing transaction."""
    content: dict[Any, list[tuple[int, int, int]]] = {}
    group_of: dict[Any, int] = dict(Ballot.objects.filter(campaign=campaign).values_list("id", "group_id"))
    for ballot_id, person_id, dim_id, option_id in BallotLine.objects.filter(campaign=campaign).values_list(
        "ballot_id", "person_id", "dimension_id", "option_id"
    ):
        content.setdefault(ballot_id, []).append((person_id, dim_id or 0, option_id))
    rows = sorted((group_of[b], tuple(sorted(marks))) for b, marks in content.items())
    BallotLine.objects.filter(campaign=campaign).delete()
    Ballot.objects.filter(campaign=campaign).delete()
    ballots: list[Ballot] = []
    lines: list[BallotLine] = []
    for group_id, marks in rows:
        ballot = Ballot(id=uuid.uuid4(), campaign=campaign, group_id=group_id)
        ballots.append(ballot)
        lines.extend(
            BallotLine(
                ballot=ballot,
                campaign=campaign,
                group_id=group_id,
                person_id=p,
                dimension_id=d or None,
                option_id=o,
            )
            for p, d, o in marks
        )
    Ballot.objects.bulk_create(ballots, batch_size=2000)
    BallotLine.objects.bulk_create(lines, batch_size=5000)
    return len(ballots)


def _vacuum() -> None:
    """Best effort: let PostgreSQL reclaim the dead (arrival-ordered) row versions left by the rewrite."""
    if connection.vendor != "postgresql":
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {BallotLine._meta.db_table}, {Ballot._meta.db_table}")
    except DatabaseError:
        pass  # inside an outer transaction (tests) VACUUM is not allowed; the next autovacuum will do


# --- codes -----------------------------------------------------------------------------------------


@transaction.atomic
def generate_codes(*, actor, campaign: Campaign, group: RaterGroup, count: int) -> list[str]:
    """``count`` new one-time codes for ``group``. Returns the raw codes, which are never stored and
    cannot be shown again: print or export them from this result."""
    campaign = _locked(campaign)
    if group.campaign_id != campaign.pk:
        raise ValidationError({"group": _("The rater group belongs to another campaign.")})
    if group.voting != Voting.CODE:
        raise ValidationError(
            {
                "group": _("Members of %(group)s vote with their accounts, not with codes.")
                % {"group": group.name}
            }
        )
    if campaign.is_closed:
        raise ValidationError(_("The campaign is closed."))
    if not 1 <= count <= MAX_CODES_AT_ONCE:
        raise ValidationError(
            {"count": _("Generate between 1 and %(n)s codes at a time.") % {"n": MAX_CODES_AT_ONCE}}
        )
    batch = (
        Code.objects.filter(campaign=campaign).order_by("-batch").values_list("batch", flat=True).first() or 0
    ) + 1
    key = code_key()
    raw: list[str] = []
    digests: set[str] = set()
    while len(raw) < count:
        code = codelib.generate_code()
        digest = codelib.hash_code(code, key)
        if digest in digests:
            continue
        digests.add(digest)
        raw.append(code)
    taken = set(Code.objects.filter(digest__in=digests).values_list("digest", flat=True))
    if taken:  # practically impossible with 46 bits; refuse rather than hand out a shared code
        raise ValidationError(_("Please generate the codes again."))
    Code.objects.bulk_create([Code(campaign=campaign, group=group, digest=d, batch=batch) for d in digests])
    record(
        actor=actor,
        action="ballot.codes.generate",
        obj=campaign,
        after={"group": group.name, "count": count, "batch": batch},
    )
    return raw


def _digest(raw: str) -> str:
    try:
        return codelib.hash_code(raw, code_key())
    except codelib.CodeError:
        raise ValidationError(_("This is not a valid code. Check it and try again.")) from None


def find_code(raw: str) -> Code:
    """The unused code ``raw`` of an open campaign, or a ValidationError saying what is wrong."""
    code = Code.objects.select_related("campaign", "group").filter(digest=_digest(raw), void=False).first()
    if code is None:
        raise ValidationError(_("This code is unknown. Check it and try again."))
    if not code.campaign.is_open:
        raise ValidationError(_("Voting in %(campaign)s is not open.") % {"campaign": code.campaign})
    if Participation.objects.filter(code=code).exists():
        raise ValidationError(_("This code has already been used."))
    return code


# --- voting ----------------------------------------------------------------------------------------
#
# A vote is one transaction: the campaign row share-locked (so that closing, which updates it, waits
# for the votes in flight and no vote lands after the rewrite of the ballots), the participation
# inserted with ON CONFLICT DO NOTHING (its unique keys are the "exactly once" guard, also under
# concurrent submissions: a second insert waits for the first to commit and then inserts nothing),
# then the ballot and its lines, and the audit event. SQLite takes no row locks: it serialises writers.


def _share_lock() -> str:
    return " FOR SHARE OF c" if connection.vendor == "postgresql" else ""


def _lock_open(campaign_id: int) -> None:
    """Hold a share lock on the campaign row until commit, and check that voting is open."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.status FROM {Campaign._meta.db_table} c WHERE c.id = %s{_share_lock()}", [campaign_id]
        )
        row = cursor.fetchone()
    if row is None or row[0] != CampaignStatus.OPEN:
        raise ValidationError(_("Voting in this campaign is closed; the ballot was not counted."))


@dataclass(frozen=True)
class _CodeVote:
    campaign: Campaign
    code_id: int
    group_id: int


def _locked_code(raw_code: str) -> _CodeVote:
    """The code ``raw_code`` and its open campaign, share-locked as :func:`_lock_open` does, in one
    statement."""
    digest = _digest(raw_code)
    found = list(
        Campaign.objects.raw(
            f"SELECT c.*, k.id AS code_id, k.group_id AS code_group_id "
            f"FROM {Code._meta.db_table} k JOIN {Campaign._meta.db_table} c ON c.id = k.campaign_id "
            f"WHERE k.digest = %s AND NOT k.void{_share_lock()}",
            [digest],
        )
    )
    if not found:
        raise ValidationError(_("This code is unknown. Check it and try again."))
    campaign = found[0]
    if not campaign.is_open:
        raise ValidationError(_("Voting in %(campaign)s is not open.") % {"campaign": campaign})
    return _CodeVote(campaign, campaign.code_id, campaign.code_group_id)  # type: ignore[attr-defined]


def _answers(data: Mapping[str, Any]) -> dict[str, str]:
    return {k: v for k, v in data.items() if k.startswith("r-")}


@transaction.atomic
def vote_with_account(*, user, campaign: Campaign, answers: Mapping[str, Any]) -> None:
    """Count the ballot of ``user`` (a rater with an account) once."""
    person = Person.objects.filter(user=user, active=True).select_related("unit").first()
    group = member_group(campaign, person) if person is not None else None
    if group is None:
        raise ValidationError(_("You are not a rater in this campaign."))
    _lock_open(campaign.pk)
    q = questionnaire(campaign)
    people = [p.pk for p in allowed_people(campaign, group, person)]
    _cast(campaign=campaign, group_id=group.pk, q=q, people=people, answers=answers, user_id=user.pk)
    record(actor=user, action="ballot.vote", obj=campaign)


@transaction.atomic
def vote_with_code(*, raw_code: str, answers: Mapping[str, Any]) -> Campaign:
    """Count the ballot cast with one-time code ``raw_code`` once. Returns the campaign."""
    vote = _locked_code(raw_code)
    q, people = _code_ballot(vote.campaign, vote.group_id)
    _cast(
        campaign=vote.campaign,
        group_id=vote.group_id,
        q=q,
        people=people,
        answers=answers,
        code_id=vote.code_id,
    )
    # Who voted is a code nobody can name; the trail says only that a code was used.
    record(actor=None, action="ballot.vote", obj=vote.campaign, after={"with": "code"})
    return vote.campaign


# The questionnaire and the people a code group rates cannot change once a campaign is open (no
# service edits them), so each process keeps them per (campaign, opening time, group): three fewer
# queries on the hottest path.
_CODE_BALLOTS: dict[tuple, tuple[Questionnaire, list[int]]] = {}


def _code_ballot(campaign: Campaign, group_id: int) -> tuple[Questionnaire, list[int]]:
    key = (campaign.pk, campaign.opened_at, group_id)
    cached = _CODE_BALLOTS.get(key)
    if cached is None:
        if len(_CODE_BALLOTS) > 200:
            _CODE_BALLOTS.clear()
        group = RaterGroup.objects.get(pk=group_id, campaign=campaign)
        cached = (questionnaire(campaign), [p.pk for p in allowed_people(campaign, group, None)])
        _CODE_BALLOTS[key] = cached
    return cached


def _parse(campaign: Campaign, q: Questionnaire, people: list[int], answers) -> list:
    """The marks of a ballot under the campaign's voting rules; a refused ballot is a ValidationError."""
    try:
        return logic.parse_answers(
            _answers(answers),
            people=people,
            dimensions=q.dimension_ids,
            options=q.option_points,
            max_top_marks=campaign.max_top_marks,
            identical_invalid=campaign.identical_invalid,
        )
    except logic.BallotRefused as exc:
        raise ValidationError(str(exc)) from None


def _cast(
    *, campaign, group_id: int, q: Questionnaire, people: list[int], answers, user_id=None, code_id=None
) -> None:
    marks = _parse(campaign, q, people, answers)
    if not _participate(campaign.pk, group_id, user_id=user_id, code_id=code_id):
        if code_id is not None:
            raise ValidationError(_("This code has already been used."))
        raise ValidationError(_("You have already voted in this campaign."))
    _store(campaign.pk, group_id, marks)


def _participate(campaign_id: int, group_id: int, *, user_id: int | None, code_id: int | None) -> bool:
    """Note that the account or code has voted; False (and nothing written) if it already had."""
    table = Participation._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (id, campaign_id, group_id, user_id, code_id) VALUES (%s, %s, %s, %s, %s) "
            "ON CONFLICT DO NOTHING",
            [Participation._meta.pk.get_db_prep_value(uuid.uuid4(), connection), campaign_id, group_id]
            + [user_id, code_id],
        )
        return cursor.rowcount == 1


def _store(campaign_id: int, group_id: int, marks: Iterable[tuple[int, int | None, int]]) -> None:
    """The ballot (a random id, the campaign and group, nothing else) and its lines."""
    ballot_id = uuid.uuid4()
    if connection.vendor != "postgresql":
        ballot = Ballot.objects.create(id=ballot_id, campaign_id=campaign_id, group_id=group_id)
        BallotLine.objects.bulk_create(
            BallotLine(
                ballot=ballot,
                campaign_id=campaign_id,
                group_id=group_id,
                person_id=p,
                dimension_id=d,
                option_id=o,
            )
            for p, d, o in marks
        )
        return
    # One statement on PostgreSQL: the ballot in a data-modifying WITH, its lines below it.
    rows = [(uuid.uuid4(), ballot_id, campaign_id, group_id, p, d, o) for p, d, o in marks]
    columns = "id, ballot_id, campaign_id, group_id, person_id, dimension_id, option_id"
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH ballot AS (INSERT INTO {Ballot._meta.db_table} (id, campaign_id, group_id) "
            f"VALUES (%s, %s, %s)) INSERT INTO {BallotLine._meta.db_table} ({columns}) "
            f"VALUES {', '.join(['(%s, %s, %s, %s, %s, %s, %s)'] * len(rows))}",
            [ballot_id, campaign_id, group_id, *(v for row in rows for v in row)],
        )


# --- paper ballots, entered twice --------------------------------------------------------------------


def _paper_marks(campaign: Campaign, group: RaterGroup, answers: Mapping[str, Any]) -> dict[str, str]:
    q = questionnaire(campaign)
    people = [p.pk for p in allowed_people(campaign, group, None)]
    marks = _parse(campaign, q, people, answers)
    return {logic.field_name(p, d): str(o) for p, d, o in marks}


def _count_sheet(campaign: Campaign, entries: list[PaperEntry], answers: dict[str, str]) -> None:
    marks = []
    for key, option in answers.items():
        parts = key.split("-")
        marks.append((int(parts[1]), int(parts[2]) if len(parts) > 2 else None, int(option)))
    _store(campaign.pk, entries[0].group_id, marks)
    PaperEntry.objects.filter(pk__in=[e.pk for e in entries]).update(counted=True)


@transaction.atomic
def enter_paper_sheet(
    *, actor, campaign: Campaign, group: RaterGroup, sheet: str, answers: Mapping[str, Any]
) -> str:
    """One clerk's entry of a paper sheet. Returns "first" (waiting for the second clerk), "counted"
    (both entries agree: the sheet became a ballot) or "differs" (to be resolved)."""
    _lock_open(campaign.pk)
    sheet = str(sheet).strip()
    if not sheet or len(sheet) > 20:
        raise ValidationError({"sheet": _("Give the sheet number written on the paper ballot.")})
    if group.campaign_id != campaign.pk:
        raise ValidationError({"group": _("The rater group belongs to another campaign.")})
    marks = _paper_marks(campaign, group, answers)
    entries = list(PaperEntry.objects.select_for_update().filter(campaign=campaign, sheet=sheet))
    if any(e.clerk_id == actor.pk for e in entries):
        raise ValidationError(
            {
                "sheet": _("You have already entered sheet %(sheet)s; a second clerk must enter it.")
                % {"sheet": sheet}
            }
        )
    if len(entries) >= 2:
        raise ValidationError(
            {"sheet": _("Sheet %(sheet)s has been entered twice already.") % {"sheet": sheet}}
        )
    entry = PaperEntry.objects.create(campaign=campaign, group=group, sheet=sheet, clerk=actor, answers=marks)
    outcome = "first"
    if entries:
        other = entries[0]
        if other.group_id == group.pk and other.answers == marks:
            _count_sheet(campaign, [other, entry], marks)
            outcome = "counted"
        else:
            outcome = "differs"
    record(actor=actor, action="ballot.paper.enter", obj=campaign, after={"sheet": sheet, "outcome": outcome})
    return outcome


@transaction.atomic
def resolve_paper_sheet(
    *, actor, campaign: Campaign, sheet: str, group: RaterGroup, answers: Mapping[str, Any]
) -> None:
    """Settle a sheet whose two entries differ, after looking at the paper: the given answers count."""
    _lock_open(campaign.pk)
    entries = list(
        PaperEntry.objects.select_for_update().filter(campaign=campaign, sheet=sheet, counted=False)
    )
    if len(entries) != 2:
        raise ValidationError({"sheet": _("Only a sheet entered by two clerks can be resolved.")})
    if group.campaign_id != campaign.pk:
        raise ValidationError({"group": _("The rater group belongs to another campaign.")})
    marks = _paper_marks(campaign, group, answers)
    PaperEntry.objects.filter(pk__in=[e.pk for e in entries]).update(answers=marks, group=group)
    _count_sheet(campaign, entries, marks)
    # The marks stay out of the trail: it says that a sheet was settled, never what it said.
    record(actor=actor, action="ballot.paper.resolve", obj=campaign, after={"sheet": sheet})
