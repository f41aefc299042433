"""Engine inputs gathered from the other apps: a closed ballot campaign's counts (withheld groups
leave no trace), and the shorter periods a year reads."""

import pytest

from kaohe.appraisal.inputs import gather
from kaohe.appraisal.services.periods import start_scoring
from kaohe.appraisal.services.results import compute_period
from kaohe.appraisal.services.schemes import import_scheme
from kaohe.ballot.models import Ballot, BallotLine, Campaign, Option, Ratee, RaterGroup
from tests.integration.appraisal import helpers

pytestmark = pytest.mark.django_db

BALLOT_SCHEME = helpers.SCHEME.replace("    share: 100%\n", "    share: 80%\n").replace(
    "adjustments:",
    """  民主评议:
    share: 20%
    ballot:
      options: {{好: 100, 中: 80}}
      rater_groups: {{领导: 50%, 同事: 50%}}
      min_ballots: 1
      when_group_missing: renormalise
adjustments:""",
)


def _campaign(org, status="closed"):
    c = Campaign.objects.create(name="测评", period="2025Q2", unit=org.root, status=status, min_ballots=3)
    good = Option.objects.create(campaign=c, label="好", points=100, order=0)
    fair = Option.objects.create(campaign=c, label="中", points=80, order=1)
    lead = RaterGroup.objects.create(campaign=c, name="领导", weight=50, order=0)
    peer = RaterGroup.objects.create(campaign=c, name="同事", weight=50, order=1)
    for p in (org.a1, org.a2, org.b1):
        Ratee.objects.create(campaign=c, person=p)
    # 领导: three ballots (shown); 同事: two ballots (under the campaign's minimum of 3: withheld)
    for group, n, mark in ((lead, 3, good), (peer, 2, fair)):
        for _ in range(n):
            b = Ballot.objects.create(campaign=c, group=group)
            for p in (org.a1, org.a2, org.b1):
                BallotLine.objects.create(ballot=b, campaign=c, group=group, person=p, option=mark)
    return c


def test_a_closed_campaign_feeds_the_computation_without_its_withheld_groups(org):
    sch = import_scheme(actor=None, text=BALLOT_SCHEME.format(version="b"))
    p = helpers.period(org.root, sch)
    p.ballot_campaign = _campaign(org)
    p.save()
    data, ids = gather(p, sch.parsed())
    t = data.ballots
    assert len(t) == 3  # one row per person: 领导 × 好 × 3; nothing of 同事
    assert {t.columns["group"].value(i) for i in range(len(t))} == {"领导"}
    assert t.columns["count"].tolist() == [3.0, 3.0, 3.0]
    start_scoring(actor=None, period=p)
    helpers.score_all(p, {org.a1: (60, 40), org.a2: (30, 20), org.b1: (50, 30)})
    helpers.make_ready(p)
    rs = compute_period(actor=None, period=p)
    row = rs.rows.get(person=org.a2)
    assert row.components["民主评议"] == 100 and row.total == pytest.approx(0.8 * 50 + 0.2 * 100)


def test_an_open_campaign_gives_no_ballot_input(org):
    sch = import_scheme(actor=None, text=BALLOT_SCHEME.format(version="o"))
    p = helpers.period(org.root, sch)
    p.ballot_campaign = _campaign(org, status="open")
    p.save()
    data, ids = gather(p, sch.parsed())
    assert len(data.ballots) == 0
