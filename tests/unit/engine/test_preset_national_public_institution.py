"""事业单位工作人员考核 preset: comment only under half a year, refusing → 不合格, award quotas."""

from __future__ import annotations

import pytest

from .helpers import preset_result


@pytest.fixture(scope="module")
def rows():
    return {r["person"]: r for r in preset_result("national_public_institution").rows()}


def test_grades_and_comment_only(rows):
    assert rows["P26"]["status"] == "只写评语" and rows["P26"]["rank"] == "不定等次"
    assert [p for p, r in rows.items() if r["grade"] == "优秀"] == ["P01", "P02", "P03", "P04", "P05"]
    assert rows["P27"]["grade"] == "不合格"  # refused to take part


def test_award_quotas_in_rank_order(rows):
    assert [p for p, r in rows.items() if "嘉奖" in r["outcomes"]] == ["P01", "P02", "P03", "P04", "P05"]
    assert [p for p, r in rows.items() if "记功" in r["outcomes"]] == ["P01"]  # 2% of 26 → 1


def test_unqualified_consequences(rows):
    assert rows["P25"]["outcomes"] == "不合格处理；可解除聘用合同"
    assert rows["P27"]["outcomes"] == "不合格处理" and rows["P27"]["pay_factor"] == -0.1
