"""Stage 2, checks: what needs both the scheme and the data (scores within points, known codes,
ranges, the columns the rules read). Every problem is listed; nothing is computed on bad data."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kaohe.engine.data import Codes, PeriodData, Table
from kaohe.engine.errors import ProblemList
from kaohe.engine.history import all_grades
from kaohe.engine.period_inputs import formula_measures
from kaohe.engine.scheme import Scheme
from kaohe.engine.stages.ballots import ballot_options
from kaohe.engine.stages.common import MAX_ROWS_REPORTED, fmt_at, report_rows
from kaohe.engine.tree import Leaf, leaf_names, leaves


@dataclass(frozen=True)
class Checks:
    leaves: dict[str, list[tuple[list[int] | None, list[Leaf]]]]  # component → (track ids, leaves)
    leaf_index: dict[str, Leaf]  # leaf key → leaf
    kpi_keys: list[str]  # KPI leaves (kpis ``indicator#`` codes index this)
    personal_keys: list[str]  # personal leaves (personal ``node#`` codes index this)


def leaves_by_component(s: Scheme) -> dict[str, list[tuple[list[int] | None, list[Leaf]]]]:
    """Per indicator component: (track indices or None for the common tree, leaves)."""
    tracks = list(s.tracks)
    out: dict[str, list[tuple[list[int] | None, list[Leaf]]]] = {}
    for cname, comp in s.components.items():
        if comp.ballot is not None:
            continue
        entries: list[tuple[list[int] | None, list[Leaf]]] = []
        own = comp.indicators_by_track or {}
        for t, tree in own.items():
            entries.append(
                ([tracks.index(t)], leaves(cname, tree, f"components.{cname}.indicators_by_track.{t}"))
            )
        if comp.indicators is not None:
            rest = [i for i, t in enumerate(tracks) if t not in own]
            entries.append((rest, leaves(cname, comp.indicators, f"components.{cname}.indicators")))
        out[cname] = entries
    return out


def check_data(s: Scheme, d: PeriodData, p: ProblemList) -> Checks:
    """Checks that need both the scheme and the data: scores within points, known codes, ranges. Text
    columns the computation reads are recoded into the scheme's order as ``<column>#`` in ``d``'s
    tables."""
    by_component = leaves_by_component(s)
    all_leaves = {leaf.key: leaf for entries in by_component.values() for _t, ls in entries for leaf in ls}
    for key, values in d.scores.items():
        leaf = all_leaves.get(key)
        if leaf is None:
            p.add(f"column {key}", "a leaf indicator of the scheme", key, file=d.source("scores"))
            continue
        top = leaf.max_points if leaf.max_points is not None else 100.0
        bad = np.flatnonzero((values > top + 1e-9) | (values < 0))
        report_rows(
            p,
            "scores",
            d,
            bad,
            key,
            f"a score between 0 and the indicator's points {top:g}",
            fmt_at(values),
        )
    for key in d.task_rates:
        if key not in all_leaves or all_leaves[key].node.source != "task":
            p.add(f"column {key}", "a task leaf indicator of the scheme", key, file=d.source("tasks"))
    personal_keys = [k for k, v in all_leaves.items() if v.node.source == "personal"]
    _check_personal(d, all_leaves, personal_keys, p)
    kpi_keys = [k for k, v in all_leaves.items() if v.node.source == "kpi"]
    _check_codes(p, d, "kpis", "indicator", kpi_keys, leaves=True)
    _check_multiples(d, all_leaves, kpi_keys, p)
    _check_codes(p, d, "claims", "category", list(s.adjustments))
    _check_codes(p, d, "flags", "item", list(s.vetoes))
    _check_codes(p, d, "previous", "grade", all_grades(s), allow_empty=True)
    _check_codes(p, d, "sanctions", "level", list(s.sanction_levels))
    if len(d.kpis):
        target = d.kpis.num("target")
        bad = np.flatnonzero(~(target > 0))
        report_rows(p, "kpis", d, bad, "target", "a positive target", lambda i: f"{target[i]:g}", d.kpis)
    if len(d.claims):
        _check_claims(s, d, p)
    _check_ballots(s, d, p)
    _check_numbers(s, d, p)
    _check_previous_components(s, d, p)
    return Checks(leaves=by_component, leaf_index=all_leaves, kpi_keys=kpi_keys, personal_keys=personal_keys)


def _check_previous_components(s: Scheme, d: PeriodData, p: ProblemList) -> None:
    """``over_periods`` reads previous.csv's column named as the component: numbers ≥ 0 (empty: that
    period is left out). Without the column no earlier score is found and this period's score counts
    alone (the explanation says so), so that earlier results kept without component scores (a service's
    history) still compute."""
    prev = d.previous
    for cname, comp in s.components.items():
        col = prev.columns.get(cname) if len(prev) else None
        if comp.over_periods is None or col is None:
            continue
        if isinstance(col, Codes):
            p.add(f"column {cname}", "numbers (component scores)", "text", file=d.source("previous"))
            continue
        bad = np.flatnonzero(col < 0)
        report_rows(p, "previous", d, bad, cname, "a component score ≥ 0", fmt_at(col), prev)


def _check_codes(
    p: ProblemList,
    d: PeriodData,
    table: str,
    column: str,
    names: list[str],
    allow_empty: bool = False,
    leaves: bool = False,
) -> None:
    """Recode a text column into ``names`` (the scheme's order) as column ``<column>#``; unknown or
    (unless ``allow_empty``) empty cells are errors naming file, row and column. With ``leaves`` the
    names are leaf keys and a cell may also give a unique tail of one ("基层党建" for
    "工作实绩/党的建设/基层党建"), as scores.csv headers may; a tail shared by several leaves is an error."""
    t: Table = getattr(d, table)
    if not len(t):
        return
    col = t.columns.get(column)
    if col is None and allow_empty:
        return
    if not isinstance(col, Codes):
        p.add(f"column {column}", "this column", "nothing", file=d.source(table))
        return
    ambiguous: dict[str, list[str]] = {}
    if leaves:
        alias, ambiguous = leaf_names(names)
        codes = Codes(col.codes, tuple(alias.get(nm, nm) for nm in col.names)).recode(names)
    else:
        codes = col.recode(names)
    t.columns[column + "#"] = codes  # recoded into the scheme's order, used by the computation
    bad = np.flatnonzero((codes == -2) | ((codes == -1) & (not allow_empty)))

    def found(i: int) -> str:
        v = col.value(i)
        if v in ambiguous:
            return f"{v}, which names several leaves: {', '.join(ambiguous[v])}"
        return v or "an empty cell"

    what = "a leaf (full path or unique name) of " if leaves else "one of "
    report_rows(p, table, d, bad, column, f"{what}{names}", found, t)


def _check_personal(
    d: PeriodData, all_leaves: dict[str, Leaf], personal_keys: list[str], p: ProblemList
) -> None:
    if not len(d.personal):
        return
    _check_codes(p, d, "personal", "node", personal_keys, leaves=True)
    t = d.personal
    if "node#" not in t.columns:
        return
    node = t.num("node#")
    score, points = t.num("score"), t.num("points")
    bad = np.flatnonzero((score > points + 1e-9) | (score < 0))
    report_rows(
        p,
        "personal",
        d,
        bad,
        "score",
        "a score between 0 and the indicator's points",
        lambda i: f"{score[i]:g} > {points[i]:g}",
        t,
    )
    ok = node >= 0
    counts = np.bincount(
        t.person[ok] * len(personal_keys) + node[ok], minlength=len(d.people) * len(personal_keys)
    ).reshape(len(d.people), -1)
    for j, key in enumerate(personal_keys):
        limit = all_leaves[key].node.max_count or 0
        over = np.flatnonzero(counts[:, j] > limit)
        for i in over[:MAX_ROWS_REPORTED]:
            p.add(
                f"person {d.people.ids[i]}, node {key}",
                f"at most {limit} personal indicators ({all_leaves[key].rule}.max_count)",
                int(counts[i, j]),
                file=d.source("personal"),
            )


def _check_multiples(d: PeriodData, all_leaves: dict[str, Leaf], kpi_keys: list[str], p: ProblemList) -> None:
    """kpis.csv ``multiple``: 0 or empty (none), else ± a multiple within the indicator's
    ``kpi.multiplied`` range (seed 001: 3–10 times the indicator's points); a multiple on an indicator
    without that range is an error too."""
    t = d.kpis
    mult = t.num_or_none("multiple")
    if mult is None or "indicator#" not in t.columns:
        return
    ind = t.num("indicator#")
    ranges = []
    for key in kpi_keys:
        m = all_leaves[key].node.kpi
        ranges.append(m.multiplied if m is not None and m.multiplied is not None else (np.nan, np.nan))
    lo = np.array([a for a, _b in ranges] + [np.nan])
    hi = np.array([b for _a, b in ranges] + [np.nan])
    idx = np.where(ind >= 0, ind, len(ranges))
    size = np.abs(np.nan_to_num(mult))
    given = size > 0
    ok = (size >= lo[idx] - 1e-9) & (size <= hi[idx] + 1e-9)
    bad = np.flatnonzero(given & ~ok & (ind >= 0))

    def found(i: int) -> str:
        key = kpi_keys[int(idx[i])]
        if np.isnan(lo[idx[i]]):
            return f"{mult[i]:g} for {key}, which has no kpi.multiplied range"
        return f"{mult[i]:g} for {key} [{lo[idx[i]]:g}, {hi[idx[i]]:g}]"

    report_rows(
        p,
        "kpis",
        d,
        bad,
        "multiple",
        "0, empty or ± a multiple within the indicator's range (kpi.multiplied)",
        found,
        t,
    )


def _check_claims(s: Scheme, d: PeriodData, p: ProblemList) -> None:
    t = d.claims
    if "category#" not in t.columns:
        return
    cat = t.num("category#")
    pts = t.num("points")
    names = list(s.adjustments)
    lo = np.array([(a.points or (0, np.inf))[0] for a in s.adjustments.values()] + [0.0])
    hi = np.array([(a.points or (0, np.inf))[1] for a in s.adjustments.values()] + [np.inf])
    idx = np.where(cat >= 0, cat, len(names))
    bad = np.flatnonzero((pts < lo[idx] - 1e-9) | (pts > hi[idx] + 1e-9))
    report_rows(
        p,
        "claims",
        d,
        bad,
        "points",
        "points within the category's range (adjustments.<category>.points)",
        lambda i: f"{pts[i]:g} for {names[idx[i]]} [{lo[idx[i]]:g}, {hi[idx[i]]:g}]",
        t,
    )


def _check_ballots(s: Scheme, d: PeriodData, p: ProblemList) -> None:
    t = d.ballots
    ballot_comps = [(n, c.ballot) for n, c in s.components.items() if c.ballot is not None]
    if not len(t) or not ballot_comps:
        return
    _name, b = ballot_comps[0]
    _check_codes(p, d, "ballots", "group", list(b.rater_groups))
    _check_codes(p, d, "ballots", "option", ballot_options(b))
    if b.dimensions is not None:
        dims = list(b.dimensions) + ([b.overall.name] if b.overall is not None else [])
        _check_codes(p, d, "ballots", "dimension", dims)
    count = t.num_or_none("count")
    if count is not None:
        bad = np.flatnonzero(~(count >= 0))
        report_rows(p, "ballots", d, bad, "count", "a count of ballots ≥ 0", lambda i: f"{count[i]:g}", t)


def _no_such_column(p: ProblemList, d: PeriodData, col: str | None, what: str) -> None:
    """The people table lacks the column ``col`` that ``what`` reads."""
    p.add(f"column {col}", what, "no such column", file=d.source("people"))


def _check_numbers(s: Scheme, d: PeriodData, p: ProblemList) -> None:
    """Columns the scheme's rules read must exist."""
    people = d.people
    need: dict[str, str] = {}
    for name, rule in s.eligibility.items():
        w = rule.when
        if w.probation is not None:
            need["probation"] = f"eligibility.{name}"
        if w.months_in_unit_below is not None:
            need["months_in_unit"] = f"eligibility.{name}"
        if w.leave_share_above is not None:
            need["leave_days"] = need["working_days"] = f"eligibility.{name}"
    for col, rule_path in need.items():
        if col not in people.numbers:
            _no_such_column(p, d, col, f"a number column that {rule_path} reads")
    for name, rule in s.eligibility.items():
        w = rule.when
        if (w.sanction_at_least is not None or w.sanction_in is not None) and not len(d.sanctions):
            if "sanction" not in people.attributes:
                _no_such_column(
                    p,
                    d,
                    "sanction",
                    f"the sanction level column that eligibility.{name} reads (or a sanctions table)",
                )
            elif "sanction_months_ago" not in people.numbers and "sanction_year" not in people.numbers:
                _no_such_column(
                    p,
                    d,
                    "sanction_months_ago",
                    f"a number column that eligibility.{name} reads (or sanction_year)",
                )
        if w.flag is not None and w.flag not in people.attributes:
            _no_such_column(p, d, w.flag, f"the yes/no column that eligibility.{name} reads")
        for attr in rule.when.attribute or {}:
            if attr not in people.attributes:
                _no_such_column(p, d, attr, f"the attribute that eligibility.{name} reads")
    for name, coef in s.coefficients.items():
        if coef.kind == "static" and coef.attribute not in people.attributes:
            _no_such_column(p, d, coef.attribute, f"the attribute that coefficients.{name} reads")
    _check_measures(s, d, p)


def _check_measures(s: Scheme, d: PeriodData, p: ProblemList) -> None:
    """A period measure a formula reads has a value for everyone: a missing one is never 0."""
    for name in formula_measures(s):
        col = d.people.numbers.get(name)
        if col is None:
            _no_such_column(p, d, name, "the period measure that a dynamic coefficient's formula reads")
            continue
        bad = np.flatnonzero(np.isnan(col))
        expected = "a value of the period measure (for the person's unit, or the whole period)"
        report_rows(p, "people", d, bad, name, expected, lambda i: "none")
