"""Exactly once under concurrent submissions: the same code, or the same account, submitted from
many connections at the same instant counts once. Needs real concurrent transactions (PostgreSQL);
SQLite serialises all writers, so there the ordinary tests in test_voting.py already cover it."""

from django.db import connection

from kaohe.ballot import services
from kaohe.ballot.models import Ballot, BallotLine, Participation
from kaohe.ballot.selectors import allowed_people, member_group
from tests.concurrency import RACE_MARKS, race

from .helpers import answers_for, make_campaign

pytestmark = RACE_MARKS


def test_one_code_submitted_eight_times_at_once_counts_once(org):
    campaign = make_campaign(org.root)
    group = campaign.groups.get(name="群众代表")
    [code] = services.generate_codes(actor=None, campaign=campaign, group=group, count=1)
    answers = answers_for(campaign, allowed_people(campaign, group, None))
    outcomes = race(lambda: services.vote_with_code(raw_code=code, answers=answers))
    assert outcomes.count("ok") == 1, outcomes
    assert all("already been used" in o for o in outcomes if o != "ok")
    assert Ballot.objects.count() == 1 and Participation.objects.count() == 1
    assert BallotLine.objects.count() == len(answers)


def test_one_account_submitting_eight_times_at_once_counts_once(org):
    campaign = make_campaign(org.root)
    answers = answers_for(campaign, allowed_people(campaign, member_group(campaign, org.a2), org.a2))
    outcomes = race(
        lambda: services.vote_with_account(user=org.users["staff"], campaign=campaign, answers=answers)
    )
    assert outcomes.count("ok") == 1, outcomes
    assert all("already voted" in o for o in outcomes if o != "ok")
    assert Ballot.objects.count() == 1 and Participation.objects.count() == 1


def test_after_closing_no_ballot_shares_a_transaction_with_its_participation(org):
    """Rows written together carry the same transaction id (xmin); the rewrite at closing gives every
    ballot the closing transaction's id instead."""
    campaign = make_campaign(org.root)
    for role, person in (("staff", org.a2), ("reviewer", org.a1)):
        people = allowed_people(campaign, member_group(campaign, person), person)
        services.vote_with_account(
            user=org.users[role], campaign=campaign, answers=answers_for(campaign, people)
        )

    def xmins(table):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT DISTINCT xmin::text FROM {table} WHERE campaign_id = %s", [campaign.pk])
            return {row[0] for row in cursor.fetchall()}

    voted = xmins(Participation._meta.db_table)
    # While open, each ballot carries its own vote's transaction id (next to its participation's):
    # the link the rewrite must break.
    assert len(xmins(Ballot._meta.db_table)) == 2
    campaign = services.close_campaign(actor=None, campaign=campaign)
    assert not voted & xmins(Ballot._meta.db_table)
    assert not voted & xmins(BallotLine._meta.db_table)
    assert len(xmins(Ballot._meta.db_table)) == 1  # one for all: it tells no ballot from another
    assert xmins(Ballot._meta.db_table) == xmins(BallotLine._meta.db_table)
