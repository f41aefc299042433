"""One test per scheme rule, on small hand-checkable data."""

from __future__ import annotations

import numpy as np
import pytest

from kaohe.engine import compute, explain
from kaohe.engine.numeric import largest_remainder, round_half_up

from .helpers import data, people, scheme, table

IDS20 = [f"p{i:02d}" for i in range(20)]
TOTALS20 = [99 - i for i in range(20)]


def grades(r):
    return [r.grade_name(i) for i in range(len(r.total))]


def test_round_half_up_before_ranking():
    assert list(round_half_up(np.array([84.125, 84.135, 2.675, -1.005]))) == [84.13, 84.14, 2.68, -1.01]


def test_ties_on_rounded_total_broken_by_tie_break_order():
    s = scheme(grading={"tie_break": ["total desc", "person desc"]})
    r = compute(s, data(["a", "b", "c"], [90.001, 90.004, 80]))
    assert list(r.total) == [90.0, 90.0, 80.0]
    assert list(r.rank) == [2, 1, 3]  # equal rounded totals: person desc puts b first


def test_absolute_thresholds():
    s = scheme(
        grading={
            "grades": ["优秀", "良好", "合格", "基本合格", "不合格"],
            "thresholds": {"优秀": 95, "良好": 85, "合格": 75, "基本合格": 60},
        }
    )
    r = compute(s, data(list("abcde"), [96, 85, 80, 60, 59.99]))
    assert grades(r) == ["优秀", "良好", "合格", "基本合格", "不合格"]


@pytest.mark.parametrize(("rounding", "places"), [("down", 2), ("half_up", 3), ("up", 3)])
def test_ceiling_rounding(rounding, places):
    s = scheme(grading={"quotas": {"优秀": {"at_most": "15%", "rounding": rounding}}})
    r = compute(s, data(IDS20[:17], TOTALS20[:17]))  # 15% of 17 = 2.55
    assert grades(r).count("优秀") == places


def test_share_rounding_is_not_fooled_by_binary_noise():
    s = scheme(grading={"quotas": {"优秀": {"at_most": "15%", "rounding": "up"}}})
    r = compute(s, data(IDS20, TOTALS20))  # 0.15 × 20 = 3.0000000000000004
    assert grades(r).count("优秀") == 3


def test_floor_forces_the_bottom_and_minimum_per_group():
    s = scheme(
        grading={
            "quotas": {
                "优秀": {"at_most": "10%", "rounding": "down", "minimum": 1},
                "一般": {"at_least": "5%", "rounding": "up"},
            }
        }
    )
    r = compute(s, data(IDS20[:8], TOTALS20[:8]))
    g = grades(r)
    assert g[0] == "优秀" and g.count("优秀") == 1  # 10% of 8 rounds down to 0, minimum 1
    assert g[-1] == "一般" and g.count("一般") == 1  # 5% of 8 rounds up to 1


def test_floors_skip_small_groups():
    s = scheme(
        grading={
            "quotas": {"一般": {"at_least": "5%", "rounding": "up"}},
            "quota_groups": {"floors_min_size": 10},
        }
    )
    assert "一般" not in grades(compute(s, data(IDS20[:8], TOTALS20[:8])))


def test_eligibility_cap_passes_the_place_on():
    s = scheme(
        grading={"quotas": {"优秀": {"at_most": 1}}},
        eligibility={
            "处分期": {"when": {"sanction_at_least": "记过"}, "effect": "grade_at_most", "grade": "良好"}
        },
        sanction_levels={"警告": 6, "记过": 12, "记大过": 18},
    )
    cols = {"sanction": ["记大过", "", "警告"], "sanction_months_ago": [3, 0, 1]}
    r = compute(s, data(["a", "b", "c"], [95, 90, 80], columns=cols))
    assert grades(r) == ["良好", "优秀", "良好"]
    assert "处分期" in explain(r, "a")


def test_sanction_outside_its_impact_period_does_not_count():
    s = scheme(
        grading={"quotas": {"优秀": {"at_most": 1}}},
        eligibility={"处分期": {"when": {"sanction_at_least": "记过"}, "effect": "no_grade"}},
        sanction_levels={"警告": 6, "记过": 12},
    )
    r = compute(
        s, data(["a", "b"], [95, 90], columns={"sanction": ["记过", ""], "sanction_months_ago": [13, 0]})
    )
    assert grades(r) == ["优秀", "良好"]


def test_no_grade_for_long_leave_and_probation():
    s = scheme(
        eligibility={
            "病事假": {"when": {"leave_share_above": "50%"}, "effect": "no_grade"},
            "试用期": {"when": {"probation": True}, "effect": "no_grade"},
        }
    )
    cols = {"leave_days": [130, 10, 0], "working_days": [250, 250, 250], "probation": [0, 0, 1]}
    r = compute(s, data(["a", "b", "c"], [95, 90, 80], columns=cols))
    assert grades(r) == ["", "优秀", ""]


def test_lacking_a_top_routine_grade_caps_the_annual_grade():
    s = scheme(
        grading={"grades": ["优秀", "称职", "基本称职"]},
        eligibility={
            "平时无好": {
                "when": {"lacks_grade": {"grades": ["优秀"], "in_last": 4}},
                "effect": "grade_at_most",
                "grade": "称职",
            }
        },
    )
    prev = table([0, 1], period=["2025-Q1", "2025-Q2"], grade=["称职", "优秀"], total=[1.0, 1.0])
    r = compute(s, data(["a", "b"], [95, 90], previous=prev))
    assert grades(r) == ["称职", "优秀"]


def test_veto_fixes_the_grade_and_deducts():
    s = scheme(vetoes={"弄虚作假": {"effect": "fixed_grade", "grade": "一般", "deduct": 5}})
    r = compute(s, data(["a", "b"], [95, 90], flags=table([0], item=["弄虚作假"])))
    assert grades(r) == ["一般", "优秀"] and r.total[0] == 90


def test_negative_list_caps_grade():
    s = scheme(vetoes={"政绩观偏差": {"effect": "grade_at_most", "grade": "良好", "list": "negative"}})
    r = compute(s, data(["a", "b"], [95, 90], flags=table([0], item=["政绩观偏差"])))
    assert grades(r) == ["良好", "优秀"]


def test_claims_within_range_and_caps_in_points_and_share_of_base():
    s = scheme(
        adjustments={
            "制度创新": {"kind": "bonus", "points": [5, 10]},
            "技术创新": {"kind": "bonus", "points": [8, 15]},
            "一岗双责": {"kind": "deduction", "points": [1, 5]},
        },
        caps={"创新上限": {"kind": "bonus", "at_most": "20%"}},
    )
    claims = table(
        [0, 0, 1, 1], category=["制度创新", "技术创新", "制度创新", "一岗双责"], points=[10, 15, 6, 3]
    )
    r = compute(s, data(["a", "b"], [80, 70], claims=claims))
    assert r.bonus[0] == pytest.approx(16)  # 25 capped at 20% of 80
    assert r.total[1] == pytest.approx(73)


def test_worklog_miss_notices_deduct():
    s = scheme(adjustments={"漏报": {"kind": "deduction", "source": "worklog_misses", "per_event": 1}})
    r = compute(s, data(["a"], [80], columns={"misses": [2]}))
    assert r.total[0] == 78


def test_kpi_total_80_growth_20_and_multiplied_bonus():
    s = scheme(
        components={
            "工作实绩": {
                "indicators": {
                    "__replace__": True,
                    "地区生产总值": {
                        "points": 100,
                        "source": "kpi",
                        "kpi": {"measures": {"总量": "80%", "增速": "20%"}, "multiplied": [3, 10]},
                    },
                }
            }
        }
    )
    kpis = table(
        [0, 0, 1, 1],
        indicator=["工作实绩/地区生产总值"] * 4,
        measure=["总量", "增速", "总量", "增速"],
        actual=[90.0, 12.0, 100.0, 8.0],
        target=[100.0, 10.0, 100.0, 8.0],
        multiple=[0.0, 0.0, 0.0, 0.0],
    )
    r = compute(s, data(["a", "b"], kpis=kpis))
    assert r.components[0, 0] == pytest.approx((0.8 * 0.9 + 0.2 * 1.2) * 100)
    kpis.columns["multiple"] = np.array([0.0, 0.0, -3.0, 0.0])
    r = compute(s, data(["a", "b"], kpis=kpis))
    assert r.deduction[1] == pytest.approx(300)


def test_worklog_fill_rate_leaf():
    s = scheme(
        components={
            "工作实绩": {
                "indicators": {
                    "__replace__": True,
                    "履职纪实": {"points": 100, "source": "worklog", "worklog": {"measure": "fill_rate"}},
                }
            }
        }
    )
    r = compute(s, data(["a"], columns={"working_days": [20], "filled": [18]}))
    assert r.total[0] == 90


def test_personal_indicators_and_their_maximum():
    s = scheme(
        components={
            "工作实绩": {
                "indicators": {
                    "__replace__": True,
                    "共性": {"points": 40},
                    "个性": {"points": 60, "source": "personal", "max_count": 3},
                }
            }
        }
    )
    per = table(
        [0, 0], node=["工作实绩/个性"] * 2, indicator=["甲", "乙"], points=[10.0, 10.0], score=[10.0, 5.0]
    )
    d = data(["a"], personal=per, scores={"工作实绩/共性": np.array([40.0])})
    assert compute(s, d).total[0] == pytest.approx(40 + 60 * 0.75)
    per4 = table(
        [0] * 4, node=["工作实绩/个性"] * 4, indicator=list("abcd"), points=[5.0] * 4, score=[5.0] * 4
    )
    with pytest.raises(Exception, match="at most 3 personal indicators"):
        compute(s, data(["a"], personal=per4))


def test_ballot_dimensions_and_zero_when_group_missing():
    s = scheme(
        components={
            "工作实绩": {"share": "50%"},
            "民主测评": {
                "share": "50%",
                "ballot": {
                    "options": {"优": 100, "良": 80},
                    "dimensions": {"德": "40%", "绩": "60%"},
                    "rater_groups": {"领导": "50%", "同事": "50%"},
                    "min_ballots": 2,
                    "when_group_missing": "zero",
                },
            },
        }
    )
    ballots = table(
        [0, 0, 0, 0],
        group=["领导", "领导", "领导", "同事"],
        dimension=["德", "绩", "绩", "德"],
        option=["优", "优", "良", "优"],
        count=[2, 1, 1, 1],
    )
    r = compute(s, data(["a"], [100], ballots=ballots))
    # 领导: 德 100 (2 ballots), 绩 (100+80)/2 = 90 → 0.4×100 + 0.6×90 = 94; 同事 has 1 ballot < 2 → 0
    assert r.components[0, 1] == pytest.approx(0.5 * 94)


def test_static_and_dynamic_coefficients_and_where_they_apply():
    s = scheme(
        coefficients={
            "岗位系数": {"kind": "static", "attribute": "post_level", "levels": {"一档": 1.18, "六档": 1.0}},
            "动态系数": {"kind": "dynamic", "formula": "clip(1 + (growth - 8%) * 2, 0.9, 1.1)"},
            "加分系数": {
                "kind": "static",
                "attribute": "post_level",
                "levels": {"一档": 1.5},
                "applies_to": "bonus",
            },
        },
        adjustments={"创新": {"kind": "bonus", "points": [1, 10]}},
    )
    cols = {"post_level": ["一档", "六档"], "growth": [0.10, 0.08]}
    r = compute(s, data(["a", "b"], [80, 80], columns=cols, claims=table([0], category=["创新"], points=[2])))
    assert r.total[0] == pytest.approx(round((80 + 2 * 1.5) * 1.18 * 1.04, 2))
    assert r.total[1] == 80


def test_aggregation_mean_of_quarters():
    s = scheme(period="year", aggregation={"parts": {"季度平均": {"from": "quarter", "share": "100%"}}})
    prev = table(
        [0, 0, 0, 0], period=["Q1", "Q2", "Q3", "Q4"], kind=["quarter"] * 4, total=[80.0, 90.0, 85.0, 85.0]
    )
    assert compute(s, data(["a"], [0], previous=prev)).total[0] == 85


def test_aggregation_weighted_monthly_share():
    s = scheme(
        period="year",
        aggregation={
            "parts": {"月度": {"from": "month", "share": "40%"}, "年度": {"from": "current", "share": "60%"}}
        },
    )
    prev = table([0, 0], period=["01", "02"], kind=["month", "month"], total=[90.0, 80.0])
    assert compute(s, data(["a"], [90], previous=prev)).total[0] == pytest.approx(0.4 * 85 + 0.6 * 90)


def test_quota_groups_by_unit_with_small_units_merged():
    s = scheme(
        grading={
            "quotas": {"优秀": {"at_most": "20%", "rounding": "half_up"}},
            "quota_groups": {"by": ["unit"], "merge_below": 4},
        }
    )
    units = ["大"] * 5 + ["小1"] * 2 + ["小2"] * 3
    r = compute(s, data([f"p{i}" for i in range(10)], [90 - i for i in range(10)], columns={"unit": units}))
    assert sorted(set(r.group_names)) == ["合并池", "大"]
    assert grades(r).count("优秀") == 2  # one per pool of 5


def test_quota_share_by_unit_grade_within_overall_cap():
    s = scheme(
        grading={
            "quotas": {
                "优秀": {
                    "by_unit_grade": {"好": "30%", "一般": "10%"},
                    "rounding": "half_up",
                    "overall_at_most": "20%",
                }
            },
            "quota_groups": {"by": ["unit"]},
        }
    )
    units = ["甲单位"] * 10 + ["乙单位"] * 10
    ug = ["好"] * 10 + ["一般"] * 10
    r = compute(s, data(IDS20, TOTALS20, columns={"unit": units, "unit_grade": ug}))
    assert grades(r)[:10].count("优秀") + grades(r)[10:].count("优秀") == 4  # 3 + 1, within 20% of 20


def test_tail_bottom_n_for_consecutive_periods():
    s = scheme(
        period="month",
        tail_rules={
            "末位表态": {"bottom": 1, "consecutive": 2, "action": "表态发言"},
            "靠后谈话": {"bottom": "34%", "rounding": "down", "action": "谈话提醒"},
        },
    )
    prev = table([0, 1, 2], period=["05"] * 3, rank=[1, 3, 2], size=[3, 3, 3], total=[0.0] * 3)
    r = compute(s, data(["a", "b", "c"], [90, 70, 80], previous=prev))
    assert list(r.tail_hits[:, 0]) == [False, True, False]
    assert list(r.tail_hits[:, 1]) == [False, True, False]


def test_consequences_pay_factor_and_three_consecutive_excellent():
    s = scheme(
        grading={"quotas": {"优秀": {"at_most": 1}}},
        consequences={
            "pay_factor": {"优秀": "+20%", "良好": "10%", "一般": "-20%"},
            "outcomes": {
                "记三等功": {"grades": "优秀", "consecutive": 3},
                "晋升薪级": {"grades": ["优秀", "良好"], "cumulative": 2, "within": 2},
            },
        },
    )
    prev = table([0, 0, 1], period=["2023", "2024", "2024"], grade=["优秀", "优秀", "一般"], total=[0.0] * 3)
    r = compute(s, data(["a", "b"], [95, 90], previous=prev))
    assert list(r.pay_factor) == [0.2, 0.1]
    assert list(r.outcome_hits[:, 0]) == [True, False]
    assert list(r.outcome_hits[:, 1]) == [True, False]


def test_pool_by_coefficient_preserved_to_the_fen():
    s = scheme(
        pool={"amount": 1000.01, "grade_coefficients": {"优秀": 1.5, "良好": 1.0, "一般": 0.5}},
        grading={"quotas": {"优秀": {"at_most": 1}}},
    )
    r = compute(s, data(["a", "b", "c"], [95, 90, 85]))
    assert int(r.pool_fen.sum()) == 100001
    assert (
        list(r.pool_fen) == [50001, 33334, 16666]
        or list(r.pool_fen) == [50000, 33334, 16667]
        or r.pool_fen[0] > r.pool_fen[1]
    )


def test_largest_remainder_ties_by_order():
    out = largest_remainder(np.array([1.0, 1.0, 1.0]), 100, np.array([2, 0, 1]))
    assert list(out) == [33, 34, 33]


def test_per_track_indicator_trees():
    s = scheme(components={"工作实绩": {"indicators_by_track": {"乙": {"专项": {"points": 10}}}}})
    d = data(["a", "b"], [80, 0], people=people(["a", "b"], ["甲", "乙"]))
    d.scores["工作实绩/专项"] = np.array([np.nan, 5.0])
    r = compute(s, d)
    assert list(r.total) == [80, 50]


def test_explanations_in_both_languages_cite_rules():
    s = scheme(grading={"quotas": {"优秀": {"at_most": 1}}})
    r = compute(s, data(["a", "b"], [95, 90]))
    zh, en = explain(r, "b"), explain(r, "b", lang="en")
    assert "〔grading.quotas.优秀〕" in zh and "确定为「良好」" in zh
    assert "Grade “良好”" in en and "[components.工作实绩.indicators.业务]" in en
