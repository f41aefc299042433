"""Stage 8, eligibility (``eligibility``, ``vetoes``, ballot ``vote_rules``): who may get which grade —
no grade (pending, comment only), a grade at most X, a fixed grade."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kaohe.engine.data import PeriodData
from kaohe.engine.history import History
from kaohe.engine.scheme import UNGRADED_EFFECTS, Scheme
from kaohe.engine.stages.ballots import Ballots


@dataclass(frozen=True)
class Eligibility:
    rules: list[tuple[str, str, str, str]]  # (rule path, effect, grade, reason)
    rule_hits: np.ndarray  # people × rules
    elig_cap: np.ndarray  # best grade index allowed by the rules
    fixed: np.ndarray  # fixed grade index or -1
    ungraded_kind: np.ndarray  # index into UNGRADED_EFFECTS (pending, no_grade, comment_only) or -1
    no_grade: np.ndarray
    active_sanctions: np.ndarray | None  # people × sanction levels, when a rule reads them


TRUE_WORDS = {"1", "1.0", "true", "yes", "y", "是", "有", "在查", "立案", "√"}


def _truthy(d: PeriodData, column: str) -> np.ndarray:
    """A yes/no people column: 1 / true / 是 / … → True."""
    people = d.people
    n = len(people)
    col = people.attributes.get(column)
    if col is None:
        return np.zeros(n, dtype=bool)
    ok = np.array([nm.strip().lower() in TRUE_WORDS for nm in col.names] + [False], dtype=bool)
    out = ok[np.where(col.codes >= 0, col.codes, len(col.names))]
    num = people.numbers.get(column)
    return out | (np.nan_to_num(num) > 0) if num is not None else out


def active_sanctions(s: Scheme, d: PeriodData) -> np.ndarray:
    """people × sanction levels: a sanction of that level within its impact period. Sources: the
    sanctions table (several per person: level, months_ago and/or year) and the people columns
    sanction + sanction_months_ago (or sanction_year). Months count from the sanction to the end of the
    period; a level with ``years: 2`` covers the year of the sanction and the next."""
    n = len(d.people)
    levels = list(s.sanction_levels)
    months = np.array(
        [lv.months if lv.months is not None else np.nan for lv in s.sanction_levels.values()] + [np.nan]
    )
    years = np.array(
        [lv.years if lv.years is not None else np.nan for lv in s.sanction_levels.values()] + [np.nan]
    )
    active = np.zeros((n, len(levels)), dtype=bool)

    def mark(person: np.ndarray, level: np.ndarray, ago: np.ndarray | None, year: np.ndarray | None) -> None:
        lv = np.where(level >= 0, level, len(levels))
        ago_m = np.full(len(person), np.nan) if ago is None else np.asarray(ago, dtype=np.float64)
        year_d = np.full(len(person), np.nan) if year is None else s.year - np.asarray(year, dtype=np.float64)
        # months from year alone: a sanction in the appraised year is 0 months ago, the year before 12
        ago_m = np.where(np.isnan(ago_m), year_d * 12, ago_m)
        year_d = np.where(np.isnan(year_d), np.floor(ago_m / 12), year_d)
        by_months = ago_m < months[lv]
        by_years = year_d < years[lv]
        hit = (level >= 0) & (by_months | by_years) & ((ago_m >= 0) | (year_d >= 0))
        active[person[hit], level[hit]] = True

    col = d.people.attributes.get("sanction")
    if col is not None:
        mark(
            np.arange(n),
            col.recode(levels),
            d.people.numbers.get("sanction_months_ago"),
            d.people.numbers.get("sanction_year"),
        )
    t = d.sanctions
    if len(t) and "level#" in t.columns:
        mark(t.person, t.num("level#"), t.num_or_none("months_ago"), t.num_or_none("year"))
    return active


def eligibility(s: Scheme, d: PeriodData, history: History, ballots: Ballots) -> Eligibility:
    """Which eligibility rules, vetoes and vote rules hit each person (a boolean column per rule), and
    what they allow: no grade (pending, comment only), a best allowed grade, or a fixed grade."""
    sanctions: np.ndarray | None = None
    n = len(d.people)
    people = d.people
    grades = s.grading.grades
    rules: list[tuple[str, str, str, str]] = []  # (rule path, effect, grade, reason)
    hits: list[np.ndarray] = []
    levels = list(s.sanction_levels)
    for name, rule in s.eligibility.items():
        w = rule.when
        num = people.numbers
        if w.probation is not None:
            hit = (np.nan_to_num(num["probation"]) > 0) == w.probation
        elif w.months_in_unit_below is not None:
            hit = np.nan_to_num(num["months_in_unit"], nan=np.inf) < w.months_in_unit_below
        elif w.leave_share_above is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                share = np.nan_to_num(num["leave_days"]) / num["working_days"]
            hit = np.nan_to_num(share) > w.leave_share_above
        elif w.sanction_at_least is not None:
            sanctions = active_sanctions(s, d) if sanctions is None else sanctions
            hit = sanctions[:, levels.index(w.sanction_at_least) :].any(axis=1)
        elif w.sanction_in is not None:
            sanctions = active_sanctions(s, d) if sanctions is None else sanctions
            hit = sanctions[:, [levels.index(x) for x in w.sanction_in]].any(axis=1)
        elif w.flag is not None:
            hit = _truthy(d, w.flag)
        elif w.lacks_grade is not None:
            lg = w.lacks_grade
            hit = history.count_grades_in_last(lg.grades, lg.in_last, lg.kind) < lg.at_least
        elif w.attribute is not None:
            hit = np.ones(n, dtype=bool)
            for attr, values in w.attribute.items():
                hit &= people.attributes[attr].isin(values)
        else:
            hit = np.zeros(n, dtype=bool)
        rules.append((f"eligibility.{name}", rule.effect, rule.grade or "", rule.reason or name))
        hits.append(hit)
    flagged = np.zeros((n, len(s.vetoes)), dtype=bool)
    if len(d.flags) and "item#" in d.flags.columns:
        item = d.flags.num("item#")
        ok = item >= 0
        flagged[d.flags.person[ok], item[ok]] = True
    for j, (name, veto) in enumerate(s.vetoes.items()):
        rules.append((f"vetoes.{name}", veto.effect, veto.grade or "", name))
        hits.append(flagged[:, j])
    for k, (path, vname, vrule) in enumerate(ballots.vote_rules):
        if vrule.effect != "outcome":
            rules.append((path, vrule.effect, vrule.grade or "", vrule.action or vname))
            hits.append(ballots.vote_hits[:, k])
    g_last = len(grades) - 1
    cap = np.zeros(n, dtype=np.int64)
    fixed = np.full(n, -1, dtype=np.int64)
    ungraded = np.full(n, len(UNGRADED_EFFECTS), dtype=np.int64)
    for (_path, effect, grade, _reason), hit in zip(rules, hits, strict=True):
        gi = grades.index(grade) if grade else g_last
        if effect in UNGRADED_EFFECTS:
            # several: the strongest label wins (pending, then no grade, then comment only)
            ungraded = np.where(hit, np.minimum(ungraded, UNGRADED_EFFECTS.index(effect)), ungraded)
        elif effect == "grade_at_most":
            cap = np.where(hit, np.maximum(cap, gi), cap)
        elif effect == "fixed_grade":
            fixed = np.where(hit, np.maximum(fixed, gi), fixed)  # several fixed grades: the worst applies
    ungraded_kind = np.where(ungraded < len(UNGRADED_EFFECTS), ungraded, -1)
    return Eligibility(
        rules=rules,
        rule_hits=np.stack(hits, axis=1) if hits else np.zeros((n, 0), dtype=bool),
        elig_cap=cap,
        fixed=fixed,
        ungraded_kind=ungraded_kind,
        no_grade=ungraded_kind >= 0,
        active_sanctions=sanctions,
    )
