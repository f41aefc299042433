"""Seed 004 (衢州 四维考评): the rules the preset must carry, checked on its example."""

from __future__ import annotations

import pytest

from kaohe.engine import DataError, compute, explain, load_scheme
from kaohe.engine_cli.loader import load_period
from kaohe.presets import load_preset


@pytest.fixture(scope="module")
def scheme():
    preset = load_preset("004_quzhou")
    return load_scheme(preset.scheme_text(), str(preset.scheme_path))


@pytest.fixture(scope="module")
def result(scheme):
    return compute(scheme, load_period(load_preset("004").example_path, scheme))


@pytest.fixture(scope="module")
def rows(result):
    return {r["person"]: r for r in result.rows()}


def test_four_dimensions_and_de_neng_qin_ji_lian(scheme, rows):
    assert list(scheme.components) == ["岗位积分", "绩效评分", "服务积分", "德能勤绩廉"]
    assert list(scheme.components["德能勤绩廉"].ballot.dimensions) == ["德", "能", "勤", "绩", "廉"]
    assert rows["Z01"]["德能勤绩廉"] == pytest.approx(640 / 7, abs=0.01)  # highest and lowest dropped
    assert rows["Z01"]["bonus"] == 6  # 揭榜破难 5 + 正面清单 2, capped


def test_at_most_three_personal_indicators(scheme, tmp_path):
    import shutil

    src = load_preset("004").example_path
    dst = tmp_path / "ex"
    shutil.copytree(src, dst)
    with (dst / "personal.csv").open("a", encoding="utf-8") as fh:
        fh.write("Z01,绩效评分/个性指标,个性4,10,10\n")
    with pytest.raises(DataError, match="at most 3 personal indicators"):
        compute(scheme, load_period(dst, scheme))


def test_classified_tracks(rows):
    assert rows["J01"]["track"] == "中层干部" and rows["J03"]["track"] == "执法一线"
    assert rows["J04"]["track"] == "窗口人员" and rows["Z05"]["track"] == "乡镇干部"


def test_seconded_staff_evaluated_by_both_units(rows, result):
    assert rows["J05"]["base"] == pytest.approx(0.3 * 80 + 0.7 * 95)
    assert "派驻单位 95 × 70%" in explain(result, "J05")


def test_negative_list_and_township_quota(rows):
    assert rows["Z03"]["grade"] == "称职" and rows["Z03"]["deduction"] == 2
    township = [p for p, r in rows.items() if p.startswith("Z") and r["grade"] == "优秀"]
    assert township == ["Z01", "Z02", "Z04"]  # 30% of 10 for a unit graded 好
    assert [p for p, r in rows.items() if p.startswith("J") and r["grade"] == "优秀"] == ["J05"]


def test_quarterly_good_reward(rows):
    rewarded = [p for p, r in rows.items() if "季度好等次奖励" in r["outcomes"]]
    assert rewarded == ["Z01", "Z02", "Z04", "J01"]
