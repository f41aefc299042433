"""What a scheme reads for a period besides scores: period measures, unit grades and honours (with
their quota places), pools and pay amounts."""

from __future__ import annotations

import numpy as np
import pytest

from kaohe.engine import DataError, SchemeError, compute, load_scheme
from kaohe.engine.period_inputs import (
    fen_text,
    formula_measures,
    honours,
    pay_factor_of,
    pay_fen,
    pool_names,
    pool_parts,
    unit_grades,
)
from kaohe.engine_cli.loader import load_period
from kaohe.presets import load_preset

from .helpers import data, scheme, table

IDS20 = [f"p{i:02d}" for i in range(20)]
TOTALS20 = [99 - i for i in range(20)]


def grades(r):
    return [r.grade_name(i) for i in range(len(r.total))]


def excellent_in(r, lo, hi):
    return grades(r)[lo:hi].count("优秀")


def test_formula_measures_of_preset_001_are_gdp_growth_and_econ_share():
    preset = load_preset("001_xinqu")
    s = load_scheme(preset.scheme_text(), str(preset.scheme_path))
    assert formula_measures(s) == ["econ_share", "gdp_growth"]


def test_formula_measures_leave_out_coefficients_and_computed_numbers():
    s = scheme(
        coefficients={
            "甲": {"kind": "dynamic", "formula": "1 + growth * 2"},
            "乙": {"kind": "dynamic", "formula": "甲 * max(base / 100, misses) + 土地 * 0"},
            "丙": {"kind": "static", "attribute": "post_level", "levels": {"一档": 1.1}},
        }
    )
    assert formula_measures(s) == ["growth", "土地"]


def test_a_missing_period_measure_is_refused_not_counted_as_zero():
    s = scheme(coefficients={"动态": {"kind": "dynamic", "formula": "1 + growth"}})
    with pytest.raises(DataError) as exc:
        compute(s, data(["a", "b"], [80, 80], columns={"growth": [0.1, float("nan")]}))
    text = str(exc.value)
    assert "row 3, column growth" in text and "period measure" in text


def test_a_period_measure_nobody_has_is_a_missing_column():
    s = scheme(coefficients={"动态": {"kind": "dynamic", "formula": "1 + growth"}})
    with pytest.raises(DataError, match="column growth"):
        compute(s, data(["a"], [80]))


def test_the_period_measure_drives_the_coefficient():
    s = scheme(coefficients={"动态": {"kind": "dynamic", "formula": "1 + (growth - 8%) * 2"}})
    r = compute(s, data(["a", "b"], [80, 80], columns={"growth": [0.10, 0.06]}))
    assert list(r.total) == [pytest.approx(80 * 1.04), pytest.approx(80 * 0.96)]


def honour_scheme(**rule):
    return scheme(
        grading={"quotas": {"优秀": {"rounding": "half_up", **rule}}, "quota_groups": {"by": ["unit"]}}
    )


def two_units(**kw):
    units = ["甲单位"] * 10 + ["乙单位"] * 10
    return data(IDS20, TOTALS20, columns={"unit": units, **kw.pop("columns", {})}, **kw)


def test_an_honour_adds_its_share_to_the_units_quota():
    s = honour_scheme(at_most="20%", by_honour={"人民满意": "10%", "效能先进": "5%"})
    hon = table(list(range(10)), honour=["人民满意"] * 10)
    r = compute(s, two_units(honours=hon))
    assert excellent_in(r, 0, 10) == 3  # (20% + 10%) × 10
    assert excellent_in(r, 10, 20) == 2  # no honour: 20% × 10


def test_two_honours_add_up_before_rounding():
    s = honour_scheme(at_most="20%", by_honour={"人民满意": "5%", "效能先进": "5%"})
    hon = table(list(range(10)) * 2, honour=["人民满意"] * 10 + ["效能先进"] * 10)
    r = compute(s, two_units(honours=hon))
    # (20% + 5% + 5%) × 10 = 3 places; rounding each 5% × 10 = 0.5 separately would give 4
    assert excellent_in(r, 0, 10) == 3


def test_the_unit_ceiling_caps_grade_share_and_honours_together():
    s = honour_scheme(
        by_unit_grade={"好": "30%", "一般": "10%"},
        by_honour={"人民满意": "20%"},
        unit_at_most="40%",
    )
    hon = table(list(range(10)), honour=["人民满意"] * 10)
    ug = ["好"] * 10 + ["一般"] * 10
    r = compute(s, two_units(columns={"unit_grade": ug}, honours=hon))
    assert excellent_in(r, 0, 10) == 4  # 30% + 20% = 50%, capped at 40% of 10
    assert excellent_in(r, 10, 20) == 1  # 10% of 10


def test_a_unit_whose_grade_is_not_listed_gets_at_most_plus_its_honours():
    s = honour_scheme(by_unit_grade={"好": "30%"}, at_most="10%", by_honour={"效能先进": "10%"})
    hon = table(list(range(10, 20)), honour=["效能先进"] * 10)
    ug = ["好"] * 10 + [""] * 10
    r = compute(s, two_units(columns={"unit_grade": ug}, honours=hon))
    assert excellent_in(r, 0, 10) == 3
    assert excellent_in(r, 10, 20) == 2  # 10% (not listed) + 10% (honour)


def test_an_honour_the_rule_does_not_name_adds_nothing():
    s = honour_scheme(at_most="20%", by_honour={"人民满意": "10%"})
    hon = table(list(range(10)), honour=["文明单位"] * 10)
    assert excellent_in(compute(s, two_units(honours=hon)), 0, 10) == 2


def test_unit_grades_and_honours_named_by_the_quotas():
    s = honour_scheme(by_unit_grade={"好": "30%", "较好": "25%"}, by_honour={"人民满意": "5%"})
    assert unit_grades(s) == ["好", "较好"]
    assert honours(s) == ["人民满意"]


def test_a_negative_honour_share_is_a_scheme_error():
    with pytest.raises(SchemeError, match="by_honour"):
        honour_scheme(at_most="20%", by_honour={"人民满意": "-5%"})


def test_pool_names_and_parts():
    s = scheme(pool={"amount": 100}, pools={"专项奖": {"by": "unit"}})
    assert pool_names(s) == ["激励资金", "专项奖"]
    assert pool_parts(s, "专项奖") == "unit" and pool_parts(s, "激励资金") is None


def test_pay_amount_is_base_times_one_plus_factor_half_up_to_the_fen():
    base = np.array([300000, 300000, 123457, 300000, np.nan])
    factor = np.array([0.2, -0.1, 0.1, 0.0, 0.2])
    graded = np.array([True, True, True, False, True])
    # 1,234.57 × 1.1 = 1,358.027 → 1,358.03; ungraded and no base: -1 (no amount), never 0
    assert pay_fen(base, factor, graded).tolist() == [360000, 270000, 135803, -1, -1]


def test_fen_text_shows_yuan_with_two_decimals():
    assert [fen_text(f) for f in (360000, 5, -1234567, None)] == ["3,600.00", "0.05", "-12,345.67", ""]


def test_the_command_line_reads_honours_from_honours_csv(tmp_path):
    s = honour_scheme(at_most="20%", by_honour={"人民满意": "10%"})
    people = [f"{p},甲,{'甲单位' if i < 10 else '乙单位'}" for i, p in enumerate(IDS20)]
    (tmp_path / "people.csv").write_text("person,identity,unit\n" + "\n".join(people) + "\n")
    scores = [f"{p},60,{39 - i}" for i, p in enumerate(IDS20)]
    (tmp_path / "scores.csv").write_text("person,业务,党建\n" + "\n".join(scores) + "\n")
    (tmp_path / "honours.csv").write_text("person,honour\n" + "".join(f"{p},人民满意\n" for p in IDS20[:10]))
    r = compute(s, load_period(tmp_path, s))
    assert excellent_in(r, 0, 10) == 3 and excellent_in(r, 10, 20) == 2


def test_pay_factor_of_a_grade_matches_the_engines_pay_factor():
    s = scheme(
        grading={"thresholds": {"优秀": 90, "良好": 80}},
        consequences={"pay_factor": {"优秀": "+20%", "良好": "10%"}},
    )
    r = compute(s, data(["a", "b", "c"], [95, 85, 70]))
    assert [pay_factor_of(s, r.grade_name(i)) for i in range(3)] == list(r.pay_factor) == [0.2, 0.1, 0.0]
