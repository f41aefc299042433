"""Seed 001 (xx新区): the rules the preset must carry, checked on its examples (monthly and annual)."""

from __future__ import annotations

import csv

import pytest
import yaml

from kaohe.engine import compute, explain, load_scheme
from kaohe.engine_cli.loader import load_period
from kaohe.presets import load_preset

KPI_POINTS = {
    "地区生产总值": 20,
    "第一产业增加值": 10,
    "第二产业增加值": 15,
    "第三产业增加值": 15,
    "固定资产投资": 15,
    "社会消费品零售总额": 10,
    "一般公共预算收入": 15,
}


@pytest.fixture(scope="module")
def preset():
    return load_preset("001_xinqu")


@pytest.fixture(scope="module")
def result(preset):
    scheme = load_scheme(preset.scheme_text(), str(preset.scheme_path))
    return compute(scheme, load_period(preset.example_path, scheme))


@pytest.fixture(scope="module")
def annual(preset):
    folder = preset.path / "annual"
    scheme = load_scheme((folder / "scheme.yaml").read_text(encoding="utf-8"), str(folder / "scheme.yaml"))
    return compute(scheme, load_period(folder / "example", scheme))


def row(result, pid):
    return next(r for r in result.rows() if r["person"] == pid)


def kpi_rows(preset, pid):
    with (preset.example_path / "kpis.csv").open(encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if r["person"] == pid]


def test_kpi_completion_total_80_growth_20_on_100_points(preset, result):
    ratios: dict[str, dict[str, float]] = {}
    for r in kpi_rows(preset, "E05"):
        ratios.setdefault(r["indicator"].split("/")[-1], {})[r["measure"]] = float(r["actual"]) / float(
            r["target"]
        )
    want = sum(
        pts * min(0.8 * ratios[k]["总量"] + 0.2 * ratios[k]["增速"], 1.0) for k, pts in KPI_POINTS.items()
    )
    assert sum(KPI_POINTS.values()) == 100
    assert row(result, "E05")["实绩指标"] == pytest.approx(want, abs=0.01)


def test_outstanding_and_damaging_results_multiply_the_points(result):
    # +3 × 固定资产投资 15 points (70% of the total) / −3 × 第一产业增加值 10 points
    assert row(result, "E01")["bonus"] == pytest.approx(3 * 15 * 0.7)
    assert row(result, "E12")["deduction"] == pytest.approx(3 * 10 * 0.7)


def test_static_levels_1_0_to_1_18_and_dynamic_gdp_coefficient(result):
    # E01: 一档 1.18 × clip(1 + (11% − 8%) × 1.0 × 2, 0.95, 1.05) = 1.18 × 1.05
    assert row(result, "E01")["coefficient"] == pytest.approx(1.18 * 1.05, abs=1e-4)
    # E06: 六档 1.0 × (1 + 3% × 0.3 × 2) = 1.018
    assert row(result, "E06")["coefficient"] == pytest.approx(1.0 * 1.018, abs=1e-4)
    # S01: 三档 1.10, no economic share → dynamic 1.0
    assert row(result, "S01")["coefficient"] == pytest.approx(1.10, abs=1e-4)
    e07 = row(result, "E07")  # the total is (base + bonus − deduction) × both coefficients
    assert e07["total"] == pytest.approx(e07["base"] * 1.18 * 1.05, abs=0.01)


def previous_totals(preset, pid):
    with (preset.example_path / "previous.csv").open(encoding="utf-8") as fh:
        got = {r["period"]: float(r["total"]) for r in csv.DictReader(fh) if r["person"] == pid}
    return [got[p] for p in sorted(got, reverse=True)]  # most recent first


def test_tail_quarter_talk_half_year_adjustment_year_serious(result):
    """末尾督考 on the combined score: mean of the last 3 / 6 / 12 months' totals, ranked in the track."""
    assert row(result, "E12")["tail"] == "谈话提醒；岗位调整；严肃处理"  # bottom 2 all year
    assert row(result, "E11")["tail"] == "谈话提醒；岗位调整；严肃处理"  # top early, last since July
    assert row(result, "S10")["tail"] == "谈话提醒；岗位调整"
    assert row(result, "S09")["tail"] == "谈话提醒；严肃处理"  # 8th in October: bottom of the quarter mean
    assert row(result, "S06")["tail"] == "岗位调整；严肃处理"  # first this month, last July–September
    assert row(result, "E10")["tail"] == ""


def test_tail_windows_are_means_of_the_last_3_6_12_months(preset, result):
    i = result.index_of("S09")
    earlier = previous_totals(preset, "S09")
    now = row(result, "S09")["total"]
    for name, n in (("季度靠后谈话提醒", 3), ("半年靠后岗位调整", 6), ("全年靠后严肃处理", 12)):
        want = (now + sum(earlier[: n - 1])) / n
        assert result.tail_value[name][i] == pytest.approx(want, abs=0.005)
    assert result.tail_rank["季度靠后谈话提醒"][i] == 9  # of 10: bottom 2
    text = explain(result, "S09")
    assert "tail_rules.季度靠后谈话提醒" in text and "近 3 期总分平均" in text


def test_monthly_grades(result):
    assert row(result, "E12")["grade"] == "一般"  # 58.11 < 70
    good = [r["person"] for r in result.rows() if r["grade"] == "好"]
    assert sorted(good) == ["E01", "E02", "S01", "S06"]  # 20% of 12 and of 10 → 2 each


def test_annual_monthly_share_40_for_teams_30_for_leaders_and_politics_10(annual):
    t01, l01 = row(annual, "T01"), row(annual, "L01")  # identical inputs: 月度 96, 政治素质 92, 年度 90
    assert t01["total"] == pytest.approx(0.4 * 96 + 0.1 * 92 + 0.5 * 90)
    assert l01["total"] == pytest.approx(0.3 * 96 + 0.1 * 92 + 0.6 * 90)


def test_annual_expected(preset, annual):
    want = yaml.safe_load((preset.path / "annual" / "expected.yaml").read_text(encoding="utf-8"))
    for pid, values in want["people"].items():
        got = row(annual, pid)
        for key, value in values.items():
            if isinstance(value, float):
                assert got[key] == pytest.approx(value, abs=0.005), (pid, key)
            else:
                assert got[key] == value, (pid, key)
