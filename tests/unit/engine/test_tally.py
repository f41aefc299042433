"""The one ballot tally (kaohe.engine.tally): extremes dropped per person, group and dimension, group
means over the dimensions marked, the minimum, renormalisation or zero, vote shares."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaohe.engine import scheme_from_dict
from kaohe.engine.tally import (
    BallotRows,
    TallyRules,
    ballot_options,
    count_cube,
    drop_extremes,
    group_means,
    tally,
    vote_counts,
    vote_hit,
    vote_share,
    weighted_score,
)

from .helpers import base_scheme, merge

POINTS = np.array([100.0, 85.0, 70.0, 50.0])  # 优 良 中 差


def cube(*cells: list[int]) -> np.ndarray:
    """One person, one group, one dimension per cell (counts per option)."""
    return np.array(cells, dtype=np.float64)[None, None, :, :]


def spec(**ballot):
    s = scheme_from_dict(
        merge(
            base_scheme(),
            {
                "components": {
                    "__replace__": True,
                    "测评": {
                        "share": "100%",
                        "ballot": {"options": {"优": 100, "良": 85, "中": 70, "差": 50}} | ballot,
                    },
                }
            },
        )
    )
    return s.components["测评"].ballot


def test_drop_extremes_takes_k_from_each_end_when_more_than_2k_were_received():
    kept, dropped = drop_extremes(np.array([[2.0, 1, 0, 1], [1, 0, 0, 1], [3, 0, 0, 0]]), POINTS, 1)
    assert kept.tolist() == [[1, 1, 0, 0], [1, 0, 0, 1], [1, 0, 0, 0]]  # two received: none dropped
    assert dropped.tolist() == [2, 0, 2]
    kept, _ = drop_extremes(np.array([[5.0, 2, 1, 1]]), POINTS, 2)
    assert kept.tolist() == [[3, 2, 0, 0]]  # two 优 off the top, 差 and 中 off the bottom


def test_the_examples_of_the_scheme_docs():
    # 优 2, 良 1, 差 1, drop 1 → (100 + 85) ÷ 2; seed 004's 优 5, 良 2, 中 1, 差 1 → 91.43
    mean, ballots, dropped = group_means(cube([2, 1, 0, 1]), POINTS, drop=1)
    assert (mean[0, 0], ballots[0, 0], dropped[0, 0]) == (92.5, 4, 2)
    mean, _, _ = group_means(cube([5, 2, 1, 1]), POINTS, drop=1)
    assert round(mean[0, 0], 2) == 91.43


def test_a_groups_mean_weighs_the_dimensions_marked_and_counts_the_most_marked():
    weights = np.array([0.2, 0.3, 0.5])
    mean, ballots, _ = group_means(cube([2, 0, 0, 0], [0, 0, 3, 0], [0, 0, 0, 0]), POINTS, weights)
    assert mean[0, 0] == pytest.approx((0.2 * 100 + 0.3 * 70) / 0.5)  # the unmarked third is left out
    assert ballots[0, 0] == 3


def test_the_weighted_score_renormalises_or_counts_a_missing_group_as_zero():
    mean = np.array([[90.0, 60.0, 0.0], [0.0, 0.0, 0.0]])
    valid = np.array([[True, True, False], [False, False, False]])
    weights = np.array([0.5, 0.3, 0.2])
    renorm = weighted_score(mean, valid, weights, "renormalise")
    zero = weighted_score(mean, valid, weights, "zero")
    assert renorm[0] == pytest.approx((0.5 * 90 + 0.3 * 60) / 0.8) and np.isnan(renorm[1])
    assert zero[0] == pytest.approx(0.5 * 90 + 0.3 * 60) and np.isnan(zero[1])


def test_a_group_under_the_minimum_has_no_result():
    counts = np.zeros((1, 2, 1, 4))
    counts[0, 0, 0] = [2, 0, 0, 0]  # 2 ballots < 3
    counts[0, 1, 0] = [0, 3, 0, 0]
    rules = TallyRules(points=POINTS, group_weights=np.array([0.6, 0.4]), min_ballots=3)
    t = tally(counts, rules)
    assert t.valid.tolist() == [[False, True]] and t.ballots.tolist() == [[2, 3]]
    assert t.score[0] == 85.0


def test_rules_refuse_weights_that_do_not_add_up_to_one():
    with pytest.raises(ValueError, match="group_weights"):
        TallyRules(points=POINTS, group_weights=np.array([40.0, 60.0]))
    with pytest.raises(ValueError, match="dimension_weights"):
        TallyRules(points=POINTS, group_weights=np.array([1.0]), dimension_weights=np.array([0.5]))


def test_rules_from_a_schemes_ballot_section():
    b = spec(
        rater_groups={"班子": "40%", "群众": "60%"},
        dimensions={"德": "30%", "绩": "70%"},
        min_ballots=3,
        when_group_missing="zero",
        drop_extremes=1,
    )
    rules = TallyRules.from_spec(b)
    assert rules.points.tolist() == [100, 85, 70, 50]
    assert rules.group_weights.tolist() == [0.4, 0.6]
    assert rules.dimension_weights is not None and rules.dimension_weights.tolist() == [0.3, 0.7]
    assert (rules.min_ballots, rules.when_group_missing, rules.drop_extremes) == (3, "zero", 1)


def test_the_cube_leaves_out_codes_outside_the_questionnaire():
    rules = TallyRules(points=POINTS, group_weights=np.array([1.0]), dimension_weights=np.array([0.5, 0.5]))
    rows = BallotRows(
        person=np.array([0, 0, 0, 0, 1]),
        group=np.array([0, -1, 0, 0, 0]),
        option=np.array([1, 1, 4, 2, 0]),  # option 4: the overall tick's
        count=np.array([2.0, 5, 5, 1, 3]),
        dimension=np.array([1, 1, 0, 2, 0]),  # dimension 2: the overall tick's
    )
    counts = count_cube(rows, rules, 2)
    assert counts.shape == (2, 1, 2, 4)
    assert counts.sum() == 5 and counts[0, 0, 1, 1] == 2 and counts[1, 0, 0, 0] == 3
    assert count_cube(None, rules, 2).shape == (2, 1, 2, 4)


def test_vote_shares_read_the_overall_tick_when_there_is_one():
    b = spec(
        rater_groups={"全体": "100%"},
        dimensions={"德": "50%", "绩": "50%"},
        overall={"name": "总体", "options": ["优秀", "称职", "不称职"]},
    )
    opts = ballot_options(b)
    assert opts == ["优", "良", "中", "差", "优秀", "称职", "不称职"]
    rows = BallotRows(
        person=np.zeros(4, dtype=np.int64),
        group=np.zeros(4, dtype=np.int64),
        option=np.array([0, 4, 5, 6]),
        count=np.array([9.0, 10, 4, 1]),
        dimension=np.array([0, 2, 2, 2]),  # the 优 on 德 does not vote
    )
    votes = vote_counts(rows, b, 1)
    share = vote_share(votes, [opts.index("优秀"), opts.index("称职")])
    assert share[0] == pytest.approx(14 / 15)


def test_without_a_tick_each_ballot_counts_once_across_dimensions():
    b = spec(rater_groups={"班子": "50%", "群众": "50%"}, dimensions={"德": "40%", "绩": "60%"})
    rows = BallotRows(  # 班子: 3 ballots, 优 on 德 and 差 on 绩; 群众: 1 ballot 优 everywhere
        person=np.zeros(4, dtype=np.int64),
        group=np.array([0, 0, 1, 1]),
        option=np.array([0, 3, 0, 0]),
        count=np.array([3.0, 3, 1, 1]),
        dimension=np.array([0, 1, 0, 1]),
    )
    votes = vote_counts(rows, b, 2)
    assert vote_share(votes, [0])[0] == pytest.approx((3 * 0.4 + 1) / 4)
    assert vote_share(votes, [0], groups=[1])[0] == 1.0
    assert np.isnan(vote_share(votes, [0])[1])  # the second person has no ballots


def test_vote_thresholds_strict_and_not():
    two_thirds = np.array([10 / 15, 0.5, np.nan])
    assert vote_hit(two_thirds, below=2 / 3, above=None, strict=True).tolist() == [False, True, False]
    assert vote_hit(two_thirds, below=2 / 3, above=None, strict=False).tolist() == [True, True, False]
    assert vote_hit(two_thirds, below=None, above=2 / 3, strict=True).tolist() == [False, False, False]
    assert vote_hit(two_thirds, below=None, above=2 / 3, strict=False).tolist() == [True, False, False]


# --- against a plain reference: expand the counts into ballots, sort, drop, average -----------------


def reference_mean(cells: list[list[int]], weights: list[float], k: int) -> float:
    total = weight = 0.0
    for counts, w in zip(cells, weights, strict=True):
        marks = sorted(p for p, n in zip(POINTS, counts, strict=True) for _ in range(n))
        if not marks:
            continue
        if len(marks) > 2 * k:
            marks = marks[k : len(marks) - k]
        total += w * sum(marks) / len(marks)
        weight += w
    return total / weight if weight else 0.0


cells = st.lists(st.lists(st.integers(0, 6), min_size=4, max_size=4), min_size=1, max_size=4)


@given(cells, st.integers(0, 3), st.data())
def test_group_means_match_the_reference(cells, k, data):
    weights = data.draw(st.lists(st.integers(1, 9), min_size=len(cells), max_size=len(cells)))
    shares = np.array(weights, dtype=np.float64) / sum(weights)
    mean, ballots, _ = group_means(cube(*cells), POINTS, shares, drop=k)
    assert mean[0, 0] == pytest.approx(reference_mean(cells, list(shares), k))
    assert ballots[0, 0] == max(sum(c) for c in cells)


@given(st.lists(st.tuples(st.floats(50, 100), st.booleans()), min_size=1, max_size=5))
def test_a_renormalised_score_lies_between_the_valid_groups_means(groups):
    mean = np.array([[m for m, _ in groups]])
    valid = np.array([[v for _, v in groups]])
    weights = np.full(len(groups), 1.0 / len(groups))
    score = weighted_score(mean, valid, weights)[0]
    if not valid.any():
        assert np.isnan(score)
    else:
        shown = mean[valid]
        assert shown.min() - 1e-9 <= score <= shown.max() + 1e-9
