"""A period named as users name it, for the results workbook's download name. No database."""

from datetime import date

import pytest

from kaohe.appraisal.exports import period_title


@pytest.mark.parametrize(
    ("kind", "start", "title"),
    [
        ("month", date(2026, 12, 1), "2026年12月"),
        ("month", date(2026, 1, 1), "2026年1月"),
        ("quarter", date(2025, 1, 1), "2025年第一季度"),
        ("quarter", date(2025, 4, 1), "2025年第二季度"),
        ("quarter", date(2025, 9, 30), "2025年第三季度"),
        ("quarter", date(2025, 10, 1), "2025年第四季度"),
        ("half", date(2025, 1, 1), "2025年上半年"),
        ("half", date(2025, 7, 1), "2025年下半年"),
        ("year", date(2025, 1, 1), "2025年度"),
    ],
)
def test_a_period_is_titled_by_its_kind_and_start(kind, start, title):
    assert period_title(kind, start) == title
