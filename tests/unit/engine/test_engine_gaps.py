"""The engine's newer rules: vote-share thresholds, dropping extreme ballots, ungraded people and the
quota base, several pools, secondment, runs and counts of grades, sanctions and routine grades."""

from __future__ import annotations

import numpy as np
import pytest

from kaohe.engine import Codes, compute, explain
from kaohe.engine.numeric import largest_remainder_groups

from .helpers import data, scheme, table

TICKS = {"优秀": 100, "称职": 80, "基本称职": 60, "不称职": 0}


def grades(r):
    return [r.grade_name(i) for i in range(len(r.total))]


def ballot_scheme(**ballot):
    spec = {"options": TICKS, "rater_groups": {"全体": "100%"}} | ballot
    return scheme(
        components={"工作实绩": {"share": "50%"}, "民主测评": {"share": "50%", "ballot": spec}},
        grading={"grades": ["优秀", "称职", "基本称职", "不称职"]},
    )


def ticks(per_person: list[dict[str, int]]):
    person, option, count = [], [], []
    for i, votes in enumerate(per_person):
        for o, c in votes.items():
            person.append(i)
            option.append(o)
            count.append(c)
    return table(person, group=["全体"] * len(person), option=option, count=count)


@pytest.mark.parametrize(("strict", "hit_at_exactly_two_thirds"), [(True, False), (False, True)])
def test_vote_share_below_two_thirds_names_an_outcome(strict, hit_at_exactly_two_thirds):
    s = ballot_scheme(
        vote_rules={
            "诫勉谈话": {"options": ["优秀", "称职"], "below": "2/3", "strict": strict, "action": "诫勉"}
        }
    )
    # a: 10 of 15 = exactly 2/3; b: 9 of 15 below; c: 11 of 15 above
    votes = [{"优秀": 5, "称职": 5, "基本称职": 5}, {"称职": 9, "不称职": 6}, {"优秀": 11, "不称职": 4}]
    r = compute(s, data(["a", "b", "c"], [90, 90, 90], ballots=ticks(votes)))
    assert list(r.outcome_hits[:, 0]) == [hit_at_exactly_two_thirds, True, False]
    assert "诫勉" in r.rows()[1]["outcomes"]
    assert "vote_rules.诫勉谈话" in explain(r, "b")


@pytest.mark.parametrize(("strict", "expected"), [(True, "优秀"), (False, "不称职")])
def test_vote_share_above_one_third_with_a_grading_effect(strict, expected):
    s = ballot_scheme(
        vote_rules={
            "不称职票过多": {
                "options": "不称职",
                "above": "1/3",
                "strict": strict,
                "effect": "fixed_grade",
                "grade": "不称职",
            }
        }
    )
    votes = [{"优秀": 10, "不称职": 2}, {"称职": 6, "不称职": 3}]  # 1/6 and exactly 1/3
    r = compute(s, data(["a", "b"], [60, 60], ballots=ticks(votes)))
    assert grades(r) == ["优秀", expected]  # no thresholds or quotas: everyone else 优秀


def test_vote_rule_caps_grade():
    s = ballot_scheme(
        vote_rules={
            "满意度不足": {
                "options": ["优秀", "称职"],
                "below": "66.67%",
                "effect": "grade_at_most",
                "grade": "基本称职",
            }
        }
    )
    r = compute(s, data(["a"], [100], ballots=ticks([{"优秀": 1, "不称职": 2}])))
    assert grades(r) == ["基本称职"]
    assert "基本称职" in explain(r, "a")


def test_drop_highest_and_lowest_ballot_from_counts():
    s = ballot_scheme(drop_extremes=1, min_ballots=3)
    # 优秀 2, 称职 1, 不称职 1 → drop one 优秀 and the 不称职 → (100 + 80) / 2 = 90
    r = compute(
        s, data(["a", "b"], [0, 0], ballots=ticks([{"优秀": 2, "称职": 1, "不称职": 1}, {"优秀": 2}]))
    )
    assert r.components[0, 1] == pytest.approx(90)
    assert r.components[1, 1] == 0  # 2 ballots < min 3: no result
    assert "去掉最高、最低各 1 票" in explain(r, "a")


def test_dimension_weighted_ballots_with_drop_and_overall_tick():
    s = ballot_scheme(
        options={"优": 100, "良": 80, "中": 60, "差": 40},
        dimensions={"德": "20%", "能": "15%", "勤": "15%", "绩": "30%", "廉": "20%"},
        overall={"options": ["优秀", "称职", "基本称职", "不称职"]},
        drop_extremes=1,
        vote_rules={"不称职票": {"options": "不称职", "above": "1/3", "action": "组织调整"}},
    )
    person, dim, option, count = [], [], [], []
    for d_ in ["德", "能", "勤", "绩", "廉"]:  # 4 ballots: 优 优 良 差 in every dimension
        for o, c in {"优": 2, "良": 1, "差": 1}.items():
            person.append(0)
            dim.append(d_)
            option.append(o)
            count.append(c)
    for o, c in {"称职": 2, "不称职": 2}.items():
        person.append(0)
        dim.append("总体评价")
        option.append(o)
        count.append(c)
    t = table(person, group=["全体"] * len(person), dimension=dim, option=option, count=count)
    r = compute(s, data(["a"], [0], ballots=t))
    assert r.components[0, 1] == pytest.approx(90)  # each dimension: drop 优 and 差 → (100 + 80) / 2
    assert r.outcome_hits[0].tolist() == [True]  # 2 of 4 overall ticks 不称职 > 1/3


def test_ungraded_people_take_no_rank_place_and_are_out_of_the_quota_base():
    s = scheme(
        grading={"quotas": {"优秀": {"at_most": "20%", "rounding": "half_up"}}},
        eligibility={"试用期": {"when": {"probation": True}, "effect": "comment_only"}},
    )
    ids = [f"p{i}" for i in range(7)]
    r = compute(s, data(ids, [99, 98, 97, 96, 95, 94, 93], columns={"probation": [1, 1, 0, 0, 0, 0, 0]}))
    rows = r.rows()
    assert [x["rank"] for x in rows] == ["不定等次", "不定等次", 1, 2, 3, 4, 5]
    assert rows[0]["status"] == "只写评语" and rows[2]["track_size"] == 5
    assert grades(r).count("优秀") == 1  # 20% of the 5 graded, not of 7
    s2 = scheme(
        grading={"quotas": {"优秀": {"at_most": "20%", "rounding": "half_up"}}, "quota_base": "everyone"},
        eligibility={"试用期": {"when": {"probation": True}, "effect": "no_grade"}},
    )
    r2 = compute(s2, data(ids, [99, 98, 97, 96, 95, 94, 93], columns={"probation": [1, 1, 0, 0, 0, 0, 0]}))
    assert grades(r2).count("优秀") == 1 and r2.ceilings[0, 0] == 1  # 20% of 7 = 1.4 → 1
    s3 = scheme(
        grading={"rank_ungraded": True},
        eligibility={"试用期": {"when": {"probation": True}, "effect": "no_grade"}},
    )
    r3 = compute(s3, data(["a", "b"], [99, 90], columns={"probation": [1, 0]}))
    assert list(r3.rank) == [1, 2]


def test_fixed_grades_outside_the_quota_base_take_no_place():
    s = scheme(
        grading={"quotas": {"优秀": {"at_most": 2}}, "quota_base": "graded_not_fixed"},
        vetoes={"特批": {"effect": "fixed_grade", "grade": "优秀"}},
    )
    r = compute(s, data(["a", "b", "c", "d"], [99, 98, 97, 96], flags=table([3], item=["特批"])))
    assert grades(r) == ["优秀", "优秀", "良好", "优秀"]
    s2 = scheme(
        grading={"quotas": {"优秀": {"at_most": 2}}},
        vetoes={"特批": {"effect": "fixed_grade", "grade": "优秀"}},
    )
    r2 = compute(s2, data(["a", "b", "c", "d"], [99, 98, 97, 96], flags=table([3], item=["特批"])))
    assert grades(r2) == ["优秀", "良好", "良好", "优秀"]


def test_several_pools_each_preserved_to_the_fen():
    s = scheme(
        pools={
            "甲奖金": {"amount": 100.01, "tracks": ["甲"]},
            "单位奖金": {"by": "unit", "amounts": {"一": 10.00, "二": 0.05}},
        }
    )
    ids = ["a", "b", "c", "d"]
    d = data(ids, [95, 90, 85, 80], identity=["甲", "甲", "甲", "乙"])
    d.people.attributes["unit"] = Codes.from_values(["一", "一", "二", "二"])
    d.people.attributes["identity"] = Codes.from_values(["甲", "甲", "甲", "乙"])
    r = compute(s, d)
    assert int(r.pool_fen_by[:, 0].sum()) == 10001 and r.pool_fen_by[3, 0] == 0
    assert int(r.pool_fen_by[:2, 1].sum()) == 1000 and int(r.pool_fen_by[2:, 1].sum()) == 5
    assert int(r.pool_fen.sum()) == r.pool_total_fen == 10001 + 1005
    assert "pool_yuan:单位奖金" in r.rows()[0]


def test_largest_remainder_groups_is_exact_per_group():
    w = np.array([1.0, 1.0, 1.0, 2.0, 0.0])
    out = largest_remainder_groups(w, np.array([100, 7]), np.array([0, 0, 0, 1, 1]), np.arange(5))
    assert list(out) == [34, 33, 33, 7, 0]


def test_secondment_combines_home_and_host_by_shares():
    s = scheme(secondment={"host_share": "70%"})
    cols = {"host_score": [90.0, np.nan, 80.0], "host_share": [np.nan, np.nan, 0.5]}
    r = compute(s, data(["a", "b", "c"], [60, 60, 60], columns=cols))
    assert list(r.total) == [pytest.approx(0.3 * 60 + 0.7 * 90), 60, pytest.approx(70)]
    assert "派驻单位 90 × 70%" in explain(r, "a")
    s2 = scheme(
        secondment={"host_share": "70%", "stage": "total"},
        adjustments={"奖": {"kind": "bonus", "points": [1, 10]}},
    )
    r2 = compute(
        s2, data(["a"], [60], columns={"host_score": [90.0]}, claims=table([0], category=["奖"], points=[10]))
    )
    assert r2.total[0] == pytest.approx(0.3 * 70 + 0.7 * 90)


def outcome_scheme(**outcomes):
    return scheme(
        period="year",
        grading={
            "grades": ["优秀", "称职", "基本称职", "不称职"],
            "thresholds": {"优秀": 90, "称职": 60, "基本称职": 50},
        },
        consequences={"outcomes": outcomes},
    )


def years(person_grades: list[list[str]]):
    person, period, grade = [], [], []
    for i, gs in enumerate(person_grades):
        for k, g in enumerate(gs):  # most recent first
            person.append(i)
            period.append(str(2024 - k))
            grade.append(g)
    return table(person, period=period, grade=grade, kind=["year"] * len(person), total=[0.0] * len(person))


def test_consecutive_runs_and_every_k():
    s = outcome_scheme(
        记三等功={"grades": "优秀", "consecutive": 3, "every": True},
        辞退={"grades": "不称职", "consecutive": 2},
    )
    prev = years(
        [
            ["优秀", "优秀"],
            ["优秀", "优秀", "优秀"],
            ["优秀", "称职", "优秀"],
            ["不称职"],
            ["优秀", "优秀", "优秀", "优秀", "优秀"],
        ]
    )
    r = compute(s, data(list("abcde"), [95, 95, 95, 40, 95], previous=prev))
    assert list(r.outcome_hits[:, 0]) == [True, False, False, False, True]  # runs 3, 4, 1, 0, 6
    assert list(r.outcome_hits[:, 1]) == [False, False, False, True, False]


def test_cumulative_every_two_and_five_counting_the_current_year():
    s = outcome_scheme(
        晋升薪级={"grades": ["优秀", "称职"], "cumulative": 2, "every": True},
        晋升级别={"grades": ["优秀", "称职"], "cumulative": 5, "every": True},
        上年结果={"grades": "不称职", "consecutive": 1, "include_current": False},
    )
    prev = years([["称职"], ["称职", "基本称职"], ["称职", "称职", "称职", "称职"], ["不称职"]])
    r = compute(s, data(list("abcd"), [70, 70, 70, 70], previous=prev))
    # counts with this year's 称职: 2, 2, 5, 1 → a pay step at 2 (not at 5), a grade level at 5
    assert list(r.outcome_hits[:, 0]) == [True, True, False, False]
    assert list(r.outcome_hits[:, 1]) == [False, False, True, False]
    assert list(r.outcome_hits[:, 2]) == [False, False, False, True]


def test_outcome_at_most_a_share_in_rank_order():
    s = outcome_scheme(记功={"grades": "优秀", "consecutive": 1, "at_most": "20%", "rounding": "down"})
    ids = [f"p{i}" for i in range(10)]
    r = compute(s, data(ids, [99, 98, 97] + [70] * 7))
    assert r.outcome_hits[:, 0].tolist() == [True, True] + [False] * 8


SANCTIONS = {"警告": 12, "记过": {"years": 1}, "记大过": {"years": 2}, "降级": {"years": 2}}


def test_sanctions_with_levels_several_per_person_heaviest_wins():
    s = scheme(
        period="year",
        grading={"grades": ["优秀", "称职", "基本称职"]},
        sanction_levels=SANCTIONS,
        eligibility={
            "轻处分": {"when": {"sanction_in": ["警告"]}, "effect": "grade_at_most", "grade": "称职"},
            "处分不定等次": {"when": {"sanction_at_least": "记过"}, "effect": "no_grade"},
        },
    )
    sanctions = table(
        [0, 1, 1, 2, 3],
        level=["警告", "警告", "记过", "记大过", "记过"],
        year=[2025, 2025, 2025, 2024, 2024],
    )
    r = compute(s, data(list("abcde"), [99, 98, 97, 96, 95], sanctions=sanctions))
    # a warning: not 优秀; b warning + demerit: no grade; c major demerit last year: no grade this year;
    # d demerit last year: over; e none
    assert grades(r) == ["称职", "", "", "优秀", "优秀"]


def test_investigation_pending_and_comment_only_labels():
    s = scheme(
        eligibility={
            "立案审查": {"when": {"flag": "under_investigation"}, "effect": "pending"},
            "新进": {"when": {"months_in_unit_below": 6}, "effect": "comment_only"},
        }
    )
    cols = {"under_investigation": ["是", "", "否"], "months_in_unit": [12, 3, 12]}
    r = compute(s, data(["a", "b", "c"], [99, 98, 97], columns=cols))
    assert [x["status"] for x in r.rows()] == ["暂缓确定等次", "只写评语", ""]
    assert grades(r) == ["", "", "优秀"]
    assert "暂缓确定等次" in explain(r, "a")


def test_enough_good_quarters_from_routine_grades():
    s = scheme(
        period="year",
        grading={"grades": ["优秀", "称职", "基本称职"]},
        routine_grades=["好", "较好", "一般", "较差"],
        eligibility={
            "好等次不足": {
                "when": {"lacks_grade": {"grades": ["好"], "in_last": 4, "at_least": 2, "kind": "quarter"}},
                "effect": "grade_at_most",
                "grade": "称职",
            }
        },
    )
    q = ["2025-Q4", "2025-Q3", "2025-Q2", "2025-Q1"]
    prev = table(
        [0] * 4 + [1] * 4,
        period=q * 2,
        kind=["quarter"] * 8,
        grade=["好", "较好", "好", "一般", "好", "较好", "较好", "较好"],
        total=[0.0] * 8,
    )
    r = compute(s, data(["a", "b"], [90, 95], previous=prev))
    assert grades(r) == ["优秀", "称职"]
