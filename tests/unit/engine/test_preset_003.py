"""Seed 003 (干事考核方案模板): the rules the preset must carry, checked on its example."""

from __future__ import annotations

import csv

import pytest

from kaohe.engine import compute, load_scheme
from kaohe.engine_cli.loader import load_period
from kaohe.presets import load_preset


@pytest.fixture(scope="module")
def preset():
    return load_preset("003_template")


@pytest.fixture(scope="module")
def scheme(preset):
    return load_scheme(preset.scheme_text(), str(preset.scheme_path))


@pytest.fixture(scope="module")
def result(preset, scheme):
    return compute(scheme, load_period(preset.example_path, scheme))


def row(result, pid):
    return next(r for r in result.rows() if r["person"] == pid)


def test_common_personal_innovation_30_60_10_and_post_type_weights(scheme):
    shares = {name: comp.share for name, comp in scheme.components.items()}
    assert shares == pytest.approx({"共性指标": 0.30, "个性指标": 0.60, "创新指标": 0.10})
    trees = scheme.components["个性指标"].indicators_by_track
    weights = {t: {k: v.weight for k, v in tree["岗位职责"].indicators.items()} for t, tree in trees.items()}
    assert weights["管理岗"] == pytest.approx(
        {"战略贡献": 0.30, "团队管理": 0.25, "执行效率": 0.25, "创新突破": 0.20}
    )
    assert weights["技术岗"] == pytest.approx({"专业能力": 0.40, "创新成果": 0.35, "应用价值": 0.25})
    assert weights["工勤岗"] == pytest.approx({"操作规范": 0.40, "服务效率": 0.30, "服务评价": 0.30})
    for tree in trees.values():  # daily records weigh at least 30% of the total
        assert tree["日常记录"].weight * scheme.components["个性指标"].share >= 0.30 - 1e-9


def test_360_weights_40_20_30_10(result):
    m03 = row(result, "M03")  # every ballot 良好 (85) → 共性 85 whatever the weights
    assert m03["共性指标"] == pytest.approx(85.0)
    g01 = row(result, "G01")  # 工勤岗 have no expert review: 40/20/30 renormalised to 90%
    assert 0 < g01["共性指标"] <= 100


def test_annual_is_the_mean_of_four_quarters(preset, result):
    quarters: dict[str, list[float]] = {}
    with (preset.example_path / "previous.csv").open(encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            quarters.setdefault(rec["person"], []).append(float(rec["total"]))
    for pid in ("M03", "T07", "G04"):
        r = row(result, pid)
        q4 = 0.3 * r["共性指标"] + 0.6 * r["个性指标"] + 0.1 * r["创新指标"]
        assert len(quarters[pid]) == 3
        assert r["base"] == pytest.approx((sum(quarters[pid]) + q4) / 4, abs=0.01)


def test_innovation_bonus_capped_at_20_percent_of_base(result):
    m02 = row(result, "M02")  # 技术创新 15 + 制度创新 10 = 25 > 20% of the base
    assert m02["bonus"] == pytest.approx(0.2 * m02["base"], abs=0.01)
    assert m02["bonus"] < 25
    assert row(result, "T01")["bonus"] == 12  # below the cap: as claimed
    assert row(result, "M09")["bonus"] == 0  # not approved by the committee


def test_five_grades_thresholds_95_85_75_60(result):
    assert row(result, "M05")["grade"] == "良好"  # 89.21
    assert row(result, "M11")["grade"] == "合格"  # 82.77
    assert row(result, "T12")["grade"] == "基本合格"  # 68.70
    assert row(result, "G08")["grade"] == "不合格"  # 57.48 < 60


def test_excellent_at_most_20_percent_tie_broken_by_personal_score(result):
    m03, m04 = row(result, "M03"), row(result, "M04")
    assert m03["total"] == m04["total"] >= 95
    assert m04["个性指标"] > m03["个性指标"]
    assert (m04["rank"], m04["grade"]) == (3, "优秀")
    assert (m03["rank"], m03["grade"]) == (4, "良好")  # 14 × 20% = 2.8 → 2 places
    excellent = [r for r in result.rows() if r["track"] == "管理岗" and r["grade"] == "优秀"]
    assert len(excellent) == 2
    t03 = row(result, "T03")
    assert t03["total"] >= 95 and t03["grade"] == "良好"  # 12 × 20% = 2.4 → 2 places


def test_negative_list_caps_and_veto_fixes_the_grade(result):
    m01 = row(result, "M01")
    assert m01["total"] >= 95 and m01["grade"] == "合格"  # negative list: at most 合格, place passes on
    t05 = row(result, "T05")
    assert t05["total"] >= 95 and t05["grade"] == "不合格"  # 弄虚作假: one-vote veto


def test_fail_floor_5_percent(result):
    m14 = row(result, "M14")  # 14 × 5% = 0.7 → 1: the last is forced down from 基本合格
    assert m14["total"] >= 60 and m14["grade"] == "不合格"
    assert row(result, "T12")["grade"] == "基本合格"  # the veto already fills 技术岗's floor
    assert row(result, "G07")["grade"] == "合格"  # 工勤岗 (8 < 10 people): no floor


def test_pay_factor_plus_minus_20_10(result):
    want = {"M02": 0.20, "M05": 0.10, "M11": 0.0, "T12": -0.10, "M14": -0.20}
    assert {p: row(result, p)["pay_factor"] for p in want} == pytest.approx(want)
    assert "取消年度评优资格" in row(result, "T12")["outcomes"]


def test_annual_is_the_mean_of_the_quarters_actually_found():
    """M03 without a Q2 record: (Q1 91.6 + Q3 93.1 + Q4 90.22) ÷ 3, not a zero for Q2."""
    from kaohe.engine import Table, compute, load_scheme
    from kaohe.engine_cli.loader import load_period
    from kaohe.presets import load_preset

    preset = load_preset("003_template")
    scheme = load_scheme(preset.scheme_text(), str(preset.scheme_path))
    d = load_period(preset.example_path, scheme)
    prev = d.previous
    i = list(d.people.ids).index("M03")
    period = prev.code("period")
    drop = (prev.person == i) & (period.codes == period.names.index("2025Q2"))
    keep = ~drop
    d.previous = Table(
        prev.person[keep],
        {
            k: (type(v)(v.codes[keep], v.names) if hasattr(v, "codes") else v[keep])
            for k, v in prev.columns.items()
        },
        prev.rows[keep] if prev.rows is not None else None,
    )
    r = compute(scheme, d)
    assert r.base[i] == pytest.approx((91.6 + 93.1 + 90.22) / 3, abs=0.005)
