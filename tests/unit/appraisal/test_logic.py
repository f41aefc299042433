"""The cycle's pure logic: period spans, the state machine, score ranges, quotas."""

import pytest

from kaohe.appraisal import logic
from kaohe.platform.errors import Refusal


def test_moves_go_one_step_forward_only():
    logic.check_move("open", "scoring")
    with pytest.raises(Refusal, match="cannot move"):
        logic.check_move("open", "committee")
    with pytest.raises(Refusal):
        logic.check_move("final", "publicity")


def test_published_states_cannot_be_undone():
    assert logic.undo_target("committee") == "computed"
    for state in ("open", "publicity", "final"):
        with pytest.raises(Refusal, match="cannot be undone"):
            logic.undo_target(state)


def test_a_score_lies_within_the_points():
    logic.check_score(12, 12, "党建")
    with pytest.raises(Refusal, match="between 0 and 12, found 12.5"):
        logic.check_score(12.5, 12, "党建")
    with pytest.raises(Refusal):
        logic.check_score(-1, None, "x")
    with pytest.raises(Refusal):
        logic.check_score(float("nan"), 10, "x")


def test_low_scores_need_a_comment():
    assert logic.needs_comment(5, 10, 60)
    assert not logic.needs_comment(6, 10, 60)


def test_quota_check_names_the_ceiling_and_the_floor():
    quota = {"name": "机关", "ceilings": {"优秀": 2, "良好": None}, "floors": {"一般": 1}}
    grades = ["优秀", "良好", "一般"]
    assert logic.check_quota(grades, quota, {"优秀": 2, "良好": 5, "一般": 1}) is None
    assert "at most 2" in logic.check_quota(grades, quota, {"优秀": 3, "良好": 4, "一般": 1})
    assert "At least 1" in logic.check_quota(grades, quota, {"优秀": 2, "良好": 6})
