"""Tail rules: a rule naming several tracks ranks across them together; a rule over a window of
periods fires only once the window is complete."""

from __future__ import annotations

import numpy as np

from kaohe.engine import compute

from .helpers import data, scheme, table

THREE_TRACKS = {
    "__replace__": True,
    "甲": {"identity": "甲"},
    "乙": {"identity": "乙"},
    "丙": {"identity": "丙"},
}


def hit(result, rule: str) -> list[str]:
    j = result.tail_names.index(rule)
    return [str(result.data.people.ids[i]) for i in np.flatnonzero(result.tail_hits[:, j])]


def test_a_rule_naming_two_tracks_takes_the_bottom_of_both_together():
    s = scheme(
        tracks=THREE_TRACKS,
        tail_rules={"后二位": {"tracks": ["甲", "乙"], "bottom": 2, "action": "表态"}},
    )
    # 甲: a 90, b 50; 乙: c 80, d 70; 丙: e 10 (not named). Together: a c d b → bottom two d, b.
    d = data(["a", "b", "c", "d", "e"], [90, 50, 80, 70, 10], identity=["甲", "甲", "乙", "乙", "丙"])
    r = compute(s, d)
    assert sorted(hit(r, "后二位")) == ["b", "d"]  # within each track it would be all four


def test_a_rule_naming_one_track_still_ranks_within_it():
    s = scheme(tracks=THREE_TRACKS, tail_rules={"末位": {"tracks": ["乙"], "bottom": 1, "action": "表态"}})
    d = data(["a", "c", "d"], [10, 80, 70], identity=["甲", "乙", "乙"])
    assert hit(compute(s, d), "末位") == ["d"]


def test_consecutive_across_tracks_ranks_earlier_periods_by_their_totals_in_the_group():
    s = scheme(
        period="month",
        tracks=THREE_TRACKS,
        tail_rules={"连续末位": {"tracks": ["甲", "乙"], "bottom": 1, "consecutive": 2, "action": "表态"}},
    )
    # This month the group's last is b (50). Last month b had 95 and c was last (60): no tail for b;
    # with last month's roles swapped b is last twice.
    ids, idents = ["a", "b", "c"], ["甲", "甲", "乙"]
    earlier = table([0, 1, 2], period=["2025-05"] * 3, kind=["month"] * 3, total=[80, 95, 60])
    assert hit(compute(s, data(ids, [90, 50, 80], identity=idents, previous=earlier)), "连续末位") == []
    earlier = table([0, 1, 2], period=["2025-05"] * 3, kind=["month"] * 3, total=[80, 55, 60])
    assert hit(compute(s, data(ids, [90, 50, 80], identity=idents, previous=earlier)), "连续末位") == ["b"]


def test_a_window_rule_does_not_fire_before_its_window_is_complete():
    s = scheme(
        period="month", tail_rules={"季度靠后": {"bottom": 1, "over": "quarter", "action": "谈话提醒"}}
    )
    ids = ["a", "b"]
    first = compute(s, data(ids, [90, 50]))
    assert hit(first, "季度靠后") == []  # a first month is not a quarter
    two = table(
        [0, 1, 0, 1],
        period=["2025-04", "2025-04", "2025-05", "2025-05"],
        kind=["month"] * 4,
        total=[80, 70, 80, 70],
    )
    assert hit(compute(s, data(ids, [90, 50], previous=two)), "季度靠后") == ["b"]
    one = table([0, 1], period=["2025-05"] * 2, kind=["month"] * 2, total=[80, 70])
    assert hit(compute(s, data(ids, [90, 50], previous=one)), "季度靠后") == []
