"""The organisation's pure logic: no database."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from kaohe.org import logic
from kaohe.org.demo import DEMO_PASSWORD, DEMO_ROLES, build_plan
from kaohe.org.excel import parse_date


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in their English source form, whatever the catalogue says."""
    with translation.override("en"):
        yield


def test_path_gives_ids_root_first():
    assert logic.ids_from_path("/1/4/9/") == [1, 4, 9]
    assert logic.ids_from_path("") == []


def test_a_tree_without_loops_has_no_cycle():
    parent_of = {"T": None, "A": "T", "B": "T", "A1": "A"}
    assert logic.find_cycle(parent_of, "A1") is None
    assert logic.all_cycles(parent_of) == []


def test_a_loop_is_found_in_walking_order():
    parent_of = {"T": None, "A": "B", "B": "C", "C": "A"}
    assert logic.find_cycle(parent_of, "A") == ["A", "B", "C"]


def test_a_walk_that_enters_a_loop_reports_only_the_loop():
    parent_of = {"X": "A", "A": "B", "B": "A"}
    assert logic.find_cycle(parent_of, "X") == ["A", "B"]


def test_a_unit_that_is_its_own_parent_is_a_cycle():
    assert logic.all_cycles({"A": "A"}) == [["A"]]


def test_every_distinct_cycle_is_reported_once():
    parent_of = {"A": "B", "B": "A", "C": "D", "D": "C", "E": None, "F": "A"}
    cycles = logic.all_cycles(parent_of)
    assert sorted(sorted(c) for c in cycles) == [["A", "B"], ["C", "D"]]


def test_a_parent_outside_the_mapping_counts_as_a_root():
    assert logic.find_cycle({"A": "elsewhere"}, "A") is None


def test_moving_a_unit_under_its_descendant_closes_a_loop():
    # tree 1 ← 4 ← 9: moving 4 under 9 loops; moving 9 under 1 does not.
    assert logic.cycle_after_move(4, 9, [9, 4, 1]) == [4, 9]
    assert logic.cycle_after_move(9, 1, [1]) is None
    assert logic.cycle_after_move(4, None, []) is None


def test_moving_a_unit_under_itself_is_a_cycle():
    assert logic.cycle_after_move(4, 4, [4, 1]) == [4]


def test_cycle_message_names_the_loop():
    message = logic.cycle_message(["党政办", "财政所"])
    assert "党政办 → 财政所 → 党政办" in message


def test_ancestry_runs_from_the_unit_to_the_root():
    assert logic.ancestry({"T": None, "A": "T", "A1": "A"}, "A1") == ["A1", "A", "T"]


def test_a_reviewer_role_on_an_ancestor_covers_the_unit():
    assert logic.reviewer_covers(["A1", "A", "T"], {"A"})
    assert not logic.reviewer_covers(["B", "T"], {"A"})


def _problem(**changes):
    values = {
        "person_key": "P1",
        "reviewer_key": "R1",
        "reviewer_label": "R1",
        "reviewer_has_account": True,
        "unit_label": "A1",
        "unit_ancestry": ["A1", "A", "T"],
        "reviewer_scope_roots": {"A"},
    }
    values.update(changes)
    return logic.reviewer_problem(**values)


def test_a_reviewer_covering_the_unit_is_accepted():
    assert _problem() is None


def test_a_reviewer_outside_the_scope_is_refused_with_the_reason():
    message = _problem(reviewer_scope_roots={"B"})
    assert "outside the person's scope" in message and "A1" in message


def test_a_reviewer_without_account_is_refused():
    assert "no account" in _problem(reviewer_has_account=False)


def test_nobody_reviews_themselves():
    assert "own reviewer" in _problem(reviewer_key="P1")


def test_leave_must_not_end_before_it_starts():
    assert logic.leave_problem(date(2025, 3, 2), date(2025, 3, 1))
    assert logic.leave_problem(date(2025, 3, 1), date(2025, 3, 1)) is None


def test_secondment_needs_two_units_and_a_share_between_0_and_100():
    ok = {"home_unit": 1, "host_unit": 2, "home_share": Decimal("40"), "start": date(2025, 1, 1), "end": None}
    assert logic.secondment_problems(**ok) == {}
    assert set(logic.secondment_problems(**{**ok, "host_unit": 1})) == {"host_unit"}
    assert set(logic.secondment_problems(**{**ok, "home_share": Decimal("100.5")})) == {"home_share"}
    assert set(logic.secondment_problems(**{**ok, "home_share": Decimal("-1")})) == {"home_share"}
    assert set(logic.secondment_problems(**{**ok, "end": date(2024, 1, 1)})) == {"end"}


def test_dates_are_read_in_the_formats_office_users_write():
    assert parse_date("2024-03-01") == date(2024, 3, 1)
    assert parse_date("2024/3/1") == date(2024, 3, 1)
    assert parse_date("2024.03.01") == date(2024, 3, 1)
    assert parse_date("2024年3月1日") == date(2024, 3, 1)
    assert parse_date("1985.03") == date(1985, 3, 1)
    assert parse_date(45352) == date(2024, 3, 1)  # an Excel serial day number


def test_text_that_is_not_a_date_is_refused():
    for bad in ("2024-13-01", "yesterday", "2024-02-30"):
        try:
            parse_date(bad)
        except ValueError:
            continue
        raise AssertionError(f"{bad!r} was accepted as a date")


def test_demo_plan_is_deterministic_for_a_given_day():
    today = date(2025, 6, 1)
    assert build_plan(today=today) == build_plan(today=today)
    assert build_plan(today=today) != build_plan(today=today, seed=1)


def test_demo_plan_has_one_login_per_role_with_the_demo_password():
    plan = build_plan(today=date(2025, 6, 1))
    by_username = {p.username: p for p in plan.people if p.username}
    for role in DEMO_ROLES:
        assert by_username[role].password == DEMO_PASSWORD
        assert role in {r for r, _unit in by_username[role].grants}
    assert plan.logins == [(r, r, DEMO_PASSWORD) for r in DEMO_ROLES]


def test_demo_plan_puts_every_person_in_one_track_and_reviewers_first():
    plan = build_plan(today=date(2025, 6, 1))
    assert 110 <= len(plan.people) <= 135
    track_codes = {code for code, _name in plan.tracks}
    seen: set[str] = set()
    for p in plan.people:
        assert p.track_code in track_codes
        assert p.reviewer_no is None or p.reviewer_no in seen  # reviewers are created first
        seen.add(p.staff_no)


def test_demo_plan_has_new_hires_in_probation():
    today = date(2025, 6, 1)
    plan = build_plan(today=today)
    assert sum(1 for p in plan.people if (today - p.start_date).days < 180) >= 3
