"""The annual roll-up's figure (kaohe.appraisal.annual) is the engine's aggregation: for random earlier
totals and each aggregation option, a year computed by compute() and the roll-up agree."""

from __future__ import annotations

import itertools
import zlib

import numpy as np
import pytest

from kaohe.appraisal.annual import Part, annual_total, parts_of
from kaohe.engine import compute

from .helpers import data, scheme, table

QUARTERS = [f"2025-Q{q}" for q in range(1, 5)]
MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]
HOWS = ["mean", "sum", "last"]


def random_history(rng: np.random.Generator, n: int):
    """previous.csv rows (shuffled) and, per person, kind → totals oldest first (the roll-up's view)."""
    rows: list[tuple[int, str, str, float]] = []
    per_person: list[dict[str, list[float]]] = []
    for i in range(n):
        mine: dict[str, list[float]] = {}
        for kind, periods in (("quarter", QUARTERS), ("month", MONTHS)):
            had = sorted(rng.choice(periods, size=rng.integers(0, len(periods) + 1), replace=False))
            totals = [float(x) for x in np.round(rng.uniform(50, 100, size=len(had)), 2)]
            rows += [(i, p, kind, t) for p, t in zip(had, totals, strict=True)]
            if had:
                mine[kind] = totals
        per_person.append(mine)
    order = rng.permutation(len(rows))
    rows = [rows[k] for k in order]
    prev = table(
        [r[0] for r in rows],
        period=[r[1] for r in rows],
        kind=[r[2] for r in rows],
        total=[r[3] for r in rows],
    )
    return prev, per_person


def options():
    """(quarter part, month part) option pairs: how, last, include_current, a share by track."""
    for how, last, with_current in itertools.product(HOWS, [None, 1, 2], [False, True]):
        if with_current and how != "mean":
            continue
        quarter = {"from": "quarter", "share": "70%", "how": how, "include_current": with_current}
        if last is not None:
            quarter["last"] = last
        month = {"from": "month", "share": "30%", "how": "mean", "share_by_track": {"乙": "50%"}}
        quarter_by_track = {**quarter, "share_by_track": {"乙": "50%"}}
        yield {"季度": quarter_by_track, "月度": month}


@pytest.mark.parametrize("parts", list(options()))
def test_the_rollup_figure_is_the_engines_annual_total(parts):
    rng = np.random.default_rng(zlib.crc32(str(parts).encode()))
    n = 60
    prev, per_person = random_history(rng, n)
    ids = [f"p{i:02d}" for i in range(n)]
    tracks = ["甲" if i % 3 else "乙" for i in range(n)]
    current = np.round(rng.uniform(40, 100, size=n), 2).tolist()
    s = scheme(period="year", aggregation={"parts": parts})
    r = compute(s, data(ids, current, identity=tracks, previous=prev))
    rollup_parts = parts_of(s)
    checked = 0
    for i in range(n):
        got = annual_total(rollup_parts, per_person[i], current=float(r.base_current[i]), track=tracks[i])
        if set(per_person[i]) == {"quarter", "month"}:
            assert got == float(r.total[i]), (i, per_person[i])
            checked += 1
        else:
            assert got is None  # a part with nothing to read yet: no figure
    assert checked > n // 3


def test_the_rollup_cannot_apply_the_years_own_computation_before_it_exists():
    parts = [Part("current", 0.5), Part("quarter", 0.5)]
    assert annual_total(parts, {"quarter": [80.0]}) is None


def test_without_the_current_value_a_mean_that_counts_it_reads_the_periods_found():
    parts = [Part("quarter", 1.0, include_current=True)]
    assert annual_total(parts, {"quarter": [80.0, 90.0]}) == 85.0
    assert annual_total(parts, {"quarter": [80.0, 90.0]}, current=100.0) == 90.0


def test_a_share_by_track_applies_to_that_tracks_people():
    parts = [Part("quarter", 0.6, share_by_track={"乙": 0.4}), Part("month", 0.4, share_by_track={"乙": 0.6})]
    totals = {"quarter": [90.0], "month": [80.0]}
    assert annual_total(parts, totals, track="乙") == pytest.approx(0.4 * 90 + 0.6 * 80)
    assert annual_total(parts, totals, track="甲") == pytest.approx(0.6 * 90 + 0.4 * 80)
