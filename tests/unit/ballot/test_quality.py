"""Rater quality: straight-lining per group and groups leaning far from the others."""

import pytest

from kaohe.ballot.quality import extreme_groups, mark_means, straight_lining

POINTS = {"优秀": 100, "良好": 85, "一般": 70, "较差": 50}


def test_straight_lining_share_per_group_ignores_small_groups_and_single_person_ballots():
    ballots = [("a", 5, 1)] * 3 + [("a", 5, 3)] * 1 + [("a", 1, 1)] * 10 + [("b", 5, 1)] * 2
    [a] = straight_lining(ballots, min_ballots=3)
    assert (a.group, a.ballots, a.straight, a.share) == ("a", 4, 3, 0.75)


def test_extreme_groups_compare_each_group_with_all_the_others():
    leans = {
        g.group: g for g in extreme_groups({"a": (95.0, 10), "b": (80.0, 10), "c": (80.0, 20)}, threshold=10)
    }
    assert leans["a"].extreme and leans["a"].others == pytest.approx(80.0)
    assert not leans["b"].extreme
    [alone] = extreme_groups({"a": (90.0, 5)})
    assert alone.others is None and not alone.extreme


def test_mark_means_are_the_mean_points_of_all_a_groups_marks():
    means = mark_means([("a", "优秀", 3), ("a", "较差", 1), ("b", "良好", 2), ("a", "优秀", 1)], POINTS)
    assert means["a"] == (pytest.approx((4 * 100 + 50) / 5), 5)
    assert means["b"] == (pytest.approx(85.0), 2)
    assert mark_means([], POINTS) == {}
