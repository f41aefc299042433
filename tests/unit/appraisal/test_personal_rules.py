"""Pure rules of personal indicators: the limit, points and weights that add up, score ranges and
what the engine reads (NaN for an unscored indicator, weights scaled)."""

import math
from decimal import Decimal

import numpy as np
import pytest

from kaohe.appraisal.personal_rules import (
    Item,
    Node,
    check,
    check_score,
    engine_scores,
    number,
    personal_nodes,
    problems,
)
from kaohe.engine import load_scheme
from kaohe.engine.tree import leaves
from kaohe.platform.errors import Refusal
from kaohe.presets import load_preset

POINTS = Node(key="绩效评分/个性指标", name="个性指标", points=Decimal(60), max_count=3)
WEIGHTS = Node(key="实绩/个性", name="个性", points=None, max_count=2)


def items(*points, names=None):
    names = names or [f"指标{i}" for i in range(len(points))]
    return [Item(n, Decimal(str(p))) for n, p in zip(names, points, strict=True)]


def test_three_indicators_adding_up_to_the_nodes_points_are_allowed():
    assert problems(POINTS, items(20, 20, 20)) == []
    assert problems(POINTS, items(59.5, 0.5)) == []
    assert problems(POINTS, []) == []  # clearing is allowed: the node is then missing


def test_a_fourth_indicator_is_refused_naming_the_limit():
    found = problems(POINTS, items(15, 15, 15, 15))
    assert [(p.item, p.field) for p in found] == [(None, "count")]
    assert "at most 3" in found[0].message and "found 4" in found[0].message


def test_points_that_do_not_add_up_are_refused_with_the_sum_and_the_total():
    (p,) = problems(POINTS, items(20, 30))
    assert p.field == "points" and "add up to 50" in p.message and "60" in p.message
    (w,) = problems(WEIGHTS, items(40, 50))
    assert "90%" in w.message and "100%" in w.message


def test_each_bad_item_is_named_by_its_number_and_field():
    found = problems(POINTS, [Item("", Decimal(30)), Item("甲", Decimal(0)), Item("甲", Decimal(30))])
    where = {(p.item, p.field) for p in found}
    assert (1, "name") in where and (2, "points") in where and (3, "name") in where  # 3: given twice
    with pytest.raises(Refusal, match=r"Z01: indicator 1, name: a name is required") as exc:
        check(POINTS, [Item("", Decimal(30)), Item("乙", Decimal(30))], "Z01")
    assert exc.value.field == "name"


def test_a_score_lies_between_0_and_the_indicators_points_or_100_under_weights():
    check_score(POINTS, "甲", Decimal(20), 20)
    with pytest.raises(Refusal, match="between 0 and 20, found 21"):
        check_score(POINTS, "甲", Decimal(20), 21)
    check_score(WEIGHTS, "甲", Decimal(40), 95)  # a weight of 40%: scored 0–100
    with pytest.raises(Refusal):
        check_score(WEIGHTS, "甲", Decimal(40), -1)
    with pytest.raises(Refusal):
        check_score(POINTS, "甲", Decimal(20), math.nan)


def test_the_engine_reads_scores_as_given_under_points_and_scaled_under_weights():
    points, scores = np.array([20.0, 40.0]), np.array([18.0, math.nan])
    got = engine_scores(POINTS, points, scores)
    assert got[0] == 18.0 and math.isnan(got[1])  # missing stays missing, never 0
    weighted = engine_scores(WEIGHTS, np.array([40.0, 60.0]), np.array([90.0, 50.0]))
    assert weighted.tolist() == [36.0, 30.0]  # Σ score ÷ Σ points = 0.4 × 90 + 0.6 × 50 = 66%


def test_points_are_numbers_with_two_decimals_at_most():
    assert number("12.5") == Decimal("12.5") and number(20) == Decimal(20)
    for bad in ("abc", "1.234", None, True, "nan", "inf", ""):
        assert number(bad) is None, bad


def test_preset_004_has_one_personal_node_of_60_points_and_at_most_3():
    scheme = load_scheme(load_preset("004_quzhou").scheme_text())
    found = {}
    for cname, comp in scheme.components.items():
        if comp.indicators:
            found |= {leaf.key: leaf for leaf in leaves(cname, comp.indicators, cname)}
    (node,) = personal_nodes(found).values()
    assert (node.key, node.points, node.max_count) == ("绩效评分/个性指标", Decimal(60), 3)
