"""Voting with an account and with a one-time code; bad input refused with a reason, nothing counted."""

import pytest
from django.core.exceptions import ValidationError

from kaohe.audit.models import Event
from kaohe.ballot import services
from kaohe.ballot.models import Ballot, BallotLine, Participation
from kaohe.ballot.selectors import allowed_people, member_group
from tests.conftest import make_person

from .helpers import answers_for, make_campaign, option_ids

pytestmark = pytest.mark.django_db


def counted():
    return Ballot.objects.count(), BallotLine.objects.count(), Participation.objects.count()


@pytest.fixture
def campaign(org):
    return make_campaign(org.root)


def test_a_rater_with_an_account_votes_once(org, campaign):
    user = org.users["staff"]
    people = allowed_people(campaign, member_group(campaign, org.a2), org.a2)
    assert org.a2 not in people and org.a1 in people  # nobody rates themselves
    services.vote_with_account(user=user, campaign=campaign, answers=answers_for(campaign, people))
    assert counted() == (1, len(people), 1)
    with pytest.raises(ValidationError, match="already voted"):
        services.vote_with_account(user=user, campaign=campaign, answers=answers_for(campaign, people))
    assert counted() == (1, len(people), 1)


def test_a_code_votes_once_and_a_reused_code_is_refused(org, campaign):
    group = campaign.groups.get(name="群众代表")
    [code] = services.generate_codes(actor=org.users["office"], campaign=campaign, group=group, count=1)
    people = allowed_people(campaign, group, None)
    services.vote_with_code(raw_code=code.lower(), answers=answers_for(campaign, people))
    assert counted() == (1, len(people), 1)
    with pytest.raises(ValidationError, match="already been used"):
        services.vote_with_code(raw_code=code, answers=answers_for(campaign, people))
    assert counted() == (1, len(people), 1)


def test_an_unknown_or_malformed_code_is_refused(org, campaign):
    with pytest.raises(ValidationError, match="unknown"):
        services.vote_with_code(raw_code="ACDEFGHJKM", answers={})
    with pytest.raises(ValidationError, match="not a valid code"):
        services.vote_with_code(raw_code="hello", answers={})
    assert counted() == (0, 0, 0)


def test_a_ballot_after_closing_is_refused(org, campaign):
    group = campaign.groups.get(name="群众代表")
    [code] = services.generate_codes(actor=None, campaign=campaign, group=group, count=1)
    people = allowed_people(campaign, member_group(campaign, org.a2), org.a2)
    services.close_campaign(actor=None, campaign=campaign)
    with pytest.raises(ValidationError, match="closed"):
        services.vote_with_account(
            user=org.users["staff"], campaign=campaign, answers=answers_for(campaign, people)
        )
    with pytest.raises(ValidationError, match="not open"):
        services.vote_with_code(raw_code=code, answers={})
    assert counted() == (0, 0, 0)


@pytest.mark.parametrize(
    "tamper,message",
    [
        (lambda a, c, org, elsewhere: a.pop(next(iter(a))), "incomplete"),
        (lambda a, c, org, elsewhere: a.update({f"r-{elsewhere[1].pk}": a[next(iter(a))]}), "may not rate"),
        (lambda a, c, org, elsewhere: a.update({next(iter(a)): "999999"}), "not on the form"),
        (lambda a, c, org, elsewhere: a.update({next(iter(a)): "1 OR 1=1"}), "not on the form"),
    ],
    ids=["incomplete", "outside-allowed-set", "foreign-option", "garbage"],
)
def test_bad_ballots_are_refused_and_nothing_counts(org, elsewhere, campaign, tamper, message):
    people = allowed_people(campaign, member_group(campaign, org.a2), org.a2)
    answers = answers_for(campaign, people)
    tamper(answers, campaign, org, elsewhere)
    with pytest.raises(ValidationError, match=message):
        services.vote_with_account(user=org.users["staff"], campaign=campaign, answers=answers)
    assert counted() == (0, 0, 0)
    assert not Event.objects.filter(action="ballot.vote").exists()


def test_an_option_of_another_campaign_is_refused(org, campaign):
    other = make_campaign(org.root, name="另一次")
    people = allowed_people(campaign, member_group(campaign, org.a2), org.a2)
    answers = answers_for(other, people)
    with pytest.raises(ValidationError, match="not on the form"):
        services.vote_with_account(user=org.users["staff"], campaign=campaign, answers=answers)
    assert counted() == (0, 0, 0)


def test_rating_yourself_or_a_peer_outside_the_relation_is_refused(org):
    from kaohe.ballot.choices import Relation
    from kaohe.ballot.services import GroupSpec

    campaign = make_campaign(org.root, groups=[GroupSpec("上评下", 100, relation=Relation.DOWN)])
    # a2 (general) may rate nobody above them; a1 (middle) rates a2 and b1 only
    assert allowed_people(campaign, member_group(campaign, org.a2), org.a2) == []
    answers = answers_for(campaign, [org.a1])
    with pytest.raises(ValidationError):
        services.vote_with_account(user=org.users["staff"], campaign=campaign, answers=answers)
    with pytest.raises(ValidationError, match="may not rate"):
        services.vote_with_account(
            user=org.users["reviewer"],
            campaign=campaign,
            answers=answers_for(campaign, [org.a1, org.a2, org.b1]),
        )
    assert counted() == (0, 0, 0)


def test_someone_outside_the_campaign_is_not_a_rater(org, elsewhere):
    campaign = make_campaign(org.unit_a)
    with pytest.raises(ValidationError, match="not a rater"):
        services.vote_with_account(user=org.users["outsider"], campaign=campaign, answers={})


def test_the_campaign_voting_rules_apply(org):
    campaign = make_campaign(org.root, max_top_marks=1, identical_invalid=True)
    people = allowed_people(campaign, member_group(campaign, org.a2), org.a2)
    with pytest.raises(ValidationError, match="top mark"):
        services.vote_with_account(
            user=org.users["staff"], campaign=campaign, answers=answers_for(campaign, people, "优秀")
        )
    with pytest.raises(ValidationError, match="same mark"):
        services.vote_with_account(
            user=org.users["staff"], campaign=campaign, answers=answers_for(campaign, people, "良好")
        )
    assert counted() == (0, 0, 0)


def test_dimension_ballots_need_every_dimension(org):
    campaign = make_campaign(org.root, dimensions=[("德", 40), ("绩", 60)])
    people = allowed_people(campaign, member_group(campaign, org.a2), org.a2)
    ids = option_ids(campaign)
    dims = list(campaign.dimensions.all())
    answers = {f"r-{p.pk}-{dims[0].pk}": str(ids["优秀"]) for p in people}
    with pytest.raises(ValidationError, match="incomplete"):
        services.vote_with_account(user=org.users["staff"], campaign=campaign, answers=answers)
    answers |= {f"r-{p.pk}-{dims[1].pk}": str(ids["一般"]) for p in people}
    services.vote_with_account(user=org.users["staff"], campaign=campaign, answers=answers)
    assert BallotLine.objects.count() == 2 * len(people)


def test_codes_are_only_for_code_groups_and_stored_hashed(org, campaign):
    from kaohe.ballot.models import Code

    with pytest.raises(ValidationError, match="accounts"):
        services.generate_codes(
            actor=None, campaign=campaign, group=campaign.groups.get(name="干部"), count=3
        )
    raw = services.generate_codes(
        actor=None, campaign=campaign, group=campaign.groups.get(name="群众代表"), count=5
    )
    stored = list(Code.objects.values_list("digest", flat=True))
    assert len(stored) == 5
    assert not any(code in digest for code in raw for digest in stored)
    assert not Event.objects.filter(after__icontains=raw[0]).exists()


def test_creating_a_campaign_checks_weights_and_scope(org, elsewhere):
    from kaohe.ballot.services import GroupSpec

    with pytest.raises(ValidationError, match="100"):
        make_campaign(org.root, groups=[GroupSpec("a", 60), GroupSpec("b", 30)])
    with pytest.raises(ValidationError, match="not in"):
        make_campaign(org.unit_a, ratees=[elsewhere[1]])
    make_person("A003", "新人", org.unit_a, active=False)
    campaign = make_campaign(org.root)
    assert campaign.ratees.count() == 3  # active people of the subtree only
