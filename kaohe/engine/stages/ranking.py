"""Stage 9, ranking (``grading.tie_break``, ``grading.rank_ungraded``, ``grading.quota_groups``): the
rank within the track and within the quota group."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kaohe.engine.data import Codes, PeriodData
from kaohe.engine.errors import DataError
from kaohe.engine.numeric import round_half_up
from kaohe.engine.scheme import Scheme
from kaohe.engine.stages.adjustments import Adjustments
from kaohe.engine.stages.aggregation import Aggregated
from kaohe.engine.stages.coefficients import Totals
from kaohe.engine.stages.common import positions, problem
from kaohe.engine.stages.components import Components
from kaohe.engine.stages.eligibility import Eligibility
from kaohe.engine.stages.tracks import Tracks


@dataclass(frozen=True)
class Ranking:
    tie_keys: list[np.ndarray]  # np.lexsort keys of the tie-break (last key is primary)
    ranked: np.ndarray  # people who take a rank place
    rank: np.ndarray  # 1-based within the track, 0 for people without a rank place
    track_size: np.ndarray  # people ranked in the person's track
    group: np.ndarray  # quota group index
    group_names: list[str]
    group_order: np.ndarray  # people sorted by (quota group, rank)
    group_rank: np.ndarray
    group_size: np.ndarray


def rank(
    s: Scheme,
    d: PeriodData,
    tracks: Tracks,
    comps: Components,
    agg: Aggregated,
    adj: Adjustments,
    totals: Totals,
    elig: Eligibility,
) -> Ranking:
    """Rank within the track and within the quota group, ties by ``grading.tie_break`` then person id."""
    n = len(d.people)
    ids = tracks.id_order.astype(np.float64)
    # The measures tie_break may name; the fixed names win over a component of the same name.
    measures = {c: round_half_up(comps.components[:, i], 2) for i, c in enumerate(comps.component_names)}
    measures |= {
        "total": totals.total,
        "base": round_half_up(agg.base, 2),
        "bonus": round_half_up(totals.bonus, 2),
        "deduction": round_half_up(adj.deduction, 2),
        "person": ids,
        "staff_no": ids,
    }
    keys = _sort_keys(s.grading.tie_break, measures, d.people.attributes, ids)
    # People without a grade take no rank place (unless grading.rank_ungraded): they sort last in
    # their track and get rank 0, shown as 不定等次.
    ranked = np.ones(n, dtype=bool) if s.grading.rank_ungraded else ~elig.no_grade
    last = (~ranked).astype(np.int8)
    track, n_t = tracks.track, len(tracks.track_names)
    order = np.lexsort(keys + [last, track])
    group, group_names = _quota_groups(s, d, tracks)
    group_order = np.lexsort(keys + [last, group])
    return Ranking(
        tie_keys=keys,
        ranked=ranked,
        rank=np.where(ranked, positions(order, track, n_t), 0),
        track_size=np.bincount(track[ranked], minlength=n_t)[track],
        group=group,
        group_names=group_names,
        group_order=group_order,
        group_rank=np.where(ranked, positions(group_order, group, len(group_names)), 0),
        group_size=np.bincount(group[ranked], minlength=len(group_names))[group],
    )


def _sort_keys(
    tie_break: list[str], measures: dict[str, np.ndarray], attributes: dict[str, Codes], ids: np.ndarray
) -> list[np.ndarray]:
    """np.lexsort keys for the tie-break order (last key is primary), person id always last resort. A
    name that is not a measure is a person attribute, ordered by its values' names (absent: all equal)."""
    keys: list[np.ndarray] = []
    for item in tie_break:
        name, direction = item.split()
        if name in measures:
            v = measures[name]
        else:
            col = attributes.get(name)
            v = np.zeros(len(ids)) if col is None else _name_order(col)
        keys.append(-v if direction == "desc" else v)
    keys.append(ids)
    return keys[::-1]


def _name_order(col: Codes) -> np.ndarray:
    rank = np.argsort(np.argsort(np.array(col.names, dtype=object), kind="stable"))
    return np.where(col.codes >= 0, np.append(rank, 0)[col.codes], -1).astype(np.float64)


def _quota_groups(s: Scheme, d: PeriodData, tracks: Tracks) -> tuple[np.ndarray, list[str]]:
    """Group key = the ``quota_groups.by`` attributes; small groups merged into one pool per track (when
    grouping by track) or overall. Returns (group index per person, group names)."""
    q = s.grading.quota_groups
    n = len(d.people)
    cols: list[np.ndarray] = []
    labels: list[list[str]] = []
    for key in q.by:
        if key == "track":
            cols.append(tracks.track)
            labels.append(tracks.track_names)
        else:
            col = d.people.attributes.get(key)
            if col is None:
                raise DataError(
                    [
                        problem(
                            d,
                            "people",
                            f"column {key}",
                            "the attribute grading.quota_groups.by names",
                            "no such column",
                        )
                    ]
                )
            cols.append(col.codes.astype(np.int64) + 1)
            labels.append(["", *col.names])
    if not cols:
        cols, labels = [np.zeros(n, dtype=np.int64)], [["全体"]]
    stacked = np.stack(cols, axis=1)
    uniq, group = np.unique(stacked, axis=0, return_inverse=True)
    group = group.reshape(-1)
    names = ["·".join(lab[v] for lab, v in zip(labels, row, strict=True) if lab[v]) or "全体" for row in uniq]
    if q.merge_below:
        sizes = np.bincount(group, minlength=len(uniq))
        small = sizes < q.merge_below
        if small.sum() > 1:
            track_pos = q.by.index("track") if "track" in q.by else None
            pool_key = uniq[:, track_pos] if track_pos is not None else np.zeros(len(uniq), dtype=np.int64)
            new_names = [nm for nm, sm in zip(names, small, strict=True) if not sm]
            remap = np.full(len(uniq), -1, dtype=np.int64)
            remap[~small] = np.arange((~small).sum())
            for key in np.unique(pool_key[small]):
                members = small & (pool_key == key)
                if members.sum() < 2:
                    remap[members] = len(new_names)
                    new_names.append(names[int(np.flatnonzero(members)[0])])
                    continue
                remap[members] = len(new_names)
                prefix = tracks.track_names[int(key)] + "·" if track_pos is not None else ""
                new_names.append(prefix + q.merged_name)
            group, names = remap[group], new_names
    return group, names
