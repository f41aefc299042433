"""What a scheme reads for a period besides people and their scores: the period measures its dynamic
coefficient formulas name, the unit grades and honours its quotas name, its pools, and the pay amount
a pay factor gives on a pay base. Pure: the app asks these to know what to collect and to check what
the office enters; it never guesses a name the scheme does not use."""

from __future__ import annotations

import numpy as np

from kaohe.engine.formula import FormulaError, formula_names
from kaohe.engine.numeric import round_half_up
from kaohe.engine.scheme import Scheme

# Numbers every period's data carries without an office entering them (the app computes them from
# the work logs, leave, records and secondments), and ``base``, the score before coefficients: a
# formula may read them, but they are not period measures.
COMPUTED_NUMBERS = frozenset(
    {
        "base",
        "months_in_unit",
        "leave_days",
        "working_days",
        "filled",
        "reviewed",
        "misses",
        "sanction_months_ago",
        "sanction_year",
        "probation",
        "host_share",
        "host_score",
    }
)


def formula_measures(s: Scheme) -> list[str]:
    """The period measures the scheme reads (001: ``gdp_growth``, ``econ_share``): the names its
    dynamic coefficient formulas use that are neither coefficients nor numbers the app computes, in
    the order they first appear. A formula that does not parse names nothing (the scheme's own
    checks report it)."""
    out: dict[str, None] = {}
    for c in s.coefficients.values():
        if c.kind != "dynamic" or not c.formula:
            continue
        try:
            names = formula_names(c.formula)
        except FormulaError:
            continue
        for name in sorted(names):
            if name not in s.coefficients and name not in COMPUTED_NUMBERS:
                out.setdefault(name, None)
    return list(out)


def unit_grades(s: Scheme) -> list[str]:
    """The unit grades the quotas name (``by_unit_grade``), in the scheme's order."""
    out: dict[str, None] = {}
    for rule in (s.grading.quotas or {}).values():
        out.update(dict.fromkeys(rule.by_unit_grade or {}))
    return list(out)


def honours(s: Scheme) -> list[str]:
    """The unit honours the quotas add places for (``by_honour``), in the scheme's order."""
    out: dict[str, None] = {}
    for rule in (s.grading.quotas or {}).values():
        out.update(dict.fromkeys(rule.by_honour or {}))
    return list(out)


def reads_unit_grades(s: Scheme) -> bool:
    """Whether a quota rule reads the unit's grade or honours."""
    return bool(unit_grades(s) or honours(s))


def pool_names(s: Scheme) -> list[str]:
    """The names the period data gives pool amounts under: ``激励资金`` for ``pool``, then each
    entry of ``pools``."""
    return [name for name, _path, _pool in s.all_pools()]


def pool_parts(s: Scheme, name: str) -> str | None:
    """The attribute a pool is shared ``by`` (one amount per value: unit, track…), or None for one
    amount for the whole pool."""
    for pname, _path, p in s.all_pools():
        if pname == name:
            return p.by
    return None


def pays(s: Scheme) -> bool:
    """Whether the scheme's grades set a pay factor (``consequences.pay_factor``)."""
    return bool(s.consequences.pay_factor)


def pay_factor_of(s: Scheme, grade: str) -> float:
    """The pay factor of one grade (0 for a grade the scheme gives none), as the tail stage reads it;
    for a grade the committee changes after computing."""
    return float((s.consequences.pay_factor or {}).get(grade, 0.0))


def pay_fen(base_fen: np.ndarray, factor: np.ndarray, graded: np.ndarray) -> np.ndarray:
    """Pay amounts in integer fen: the pay base × (1 + the grade's pay factor), half up to the fen
    (优秀 +20% on a base of 3,000.00 yuan → 3,600.00). -1 where there is no amount: no pay base, or no
    grade (an ungraded person's pay is not the grade's to set). Never 0 for a missing input."""
    base = np.asarray(base_fen, dtype=np.float64)
    amount = round_half_up(base * (1.0 + np.asarray(factor, dtype=np.float64)), 0)
    ok = np.isfinite(amount) & (base >= 0) & np.asarray(graded, dtype=bool)
    return np.where(ok, np.nan_to_num(amount), -1).astype(np.int64)


def fen_text(fen: float | None) -> str:
    """Fen as yuan with two decimals and thousands separators (360000 → "3,600.00"; None → "")."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{yuan:,}.{cents:02d}"
