"""Stage 1, tracks (``tracks``): who competes with whom, and each person id's sort position."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kaohe.engine.data import PeriodData
from kaohe.engine.errors import ProblemList
from kaohe.engine.scheme import Scheme
from kaohe.engine.stages.common import report_rows


@dataclass(frozen=True)
class Tracks:
    track: np.ndarray  # track index per person (into track_names)
    track_names: list[str]
    track_explicit: np.ndarray  # 1 where the data's track column chose the track
    id_order: np.ndarray  # position of the person id in sorted order (the last tie-break everywhere)


def assign_tracks(scheme: Scheme, data: PeriodData, problems: ProblemList) -> Tracks:
    """First matching track in scheme order; an explicit track column wins. Everyone needs a track:
    people without one are added to ``problems``."""
    s, people = scheme, data.people
    n = len(people)
    names = list(s.tracks)
    track = np.full(n, -1, dtype=np.int64)
    matched_by = np.zeros(n, dtype=np.int8)  # 0 condition, 1 explicit
    # Evaluate conditions on the distinct combinations of the attributes they read, not on every
    # person: 2,000 tracks × 100,000 people would be 2·10^8 comparisons, combinations are far fewer.
    used = sorted({a for cond in s.tracks.values() for a in cond})
    for attr in used:
        if attr not in people.attributes:
            problems.add(
                f"column {attr}", "an attribute that the tracks' conditions select on", "no such column"
            )
    used = [a for a in used if a in people.attributes]
    if used:
        stacked = np.stack([people.attributes[a].codes for a in used], axis=1)
        combos, inverse = np.unique(stacked, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
    else:
        combos, inverse = np.zeros((1, 0), dtype=np.int32), np.zeros(n, dtype=np.int64)
    code_of = {a: {nm: i for i, nm in enumerate(people.attributes[a].names)} for a in used}
    combo_track = np.full(len(combos), -1, dtype=np.int64)
    for t, cond in enumerate(s.tracks.values()):
        mask = np.ones(len(combos), dtype=bool)
        for attr, values in cond.items():
            if attr not in code_of:
                mask &= False
                continue
            wanted = [code_of[attr][v] for v in values if v in code_of[attr]]
            mask &= np.isin(combos[:, used.index(attr)], wanted)
        combo_track[(combo_track < 0) & mask] = t
    track[:] = combo_track[inverse]
    explicit_col = people.track
    if explicit_col is not None:
        explicit = explicit_col.recode(names)
        bad = np.flatnonzero(explicit == -2)
        report_rows(
            problems,
            "people",
            data,
            bad,
            "track",
            f"a track of the scheme {names}",
            explicit_col.value,
        )
        given = explicit >= 0
        track[given] = explicit[given]
        matched_by[given] = 1
    if not problems.items:
        missing = np.flatnonzero(track < 0)
        report_rows(
            problems,
            "people",
            data,
            missing,
            "track",
            "a person who matches one of the tracks' conditions (or a track column)",
            lambda i: f"{people.ids[i]} matches none",
        )
    return Tracks(track=track, track_names=names, track_explicit=matched_by, id_order=id_order(data))


def id_order(data: PeriodData) -> np.ndarray:
    """Position of each person id in sorted order."""
    n = len(data.people)
    ids = np.asarray(data.people.ids).astype(str)
    out = np.empty(n, dtype=np.int64)
    out[np.argsort(ids, kind="stable")] = np.arange(n)
    return out
