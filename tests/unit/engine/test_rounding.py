"""Half-up rounding: the one implementation (kaohe.engine.numeric) rounds the decimal a float stands
for, as an office rounds it, whatever binary noise the float carries."""

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaohe.engine.numeric import round_half_up, round_half_up_scalar


def decimal_half_up(text: str, places: int) -> float:
    return float(Decimal(text).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2.675, 2.68),  # 2.67499999999999982236431605997495353221893310546875 in binary
        (1.005, 1.01),
        (84.125, 84.13),
        (88.705, 88.71),
        (89.994999999999, 89.99),  # not 90.00: the nudge of the old engine copy lifted it
        (89.995, 90.00),
        (-2.675, -2.68),
        (-1.005, -1.01),
        (0.0, 0.0),
        (99.60499999999999, 99.61),  # 99.605 computed in binary (preset 001, S07): noise, not a digit
    ],
)
def test_it_rounds_the_decimal_the_float_stands_for(value, expected):
    assert round_half_up(np.array([value]))[0] == expected
    assert round_half_up_scalar(value) == expected


def test_nan_and_infinities_stay_as_they_are():
    got = round_half_up(np.array([np.nan, np.inf, -np.inf]))
    assert np.isnan(got[0]) and got[1] == np.inf and got[2] == -np.inf
    assert np.isnan(round_half_up_scalar(float("nan")))


def test_it_rounds_to_whole_numbers_and_other_places():
    assert list(round_half_up(np.array([0.5, 1.5, 2.5, -0.5, 28.499999999999996]), 0)) == [1, 2, 3, -1, 29]
    assert round_half_up_scalar(66.66666666666667, 1) == 66.7
    assert round_half_up_scalar(3.14159, 4) == 3.1416


def test_huge_values_come_back_unchanged():
    assert round_half_up_scalar(1.2345e15) == 1.2345e15


def test_a_scalar_and_an_array_give_the_same():
    values = np.array([2.675, 1.005, 89.994999999999, -0.125])
    assert list(round_half_up(values)) == [round_half_up_scalar(float(v)) for v in values]


# Floats with up to 6 decimals and magnitudes up to 1e6: built from their decimal digits.
decimals_text = st.builds(
    lambda units, places: str(Decimal(units).scaleb(-places)),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.integers(min_value=0, max_value=6),
).filter(lambda text: abs(Decimal(text)) <= 10**6)


@given(decimals_text, st.integers(min_value=0, max_value=4))
def test_it_agrees_with_decimal_half_up_of_the_repr(text, places):
    x = float(text)
    assert round_half_up_scalar(x, places) == decimal_half_up(repr(x), places)


@given(
    st.integers(min_value=-(10**9), max_value=10**9),
    st.integers(min_value=1, max_value=3),
    st.integers(min_value=-2, max_value=2),
)
def test_half_points_round_up_through_a_few_ulps_of_noise(units, places, ulps):
    """k + ½ at ``places`` decimals, nudged by up to two ulps (what a few operations leave), rounds
    away from zero (half a unit of the 15th digit is at least 2.25 ulps); the grid point one digit
    below the half point rounds towards zero."""
    half = Decimal(units).scaleb(-places) + Decimal(5).scaleb(-places - 1).copy_sign(Decimal(units or 1))
    expected = decimal_half_up(str(half), places)
    x = float(half)
    for _ in range(abs(ulps)):
        x = float(np.nextafter(x, np.inf if ulps > 0 else -np.inf))
    assert round_half_up_scalar(x, places) == expected
    below = half - Decimal(1).scaleb(-places - 1).copy_sign(half)
    assert round_half_up_scalar(float(below), places) == decimal_half_up(str(below), places)


@given(st.floats(min_value=-1e6, max_value=1e6), st.integers(min_value=0, max_value=4))
def test_any_float_rounds_as_its_fifteen_significant_digits(x, places):
    assert round_half_up_scalar(x, places) == decimal_half_up(format(x, ".15g"), places)


@given(st.lists(st.floats(min_value=-1e6, max_value=1e6), max_size=20))
def test_the_vectorised_form_is_the_scalar_form_element_by_element(values):
    got = round_half_up(np.array(values, dtype=np.float64))
    assert list(got) == [round_half_up_scalar(v) for v in values]
