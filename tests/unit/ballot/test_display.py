"""The ballot pages show scores rounded half up by the engine's rounding, with two decimals."""

from decimal import Decimal

import pytest

from kaohe.ballot.templatetags.ballot_tags import percent, score


@pytest.mark.parametrize(
    ("value", "shown"),
    [(88.705, "88.71"), (89.994999999999, "89.99"), (89.995, "90.00"), (90, "90.00"), (2.675, "2.68")],
)
def test_scores_show_two_decimals_rounded_half_up(value, shown):
    assert score(value) == Decimal(shown) and str(score(value)) == shown


def test_no_score_shows_nothing_and_shares_show_one_decimal():
    assert score(None) == ""
    assert percent(2 / 3) == "66.7%" and percent(0.75) == "75.0%"
