"""Stage 12, pool (``pool``, ``pools``): incentive money in integer fen, shared by weight."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kaohe.engine.data import PeriodData
from kaohe.engine.errors import DataError
from kaohe.engine.numeric import largest_remainder_groups, round_half_up
from kaohe.engine.scheme import Scheme
from kaohe.engine.stages.coefficients import Coefficients, Totals
from kaohe.engine.stages.common import problem
from kaohe.engine.stages.grading import Grades
from kaohe.engine.stages.tracks import Tracks


@dataclass(frozen=True)
class Pools:
    pool_names: list[str]
    pool_rules: list[str]
    pool_fen_by: np.ndarray  # people × pools, integer fen
    pool_weight_by: np.ndarray  # people × pools
    pool_fen: np.ndarray
    pool_weight: np.ndarray
    pool_totals: list[int | None]  # fen per pool (None: no amount given)
    pool_total_fen: int | None  # fen over all pools (None: no amount given)


def pool(
    s: Scheme, d: PeriodData, tracks: Tracks, coefs: Coefficients, totals: Totals, grades: Grades
) -> Pools:
    """Incentive pools in integer fen, each shared by weight = pool coefficients × grade coefficient
    (× total) among its members; a pool ``by`` an attribute is one pool per value, each preserved to
    the fen by largest remainder."""
    total, grade, track, track_names = totals.total, grades.grade, tracks.track, tracks.track_names
    n = len(total)
    pools = s.all_pools()
    fen_by = np.zeros((n, len(pools)), dtype=np.int64)
    weight_by = np.zeros((n, len(pools)))
    pool_totals: list[int | None] = []
    grade_names = s.grading.grades
    by_grade = [c for c in s.coefficients.values() if c.kind == "by_grade"]
    gi = np.where(grade >= 0, grade, len(grade_names))
    total_fen = 0
    any_amount = False
    for j, (name, path, pool) in enumerate(pools):
        given = d.pool_amounts.get(name) if path != "pool" else d.pool_amount
        weight = coefs.pool_coef.copy()
        tables = [c.levels or {} for c in by_grade]
        if pool.grade_coefficients:
            tables.append(pool.grade_coefficients)
        for table in tables:
            weight *= np.array([table.get(g, 0.0) for g in grade_names] + [0.0])[gi]
        if pool.basis == "total":
            weight *= np.maximum(total, 0)
        member = grade >= 0
        if pool.tracks:
            member &= np.isin(track, [track_names.index(t) for t in pool.tracks])
        for attr, values in (pool.when or {}).items():
            col = d.people.attributes.get(attr)
            member &= col.isin(values) if col is not None else False
        weight = np.where(member, weight, 0.0)
        if pool.by is None:
            amount = given if isinstance(given, int | float | str) else pool.amount
            seg = np.zeros(n, dtype=np.int64)
            amounts = np.array([np.nan if amount is None else float(amount)])
            seg_names = [name]
        else:
            col = d.people.attributes.get(pool.by) if pool.by != "track" else None
            if pool.by == "track":
                seg, seg_names = track.copy(), list(track_names)
            elif col is None:
                raise DataError(
                    [
                        problem(
                            d,
                            "people",
                            f"column {pool.by}",
                            f"the attribute {path}.by names",
                            "no such column",
                        )
                    ]
                )
            else:
                seg, seg_names = np.where(col.codes >= 0, col.codes, len(col.names)), [*col.names, ""]
            table = dict(pool.amounts or {})
            if isinstance(given, dict):
                table.update({str(k): v for k, v in given.items()})
            fallback = pool.amount if pool.amount is not None else np.nan
            amounts = np.array([float(table.get(v, fallback)) for v in seg_names])
        if np.isnan(amounts).all():
            pool_totals.append(None)
            continue
        any_amount = True
        fen = round_half_up(np.nan_to_num(amounts) * 100.0, 0).astype(np.int64)
        got = largest_remainder_groups(weight, fen, seg, tracks.id_order)
        has = np.bincount(seg, weights=weight, minlength=len(fen)) > 0
        fen_by[:, j] = got
        weight_by[:, j] = weight
        pool_totals.append(int(fen[has].sum()))  # a value with no member shares nothing
        total_fen += int(fen[has].sum())
    return Pools(
        pool_names=[name for name, _path, _p in pools],
        pool_rules=[path for _name, path, _p in pools],
        pool_fen_by=fen_by,
        pool_weight_by=weight_by,
        pool_fen=fen_by.sum(axis=1),
        pool_weight=weight_by[:, 0] if pools else np.zeros(n),
        pool_totals=pool_totals,
        pool_total_fen=total_fen if any_amount else None,
    )
