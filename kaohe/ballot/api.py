"""JSON endpoints of the ballot domain: campaigns, turnout and results, in the caller's scope.

Never an individual ballot: results are per person and rater group, only after closing and only
for groups at or over the minimum (the same selectors as the pages).
"""

from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from kaohe.accounts.scope import require_role
from kaohe.engine.numeric import round_half_up_scalar
from kaohe.platform.roles import OVERSEE

from . import selectors
from .choices import CampaignStatus, Relation, Voting, WhenGroupMissing
from .models import Campaign

router = Router(tags=["ballots"])

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class Out(Schema):
    model_config = ConfigDict(extra="forbid")


class GroupOut(Out):
    id: int
    name: str
    weight: float
    voting: Voting
    relation: Relation


class OptionOut(Out):
    id: int
    label: str
    points: float


class DimensionOut(Out):
    id: int
    name: str
    weight: float


class CampaignOut(Out):
    id: int
    name: str
    period: str
    unit_id: int
    unit_name: str
    status: CampaignStatus
    min_ballots: int
    when_group_missing: WhenGroupMissing


class CampaignDetail(CampaignOut):
    groups: list[GroupOut]
    options: list[OptionOut]
    dimensions: list[DimensionOut]
    ratees: int


class CampaignList(Out):
    count: int
    items: list[CampaignOut]


class TurnoutOut(Out):
    group: str
    voted: int
    eligible: int | None


class Turnout(Out):
    campaign_id: int
    status: CampaignStatus
    items: list[TurnoutOut]


class CountOut(Out):
    option: str
    dimension: str | None
    count: int


class GroupResultOut(Out):
    group: str
    ballots: int
    mean: float
    counts: list[CountOut]


class RateeResultOut(Out):
    person_id: int
    staff_no: str
    name: str
    score: float | None = Field(description="weighted score over the groups shown; null when none is")
    groups: list[GroupResultOut] = Field(description="only groups at or over the minimum ballots")


class ResultsOut(Out):
    campaign_id: int
    status: CampaignStatus
    available: bool = Field(description="false until the campaign is closed; then items are empty")
    items: list[RateeResultOut]


def _campaign_out(c: Campaign) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "period": c.period,
        "unit_id": c.unit_id,
        "unit_name": c.unit.name,
        "status": CampaignStatus(c.status),
        "min_ballots": c.min_ballots,
        "when_group_missing": WhenGroupMissing(c.when_group_missing),
    }


@router.get("/campaigns", response=CampaignList, summary="Ballot campaigns in scope")
def list_campaigns(request: HttpRequest):
    require_role(request.user, *OVERSEE)
    items = [
        CampaignOut(**_campaign_out(c))
        for c in selectors.campaigns_for_user(request.user).order_by("-id")[:500]
    ]
    return CampaignList(count=len(items), items=items)


@router.get("/campaigns/{campaign_id}", response=CampaignDetail, summary="One campaign and its questionnaire")
def get_campaign(request: HttpRequest, campaign_id: Id):
    c = selectors.get_campaign_for_user(request.user, campaign_id)
    q = selectors.questionnaire(c)
    return CampaignDetail(
        **_campaign_out(c),
        groups=[
            GroupOut(
                id=g.pk,
                name=g.name,
                weight=float(g.weight),
                voting=Voting(g.voting),
                relation=Relation(g.relation),
            )
            for g in c.groups.all()
        ],
        options=[OptionOut(id=o.pk, label=o.label, points=float(o.points)) for o in q.options],
        dimensions=[DimensionOut(id=d.pk, name=d.name, weight=float(d.weight)) for d in q.dimensions],
        ratees=c.ratees.count(),
    )


@router.get(
    "/campaigns/{campaign_id}/turnout", response=Turnout, summary="How many have voted, per rater group"
)
def get_turnout(request: HttpRequest, campaign_id: Id):
    c = selectors.get_campaign_for_user(request.user, campaign_id)
    items = [TurnoutOut(group=t.group.name, voted=t.voted, eligible=t.eligible) for t in selectors.turnout(c)]
    return Turnout(campaign_id=c.pk, status=CampaignStatus(c.status), items=items)


@router.get(
    "/campaigns/{campaign_id}/results",
    response=ResultsOut,
    summary="Results per person and rater group (after closing; groups under the minimum withheld)",
)
def get_results(request: HttpRequest, campaign_id: Id):
    c = selectors.get_campaign_for_user(request.user, campaign_id)
    try:
        res = selectors.results(c)
    except selectors.ResultsNotAvailable:
        return ResultsOut(campaign_id=c.pk, status=CampaignStatus(c.status), available=False, items=[])
    labels = {o.pk: o.label for o in res.questionnaire.options}
    dims = {d.pk: d.name for d in res.questionnaire.dimensions}
    names: dict = {g.pk: g.name for g in res.groups}
    items = []
    for person, r in res.rows:
        groups = [
            GroupResultOut(
                group=names[gid],
                ballots=gr.ballots,
                mean=round_half_up_scalar(gr.mean),
                counts=[
                    CountOut(option=labels[o], dimension=dims.get(d) if d else None, count=n)
                    for (d, o), n in sorted(gr.counts.items(), key=lambda kv: (kv[0][0] or 0, kv[0][1]))
                ],
            )
            for gid, gr in r.groups.items()
        ]
        score = round_half_up_scalar(r.score) if r.score is not None else None
        items.append(
            RateeResultOut(
                person_id=person.pk, staff_no=person.staff_no, name=person.name, score=score, groups=groups
            )
        )
    return ResultsOut(campaign_id=c.pk, status=CampaignStatus(c.status), available=True, items=items)
