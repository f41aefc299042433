"""Stage 6, adjustments (``adjustments``, ``caps``, ``vetoes``): bonus and deduction points per
category, capped; vetoes' deductions; KPI multiples."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kaohe.engine.data import PeriodData
from kaohe.engine.scheme import Scheme


@dataclass(frozen=True)
class Adjustments:
    adjustment_names: list[str]
    adjustment_raw: np.ndarray  # people × categories
    adjustment: np.ndarray  # people × categories, after caps
    cap_applied: np.ndarray  # people × caps
    cap_limit: np.ndarray  # people × caps
    bonus_raw: np.ndarray
    veto_deduct: np.ndarray
    deduction: np.ndarray
    kpi_bonus: np.ndarray


def adjust(s: Scheme, d: PeriodData, base: np.ndarray, kpi_multiple_points: np.ndarray) -> Adjustments:
    """Per category sums of approved claims and miss notices, then caps in scheme order (a cap's limit
    may be a share of ``base``); vetoes' deductions; KPI multiples as bonus or deduction."""
    n = len(d.people)
    cats = list(s.adjustments)
    k = len(cats)
    raw = np.zeros((n, k))
    t = d.claims
    if len(t) and "category#" in t.columns:
        ok = t.num("category#") >= 0
        if "approved" in t.columns:
            ok &= t.num("approved").astype(bool)
        raw += np.bincount(
            t.person[ok] * k + t.num("category#")[ok], weights=t.num("points")[ok], minlength=n * k
        ).reshape(n, k)
    misses = d.people.numbers.get("misses")
    for j, adj in enumerate(s.adjustments.values()):
        if adj.source == "worklog_misses" and misses is not None:
            raw[:, j] += np.nan_to_num(misses) * (adj.per_event or 0.0)
    capped = raw.copy()
    cap_applied = np.zeros((n, len(s.caps)), dtype=bool)
    cap_limit = np.zeros((n, len(s.caps)))
    for ci, cap in enumerate(s.caps.values()):
        cols = (
            [cats.index(c) for c in cap.categories]
            if cap.categories
            else [j for j, a in enumerate(s.adjustments.values()) if a.kind == cap.kind]
        )
        if not cols:
            continue
        got = capped[:, cols].sum(axis=1)
        limit = cap.at_most.resolve(base)
        over = got > limit + 1e-12
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(over, limit / got, 1.0)
        capped[:, cols] *= scale[:, None]
        cap_applied[:, ci] = over
        cap_limit[:, ci] = limit
    kinds = np.array([a.kind == "bonus" for a in s.adjustments.values()], dtype=bool)
    bonus_raw = capped[:, kinds].sum(axis=1) if k else np.zeros(n)
    veto_deduct: np.ndarray = np.zeros(n)
    if len(d.flags) and "item#" in d.flags.columns:
        per_item = np.array([v.deduct for v in s.vetoes.values()] + [0.0])
        item = d.flags.num("item#")
        veto_deduct = np.bincount(
            d.flags.person, weights=per_item[np.where(item >= 0, item, -1)], minlength=n
        )
    kpi = kpi_multiple_points
    return Adjustments(
        adjustment_names=cats,
        adjustment_raw=raw,
        adjustment=capped,
        cap_applied=cap_applied,
        cap_limit=cap_limit,
        bonus_raw=bonus_raw,
        veto_deduct=veto_deduct,
        deduction=(capped[:, ~kinds].sum(axis=1) if k else np.zeros(n)) + veto_deduct + np.maximum(-kpi, 0),
        kpi_bonus=np.maximum(kpi, 0),
    )
