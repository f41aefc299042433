"""A component combined over periods (seed 000: 民主测评“季度评和年终评”) and tail rules on the rank
of a window's combined score (seed 001: 季度 / 半年 / 全年靠后 on the mean of the last 3 / 6 / 12 months)."""

from __future__ import annotations

import numpy as np
import pytest

from kaohe.engine import DataError, SchemeError, compute, explain
from kaohe.engine_cli.loader import load_period

from .helpers import data, scheme, table

# --- components.<name>.over_periods ------------------------------------------------------------------


def annual(**over):
    """An annual scheme whose only component (points 60 + 40) is combined with its quarterly scores."""
    return scheme(
        period="year",
        components={"工作实绩": {"over_periods": {"from": "quarter"} | over}},
    )


def quarters(person: list[int], period: list[str], score: list[float], kind: str = "quarter"):
    return table(
        person,
        period=period,
        kind=[kind] * len(person),
        total=[np.nan] * len(person),
        工作实绩=score,
    )


def test_component_mean_over_the_quarters_and_this_period():
    # a: Q1–Q4 80, 90, 100, 70 and the year-end 95 → (80 + 90 + 100 + 70 + 95) ÷ 5 = 87
    # b: only Q1, Q3 (60, 80) and the year-end 100 → 80, a missing quarter left out (not counted as 0)
    # c: no earlier score → the year-end score alone
    prev = quarters(
        [0, 0, 0, 0, 1, 1],
        ["2024Q1", "2024Q2", "2024Q3", "2024Q4", "2024Q1", "2024Q3"],
        [80, 90, 100, 70, 60, 80],
    )
    r = compute(annual(), data(["a", "b", "c"], [95, 100, 77], previous=prev))
    assert list(r.components[:, 0]) == pytest.approx([87, 80, 77])
    assert list(r.component_current[:, 0]) == pytest.approx([95, 100, 77])
    assert list(r.total) == pytest.approx([87, 80, 77])


def test_component_weighted_quarterly_mean_and_year_end():
    # earlier_share 40%: 0.4 × mean(80, 90, 100, 70) + 0.6 × 95 = 0.4 × 85 + 57 = 91
    prev = quarters([0, 0, 0, 0], ["Q1", "Q2", "Q3", "Q4"], [80, 90, 100, 70])
    r = compute(annual(earlier_share="40%"), data(["a", "b"], [95, 66], previous=prev))
    assert r.components[0, 0] == pytest.approx(0.4 * 85 + 0.6 * 95)
    assert r.components[1, 0] == pytest.approx(66)  # no earlier score: this period's alone
    text = explain(r, "a")
    assert "components.工作实绩.over_periods" in text
    assert "85 × 40% + 本期 95 × 60% = 91" in text


def test_component_over_periods_last_n_and_kind():
    # last: 2 → only the two most recent quarters (Q3 100, Q4 70); month rows are not read
    prev = table(
        [0, 0, 0, 0, 0],
        period=["Q1", "Q2", "Q3", "Q4", "12"],
        kind=["quarter"] * 4 + ["month"],
        total=[np.nan] * 5,
        工作实绩=[80.0, 90.0, 100.0, 70.0, 0.0],
    )
    r = compute(annual(last=2), data(["a"], [94], previous=prev))
    assert r.components[0, 0] == pytest.approx((100 + 70 + 94) / 3)


def test_combined_component_is_what_the_tie_break_reads():
    s = scheme(
        period="year",
        components={
            "工作实绩": {"share": "80%"},
            "民主评议": {
                "share": "20%",
                "indicators": {"测评": {"points": 100}},
                "over_periods": {"from": "quarter"},
            },
        },
        grading={
            "quotas": {"优秀": {"at_most": 1}},
            "tie_break": ["total desc", "民主评议 desc", "person asc"],
        },
    )
    # a: 工作实绩 92.5, 民主评议 this year 90 but 50 in Q4 → 70; b: 90, 80 and 80 → 80.
    # Totals tie at 0.8 × 92.5 + 0.2 × 70 = 0.8 × 90 + 0.2 × 80 = 88; b's combined 民主评议 is higher
    # (on this period's scores alone a would win, 90 > 80).
    prev = table([0, 1], period=["Q4", "Q4"], kind=["quarter"] * 2, total=[np.nan] * 2, 民主评议=[50.0, 80.0])
    d = data(["a", "b"], [92.5, 90], previous=prev)
    d.scores["民主评议/测评"] = np.array([90.0, 80.0])
    r = compute(s, d)
    assert list(r.total) == pytest.approx([88, 88])
    assert [r.grade_name(0), r.grade_name(1)] == ["良好", "优秀"]


def test_over_periods_negative_score_is_an_error_and_a_missing_column_finds_nothing():
    prev = quarters([0], ["Q1"], [-5])
    with pytest.raises(DataError) as exc:
        compute(annual(), data(["a"], [90], previous=prev, sources={"previous": "previous.csv"}))
    assert "previous.csv: row 2, column 工作实绩" in str(exc.value) and "-5" in str(exc.value)
    # earlier results without the component's column (or of another kind): this period's score alone
    for kind in ("quarter", "year"):
        prev = table([0], period=["2024Q1"], kind=[kind], total=[80.0])
        r = compute(annual(), data(["a"], [90], previous=prev))
        assert r.components[0, 0] == 90
    assert "无往期（季度）得分" in explain(r, "a")


def test_over_periods_scheme_errors():
    with pytest.raises(SchemeError) as exc:
        annual(earlier_share="120%")
    assert "components.工作实绩.over_periods.earlier_share" in str(exc.value)
    with pytest.raises(SchemeError) as exc:
        scheme(components={"工作实绩": {"over_periods": {"from": "week"}}})
    assert "components.工作实绩.over_periods" in str(exc.value)


def test_loader_reads_a_component_column_of_previous_csv(tmp_path):
    (tmp_path / "people.csv").write_text("person,identity\na,甲\n", encoding="utf-8")
    (tmp_path / "scores.csv").write_text("person,业务,党建\na,60,35\n", encoding="utf-8")
    (tmp_path / "previous.csv").write_text(
        "person,period,kind,total,工作实绩\na,2024Q1,quarter,,85\na,2024Q2,quarter,,\n", encoding="utf-8"
    )
    s = annual()
    r = compute(s, load_period(tmp_path, s))
    assert r.components[0, 0] == pytest.approx((85 + 95) / 2)  # the empty Q2 cell is left out


# --- tail_rules with window / over -------------------------------------------------------------------


def monthly(**rule):
    return scheme(period="month", tail_rules={"季度靠后": {"bottom": 1, "action": "谈话提醒"} | rule})


def months(totals: dict[int, list[float]], periods: list[str]):
    person, period, total = [], [], []
    for i, values in totals.items():
        for p, v in zip(periods, values, strict=True):
            person.append(i)
            period.append(p)
            total.append(v)
    return table(person, period=period, kind=["month"] * len(person), total=total)


def test_tail_on_the_rank_of_the_quarter_mean_not_of_this_month():
    # this month b is last (70); over the quarter c is last: a 90, b (95 + 95 + 70) ÷ 3 = 86.67,
    # c (60 + 60 + 80) ÷ 3 = 66.67
    prev = months({0: [90, 90], 1: [95, 95], 2: [60, 60]}, ["2025-10", "2025-11"])
    ids, now = ["a", "b", "c"], [90, 70, 80]
    month_only = compute(monthly(), data(ids, now, previous=prev))
    assert list(month_only.tail_hits[:, 0]) == [False, True, False]
    for rule in ({"window": 3}, {"over": "quarter"}):
        r = compute(monthly(**rule), data(ids, now, previous=prev))
        assert list(r.tail_hits[:, 0]) == [False, False, True]
        assert list(r.tail_value["季度靠后"]) == pytest.approx([90, 86.67, 66.67])
        assert list(r.tail_rank["季度靠后"]) == [1, 2, 3]
        assert r.rows()[2]["tail"] == "谈话提醒"
    text = explain(r, "c")
    assert "tail_rules.季度靠后" in text and "66.67" in text and "第 3 名 / 共 3 人" in text
    assert "未触发" in explain(r, "a")


def test_tail_window_reads_only_the_window_and_leaves_missing_months_out():
    # window 2: only November counts. c has no November total → its mean is this month's 80 alone
    prev = months({0: [0, 90], 1: [0, 95], 2: [100, np.nan]}, ["2025-10", "2025-11"])
    r = compute(monthly(window=2), data(["a", "b", "c"], [90, 70, 80], previous=prev))
    assert list(r.tail_value["季度靠后"]) == pytest.approx([90, 82.5, 80])
    assert list(r.tail_hits[:, 0]) == [False, False, True]


def test_tail_over_half_and_year_count_periods_of_the_scheme_kind():
    assert monthly(over="half").tail_rules["季度靠后"].window_size("month") == 6
    assert monthly(over="year").tail_rules["季度靠后"].window_size("month") == 12
    s = scheme(
        tail_rules={"全年靠后": {"bottom": "34%", "rounding": "down", "over": "year", "action": "严肃处理"}}
    )
    assert s.tail_rules["全年靠后"].window_size(s.period) == 4  # a quarterly scheme: 4 quarters
    prev = table(
        [0, 0, 0, 1, 1, 1, 2, 2, 2, 2],
        period=["Q1", "Q2", "Q3"] * 2 + ["Q0", "Q1", "Q2", "Q3"],
        kind=["quarter"] * 10,
        total=[60.0, 60.0, 60.0, 90.0, 90.0, 90.0, 0.0, 80.0, 80.0, 80.0],
    )
    r = compute(s, data(["a", "b", "c"], [95, 70, 75], previous=prev))
    # a (60 × 3 + 95) ÷ 4 = 68.75, b 85, c 78.75 (Q0 is outside the four quarters) → a last; 34% of 3 → 1
    assert list(r.tail_value["全年靠后"]) == pytest.approx([68.75, 85, 78.75])
    assert list(r.tail_hits[:, 0]) == [True, False, False]


def test_tail_window_ranks_only_people_with_a_rank_place():
    s = scheme(
        period="month",
        eligibility={"试用期": {"when": {"probation": True}, "effect": "no_grade"}},
        tail_rules={"半年靠后": {"bottom": 1, "over": "half", "action": "岗位调整"}},
    )
    prev = months({0: [50] * 5, 1: [80] * 5, 2: [90] * 5}, [f"2025-0{k}" for k in range(1, 6)])
    r = compute(s, data(["a", "b", "c"], [50, 80, 90], previous=prev, columns={"probation": [1, 0, 0]}))
    assert list(r.tail_rank["半年靠后"]) == [0, 2, 1]
    assert list(r.tail_hits[:, 0]) == [False, True, False]
    assert "不适用" in explain(r, "a")


def test_tail_window_scheme_errors():
    with pytest.raises(SchemeError) as exc:
        monthly(window=3, over="quarter")
    assert "tail_rules.季度靠后" in str(exc.value)
    with pytest.raises(SchemeError) as exc:
        monthly(window=3, consecutive=2)
    assert "tail_rules.季度靠后.consecutive" in str(exc.value)
    with pytest.raises(SchemeError) as exc:
        scheme(period="year", tail_rules={"x": {"bottom": 1, "over": "quarter", "action": "y"}})
    assert "tail_rules.x.over" in str(exc.value)
