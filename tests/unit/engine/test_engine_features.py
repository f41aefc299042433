"""Rules added for the presets' reported gaps: KPI multiple ranges, leaf names in kpis data, inherited
thresholds, component grades as coefficients, per-track aggregation shares, means of periods including
the current one, components combined over periods, tail rules on combined scores."""

from __future__ import annotations

import numpy as np
import pytest

from kaohe.engine import DataError, SchemeError, compute, explain, scheme_from_dict
from kaohe.engine_cli.loader import load_period
from kaohe.presets import load_preset

from .helpers import base_scheme, data, merge, people, scheme, table


def problems(exc) -> str:
    return "\n".join(str(p) for p in exc.value.problems)


def grades(r) -> list[str]:
    return [r.scheme.grading.grades[g] if g >= 0 else "" for g in r.grade]


# --- f. KPI multiples within kpi.multiplied ----------------------------------------------------------


def kpi_scheme():
    return scheme(
        components={
            "工作实绩": {
                "indicators": {
                    "__replace__": True,
                    "经济指标": {
                        "points": 60,
                        "indicators": {
                            "地区生产总值": {
                                "points": 40,
                                "source": "kpi",
                                "kpi": {"measures": {"总量": "100%"}, "multiplied": [3, 10]},
                            },
                            "财政收入": {
                                "points": 20,
                                "source": "kpi",
                                "kpi": {"measures": {"总量": "100%"}},
                            },
                        },
                    },
                    "党建": {"points": 40},
                }
            }
        }
    )


def kpis(indicator: list[str], multiple: list[float]):
    n = len(indicator)
    t = table(
        list(range(n)),
        indicator=indicator,
        measure=["总量"] * n,
        actual=[100.0] * n,
        target=[100.0] * n,
        multiple=multiple,
    )
    t.rows = np.arange(n) + 2
    return t


def test_kpi_multiple_outside_its_range_names_file_row_and_column():
    d = data(["a", "b", "c"], kpis=kpis(["工作实绩/经济指标/地区生产总值"] * 3, [3.0, -11.0, 2.0]))
    d.sources["kpis"] = "kpis.csv"
    with pytest.raises(DataError) as exc:
        compute(kpi_scheme(), d)
    text = problems(exc)
    assert "kpis.csv: row 3, column multiple" in text and "-11" in text and "[3, 10]" in text
    assert "kpis.csv: row 4, column multiple" in text  # 2 < 3
    assert "row 2," not in text  # +3 is within the range


def test_kpi_multiple_on_an_indicator_without_a_range_is_an_error():
    d = data(["a"], kpis=kpis(["工作实绩/经济指标/财政收入"], [3.0]))
    with pytest.raises(DataError) as exc:
        compute(kpi_scheme(), d)
    assert "no kpi.multiplied range" in problems(exc)


def test_kpi_multiple_within_range_counts_k_times_the_points():
    d = data(["a", "b"], kpis=kpis(["工作实绩/经济指标/地区生产总值"] * 2, [10.0, -3.0]))
    r = compute(kpi_scheme(), d)
    assert r.bonus[0] == pytest.approx(400)  # 10 × 40 points
    assert r.deduction[1] == pytest.approx(120)


# --- g. kpis data names a leaf as scores data does ----------------------------------------------------


def test_kpis_accept_a_unique_leaf_name_or_tail():
    d = data(["a", "b"], kpis=kpis(["地区生产总值", "经济指标/财政收入"], [0.0, 0.0]))
    d.kpis.columns["actual"] = np.array([50.0, 80.0])
    r = compute(kpi_scheme(), d)
    # 地区生产总值 50% of 40 points of the 100 → 20; 财政收入 80% of 20 → 16
    assert r.components[:, 0] == pytest.approx([20.0, 16.0])


def test_kpis_ambiguous_leaf_name_is_an_error_naming_the_place():
    s = scheme(
        components={
            "工作实绩": {
                "indicators": {
                    "__replace__": True,
                    "甲类": {
                        "points": 50,
                        "indicators": {
                            "产值": {"points": 50, "source": "kpi", "kpi": {"measures": {"总量": "100%"}}}
                        },
                    },
                    "乙类": {
                        "points": 50,
                        "indicators": {
                            "产值": {"points": 50, "source": "kpi", "kpi": {"measures": {"总量": "100%"}}}
                        },
                    },
                }
            }
        }
    )
    d = data(["a"], kpis=kpis(["产值"], [0.0]))
    d.sources["kpis"] = "kpis.csv"
    with pytest.raises(DataError) as exc:
        compute(s, d)
    text = problems(exc)
    assert "kpis.csv: row 2, column indicator" in text
    assert "产值, which names several leaves: 工作实绩/乙类/产值, 工作实绩/甲类/产值" in text


def test_scores_header_naming_several_leaves_says_so(tmp_path):
    s = scheme_from_dict(
        merge(
            base_scheme(),
            {
                "components": {
                    "工作实绩": {
                        "indicators": {
                            "__replace__": True,
                            "甲类": {"points": 50, "indicators": {"产值": {"points": 50}}},
                            "乙类": {"points": 50, "indicators": {"产值": {"points": 50}}},
                        }
                    }
                }
            },
        )
    )
    (tmp_path / "people.csv").write_text("person,identity\na,甲\n", encoding="utf-8")
    (tmp_path / "scores.csv").write_text("person,产值\na,40\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        load_period(tmp_path, s)
    assert "which names several leaves" in problems(exc)


# --- h. a grade without a threshold inherits the next worse grade's -----------------------------------


def test_grade_without_threshold_needs_the_next_worse_threshold():
    s = scheme(
        grading={
            "grades": ["好", "较好", "一般", "较差"],
            "thresholds": {"一般": 60},
            "quotas": {"好": {"at_most": "20%", "rounding": "down", "minimum": 1}},
        }
    )
    r = compute(s, data(list("abcde"), [59, 70, 80, 90, 55]))
    assert grades(r) == ["较差", "较好", "较好", "好", "较差"]
    # a group of one below 60: its guaranteed 好 place cannot go to a total below the inherited 60
    r = compute(s, data(["a"], [59.99]))
    assert grades(r) == ["较差"]


def test_preset_002_below_60_is_jiaocha_whatever_the_rank():
    preset = load_preset("002_xiacun")
    s = scheme_from_dict(__import__("yaml").safe_load(preset.scheme_text()))
    d = load_period(preset.example_path, s)
    low = {"B03": 0.2}  # rank 1 of 班子成员 by far, scaled down below 60
    for key, col in d.scores.items():
        for pid, f in low.items():
            i = list(d.people.ids).index(pid)
            col[i] = col[i] * f
        d.scores[key] = col
    r = compute(s, d)
    i = r.index_of("B03")
    assert r.total[i] < 60 and r.grade_name(i) == "较差"
    assert [r.grade_name(r.index_of(p)) for p in ("B01", "B02", "B04")].count("好") == 1


def test_scheme_error_still_raised_for_unknown_keys():
    with pytest.raises(SchemeError):
        scheme(grading={"thresholdz": {}})


# --- a. a coefficient from a component's own grade (seed 000 身份线) ---------------------------------


def identity_line_scheme(**coef):
    rule = {
        "kind": "by_component_grade",
        "component": "身份线",
        "grades": ["优秀", "良好", "一般"],
        "quotas": {
            "优秀": {"at_most": "15%", "rounding": "half_up"},
            "一般": {"at_least": "5%", "rounding": "half_up"},
        },
        "levels": {"优秀": 1.2, "良好": 1.0, "一般": 0.8},
        "applies_to": "bonus",
    } | coef
    return scheme(
        components={
            "工作实绩": {"share": "70%"},
            "身份线": {"share": "30%", "indicators": {"身份": {"points": 100}}},
        },
        adjustments={"重点工作": {"kind": "bonus", "points": [1, 5]}},
        coefficients={"身份线加分系数": rule},
    )


def test_by_component_grade_ranks_the_component_within_the_track_at_15_80_5():
    ids = [f"p{i:02d}" for i in range(20)]
    d = data(ids, [60 + i for i in range(20)])  # 工作实绩 ranks them the other way round
    d.scores["身份线/身份"] = np.array([100.0 - i for i in range(20)])
    d.claims = table(list(range(20)), category=["重点工作"] * 20, points=[5] * 20)
    r = compute(identity_line_scheme(), d)
    got = r.component_grade["身份线加分系数"]
    assert list(got[:3]) == [0, 0, 0] and got[19] == 2 and (got[3:19] == 1).all()  # 3 / 16 / 1
    assert r.bonus[:3] == pytest.approx([6.0] * 3)  # 5 × 1.2
    assert r.bonus[5] == pytest.approx(5.0) and r.bonus[19] == pytest.approx(4.0)  # × 1.0, × 0.8
    assert r.total[19] == pytest.approx(round(0.7 * 79 + 0.3 * 81 + 4.0, 2))
    text = explain(r, "p19")
    assert "身份线" in text and "第 20 名" in text and "coefficients.身份线加分系数" in text


def test_by_component_grade_is_per_track_and_ties_go_by_person_id():
    d = data(["a", "b", "c", "d"], [80] * 4, identity=["甲", "甲", "乙", "乙"])
    d.scores["身份线/身份"] = np.array([90.0, 90.0, 70.0, 95.0])
    r = compute(identity_line_scheme(quotas={"优秀": {"at_most": 1}}), d)
    assert list(r.component_grade["身份线加分系数"]) == [0, 1, 1, 0]


def test_by_component_grade_needs_a_known_component_and_its_own_grades():
    with pytest.raises(SchemeError) as exc:
        identity_line_scheme(component="身份线考核", levels={"优秀": 1.2, "特优": 1.5})
    text = problems(exc)
    assert "coefficients.身份线加分系数.component" in text and "身份线考核" in text
    assert "coefficients.身份线加分系数.levels" in text and "特优" in text


# --- c. aggregation shares by track (seed 001: monthly scores 40% / 30%) ----------------------------


def monthly(person_totals: list[list[float]], kind: str = "month"):
    person, period, total = [], [], []
    for i, ts in enumerate(person_totals):
        for k, t in enumerate(ts):
            person.append(i)
            period.append(f"2025-{k + 1:02d}")
            total.append(t)
    return table(person, period=period, kind=[kind] * len(person), total=total)


def test_aggregation_share_by_track():
    s = scheme(
        period="year",
        aggregation={
            "parts": {
                "月度考核": {"from": "month", "share": "40%", "share_by_track": {"乙": "30%"}},
                "年度考核": {"from": "current", "share": "60%", "share_by_track": {"乙": "70%"}},
            }
        },
    )
    d = data(["a", "b"], [70, 70], identity=["甲", "乙"], previous=monthly([[90, 80], [90, 80]]))
    r = compute(s, d)
    assert list(r.total) == pytest.approx([0.4 * 85 + 0.6 * 70, 0.3 * 85 + 0.7 * 70])  # 76, 74.5
    assert "× 30%" in explain(r, "b") and "× 40%" in explain(r, "a")


def test_aggregation_shares_must_add_up_per_track():
    with pytest.raises(SchemeError) as exc:
        scheme(
            aggregation={
                "parts": {
                    "月度": {"from": "month", "share": "40%", "share_by_track": {"乙": "30%"}},
                    "当期": {"from": "current", "share": "60%"},
                }
            }
        )
    assert "shares adding up to 100% for track 乙" in problems(exc) and "90%" in problems(exc)


def test_aggregation_part_of_one_component():
    s = scheme(
        components={
            "工作实绩": {"share": "90%"},
            "政治素质": {"share": "10%", "indicators": {"测评": {"weight": "100%"}}},
        },
        aggregation={
            "parts": {
                "月度考核": {"from": "month", "share": "40%", "share_by_track": {"乙": "30%"}},
                "政治素质": {"from": "current", "component": "政治素质", "share": "10%"},
                "综合": {
                    "from": "current",
                    "component": "工作实绩",
                    "share": "50%",
                    "share_by_track": {"乙": "60%"},
                },
            }
        },
    )
    d = data(["a", "b"], [80, 80], identity=["甲", "乙"], previous=monthly([[96], [96]]))
    d.scores["政治素质/测评"] = np.array([92.0, 92.0])
    r = compute(s, d)
    assert list(r.total) == pytest.approx([0.4 * 96 + 9.2 + 0.5 * 80, 0.3 * 96 + 9.2 + 0.6 * 80])


# --- d. the mean of the periods including the current one ------------------------------------------


def test_mean_of_quarters_including_current_tolerates_a_missing_quarter():
    s = scheme(
        period="year",
        aggregation={"parts": {"四个季度": {"from": "quarter", "share": "100%", "include_current": True}}},
    )
    d = data(["a", "b"], [70, 70], previous=monthly([[80, 90, 100], [80, 90]], kind="quarter"))
    r = compute(s, d)
    assert list(r.total) == pytest.approx([85.0, 80.0])  # (80+90+100+70)/4; (80+90+70)/3
    assert "3 个周期（含本期）的平均 80" in explain(r, "b")


def test_mean_of_the_last_periods_only():
    s = scheme(
        period="year",
        aggregation={
            "parts": {"近两季": {"from": "quarter", "share": "100%", "include_current": True, "last": 2}}
        },
    )
    d = data(["a"], [70], previous=monthly([[10, 90, 100]], kind="quarter"))
    assert compute(s, d).total[0] == pytest.approx(round((90 + 100 + 70) / 3, 2))


_ = people  # helpers used by later tests


def test_an_indicator_may_require_comments_below_a_share_of_its_points():
    s = scheme(components={"工作实绩": {"indicators": {"业务": {"points": 60, "comment_below": "75%"}}}})
    tree = s.components["工作实绩"].indicators
    assert tree["业务"].comment_below == pytest.approx(0.75)
    assert tree["党建"].comment_below is None
    with pytest.raises(SchemeError) as err:
        scheme(components={"工作实绩": {"indicators": {"业务": {"points": 60, "comment_below": "多"}}}})
    assert "comment_below" in problems(err)
