"""Anonymity by construction: who voted and what was voted share no key, no time, no sequence; after
closing, ballots are stored in an order and under ids that say nothing about arrival; the audit
trail records that someone voted, never what. The test reads the schema and the stored rows."""

import uuid

import pytest
from django.db import connection, models

from kaohe.audit.models import Event
from kaohe.ballot import services
from kaohe.ballot.models import Ballot, BallotLine, Code, Participation
from kaohe.ballot.selectors import allowed_people, member_group

from .helpers import answers_for, make_campaign, option_ids

pytestmark = pytest.mark.django_db

TIME_FIELDS = (models.DateTimeField, models.DateField, models.TimeField, models.DurationField)


@pytest.mark.parametrize("model", [Ballot, BallotLine])
def test_what_was_voted_carries_no_rater_no_code_no_time_no_sequence(model):
    fields = model._meta.concrete_fields
    assert isinstance(model._meta.pk, models.UUIDField) and model._meta.pk.default is uuid.uuid4
    for field in fields:
        assert not isinstance(field, TIME_FIELDS), f"{model.__name__}.{field.name} is a time"
        assert not isinstance(field, models.AutoField | models.BigAutoField), (
            f"{model.__name__}.{field.name} is a sequence"
        )
        if field.is_relation:
            assert field.related_model not in {Participation, Code, Event}, f"{model.__name__}.{field.name}"
            assert field.related_model._meta.label != "auth.User", (
                f"{model.__name__}.{field.name} names a rater"
            )
    # and in the database itself, whatever the models say
    with connection.cursor() as cursor:
        columns = {
            c.name for c in connection.introspection.get_table_description(cursor, model._meta.db_table)
        }
    assert not {
        c
        for c in columns
        if any(w in c for w in ("user", "code", "time", "created", "at", "ip", "addr", "seq"))
    } - {"campaign_id"}


def test_who_voted_points_at_no_ballot_and_carries_no_time():
    for field in Participation._meta.concrete_fields:
        assert not isinstance(field, TIME_FIELDS)
        if field.is_relation:
            assert field.related_model not in {Ballot, BallotLine}
    shared = {f.attname for f in Participation._meta.concrete_fields} & {
        f.attname for f in Ballot._meta.concrete_fields
    }
    assert shared == {"id", "campaign_id", "group_id"}  # the id is random on both sides, never the same


def _cast_three(org, campaign, order):
    """Three ballots of different content (two accounts, one code), cast in ``order``."""
    group = campaign.groups.get(name="群众代表")
    [code] = services.generate_codes(actor=None, campaign=campaign, group=group, count=1)
    votes = {
        "reviewer": lambda: services.vote_with_account(
            user=org.users["reviewer"],
            campaign=campaign,
            answers=answers_for(campaign, _people(campaign, org.a1), "优秀"),
        ),
        "staff": lambda: services.vote_with_account(
            user=org.users["staff"],
            campaign=campaign,
            answers=answers_for(campaign, _people(campaign, org.a2), "较差"),
        ),
        "code": lambda: services.vote_with_code(
            raw_code=code, answers=answers_for(campaign, _people(campaign, None), "一般")
        ),
    }
    for who in order:
        votes[who]()


def _people(campaign, person):
    group = member_group(campaign, person) if person else campaign.groups.get(name="群众代表")
    return allowed_people(campaign, group, person)


def _physical_ballots(campaign):
    """Ballot contents in the order the database stores the rows (rowid / ctid), labels only."""
    labels = {v: k for k, v in option_ids(campaign).items()}
    order = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {Ballot._meta.db_table} WHERE campaign_id = %s ORDER BY {order}", [campaign.pk]
        )
        ids = [row[0] for row in cursor.fetchall()]
    contents = []
    for bid in ids:
        lines = BallotLine.objects.filter(ballot_id=bid).values_list("option_id", flat=True)
        contents.append(sorted(labels[o] for o in lines))
    return ids, contents


def test_closing_rewrites_ballots_so_that_arrival_order_is_gone(org):
    first = make_campaign(org.root, name="A")
    second = make_campaign(org.root, name="B")
    _cast_three(org, first, ["reviewer", "staff", "code"])
    _cast_three(org, second, ["code", "staff", "reviewer"])
    before = set(Ballot.objects.filter(campaign=first).values_list("id", flat=True))
    lines_before = set(BallotLine.objects.filter(campaign=first).values_list("id", flat=True))
    services.close_campaign(actor=None, campaign=first)
    services.close_campaign(actor=None, campaign=second)
    ids, contents = _physical_ballots(first)
    assert not before & set(ids), "ballots kept their ids across closing"
    assert not lines_before & set(BallotLine.objects.filter(campaign=first).values_list("id", flat=True))
    # same ballots, opposite arrival: the stored order is the same, so it says nothing about arrival
    assert contents == _physical_ballots(second)[1]
    assert sorted(map(tuple, contents)) == sorted([("优秀",) * 2, ("较差",) * 2, ("一般",) * 3])
    assert not set(ids) & {str(p) for p in Participation.objects.values_list("id", flat=True)}


def test_the_audit_trail_says_that_someone_voted_never_what(org):
    campaign = make_campaign(org.root)
    _cast_three(org, campaign, ["staff", "reviewer", "code"])
    events = list(Event.objects.filter(action="ballot.vote"))
    assert len(events) == 3
    for event in events:
        assert event.object_type == "ballot.campaign" and event.object_id == str(campaign.pk)
        assert event.before is None and event.after in (None, {"with": "code"})  # no marks, no ballot id
    assert {e.actor_id for e in events} == {org.users["staff"].pk, org.users["reviewer"].pk, None}
