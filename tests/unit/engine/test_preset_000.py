"""Seed 000 (沂水县XX镇): the rules the preset must carry, checked on its example."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from kaohe.engine import explain
from kaohe.presets import load_preset

from .helpers import preset_result, result_row


@pytest.fixture(scope="module")
def result():
    return preset_result("000_yishui")


def grades_in(result, track):
    rows = [r for r in result.rows() if r["track"] == track]
    return {g: sum(r["grade"] == g for r in rows) for g in ("优秀", "良好", "一般")}


def test_identity_line_tracks(result):
    assert result.track_names == ["班子成员", "中层干部", "普通工作人员"]
    assert result_row(result, "B01")["track"] == "班子成员"
    assert result_row(result, "Z01")["track"] == "中层干部"
    assert result_row(result, "P01")["track"] == "普通工作人员"


def test_relative_grades_15_80_5_within_a_track(result):
    # 20 people: 优秀 15% = 3, 一般 5% = 1, 良好 the other 80% = 16
    assert grades_in(result, "普通工作人员") == {"优秀": 3, "良好": 16, "一般": 1}
    # 10 people: 15% = 1.5 → 2 (half up); 一般 met by Z10 below 60
    assert grades_in(result, "中层干部") == {"优秀": 2, "良好": 7, "一般": 1}
    assert grades_in(result, "班子成员") == {"优秀": 1, "良好": 5, "一般": 0}


def test_lowest_grade_is_forced_by_the_5_percent_floor(result):
    p09 = result_row(result, "P09")
    assert p09["total"] > 80  # a good absolute score …
    assert p09["rank"] == 20 and p09["grade"] == "一般"  # … but last of 20 → 一般
    assert "取消评先树优资格" in p09["outcomes"]
    assert not result_row(result, "P20")["outcomes"]


def test_fifteen_percent_ceiling_binds_and_tie_is_broken_by_ballot(result):
    p03, p02 = result_row(result, "P03"), result_row(result, "P02")
    assert (p03["rank"], p03["grade"]) == (3, "优秀")  # the third and last 优秀 place of 20
    assert (p02["rank"], p02["grade"]) == (4, "良好")
    p06, p08 = (
        result_row(result, "P06"),
        result_row(result, "P08"),
    )  # equal totals: the (combined) ballot decides
    assert p06["total"] == p08["total"] == pytest.approx(93.16)
    assert p06["民主评议"] > p08["民主评议"]
    assert (p06["rank"], p08["rank"]) == (9, 10)
    z07 = result_row(result, "Z07")
    assert z07["total"] > 60 and z07["grade"] == "良好"  # third of 中层: only 2 places


def test_worklog_fill_and_review_rates_and_miss_notices(result):
    b05 = result_row(result, "B05")  # reviewed 240 of 250 days: 15 × 0.96 on the 审阅 indicator
    assert b05["业务线考核"] == pytest.approx(67.7 + 15 + 15 * 240 / 250, abs=0.01)
    z10 = result_row(result, "Z10")  # 8 notices (two consecutive misses each) × 1 point
    assert z10["deduction"] == 8
    assert z10["total"] < 60 and z10["grade"] == "一般"


def test_task_bonus_capped_and_multiplied_by_identity_grade_coefficient(result):
    assert result_row(result, "P05")["bonus"] == 10  # 5 + 4 + 3 capped at 10, 身份线 良好 × 1.0
    assert result_row(result, "P01")["bonus"] == pytest.approx(2.4)  # 2 × 1.2 (身份线 优秀)
    assert result_row(result, "Z10")["bonus"] == pytest.approx(0.8)  # 1 × 0.8 (身份线 一般)
    assert result_row(result, "P10")["bonus"] == 0  # claim not approved


def test_external_raters_and_missing_group_renormalised(result):
    # P12 has 2 ballots from 企业负责人 (< 3): the other six groups' weights are renormalised to 95%
    preset = load_preset("000_yishui")
    points = {"优秀": 100, "良好": 85, "一般": 70, "较差": 50}
    weights = {
        "领导班子": 25,
        "中层干部": 20,
        "一般人员": 15,
        "村支部书记": 15,
        "两代表一委员": 10,
        "群众代表": 10,
    }
    sums: dict[str, list[float]] = {}
    with (preset.example_path / "ballots.csv").open(encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            if rec["person"] == "P12":
                got = sums.setdefault(rec["group"], [0.0, 0.0])
                got[0] += points[rec["option"]] * int(rec["count"])
                got[1] += int(rec["count"])
    assert sums["企业负责人"][1] == 2
    want = sum(w * sums[g][0] / sums[g][1] for g, w in weights.items()) / 95
    year_end = result.component_current[:, result.component_names.index("民主评议")]
    assert year_end[result.index_of("P12")] == pytest.approx(want, abs=0.01)
    # P03: every group, 村支部书记 … 群众代表 included, 良好
    assert year_end[result.index_of("P03")] == pytest.approx(85.0)


def test_quarterly_and_year_end_ballots_combined(result):
    """季度评和年终评: 50% × the mean of the quarterly scores found + 50% × the year-end ballot."""
    preset = load_preset("000_yishui")
    quarters: dict[str, list[float]] = {}
    with (preset.example_path / "previous.csv").open(encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            if rec["kind"] == "quarter" and rec["民主评议"].strip():
                quarters.setdefault(rec["person"], []).append(float(rec["民主评议"]))
    c = result.component_names.index("民主评议")
    for pid, qs in quarters.items():
        i = result.index_of(pid)
        want = 0.5 * sum(qs) / len(qs) + 0.5 * result.component_current[i, c]
        assert result.components[i, c] == pytest.approx(want), pid
    assert len(quarters["Z10"]) == 2 and len(quarters["Z03"]) == 3  # missing quarters are left out
    p03, p04 = result_row(result, "P03"), result_row(result, "P04")  # 95 all year vs 80 all year
    assert (p03["民主评议"], p04["民主评议"]) == (pytest.approx(90.0), pytest.approx(85.0))
    assert (p03["total"], p04["total"]) == (pytest.approx(96.70), pytest.approx(94.70))
    assert "components.民主评议.over_periods" in explain(result, "P03")


def test_incentive_pool_by_grade_coefficient_in_whole_fen(result):
    assert int(np.sum(result.pool_fen)) == 16_500_000
    excellent = result_row(result, "P05")["pool_yuan"]
    good = result_row(result, "P06")["pool_yuan"]
    assert excellent > 10_000 and 3_000 <= good < 4_000  # 一万余元 vs 三四千元
    assert excellent == pytest.approx(3 * good, abs=0.02)
    assert result_row(result, "P09")["pool_yuan"] == pytest.approx(good / 2, abs=0.01)


def test_identity_line_grade_is_computed_in_the_same_run(result):
    """身份线等次 comes from ranking 身份线考核 within the track at 15/80/5, not from the data."""
    assert "身份线等次" not in result.data.people.attributes
    names = ["优秀", "良好", "一般"]
    g = result.component_grade["身份线加分系数"]
    track = result.track
    for t in range(len(result.track_names)):
        got = [names[x] for x in g[track == t]]
        size = int((track == t).sum())
        assert got.count("优秀") == int(size * 0.15 + 0.5)
    assert "身份线考核" in explain(result, "P01") and "coefficients.身份线加分系数" in explain(result, "P01")
