"""A period's span: one rule for the appraisal cycle and the work-log pages (pure)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaohe.engine.periods import KINDS, span


@pytest.mark.parametrize(
    ("kind", "day", "expected"),
    [
        ("month", date(2025, 2, 14), (date(2025, 2, 1), date(2025, 2, 28), "2025-02")),
        ("month", date(2024, 2, 10), (date(2024, 2, 1), date(2024, 2, 29), "2024-02")),
        ("quarter", date(2025, 5, 1), (date(2025, 4, 1), date(2025, 6, 30), "2025Q2")),
        ("quarter", date(2025, 12, 31), (date(2025, 10, 1), date(2025, 12, 31), "2025Q4")),
        ("half", date(2025, 12, 31), (date(2025, 7, 1), date(2025, 12, 31), "2025H2")),
        ("half", date(2025, 6, 30), (date(2025, 1, 1), date(2025, 6, 30), "2025H1")),
        ("year", date(2025, 3, 3), (date(2025, 1, 1), date(2025, 12, 31), "2025")),
        ("week", date(2025, 6, 5), (date(2025, 6, 2), date(2025, 6, 8), "2025W23")),
        ("week", date(2025, 12, 31), (date(2025, 12, 29), date(2026, 1, 4), "2026W01")),
    ],
)
def test_span_covers_the_period_containing_the_day(kind, day, expected):
    got = span(kind, day)
    assert (got.first, got.last, got.code) == expected
    assert got.bounds == expected[:2]


def test_an_unknown_kind_is_refused_naming_the_kinds():
    with pytest.raises(ValueError, match="fortnight.*month"):
        span("fortnight", date(2025, 1, 1))


@given(st.sampled_from(KINDS), st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_spans_tile_time(kind, day):
    """Every day lies in its span, and the day after a span's last starts the next span."""
    got = span(kind, day)
    assert got.first <= day <= got.last
    after = span(kind, got.last + timedelta(days=1))
    assert after.first == got.last + timedelta(days=1)
    assert after.code > got.code
