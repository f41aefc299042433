"""A campaign's results from grouped counts, counted by the engine's tally: means per rater group,
the minimum count, renormalisation, trimming, refusal of counts outside the questionnaire."""

import pytest

from kaohe.ballot.counts import Count, TallyError, person_results

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
    [result] = person_results(counts, option_points=POINTS, group_weights=WEIGHTS, min_ballots=3)
    assert result.groups["班子"].mean == pytest.approx(85.0)
    assert set(result.groups) == {"班子", "中层", "在编"}
    expected = (0.4 * 85 + 0.3 * 100 + 0.2 * result.groups["在编"].mean) / 0.9
    assert result.score == pytest.approx(expected)


def test_a_group_under_the_minimum_is_withheld_entirely():
    [result] = person_results(
        rows("p", "班子", 较差=4) + rows("p", "中层", 优秀=5),
        option_points=POINTS,
        group_weights=WEIGHTS,
        min_ballots=5,
    )
    assert "班子" not in result.groups  # neither mean nor count
    assert result.score == pytest.approx(100.0)


def test_zero_mode_counts_a_missing_group_as_nothing():
    [result] = person_results(
        rows("p", "中层", 优秀=5),
        option_points=POINTS,
        group_weights=WEIGHTS,
        min_ballots=5,
        when_missing="zero",
    )
    assert result.score == pytest.approx(30.0)


def test_no_group_over_the_minimum_gives_no_score():
    [result] = person_results(
        rows("p", "中层", 优秀=1), option_points=POINTS, group_weights=WEIGHTS, min_ballots=5
    )
    assert result.groups == {} and result.score is None


def test_dimensions_are_weighted_within_a_group():
    dims = {"德": 20, "绩": 80}
    counts = [("p", "中层", "德", "优秀", 5), ("p", "中层", "绩", "一般", 5)]
    [result] = person_results(
        counts, option_points=POINTS, group_weights=WEIGHTS, dimension_weights=dims, min_ballots=5
    )
    assert result.groups["中层"].ballots == 5
    assert result.groups["中层"].mean == pytest.approx(0.2 * 100 + 0.8 * 70)


def test_trimming_drops_one_highest_and_one_lowest():
    [result] = person_results(
        rows("p", "中层", 优秀=2, 良好=2, 较差=1),
        option_points=POINTS,
        group_weights=WEIGHTS,
        min_ballots=5,
        trim=True,
    )
    assert result.groups["中层"].mean == pytest.approx((100 + 85 + 85) / 3)


def test_counts_objects_and_tuples_are_the_same():
    a = person_results(
        [Count("p", "中层", None, "优秀", 5)], option_points=POINTS, group_weights=WEIGHTS, min_ballots=5
    )
    b = person_results(
        [("p", "中层", None, "优秀", 5)], option_points=POINTS, group_weights=WEIGHTS, min_ballots=5
    )
    assert a[0].score == b[0].score


@pytest.mark.parametrize(
    "row",
    [("p", "中层", None, "极好", 1), ("p", "路人", None, "优秀", 1), ("p", "中层", "德", "优秀", 1)],
)
def test_it_refuses_counts_outside_the_questionnaire(row):
    with pytest.raises(TallyError):
        person_results([row], option_points=POINTS, group_weights=WEIGHTS)


def test_a_dimension_nobody_marked_does_not_count_as_zero():
    # 德 unmarked (a ballot form that lost a dimension): the group's mean renormalises over 绩 alone
    [result] = person_results(
        [("p", "中层", "绩", "一般", 5)],
        option_points=POINTS,
        group_weights=WEIGHTS,
        dimension_weights={"德": 20, "绩": 80},
        min_ballots=5,
    )
    assert result.groups["中层"].mean == pytest.approx(70.0)


def test_shown_groups_carry_their_counts_and_people_keep_their_order():
    counts = rows("q", "中层", 优秀=2, 良好=1) + rows("p", "中层", 一般=3) + rows("q", "中层", 优秀=1)
    q, p = person_results(counts, option_points=POINTS, group_weights=WEIGHTS, min_ballots=3)
    assert (q.person, p.person) == ("q", "p")
    assert q.groups["中层"].counts == {(None, "优秀"): 3, (None, "良好"): 1}
    assert q.groups["中层"].ballots == 4 and p.groups["中层"].ballots == 3


def test_weights_need_not_be_percentages_but_must_weigh_something():
    [a] = person_results(
        rows("p", "中层", 优秀=5), option_points=POINTS, group_weights={"中层": 3, "在编": 1}
    )
    assert a.score == pytest.approx(100.0)
    with pytest.raises(TallyError):
        person_results(rows("p", "中层", 优秀=5), option_points=POINTS, group_weights={"中层": 0})
    with pytest.raises(TallyError):
        person_results([], option_points=POINTS, group_weights=WEIGHTS, when_missing="drop")


def test_no_counts_give_no_results():
    assert person_results([], option_points=POINTS, group_weights=WEIGHTS) == []
