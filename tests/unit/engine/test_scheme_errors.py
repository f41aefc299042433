"""Bad schemes and bad data: every message names the place."""

from __future__ import annotations

import numpy as np
import pytest

from kaohe.engine import DataError, SchemeError, compute, load_scheme, scheme_from_dict

from .helpers import base_scheme, data, merge, people, scheme


def problems(exc) -> str:
    return str(exc.value)


def data_problems(s, d) -> str:
    """The message of the DataError that computing ``d`` under ``s`` must raise."""
    with pytest.raises(DataError) as exc:
        compute(s, d)
    return problems(exc)


def test_component_shares_must_add_up_to_100_percent():
    raw = merge(
        base_scheme(),
        {
            "components": {
                "民主评议": {
                    "share": "30%",
                    "ballot": {"options": {"好": 100}, "rater_groups": {"全体": "100%"}},
                }
            }
        },
    )
    with pytest.raises(SchemeError) as exc:
        scheme_from_dict(raw, "s.yaml")
    assert "s.yaml: components: expected component shares adding up to 100%, found 130%" in problems(exc)


def test_child_points_must_add_up_to_parent_points():
    with pytest.raises(SchemeError) as exc:
        scheme(
            components={
                "工作实绩": {
                    "indicators": {
                        "党建": {"points": 40, "indicators": {"支部": {"points": 30}, "信用": {"points": 5}}}
                    }
                }
            }
        )
    assert "components.工作实绩.indicators.党建.indicators" in problems(exc)
    assert "points adding up to the parent's 40" in problems(exc)


def test_rater_group_weights_must_add_up():
    raw = merge(
        base_scheme(),
        {
            "components": {
                "工作实绩": {"share": "80%"},
                "民主评议": {
                    "share": "20%",
                    "ballot": {"options": {"好": 100}, "rater_groups": {"班子": "40%", "中层": "30%"}},
                },
            }
        },
    )
    with pytest.raises(SchemeError) as exc:
        scheme_from_dict(raw)
    assert (
        "components.民主评议.ballot.rater_groups: expected weights adding up to 100%, found 70%"
        in problems(exc)
    )


def test_share_without_percent_sign_is_rejected_with_its_path():
    raw = merge(base_scheme(), {"components": {"工作实绩": {"share": 100}}})
    with pytest.raises(SchemeError) as exc:
        scheme_from_dict(raw)
    assert "components.工作实绩.share" in problems(exc)
    assert '"20%"' in problems(exc)


def test_typo_in_a_key_is_reported():
    with pytest.raises(SchemeError) as exc:
        scheme(grading={"grdes": ["优秀"]})
    assert "grading.grdes: expected a known key" in problems(exc)


def test_typo_in_a_grade_reference():
    with pytest.raises(SchemeError) as exc:
        scheme(grading={"quotas": {"优等": {"at_most": "20%"}}})
    assert "grading.quotas: expected a grade of grading.grades" in problems(exc)
    assert "优等" in problems(exc)


def test_typo_in_a_track_reference():
    with pytest.raises(SchemeError) as exc:
        scheme(tail_rules={"末位": {"tracks": ["丙"], "bottom": 1, "action": "谈话提醒"}})
    assert "tail_rules.末位.tracks: expected one of ['乙', '甲'], found 丙" in problems(exc)


def test_cycle_between_dynamic_coefficients():
    with pytest.raises(SchemeError) as exc:
        scheme(
            coefficients={
                "甲系数": {"kind": "dynamic", "formula": "乙系数 * 1.1"},
                "乙系数": {"kind": "dynamic", "formula": "甲系数 + 0.1"},
            }
        )
    assert "coefficients.甲系数.formula" in problems(exc)
    assert "甲系数 → 乙系数 → 甲系数" in problems(exc)


def test_formula_with_code_is_rejected():
    with pytest.raises(SchemeError) as exc:
        scheme(coefficients={"动态": {"kind": "dynamic", "formula": "__import__('os')"}})
    assert "coefficients.动态.formula" in problems(exc)


def test_too_deep_tree():
    deep = {
        "一": {
            "points": 10,
            "indicators": {
                "二": {
                    "points": 10,
                    "indicators": {"三": {"points": 10, "indicators": {"四": {"points": 10}}}},
                }
            },
        }
    }
    with pytest.raises(SchemeError) as exc:
        scheme(components={"工作实绩": {"indicators": {"__replace__": True, **deep}}})
    assert "at most 3 levels" in problems(exc)


def test_yaml_syntax_error_names_line():
    with pytest.raises(SchemeError) as exc:
        load_scheme("scheme: x\n  bad: [", "s.yaml")
    assert "s.yaml: line" in problems(exc)


def test_unknown_track_in_data_names_row_and_column():
    s = scheme()
    d = data(["a", "b"], [80, 90])
    d.people.track = __import__("kaohe.engine", fromlist=["Codes"]).Codes.from_values(["甲", "丁"])
    d.sources["people"] = "people.csv"
    text = data_problems(s, d)
    assert "people.csv: row 3, column track: expected a track of the scheme ['甲', '乙'], found 丁" in text


def test_person_matching_no_track():
    s = scheme()
    d = data(["a", "b"], [80, 90], people=people(["a", "b"], ["甲", "丙"]))
    text = data_problems(s, d)
    assert "row 3, column track" in text
    assert "b matches none" in text


def test_score_above_indicator_points_names_row_and_column():
    s = scheme()
    d = data(["a", "b"])
    d.scores = {"工作实绩/业务": np.array([50.0, 61.0]), "工作实绩/党建": np.array([40.0, 40.0])}
    d.sources["scores"] = "scores.csv"
    text = data_problems(s, d)
    assert (
        "scores.csv: row 3, column 工作实绩/业务: expected a score between 0 and the indicator's points 60"
        in text
    )


def test_missing_column_for_a_rule():
    s = scheme(eligibility={"新进": {"when": {"months_in_unit_below": 6}, "effect": "no_grade"}})
    text = data_problems(s, data(["a"], [80]))
    assert "column months_in_unit: expected a number column that eligibility.新进 reads" in text


def test_loader_names_file_row_and_column(tmp_path):
    from kaohe.engine_cli.loader import load_period

    (tmp_path / "people.csv").write_text("person,identity\na,甲\nb,甲\n", encoding="utf-8")
    (tmp_path / "scores.csv").write_text("person,业务,党建,宣传\na,50,x\nc,1,2\n", encoding="utf-8")
    (tmp_path / "claims.csv").write_text("person,points\na,1\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        load_period(tmp_path, scheme())
    text = problems(exc)
    assert "scores.csv: row 2, column 党建: expected a number, found x" in text
    assert "scores.csv: row 3, column person: expected a person listed in people, found c" in text
    assert "scores.csv: row 1, column 宣传: expected a leaf indicator" in text
    assert "claims.csv: row 1, column category: expected a column category, found no such column" in text
