"""The pure tally: means per rater group, the minimum count, renormalisation, trimming, quality."""

from decimal import Decimal

import pytest

from kaohe.ballot.tally import (
    Count,
    TallyError,
    extreme_groups,
    round_half_up,
    straight_lining,
    tally,
    trimmed,
)

POINTS = {"优秀": 100, "良好": 85, "一般": 70, "较差": 50}
WEIGHTS = {"班子": 40, "中层": 30, "在编": 20, "不在编": 10}


def rows(person, group, **counts):
    return [(person, group, None, option, n) for option, n in counts.items()]


def test_it_reproduces_the_worked_example_of_the_scheme_docs():
    # docs/schemes.md: 4 班子 averaging 83.75, 3 中层 at 100, 6 在编 at 81.67, 2 不在编 (< 3)
    counts = (
        rows("p", "班子", 优秀=1, 良好=2, 一般=1)
        + rows("p", "中层", 优秀=3)
        + rows("p", "在编", 优秀=1, 良好=3, 一般=2)
        + rows("p", "不在编", 优秀=2)
    )
    [result] = tally(counts, option_points=POINTS, group_weights=WEIGHTS, min_ballots=3)
    assert result.groups["班子"].mean == pytest.approx(85.0)
    assert set(result.groups) == {"班子", "中层", "在编"}
    expected = (0.4 * 85 + 0.3 * 100 + 0.2 * result.groups["在编"].mean) / 0.9
    assert result.score == pytest.approx(expected)


def test_a_group_under_the_minimum_is_withheld_entirely():
    [result] = tally(
        rows("p", "班子", 较差=4) + rows("p", "中层", 优秀=5),
        option_points=POINTS,
        group_weights=WEIGHTS,
        min_ballots=5,
    )
    assert "班子" not in result.groups  # neither mean nor count
    assert result.score == pytest.approx(100.0)


def test_zero_mode_counts_a_missing_group_as_nothing():
    [result] = tally(
        rows("p", "中层", 优秀=5),
        option_points=POINTS,
        group_weights=WEIGHTS,
        min_ballots=5,
        when_missing="zero",
    )
    assert result.score == pytest.approx(30.0)


def test_no_group_over_the_minimum_gives_no_score():
    [result] = tally(rows("p", "中层", 优秀=1), option_points=POINTS, group_weights=WEIGHTS, min_ballots=5)
    assert result.groups == {} and result.score is None


def test_dimensions_are_weighted_within_a_group():
    dims = {"德": 20, "绩": 80}
    counts = [("p", "中层", "德", "优秀", 5), ("p", "中层", "绩", "一般", 5)]
    [result] = tally(
        counts, option_points=POINTS, group_weights=WEIGHTS, dimension_weights=dims, min_ballots=5
    )
    assert result.groups["中层"].ballots == 5
    assert result.groups["中层"].mean == pytest.approx(0.2 * 100 + 0.8 * 70)


def test_trimming_drops_one_highest_and_one_lowest():
    assert trimmed({"优秀": 2, "良好": 1, "较差": 1}, POINTS) == {"优秀": 1, "良好": 1, "较差": 0}
    assert trimmed({"优秀": 1, "较差": 1}, POINTS) == {"优秀": 1, "较差": 1}  # two or fewer: kept
    [result] = tally(
        rows("p", "中层", 优秀=2, 良好=2, 较差=1),
        option_points=POINTS,
        group_weights=WEIGHTS,
        min_ballots=5,
        trim=True,
    )
    assert result.groups["中层"].mean == pytest.approx((100 + 85 + 85) / 3)


def test_counts_objects_and_tuples_are_the_same():
    a = tally(
        [Count("p", "中层", None, "优秀", 5)], option_points=POINTS, group_weights=WEIGHTS, min_ballots=5
    )
    b = tally([("p", "中层", None, "优秀", 5)], option_points=POINTS, group_weights=WEIGHTS, min_ballots=5)
    assert a[0].score == b[0].score


@pytest.mark.parametrize(
    "row",
    [("p", "中层", None, "极好", 1), ("p", "路人", None, "优秀", 1), ("p", "中层", "德", "优秀", 1)],
)
def test_it_refuses_counts_outside_the_questionnaire(row):
    with pytest.raises(TallyError):
        tally([row], option_points=POINTS, group_weights=WEIGHTS)


def test_rounding_is_half_up():
    assert round_half_up(88.705) == Decimal("88.71")
    assert round_half_up(2.675) == Decimal("2.68")


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
