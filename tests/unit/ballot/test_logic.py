"""Who rates whom, and reading a ballot form (incomplete, tampered, voting rules)."""

import pytest

from kaohe.ballot.logic import BallotRefused, GroupRule, Member, is_member, may_rate, parse_answers

OPTIONS = {1: 100.0, 2: 85.0, 3: 70.0, 4: 50.0}
LEADER = Member(1, 10, "leadership", "established")
MIDDLE = Member(2, 10, "middle", "established")
CLERK = Member(3, 10, "general", "non_established")
OTHER_UNIT = Member(4, 11, "general", "established")


def test_membership_by_identity_and_staffing():
    rule = GroupRule(identities=("general",), staffings=("non_established", "instructor"))
    assert is_member(rule, CLERK) and not is_member(rule, OTHER_UNIT) and not is_member(rule, LEADER)
    assert is_member(GroupRule(), LEADER)


PEER = Member(5, 10, "middle", "established")


@pytest.mark.parametrize(
    "relation,ratee,ok",
    [
        ("down", CLERK, True),
        ("down", LEADER, False),
        ("up", LEADER, True),
        ("up", CLERK, False),
        ("peer", PEER, True),
        ("peer", LEADER, False),
        ("any", CLERK, True),
    ],
)
def test_relations_for_a_middle_rater(relation, ratee, ok):
    assert may_rate(GroupRule(relation=relation), MIDDLE, ratee) == ok


def test_nobody_rates_themselves_and_same_unit_applies():
    assert not may_rate(GroupRule(), MIDDLE, MIDDLE)
    assert not may_rate(GroupRule(same_unit=True), CLERK, OTHER_UNIT)
    assert may_rate(GroupRule(ratee_identities=("general",)), None, OTHER_UNIT)
    assert not may_rate(GroupRule(ratee_identities=("general",)), None, LEADER)


def test_a_complete_ballot_is_read():
    assert parse_answers({"r-1": "1", "r-2": "3"}, people=[1, 2], dimensions=[], options=OPTIONS) == [
        (1, None, 1),
        (2, None, 3),
    ]
    marks = parse_answers({"r-1-7": "1", "r-1-8": "2"}, people=[1], dimensions=[7, 8], options=OPTIONS)
    assert marks == [(1, 7, 1), (1, 8, 2)]


@pytest.mark.parametrize(
    "data,message",
    [
        ({"r-1": "1"}, "incomplete"),
        ({"r-1": "1", "r-2": ""}, "incomplete"),
        ({"r-1": "1", "r-2": "2", "r-9": "1"}, "may not rate"),
        ({"r-1": "1", "r-2": "99"}, "not on the form"),
        ({"r-1": "1", "r-2": "x"}, "not on the form"),
        ({"r-1": "1", "r-2": "1" * 100}, "not on the form"),
    ],
)
def test_bad_ballots_are_refused_with_a_reason(data, message):
    with pytest.raises(BallotRefused, match=message):
        parse_answers(data, people=[1, 2], dimensions=[], options=OPTIONS)


def test_voting_rules_top_marks_and_identical_ballots():
    with pytest.raises(BallotRefused, match="At most 1"):
        parse_answers(
            {"r-1": "1", "r-2": "1"}, people=[1, 2], dimensions=[], options=OPTIONS, max_top_marks=1
        )
    with pytest.raises(BallotRefused, match="same mark"):
        parse_answers(
            {"r-1": "2", "r-2": "2"}, people=[1, 2], dimensions=[], options=OPTIONS, identical_invalid=True
        )
    assert parse_answers({"r-1": "2"}, people=[1], dimensions=[], options=OPTIONS, identical_invalid=True)


def test_nobody_to_rate_is_refused():
    with pytest.raises(BallotRefused):
        parse_answers({}, people=[], dimensions=[], options=OPTIONS)
