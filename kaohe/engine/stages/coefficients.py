"""Stage 7, coefficients (``coefficients``): static, dynamic and by component grade, applied to the
total, the bonus or the pool share; then the total."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kaohe.engine.data import PeriodData
from kaohe.engine.errors import ProblemList
from kaohe.engine.formula import FormulaError, evaluate
from kaohe.engine.grading import assign_grades, quota_counts
from kaohe.engine.numeric import round_half_up
from kaohe.engine.scheme import Scheme, coefficient_order
from kaohe.engine.stages.adjustments import Adjustments
from kaohe.engine.stages.aggregation import Aggregated, combine_secondment
from kaohe.engine.stages.common import positions
from kaohe.engine.stages.components import Components
from kaohe.engine.stages.tracks import Tracks


@dataclass(frozen=True)
class Coefficients:
    coefficient_names: list[str]
    coefficients: np.ndarray  # people × coefficients
    total_coef: np.ndarray
    bonus_coef: np.ndarray
    pool_coef: np.ndarray
    component_grade: dict[str, np.ndarray]  # by_component_grade coefficients: grade index per person
    component_grade_rank: dict[str, np.ndarray]  # … and the component's rank within the track


@dataclass(frozen=True)
class Totals:
    bonus: np.ndarray
    total_raw: np.ndarray
    total: np.ndarray  # rounded half up to 2 decimals
    home_value: np.ndarray  # the home unit's value where secondment applies, else NaN


def apply_coefficients(
    s: Scheme, d: PeriodData, tracks: Tracks, comps: Components, base: np.ndarray, problems: ProblemList
) -> Coefficients:
    """Static and dynamic coefficients (by-grade ones are applied in the pool, after grading); a
    dynamic formula reads the period measures, ``base`` and the coefficients before it."""
    n = len(d.people)
    names = list(s.coefficients)
    coefficients = np.ones((n, len(s.coefficients)))
    component_grade: dict[str, np.ndarray] = {}
    component_grade_rank: dict[str, np.ndarray] = {}
    values: dict[str, np.ndarray | float] = {k: np.nan_to_num(v) for k, v in d.people.numbers.items()}
    values.update({"base": base})
    for name in coefficient_order(s):
        c = s.coefficients[name]
        j = names.index(name)
        if c.kind == "static":
            col = d.people.attributes[c.attribute or ""]
            v = col.lookup(c.levels or {}, default=c.default)
        elif c.kind == "by_component_grade":
            v, component_grade[name], component_grade_rank[name] = _component_grade_coefficient(
                s, tracks, comps, name
            )
        elif c.kind == "dynamic":
            try:
                v = np.broadcast_to(evaluate(c.formula or "1", values), (n,)).copy()
            except FormulaError as exc:
                problems.add(
                    f"coefficients.{name}.formula",
                    "names that are period measures or coefficients",
                    str(exc),
                    file="scheme",
                )
                continue
            v = np.where(np.isfinite(v), v, c.default)
        else:
            continue
        if c.clip is not None:
            v = np.clip(v, c.clip[0], c.clip[1])
        coefficients[:, j] = v
        values[name] = v
    applies = np.array([c.applies_to for c in s.coefficients.values()])
    kinds = np.array([c.kind for c in s.coefficients.values()])
    static_pool = (applies == "pool") & (kinds != "by_grade") if len(applies) else np.zeros(0, dtype=bool)
    return Coefficients(
        coefficient_names=names,
        coefficients=coefficients,
        total_coef=coefficients[:, applies == "total"].prod(axis=1) if len(applies) else np.ones(n),
        bonus_coef=coefficients[:, applies == "bonus"].prod(axis=1) if len(applies) else np.ones(n),
        pool_coef=coefficients[:, static_pool].prod(axis=1) if len(applies) else np.ones(n),
        component_grade=component_grade,
        component_grade_rank=component_grade_rank,
    )


def _component_grade_coefficient(
    s: Scheme, tracks: Tracks, comps: Components, name: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Seed 000 身份线: rank one component's score (rounded half up to 2 decimals; ties by person id)
    within the track, hand out the coefficient's own grades by its quotas (ceilings and floors per
    track, as grading does), and give each person the level of that grade. Everyone with a track is
    ranked here: eligibility concerns the appraisal grade, not this component grade. Returns (the
    level per person, the component grade's index, the component's rank in the track)."""
    c = s.coefficients[name]
    assert c.component is not None and c.grades is not None
    n_t = len(tracks.track_names)
    score = round_half_up(comps.components[:, comps.component_names.index(c.component)], 2)
    order = np.lexsort((tracks.id_order, -score, tracks.track))
    sizes = np.bincount(tracks.track, minlength=n_t).astype(np.float64)
    n_g = len(c.grades)
    ceilings = np.full((n_t, n_g), np.inf)
    floors = np.zeros((n_t, n_g))
    for gname, rule in (c.quotas or {}).items():
        j = c.grades.index(gname)
        if rule.at_most is not None:
            got = quota_counts(np.asarray(rule.at_most.value), rule.at_most.is_share, sizes, rule.rounding)
            ceilings[:, j] = np.minimum(np.maximum(got, np.minimum(rule.minimum, sizes)), sizes)
        if rule.at_least is not None:
            floors[:, j] = quota_counts(
                np.asarray(rule.at_least.value), rule.at_least.is_share, sizes, rule.rounding
            )
    n = len(tracks.track)
    res = assign_grades(
        order,
        tracks.track,
        n_t,
        np.zeros(n, dtype=np.int64),
        np.full(n, -1, dtype=np.int64),
        np.ones(n, dtype=bool),
        ceilings,
        floors,
    )
    table = np.array([(c.levels or {}).get(g, c.default) for g in c.grades] + [c.default])
    level = table[np.where(res.grade >= 0, res.grade, n_g)]
    return level, res.grade, positions(order, tracks.track, n_t)


def total(s: Scheme, agg: Aggregated, adj: Adjustments, coefs: Coefficients) -> Totals:
    """(base + bonus × bonus coefficient − deductions) × total coefficient, then secondment at stage
    total, rounded half up to 2 decimals."""
    bonus = adj.bonus_raw * coefs.bonus_coef + adj.kpi_bonus
    raw = (agg.base + bonus - adj.deduction) * coefs.total_coef
    raw, home = combine_secondment(s, "total", raw, agg.host_share, agg.host_score)
    at_total = s.secondment is not None and s.secondment.stage == "total"
    return Totals(
        bonus=bonus,
        total_raw=raw,
        total=round_half_up(raw, 2),
        home_value=home if at_total else agg.home_value,
    )
