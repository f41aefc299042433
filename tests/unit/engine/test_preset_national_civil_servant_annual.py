"""公务员年度考核 preset: the rules of 公务员考核规定, checked on its example."""

from __future__ import annotations

import pytest

from kaohe.engine import explain

from .helpers import preset_result


@pytest.fixture(scope="module")
def result():
    return preset_result("national_civil_servant_annual")


@pytest.fixture(scope="module")
def rows(result):
    return {r["person"]: r for r in result.rows()}


def test_excellent_is_20_percent_of_the_graded_half_up(result, rows):
    graded = [p for p, r in rows.items() if r["grade"]]
    assert len(graded) == 11
    assert [p for p in graded if rows[p]["grade"] == "优秀"] == ["A01", "A02"]  # 2.2 → 2


def test_no_grade_cases_take_no_rank_place(rows):
    assert rows["A11"]["status"] == "只写评语"  # probation
    assert rows["A12"]["status"] == "暂缓确定等次"  # under investigation
    assert rows["A13"]["status"] == "不定等次"  # leave over half the year
    assert rows["A15"]["status"] == "不定等次"  # 记大过 last year: that year and the next
    assert all(rows[p]["rank"] == "不定等次" for p in ("A11", "A12", "A13", "A15"))
    assert sorted(r["rank"] for r in rows.values() if r["grade"]) == list(range(1, 12))


def test_caps_warning_routine_grades_and_votes(rows, result):
    assert rows["A04"]["grade"] == "称职"  # first in rank, one 好 quarter only
    assert rows["A14"]["grade"] == "称职"  # 警告 this year
    assert rows["A03"]["grade"] == "基本称职"  # 优秀+称职 votes 50% < 2/3
    assert "平时好等次不足" in explain(result, "A04")


def test_consequences(rows):
    assert rows["A01"]["outcomes"] == "嘉奖；记三等功"
    assert "晋升薪级" in rows["A02"]["outcomes"] and "晋升薪级" in rows["A06"]["outcomes"]
    assert rows["A04"]["outcomes"] == "晋升级别"
    assert rows["A03"]["outcomes"] == "诫勉"
    assert rows["A09"]["outcomes"] == "辞退；组织调整"
    assert "组织调整" in rows["A08"]["outcomes"]
