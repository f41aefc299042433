"""Who gives an indicator's score, and several assessors' marks combined (kaohe/engine/marks.py)."""

import math

import numpy as np
import pytest

from kaohe.engine.errors import SchemeError
from kaohe.engine.marks import (
    AssessorSpec,
    assessed_leaves,
    combine_marks,
    parse_assessor,
    rule_of,
)
from kaohe.engine.scheme_load import load_scheme

SCHEME = """
scheme: 测试
year: 2025
period: year
tracks:
  管理岗: {post_type: [管理]}
  技术岗: {post_type: [专业技术]}
scoring_groups:
  考核小组: {min_assessors: 3, combine: trimmed_mean}
components:
  实绩:
    share: 100%
    indicators_by_track:
      管理岗:
        履职: {points: 60}
        作风: {points: 30, assessor: leader}
        品行: {points: 10, assessor: "group: 考核小组"}
      技术岗:
        业务: {points: 70, source: task}
        品行: {points: 30, assessor: "group:考核小组"}
grading:
  grades: [优秀, 合格]
"""


def test_a_track_lists_only_its_own_assessed_leaves_with_their_assessor():
    s = load_scheme(SCHEME)
    got = [(leaf.key, spec) for leaf, spec in assessed_leaves(s, "管理岗")]
    assert got == [
        ("实绩/履职", AssessorSpec("reviewer")),
        ("实绩/作风", AssessorSpec("leader")),
        ("实绩/品行", AssessorSpec("group", "考核小组")),
    ]
    # a task leaf is not on sheets: another input supplies it
    assert [leaf.key for leaf, _ in assessed_leaves(s, "技术岗")] == ["实绩/品行"]


def test_an_undeclared_group_or_unknown_assessor_is_refused_with_its_path():
    bad = SCHEME.replace("assessor: leader", "assessor: boss").replace('"group:考核小组"', '"group: 评审组"')
    with pytest.raises(SchemeError) as err:
        load_scheme(bad)
    text = str(err.value)
    assert "components.实绩.indicators_by_track.管理岗.作风.assessor" in text and "boss" in text
    assert "components.实绩.indicators_by_track.技术岗.品行.assessor" in text and "评审组" in text


def test_parse_assessor_reads_the_three_forms():
    assert parse_assessor("") == AssessorSpec("reviewer")
    assert parse_assessor(" leader ") == AssessorSpec("leader")
    assert parse_assessor("group : 小组") == AssessorSpec("group", "小组")
    assert parse_assessor("group:") is None
    assert parse_assessor("chief") is None


def test_rule_of_a_group_is_the_groups_and_a_reviewer_needs_one_mark():
    s = load_scheme(SCHEME)
    assert rule_of(s, AssessorSpec("group", "考核小组")).min_assessors == 3
    assert rule_of(s, AssessorSpec("reviewer")).min_assessors == 1


def test_mean_of_marks_per_person_and_nan_without_marks():
    score, count = combine_marks(np.array([0, 0, 2]), np.array([80.0, 90.0, 70.0]), 3)
    assert score[0] == pytest.approx(85.0)
    assert math.isnan(score[1]) and count[1] == 0
    assert score[2] == pytest.approx(70.0)


def test_trimmed_mean_drops_one_highest_and_one_lowest_from_three_marks_on():
    person = np.array([0, 0, 0, 0, 1, 1, 1])
    marks = np.array([60.0, 100.0, 80.0, 90.0, 70.0, 95.0, 50.0])
    score, count = combine_marks(person, marks, 2, min_assessors=3, how="trimmed_mean")
    assert score[0] == pytest.approx(85.0)  # 60 and 100 dropped: (80 + 90) / 2
    assert score[1] == pytest.approx(70.0)  # 50 and 95 dropped
    assert list(count) == [4, 3]


def test_fewer_marks_than_the_minimum_are_no_score_never_zero():
    score, count = combine_marks(
        np.array([0, 0, 1, 1, 1]), np.array([90.0, 80.0, 0.0, 0.0, 0.0]), 2, min_assessors=3, how="mean"
    )
    assert math.isnan(score[0]) and count[0] == 2
    assert score[1] == 0.0  # three real zeros are a score of zero


def test_trimmed_mean_with_two_marks_is_their_mean():
    score, _ = combine_marks(np.array([0, 0]), np.array([70.0, 90.0]), 1, how="trimmed_mean")
    assert score[0] == pytest.approx(80.0)


def test_marks_in_any_order_give_the_same_trimmed_mean():
    rng = np.random.default_rng(7)
    person = rng.integers(0, 50, 400)
    marks = rng.uniform(0, 100, 400)
    a, _ = combine_marks(person, marks, 50, how="trimmed_mean")
    perm = rng.permutation(400)
    b, _ = combine_marks(person[perm], marks[perm], 50, how="trimmed_mean")
    np.testing.assert_allclose(a, b)
    for p in range(50):
        got = np.sort(marks[person == p])
        want = got[1:-1].mean() if len(got) >= 3 else (got.mean() if len(got) else np.nan)
        np.testing.assert_allclose(a[p], want)
