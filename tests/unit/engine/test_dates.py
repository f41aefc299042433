"""Whole months and days as the regulations count them ("不满半年" = fewer than six full months)."""

from datetime import date

import pytest

from kaohe.engine.dates import add_months, full_months, months_and_days


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2025, 1, 31), date(2025, 7, 30), 5),  # the brief's boundary: not yet half a year
        (date(2025, 1, 31), date(2025, 7, 31), 6),
        (date(2025, 1, 31), date(2025, 2, 27), 0),
        (date(2025, 1, 31), date(2025, 2, 28), 1),  # no 31 February: the month ends on its last day
        (date(2024, 1, 31), date(2024, 2, 28), 0),  # leap year: February ends on the 29th
        (date(2024, 1, 31), date(2024, 2, 29), 1),
        (date(2025, 1, 31), date(2025, 6, 30), 5),  # 30 June is the sixth month's end only for the 30th
        (date(2025, 1, 30), date(2025, 7, 29), 5),
        (date(2025, 1, 30), date(2025, 7, 30), 6),
        (date(2024, 2, 29), date(2025, 2, 28), 12),  # a year from a leap day
        (date(2024, 2, 29), date(2025, 2, 27), 11),
        (date(2025, 7, 1), date(2025, 12, 31), 5),
        (date(2025, 7, 1), date(2026, 1, 1), 6),
        (date(2025, 3, 15), date(2025, 3, 15), 0),
        (date(2020, 12, 31), date(2025, 12, 31), 60),
    ],
)
def test_full_months_at_the_boundaries(start, end, months):
    assert full_months(start, end) == months


def test_full_months_backwards_is_negative():
    assert full_months(date(2025, 7, 31), date(2025, 1, 31)) == -6
    assert full_months(date(2025, 7, 30), date(2025, 1, 31)) == -5


def test_months_and_days_splits_the_remainder():
    assert months_and_days(date(2025, 1, 31), date(2025, 7, 30)) == (5, 30)
    assert months_and_days(date(2025, 1, 31), date(2025, 3, 1)) == (1, 1)  # 28 Feb + 1 day
    assert months_and_days(date(2024, 1, 31), date(2024, 3, 1)) == (1, 1)  # 29 Feb + 1 day
    assert months_and_days(date(2025, 5, 10), date(2025, 5, 9 + 1)) == (0, 0)
    with pytest.raises(ValueError, match="before start"):
        months_and_days(date(2025, 5, 10), date(2025, 5, 9))


def test_add_months_clamps_and_goes_back():
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2025, 3, 31), -1) == date(2025, 2, 28)
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)
