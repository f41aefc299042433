"""Building campaigns for the ballot tests (and the permission matrix's ballot objects)."""

from kaohe.ballot import services
from kaohe.ballot.choices import Voting
from kaohe.ballot.models import Campaign
from kaohe.ballot.services import GroupSpec

OPTIONS = [("优秀", 100), ("良好", 85), ("一般", 70), ("较差", 50)]
GROUPS = [GroupSpec("干部", 80), GroupSpec("群众代表", 20, voting=Voting.CODE)]


def make_campaign(
    unit, *, name="年度测评", state="open", groups=GROUPS, ratees=None, dimensions=(), **extra
) -> Campaign:
    campaign = services.create_campaign(
        actor=None,
        unit=unit,
        name=name,
        period="2025年度",
        options=OPTIONS,
        groups=groups,
        dimensions=dimensions,
        ratees=ratees,
        **({"min_ballots": 2} | extra),
    )
    if state in {"open", "closed"}:
        campaign = services.open_campaign(actor=None, campaign=campaign)
    if state == "closed":
        campaign = services.close_campaign(actor=None, campaign=campaign)
    return campaign


def option_ids(campaign) -> dict[str, int]:
    return {o.label: o.pk for o in campaign.options.all()}


def answers_for(campaign, people, label="良好", per=None) -> dict[str, str]:
    """A complete overall ballot giving ``label`` (or ``per[person]``) to each of ``people``."""
    ids = option_ids(campaign)
    return {f"r-{p.pk}": str(ids[(per or {}).get(p.pk, label)]) for p in people}


def matrix_objects(org, elsewhere, role):
    """The permission matrix's ballot objects: (mine, [foreign …]) as {"campaign", "open_campaign"}."""
    z_unit, _z_person = elsewhere
    made = {}
    for key, unit in (("a", org.unit_a), ("b", org.unit_b), ("z", z_unit)):
        made[key] = {
            "campaign": make_campaign(unit, name=f"closed {key}", state="closed"),
            "open_campaign": make_campaign(unit, name=f"open {key}"),
        }
    if role == "outsider":
        return made["b"], [made["a"]]
    foreign = [made["z"]]
    if role in {"staff", "reviewer"}:
        foreign.append(made["b"])
    return made["a"], foreign
