"""Seed 002 (夏村镇): the rules the preset must carry, checked on its example."""

from __future__ import annotations

import numpy as np
import pytest

from .helpers import preset_result, result_row


@pytest.fixture(scope="module")
def result():
    return preset_result("002_xiacun")


def test_three_groups_with_jiguan_split_in_three(result):
    assert result.track_names == ["班子成员", "机关在编人员", "社区指导员", "机关不在编人员", "农村干部"]
    assert result_row(result, "S01")["track"] == "社区指导员"
    assert result_row(result, "C01")["track"] == "农村干部"


def test_ballot_weighted_40_30_20_10_and_converted_at_20_percent(result):
    s03 = result_row(result, "S03")
    # 不在编干部 gave only 2 ballots (< min 3): the other groups' weights are renormalised
    assert s03["民主评议"] == pytest.approx((0.4 * 83.75 + 0.3 * 100 + 0.2 * 490 / 6) / 0.9, abs=0.01)
    assert s03["base"] == pytest.approx(0.8 * s03["工作实绩"] + 0.2 * s03["民主评议"], abs=0.01)


def test_innovation_bonus_capped_and_yigang_shuangze_deducted(result):
    assert result_row(result, "J01")["bonus"] == 10  # 5 + 4 + 3 claimed, capped at 10 a month
    assert result_row(result, "J02")["bonus"] == 0  # claim not approved
    assert result_row(result, "J05")["deduction"] == 3  # 安全生产 under 一岗双责


def test_two_months_at_the_bottom_lead_to_a_statement(result):
    assert "表态" in result_row(result, "B04")["tail"]  # 班子: last in May and June
    assert not result_row(result, "B02")["tail"]
    flagged_c = {r["person"] for r in result.rows() if r["track"] == "农村干部" and r["tail"]}
    assert flagged_c == {"C04", "C06"}  # bottom 3 now and in May


def test_new_staff_get_no_grade_and_pool_is_preserved(result):
    assert result_row(result, "J08")["grade"] == ""
    assert int(np.sum(result.pool_fen)) == 2_000_000
    assert all(result_row(result, p)["pool_yuan"] > 0 for p in ("F01", "F02", "F03", "F04", "F05"))
