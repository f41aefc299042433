"""The computation: period data + scheme → per-person columns (a :class:`Result`).

Pipeline (each step cites the scheme rule that drives it):

1. tracks            who competes with whom (``tracks``)
2. components        indicator trees, KPIs, work logs, tasks, personal indicators, ballots; a
                     component's ``over_periods`` combines it with its earlier periods' scores
3. base              Σ component score × share; then ``aggregation`` over earlier periods
4. adjustments       claims and miss notices per category, ``caps``, vetoes' deductions, KPI multiples
5. coefficients      static, dynamic, by grade; applied to the total, the bonus or the pool share
6. total             (base + bonus × bonus coefficient − deductions) × total coefficient, half-up 2 dp
7. eligibility       ``eligibility`` rules, ``vetoes`` and ballot ``vote_rules``: no grade (pending,
                     comment only), grade at most X, fixed grade
8. rank              within the track and the quota group among graded people, ties by ``tie_break``
9. grade             thresholds, quotas with ceilings and floors (see grading.py)
10. tail             ``tail_rules`` over this and earlier periods: consecutive ranks, or the rank
                     of a window's mean total (``window`` / ``over``)
11. consequences     pay factor, outcomes from consecutive / cumulative grades
12. pool             integer fen by largest remainder

No per-person Python loops: every step is array arithmetic over all people; loops run over scheme
rules, indicators, grades and quota groups' summary arrays only.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from kaohe.engine.data import Codes, PeriodData, Table
from kaohe.engine.errors import DataError, ProblemList
from kaohe.engine.formula import FormulaError, evaluate
from kaohe.engine.grading import assign_grades, cap_overall, quota_counts
from kaohe.engine.numeric import (
    largest_remainder_groups,
    round_count,
    round_half_up,
    segment_cumsum,
    segment_starts,
)
from kaohe.engine.result import Result
from kaohe.engine.scheme import UNGRADED_EFFECTS, Scheme, coefficient_order
from kaohe.engine.tree import Leaf, leaf_names, leaves

Progress = Callable[[str], None]
_MAX_ROWS_REPORTED = 5


def compute(scheme: Scheme, data: PeriodData, progress: Progress | None = None) -> Result:
    """Run the whole appraisal for one period. Raises :class:`DataError` (nothing computed) when the
    data does not fit the scheme."""
    step = progress or (lambda _name: None)
    r = Result(scheme=scheme, data=data)
    problems = ProblemList(data.source("people"), DataError)
    step("tracks")
    _assign_tracks(r, problems)
    problems.raise_if_any()
    step("components")
    _check_data(r, problems)
    problems.raise_if_any()
    _components(r)
    _id_order(r)
    step("adjustments")
    _base(r)
    _adjustments(r)
    step("coefficients")
    _coefficients(r, problems)
    problems.raise_if_any()
    _total(r)
    step("rank")
    _eligibility(r)
    _rank(r)
    step("grade")
    _grade(r)
    step("consequences")
    _tail(r)
    _consequences(r)
    _pool(r)
    return r


# --- 1. tracks --------------------------------------------------------------------------------------


def _report_rows(
    problems: ProblemList,
    table: str,
    data: PeriodData,
    rows: np.ndarray,
    column: str,
    expected: str,
    found: Callable[[int], object],
    source: Table | None = None,
) -> None:
    for i in rows[:_MAX_ROWS_REPORTED]:
        row = source.row(int(i)) if source is not None else int(i) + 2
        problems.add(f"row {row}, column {column}", expected, found(int(i)), file=data.source(table))
    if len(rows) > _MAX_ROWS_REPORTED:
        problems.add(
            f"column {column}",
            expected,
            f"{len(rows) - _MAX_ROWS_REPORTED} more rows like these",
            file=data.source(table),
        )


def _fmt_at(values: np.ndarray) -> Callable[[int], object]:
    return lambda i: f"{values[i]:g}"


def _assign_tracks(r: Result, problems: ProblemList) -> None:
    """First matching track in scheme order; an explicit track column wins. Everyone needs a track."""
    s, people = r.scheme, r.data.people
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
        _report_rows(
            problems,
            "people",
            r.data,
            bad,
            "track",
            f"a track of the scheme {names}",
            explicit_col.value,
        )
        given = explicit >= 0
        track[given] = explicit[given]
        matched_by[given] = 1
    missing = np.flatnonzero(track < 0)
    if problems.items:
        return
    _report_rows(
        problems,
        "people",
        r.data,
        missing,
        "track",
        "a person who matches one of the tracks' conditions (or a track column)",
        lambda i: f"{people.ids[i]} matches none",
    )
    r.track = track
    r.track_names = names
    r.track_explicit = matched_by


# --- data checks ------------------------------------------------------------------------------------


def _leaves_by_component(s: Scheme) -> dict[str, list[tuple[list[int] | None, list[Leaf]]]]:
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


def _check_data(r: Result, p: ProblemList) -> None:
    """Checks that need both the scheme and the data: scores within points, known codes, ranges."""
    s, d = r.scheme, r.data
    r.leaves = _leaves_by_component(s)
    all_leaves = {leaf.key: leaf for entries in r.leaves.values() for _t, ls in entries for leaf in ls}
    r.leaf_index = all_leaves
    for key, values in d.scores.items():
        leaf = all_leaves.get(key)
        if leaf is None:
            p.add(f"column {key}", "a leaf indicator of the scheme", key, file=d.source("scores"))
            continue
        top = leaf.max_points if leaf.max_points is not None else 100.0
        bad = np.flatnonzero((values > top + 1e-9) | (values < 0))
        _report_rows(
            p,
            "scores",
            d,
            bad,
            key,
            f"a score between 0 and the indicator's points {top:g}",
            _fmt_at(values),
        )
    for key in d.task_rates:
        if key not in all_leaves or all_leaves[key].node.source != "task":
            p.add(f"column {key}", "a task leaf indicator of the scheme", key, file=d.source("tasks"))
    _check_personal(r, all_leaves, p)
    r.kpi_keys = [k for k, v in all_leaves.items() if v.node.source == "kpi"]
    _check_codes(p, d, "kpis", "indicator", r.kpi_keys, leaves=True)
    _check_multiples(r, p)
    _check_codes(p, d, "claims", "category", list(s.adjustments))
    _check_codes(p, d, "flags", "item", list(s.vetoes))
    _check_codes(p, d, "previous", "grade", r.all_grades(), allow_empty=True)
    _check_codes(p, d, "sanctions", "level", list(s.sanction_levels))
    if len(d.kpis):
        target = d.kpis.num("target")
        bad = np.flatnonzero(~(target > 0))
        _report_rows(p, "kpis", d, bad, "target", "a positive target", lambda i: f"{target[i]:g}", d.kpis)
    if len(d.claims):
        _check_claims(r, p)
    _check_ballots(r, p)
    _check_numbers(r, p)
    _check_previous_components(r, p)


def _check_previous_components(r: Result, p: ProblemList) -> None:
    """``over_periods`` reads previous.csv's column named as the component: numbers ≥ 0 (empty: that
    period is left out). Without the column no earlier score is found and this period's score counts
    alone (the explanation says so), so that earlier results kept without component scores (a service's
    history) still compute."""
    s, d = r.scheme, r.data
    prev = d.previous
    for cname, comp in s.components.items():
        col = prev.columns.get(cname) if len(prev) else None
        if comp.over_periods is None or col is None:
            continue
        if isinstance(col, Codes):
            p.add(f"column {cname}", "numbers (component scores)", "text", file=d.source("previous"))
            continue
        bad = np.flatnonzero(col < 0)
        _report_rows(p, "previous", d, bad, cname, "a component score ≥ 0", _fmt_at(col), prev)


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
    _report_rows(p, table, d, bad, column, f"{what}{names}", found, t)


def _check_personal(r: Result, all_leaves: dict[str, Leaf], p: ProblemList) -> None:
    d = r.data
    r.personal_keys = [k for k, v in all_leaves.items() if v.node.source == "personal"]
    if not len(d.personal):
        return
    personal_keys = r.personal_keys
    _check_codes(p, d, "personal", "node", personal_keys, leaves=True)
    t = d.personal
    if "node#" not in t.columns:
        return
    node = t.num("node#")
    score, points = t.num("score"), t.num("points")
    bad = np.flatnonzero((score > points + 1e-9) | (score < 0))
    _report_rows(
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
        for i in over[:_MAX_ROWS_REPORTED]:
            p.add(
                f"person {d.people.ids[i]}, node {key}",
                f"at most {limit} personal indicators ({all_leaves[key].rule}.max_count)",
                int(counts[i, j]),
                file=d.source("personal"),
            )


def _check_multiples(r: Result, p: ProblemList) -> None:
    """kpis.csv ``multiple``: 0 or empty (none), else ± a multiple within the indicator's
    ``kpi.multiplied`` range (seed 001: 3–10 times the indicator's points); a multiple on an indicator
    without that range is an error too."""
    t = r.data.kpis
    mult = t.num_or_none("multiple")
    if mult is None or "indicator#" not in t.columns:
        return
    ind = t.num("indicator#")
    ranges = []
    for key in r.kpi_keys:
        m = r.leaf_index[key].node.kpi
        ranges.append(m.multiplied if m is not None and m.multiplied is not None else (np.nan, np.nan))
    lo = np.array([a for a, _b in ranges] + [np.nan])
    hi = np.array([b for _a, b in ranges] + [np.nan])
    idx = np.where(ind >= 0, ind, len(ranges))
    size = np.abs(np.nan_to_num(mult))
    given = size > 0
    ok = (size >= lo[idx] - 1e-9) & (size <= hi[idx] + 1e-9)
    bad = np.flatnonzero(given & ~ok & (ind >= 0))

    def found(i: int) -> str:
        key = r.kpi_keys[int(idx[i])]
        if np.isnan(lo[idx[i]]):
            return f"{mult[i]:g} for {key}, which has no kpi.multiplied range"
        return f"{mult[i]:g} for {key} [{lo[idx[i]]:g}, {hi[idx[i]]:g}]"

    _report_rows(
        p,
        "kpis",
        r.data,
        bad,
        "multiple",
        "0, empty or ± a multiple within the indicator's range (kpi.multiplied)",
        found,
        t,
    )


def _check_claims(r: Result, p: ProblemList) -> None:
    s, d = r.scheme, r.data
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
    _report_rows(
        p,
        "claims",
        d,
        bad,
        "points",
        "points within the category's range (adjustments.<category>.points)",
        lambda i: f"{pts[i]:g} for {names[idx[i]]} [{lo[idx[i]]:g}, {hi[idx[i]]:g}]",
        t,
    )


def _check_ballots(r: Result, p: ProblemList) -> None:
    s, d = r.scheme, r.data
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
        _report_rows(p, "ballots", d, bad, "count", "a count of ballots ≥ 0", lambda i: f"{count[i]:g}", t)


def _check_numbers(r: Result, p: ProblemList) -> None:
    """Columns the scheme's rules read must exist."""
    s, people = r.scheme, r.data.people
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
            p.add(
                f"column {col}",
                f"a number column that {rule_path} reads",
                "no such column",
                file=r.data.source("people"),
            )
    for name, rule in s.eligibility.items():
        w = rule.when
        if (w.sanction_at_least is not None or w.sanction_in is not None) and not len(r.data.sanctions):
            if "sanction" not in people.attributes:
                p.add(
                    "column sanction",
                    f"the sanction level column that eligibility.{name} reads (or a sanctions table)",
                    "no such column",
                    file=r.data.source("people"),
                )
            elif "sanction_months_ago" not in people.numbers and "sanction_year" not in people.numbers:
                p.add(
                    "column sanction_months_ago",
                    f"a number column that eligibility.{name} reads (or sanction_year)",
                    "no such column",
                    file=r.data.source("people"),
                )
        if w.flag is not None and w.flag not in people.attributes:
            p.add(
                f"column {w.flag}",
                f"the yes/no column that eligibility.{name} reads",
                "no such column",
                file=r.data.source("people"),
            )
        for attr in rule.when.attribute or {}:
            if attr not in people.attributes:
                p.add(
                    f"column {attr}",
                    f"the attribute that eligibility.{name} reads",
                    "no such column",
                    file=r.data.source("people"),
                )
    for name, coef in s.coefficients.items():
        if coef.kind == "static" and coef.attribute not in people.attributes:
            p.add(
                f"column {coef.attribute}",
                f"the attribute that coefficients.{name} reads",
                "no such column",
                file=r.data.source("people"),
            )


# --- 2. components ----------------------------------------------------------------------------------


def _components(r: Result) -> None:
    s, d = r.scheme, r.data
    n = len(d.people)
    r.component_names = list(s.components)
    r.components = np.zeros((n, len(s.components)), dtype=np.float64)
    r.kpi_multiple_points = np.zeros(n)
    r.ballot_cache = {}
    _vote_rules(r)
    for c, (cname, comp) in enumerate(s.components.items()):
        if comp.ballot is not None:
            r.components[:, c] = _ballot_scores(r, cname)
            continue
        for track_ids, lvs in r.leaves[cname]:
            mask = np.isin(r.track, track_ids) if track_ids is not None else np.ones(n, dtype=bool)
            if not mask.any():
                continue
            score = np.zeros(n)
            for leaf in lvs:
                score += leaf.factor * leaf_score(r, leaf)
                if leaf.node.source == "kpi" and leaf.node.kpi and leaf.node.kpi.multiplied:
                    r.kpi_multiple_points += np.where(
                        mask, kpi_multiple(r, leaf) * leaf.factor * comp.share * 100, 0
                    )
            r.components[mask, c] = score[mask]
    r.component_current = r.components.copy()
    for c, (cname, comp) in enumerate(s.components.items()):
        if comp.over_periods is not None:
            r.components[:, c] = _component_over_periods(r, cname, r.component_current[:, c])


def _component_over_periods(r: Result, cname: str, current: np.ndarray) -> np.ndarray:
    """``components.<name>.over_periods`` (seed 000 季度评和年终评): this period's score combined with
    the component's own scores of earlier periods of a kind, read from previous.csv's column named as
    the component (an empty cell: that period is left out). Without ``earlier_share``: the mean over
    the periods found, this one included; with it: earlier_share × mean of the earlier ones +
    (1 − earlier_share) × this period's (this period's alone when no earlier one is found)."""
    comp = r.scheme.components[cname]
    op = comp.over_periods
    assert op is not None
    d = r.data
    n = len(d.people)
    prev = d.previous
    total: np.ndarray = np.zeros(n)
    count: np.ndarray = np.zeros(n)
    if len(prev) and cname in prev.columns and "kind" in prev.columns:
        kind = prev.code("kind")
        sel = kind.codes == _code_of(kind, op.source)
        if op.last is not None:
            sel &= _recent(r, prev.person, prev.code("period"), sel, op.last)
        value = prev.num(cname)
        sel &= np.isfinite(value)
        total = np.bincount(prev.person[sel], weights=value[sel], minlength=n)
        count = np.bincount(prev.person[sel], minlength=n).astype(np.float64)
    r.component_earlier_count[cname] = count
    with np.errstate(divide="ignore", invalid="ignore"):
        earlier = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    r.component_earlier_mean[cname] = earlier
    if op.earlier_share is None:
        return (total + current) / (count + 1)
    w = op.earlier_share
    return np.where(count > 0, w * np.nan_to_num(earlier) + (1 - w) * current, current)


def leaf_score(r: Result, leaf: Leaf, rows: np.ndarray | None = None) -> np.ndarray:
    """A leaf's score on 0–100 for every person (or for ``rows``), from its source."""
    d = r.data
    n = len(d.people)
    node = leaf.node
    if node.source == "assessor":
        raw = d.scores.get(leaf.key)
        value = np.zeros(n) if raw is None else np.nan_to_num(raw, nan=0.0)
        value = value / node.points * 100.0 if node.points is not None else value
    elif node.source == "task":
        raw = d.task_rates.get(leaf.key)
        value = np.zeros(n) if raw is None else np.clip(np.nan_to_num(raw, nan=0.0), 0.0, 1.0) * 100.0
    elif node.source == "worklog":
        spec = node.worklog
        days = d.people.numbers.get("working_days", np.zeros(n))
        done = d.people.numbers.get(
            "filled" if spec is None or spec.measure == "fill_rate" else "reviewed", np.zeros(n)
        )
        full = spec.full_at if spec else 1.0
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.where(days > 0, done / days, 1.0)
        value = np.clip(rate / full, 0.0, 1.0) * 100.0
    elif node.source == "kpi":
        value = kpi_completion(r, leaf) * 100.0
    else:  # personal
        value = personal_score(r, leaf)
    return value if rows is None else value[rows]


def kpi_completion(r: Result, leaf: Leaf) -> np.ndarray:
    """Σ measure weight × actual ÷ target (seed 001: total × 80% + growth × 20%), capped if the scheme says."""
    d, spec = r.data, leaf.node.kpi
    n = len(d.people)
    t = d.kpis
    out = np.zeros(n)
    if not len(t) or spec is None:
        return out
    sel = t.num("indicator#") == r.kpi_keys.index(leaf.key)
    measure = t.code("measure")
    for mname, weight in spec.measures.items():
        m = sel & (measure.codes == _code_of(measure, mname))
        ratio = t.num("actual")[m] / t.num("target")[m]
        out += weight * np.bincount(t.person[m], weights=ratio, minlength=n)
    return np.minimum(out, spec.cap) if spec.cap is not None else out


def kpi_multiple(r: Result, leaf: Leaf) -> np.ndarray:
    """The signed multiple of the indicator's points for outstanding (+) or damaging (−) results."""
    d = r.data
    t = d.kpis
    n = len(d.people)
    if not len(t) or "multiple" not in t.columns:
        return np.zeros(n)
    sel = t.num("indicator#") == r.kpi_keys.index(leaf.key)
    mult = np.nan_to_num(t.num("multiple")[sel])
    # one multiple per person and indicator, whichever measure row carries it
    return np.bincount(t.person[sel], weights=mult, minlength=n)


def personal_score(r: Result, leaf: Leaf) -> np.ndarray:
    """Personal indicators of a node: Σ score ÷ Σ points × 100 over the person's own indicators."""
    d = r.data
    n = len(d.people)
    t = d.personal
    if not len(t) or "node#" not in t.columns:
        return np.zeros(n)
    sel = t.num("node#") == r.personal_keys.index(leaf.key)
    got = np.bincount(t.person[sel], weights=t.num("score")[sel], minlength=n)
    top = np.bincount(t.person[sel], weights=t.num("points")[sel], minlength=n)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(top > 0, got / top * 100.0, 0.0)


def _code_of(col: Codes, name: str) -> int:
    try:
        return col.names.index(name)
    except ValueError:
        return -3


def ballot_options(b) -> list[str]:  # noqa: ANN001
    """Options a ballots table may hold: the scored ones, then the overall tick's."""
    extra = [o for o in (b.overall.options if b.overall is not None else []) if o not in b.options]
    return list(b.options) + extra


def ballot_group_scores(r: Result, cname: str) -> tuple[np.ndarray, np.ndarray]:
    """Per person and rater group: (mean points of the counted ballots, ballots received)."""
    got = ballot_groups(r, cname)
    return got[0], got[1]


def ballot_groups(r: Result, cname: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per person and rater group: mean points, ballots received, ballots dropped as extremes.

    Counts are gathered per (person, group, dimension) × option. ``drop_extremes`` k removes k
    ballots from the highest-scoring options and k from the lowest in each (person, group, dimension)
    that received more than 2k. With dimensions (德能勤绩廉), the group's mean is Σ dimension weight ×
    that dimension's mean over the dimensions marked (weights renormalised), and the ballots
    received are those of the most-marked dimension. Rows of the overall tick do not score."""
    cache = r.ballot_cache.get(cname)
    if cache is not None:
        return cache
    d, b = r.data, r.scheme.components[cname].ballot
    assert b is not None
    n = len(d.people)
    n_groups = len(b.rater_groups)
    t = d.ballots
    if not len(t) or "group#" not in t.columns or "option#" not in t.columns:
        z = np.zeros((n, n_groups))
        r.ballot_cache[cname] = (z, z, z)
        return z, z, z
    n_opt = len(b.options)
    dims = list(b.dimensions.values()) if b.dimensions is not None else [1.0]
    n_dim = len(dims)
    group, option = t.num("group#"), t.num("option#")
    count = np.nan_to_num(t.num("count").astype(np.float64))
    ok = (group >= 0) & (option >= 0) & (option < n_opt)
    if b.dimensions is not None:
        found = t.num_or_none("dimension#")
        dim = found if found is not None else np.zeros(len(t), dtype=np.int64)
        ok &= (dim >= 0) & (dim < n_dim)
    else:
        dim = np.zeros(len(t), dtype=np.int64)
    cell = (t.person[ok] * n_groups + group[ok]) * n_dim + dim[ok]
    counts = np.bincount(
        cell * n_opt + option[ok], weights=count[ok], minlength=n * n_groups * n_dim * n_opt
    ).reshape(-1, n_opt)
    received = counts.sum(axis=1)
    pts = np.array(list(b.options.values()), dtype=np.float64)
    dropped = np.zeros(len(counts))
    if b.drop_extremes:
        k = float(b.drop_extremes)
        order = np.argsort(-pts, kind="stable")  # highest points first
        c = counts[:, order]
        apply = received > 2 * k
        before = np.cumsum(c, axis=1) - c
        top = np.minimum(c, np.maximum(k - before, 0))
        after = np.cumsum(c[:, ::-1], axis=1)[:, ::-1] - c
        low = np.minimum(c - top, np.maximum(k - after, 0))
        c = np.where(apply[:, None], c - top - low, c)
        counts = np.empty_like(c)
        counts[:, order] = c
        dropped = np.where(apply, 2 * k, 0.0)
    kept = counts.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        dim_mean = np.where(kept > 0, (counts @ pts) / kept, 0.0).reshape(n * n_groups, n_dim)
    w = np.array(dims)[None, :] * (kept.reshape(n * n_groups, n_dim) > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(w.sum(axis=1) > 0, (w * dim_mean).sum(axis=1) / w.sum(axis=1), 0.0)
    ballots = np.round(received.reshape(n * n_groups, n_dim).max(axis=1), 9)
    drop = dropped.reshape(n * n_groups, n_dim).max(axis=1)
    out = (mean.reshape(n, n_groups), ballots.reshape(n, n_groups), drop.reshape(n, n_groups))
    r.ballot_cache[cname] = out
    return out


def _ballot_scores(r: Result, cname: str) -> np.ndarray:
    """Rater-group weighted score; a group below ``min_ballots`` has no result and the others' weights
    are renormalised (or it counts as zero)."""
    b = r.scheme.components[cname].ballot
    assert b is not None
    mean, ballots, _dropped = ballot_groups(r, cname)
    weights = np.array(list(b.rater_groups.values()))
    valid = ballots >= b.min_ballots
    w = np.where(valid, weights, 0.0)
    got = (w * mean).sum(axis=1)
    if b.when_group_missing == "zero":
        return got
    total_w = w.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total_w > 0, got / total_w, 0.0)


def _vote_rules(r: Result) -> None:
    """Vote-share thresholds: share of a person's ballots (in the rule's rater groups) for the rule's
    options, from the overall tick when the form has one, else from the scored options (dimension
    marks weighted by the dimension weights, so that each ballot counts once)."""
    s, d = r.scheme, r.data
    n = len(d.people)
    r.vote_rules = []
    shares: list[np.ndarray] = []
    hits: list[np.ndarray] = []
    for cname, comp in s.components.items():
        b = comp.ballot
        if b is None or not b.vote_rules:
            continue
        t = d.ballots
        opts = ballot_options(b)
        n_groups = len(b.rater_groups)
        tally: np.ndarray = np.zeros((n, n_groups, len(opts)))
        if len(t) and "group#" in t.columns and "option#" in t.columns:
            group, option = t.num("group#"), t.num("option#")
            count = np.nan_to_num(t.num("count").astype(np.float64))
            ok = (group >= 0) & (option >= 0)
            weight = np.ones(len(t))
            if b.dimensions is not None:
                found = t.num_or_none("dimension#")
                dim = found if found is not None else np.zeros(len(t), dtype=np.int64)
                n_dim = len(b.dimensions)
                if b.overall is not None:
                    ok &= dim == n_dim
                else:
                    ok &= (dim >= 0) & (dim < n_dim)
                    weight = np.append(np.array(list(b.dimensions.values())), 0.0)[
                        np.where(dim >= 0, dim, -1)
                    ]
            idx = (t.person[ok] * n_groups + group[ok]) * len(opts) + option[ok]
            tally = np.bincount(
                idx, weights=(count * weight)[ok], minlength=n * n_groups * len(opts)
            ).reshape(n, n_groups, len(opts))
        for vname, rule in b.vote_rules.items():
            gsel = (
                [list(b.rater_groups).index(g) for g in rule.groups] if rule.groups else list(range(n_groups))
            )
            sub = tally[:, gsel, :].sum(axis=1)
            den = sub.sum(axis=1)
            num = sub[:, [opts.index(o) for o in rule.options]].sum(axis=1)
            with np.errstate(divide="ignore", invalid="ignore"):
                share = np.where(den > 0, num / den, np.nan)
            eps = 1e-9
            if rule.below is not None:
                hit = share < rule.below - eps if rule.strict else share <= rule.below + eps
            else:
                assert rule.above is not None
                hit = share > rule.above + eps if rule.strict else share >= rule.above - eps
            r.vote_rules.append((f"components.{cname}.ballot.vote_rules.{vname}", vname, rule))
            shares.append(share)
            hits.append(hit & (den > 0))
    r.vote_shares = np.stack(shares, axis=1) if shares else np.zeros((n, 0))
    r.vote_hits = np.stack(hits, axis=1) if hits else np.zeros((n, 0), dtype=bool)


# --- 3–6. base, adjustments, coefficients, total ---------------------------------------------------


def _base(r: Result) -> None:
    shares = np.array([c.share for c in r.scheme.components.values()])
    r.base_current = r.components @ shares
    r.base = r.base_current.copy()
    _secondment_shares(r)
    agg = r.scheme.aggregation
    if agg is None:
        _second(r, "base")
        return
    d = r.data
    n = len(d.people)
    base = np.zeros(n)
    prev = d.previous
    r.aggregation_parts = {}
    r.aggregation_counts = {}
    r.aggregation_shares = {}
    for pname, part in agg.parts.items():
        count = np.ones(n)
        if part.source == "current":
            value = (
                r.base_current
                if part.component is None
                else r.components[:, r.component_names.index(part.component)]
            )
        else:
            value = np.zeros(n)
            count = np.zeros(n)
            if len(prev):
                kind = prev.code("kind")
                sel = kind.codes == _code_of(kind, part.source)
                period = prev.code("period")
                if part.last is not None:
                    sel &= _recent(r, prev.person, period, sel, part.last)
                tot = prev.num("total")[sel]
                who = prev.person[sel]
                count = np.bincount(who, minlength=n).astype(np.float64)
                if part.how == "last":
                    rank = np.argsort(np.argsort(np.array(period.names)))[period.codes[sel]]
                    o = np.lexsort((rank, who))
                    value[who[o]] = tot[o]  # later periods overwrite earlier ones
                else:
                    s_ = np.bincount(who, weights=tot, minlength=n)
                    if part.include_current:  # the current computation is one more period
                        s_, count = s_ + r.base_current, count + 1
                    with np.errstate(divide="ignore", invalid="ignore"):
                        value = (
                            s_ if part.how == "sum" else np.where(count > 0, s_ / np.maximum(count, 1), 0.0)
                        )
            elif part.include_current:
                value, count = r.base_current.copy(), np.ones(n)
        share = np.full(n, part.share)
        if part.share_by_track:
            per_track = np.array([part.share_by_track.get(t, part.share) for t in r.track_names])
            share = per_track[r.track]
        r.aggregation_parts[pname] = value
        r.aggregation_counts[pname] = count
        r.aggregation_shares[pname] = share
        base += share * value
    r.base = base
    _second(r, "base")


def _recent(r: Result, person: np.ndarray, period: Codes, sel: np.ndarray, k: int) -> np.ndarray:
    """Rows (among ``sel``) of each person's ``k`` most recent periods (names sort chronologically)."""
    order_of = np.argsort(np.argsort(np.array(period.names, dtype=object), kind="stable"))
    key = np.where(period.codes >= 0, np.append(order_of, -1)[period.codes], -1)
    n = len(r.data.people)
    idx = np.flatnonzero(sel)
    o = idx[np.lexsort((-key[idx], person[idx]))]  # by person, most recent first
    starts = np.searchsorted(person[o], np.arange(n))
    pos = np.arange(len(o)) - starts[person[o]]
    keep = np.zeros(len(sel), dtype=bool)
    keep[o[pos < k]] = True
    return keep


def _secondment_shares(r: Result) -> None:
    """Host share and host score per person (secondment: dual evaluation by home and host unit)."""
    from kaohe.engine.scheme import parse_share

    s, people = r.scheme, r.data.people
    n = len(people)
    r.host_share = np.zeros(n)
    r.host_score = np.full(n, np.nan)
    r.home_value = np.full(n, np.nan)
    if s.secondment is None:
        return
    default = s.secondment.host_share if s.secondment.host_share is not None else np.nan
    share = people.numbers.get("host_share")
    if share is None and "host_share" in people.attributes:
        col = people.attributes["host_share"]
        parsed = {}
        for nm in col.names:
            try:
                parsed[nm] = parse_share(nm)
            except ValueError:
                try:
                    parsed[nm] = float(nm)
                except ValueError:
                    parsed[nm] = np.nan
        share = col.lookup(parsed, default=np.nan)
    share = np.full(n, np.nan) if share is None else share.astype(np.float64).copy()
    share = np.where(np.isnan(share), default, share)
    host = people.numbers.get("host_score", np.full(n, np.nan))
    has = np.isfinite(host) & np.isfinite(share) & (share > 0)
    r.host_share = np.where(has, np.clip(share, 0.0, 1.0), 0.0)
    r.host_score = np.where(has, host, np.nan)


def _second(r: Result, stage: str) -> None:
    """Combine the home unit's value with the host's score by shares at ``stage`` (base or total)."""
    sec = r.scheme.secondment
    if sec is None or sec.stage != stage:
        return
    h = r.host_share
    has = h > 0
    if stage == "base":
        r.home_value = np.where(has, r.base, np.nan)
        r.base = np.where(has, (1 - h) * r.base + h * np.nan_to_num(r.host_score), r.base)
    else:
        r.home_value = np.where(has, r.total_raw, np.nan)
        r.total_raw = np.where(has, (1 - h) * r.total_raw + h * np.nan_to_num(r.host_score), r.total_raw)


def _adjustments(r: Result) -> None:
    """Per category sums of approved claims and miss notices, then caps in scheme order."""
    s, d = r.scheme, r.data
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
    r.adjustment_names = cats
    r.adjustment_raw = raw
    capped = raw.copy()
    r.cap_applied = np.zeros((n, len(s.caps)), dtype=bool)
    r.cap_limit = np.zeros((n, len(s.caps)))
    for ci, cap in enumerate(s.caps.values()):
        cols = (
            [cats.index(c) for c in cap.categories]
            if cap.categories
            else [j for j, a in enumerate(s.adjustments.values()) if a.kind == cap.kind]
        )
        if not cols:
            continue
        got = capped[:, cols].sum(axis=1)
        limit = cap.at_most.resolve(r.base)
        over = got > limit + 1e-12
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(over, limit / got, 1.0)
        capped[:, cols] *= scale[:, None]
        r.cap_applied[:, ci] = over
        r.cap_limit[:, ci] = limit
    r.adjustment = capped
    kinds = np.array([a.kind == "bonus" for a in s.adjustments.values()], dtype=bool)
    r.bonus_raw = capped[:, kinds].sum(axis=1) if k else np.zeros(n)
    veto_deduct: np.ndarray = np.zeros(n)
    if len(d.flags) and "item#" in d.flags.columns:
        per_item = np.array([v.deduct for v in s.vetoes.values()] + [0.0])
        item = d.flags.num("item#")
        veto_deduct = np.bincount(
            d.flags.person, weights=per_item[np.where(item >= 0, item, -1)], minlength=n
        )
    r.veto_deduct = veto_deduct
    kpi = r.kpi_multiple_points
    r.deduction = (capped[:, ~kinds].sum(axis=1) if k else np.zeros(n)) + veto_deduct + np.maximum(-kpi, 0)
    r.kpi_bonus = np.maximum(kpi, 0)


def _coefficients(r: Result, problems: ProblemList) -> None:
    """Static and dynamic coefficients (by-grade ones are applied in the pool, after grading)."""
    s, d = r.scheme, r.data
    n = len(d.people)
    r.coefficient_names = list(s.coefficients)
    r.coefficients = np.ones((n, len(s.coefficients)))
    values: dict[str, np.ndarray | float] = {k: np.nan_to_num(v) for k, v in d.people.numbers.items()}
    values.update({"base": r.base})
    for name in coefficient_order(s):
        c = s.coefficients[name]
        j = r.coefficient_names.index(name)
        if c.kind == "static":
            col = d.people.attributes[c.attribute or ""]
            v = col.lookup(c.levels or {}, default=c.default)
        elif c.kind == "by_component_grade":
            v = _component_grade_coefficient(r, name)
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
        r.coefficients[:, j] = v
        values[name] = v
    applies = np.array([c.applies_to for c in s.coefficients.values()])
    kinds = np.array([c.kind for c in s.coefficients.values()])
    r.total_coef = r.coefficients[:, applies == "total"].prod(axis=1) if len(applies) else np.ones(n)
    r.bonus_coef = r.coefficients[:, applies == "bonus"].prod(axis=1) if len(applies) else np.ones(n)
    static_pool = (applies == "pool") & (kinds != "by_grade") if len(applies) else np.zeros(0, dtype=bool)
    r.pool_coef = r.coefficients[:, static_pool].prod(axis=1) if len(applies) else np.ones(n)


def _component_grade_coefficient(r: Result, name: str) -> np.ndarray:
    """Seed 000 身份线: rank one component's score (rounded half up to 2 decimals; ties by person id)
    within the track, hand out the coefficient's own grades by its quotas (ceilings and floors per
    track, as grading does), and give each person the level of that grade. Everyone with a track is
    ranked here: eligibility concerns the appraisal grade, not this component grade."""
    c = r.scheme.coefficients[name]
    assert c.component is not None and c.grades is not None
    n_t = len(r.track_names)
    score = round_half_up(r.components[:, r.component_names.index(c.component)], 2)
    order = np.lexsort((r.id_order, -score, r.track))
    sizes = np.bincount(r.track, minlength=n_t).astype(np.float64)
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
    n = len(r.track)
    res = assign_grades(
        order,
        r.track,
        n_t,
        np.zeros(n, dtype=np.int64),
        np.full(n, -1, dtype=np.int64),
        np.ones(n, dtype=bool),
        ceilings,
        floors,
    )
    r.component_grade[name] = res.grade
    r.component_grade_rank[name] = _positions(order, r.track, n_t)
    table = np.array([(c.levels or {}).get(g, c.default) for g in c.grades] + [c.default])
    return table[np.where(res.grade >= 0, res.grade, n_g)]


def _total(r: Result) -> None:
    r.bonus = r.bonus_raw * r.bonus_coef + r.kpi_bonus
    r.total_raw = (r.base + r.bonus - r.deduction) * r.total_coef
    _second(r, "total")
    r.total = round_half_up(r.total_raw, 2)


# --- 7. rank ----------------------------------------------------------------------------------------


def _sort_keys(r: Result) -> list[np.ndarray]:
    """np.lexsort keys for the tie-break order (last key is primary), person id always last resort."""
    d = r.data
    keys: list[np.ndarray] = []
    for item in r.scheme.grading.tie_break:
        name, direction = item.split()
        if name == "total":
            v = r.total
        elif name == "base":
            v = round_half_up(r.base, 2)
        elif name == "bonus":
            v = round_half_up(r.bonus, 2)
        elif name == "deduction":
            v = round_half_up(r.deduction, 2)
        elif name in ("person", "staff_no"):
            v = r.id_order.astype(np.float64)
        elif name in r.component_names:
            v = round_half_up(r.components[:, r.component_names.index(name)], 2)
        else:
            col = d.people.attributes.get(name)
            v = np.zeros(len(d.people)) if col is None else _name_order(col)
        keys.append(-v if direction == "desc" else v)
    keys.append(r.id_order.astype(np.float64))
    return keys[::-1]


def _name_order(col: Codes) -> np.ndarray:
    rank = np.argsort(np.argsort(np.array(col.names, dtype=object), kind="stable"))
    return np.where(col.codes >= 0, np.append(rank, 0)[col.codes], -1).astype(np.float64)


def _rank(r: Result) -> None:
    d = r.data
    n = len(d.people)
    keys = _sort_keys(r)
    r.tie_keys = keys
    # People without a grade take no rank place (unless grading.rank_ungraded): they sort last in
    # their track and get rank 0, shown as 不定等次.
    ranked = np.ones(n, dtype=bool) if r.scheme.grading.rank_ungraded else ~r.no_grade
    r.ranked = ranked
    last = (~ranked).astype(np.int8)
    order = np.lexsort(keys + [last, r.track])
    r.rank = np.where(ranked, _positions(order, r.track, len(r.track_names)), 0)
    r.track_size = np.bincount(r.track[ranked], minlength=len(r.track_names))[r.track]
    _quota_groups(r)
    r.group_order = np.lexsort(keys + [last, r.group])
    r.group_rank = np.where(ranked, _positions(r.group_order, r.group, len(r.group_names)), 0)
    r.group_size = np.bincount(r.group[ranked], minlength=len(r.group_names))[r.group]


def _id_order(r: Result) -> None:
    """Position of each person id in sorted order: the last tie-break everywhere."""
    n = len(r.data.people)
    ids = np.asarray(r.data.people.ids).astype(str)
    r.id_order = np.empty(n, dtype=np.int64)
    r.id_order[np.argsort(ids, kind="stable")] = np.arange(n)


def _positions(order: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """1-based position within the group of each person, given an order sorted by group."""
    n = len(order)
    sizes = np.bincount(group, minlength=n_groups)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    pos = np.empty(n, dtype=np.int64)
    pos[order] = np.arange(n) - starts[group[order]] + 1
    return pos


def _quota_groups(r: Result) -> None:
    """Group key = the ``quota_groups.by`` attributes; small groups merged into one pool per track (when
    grouping by track) or overall."""
    q = r.scheme.grading.quota_groups
    d = r.data
    n = len(d.people)
    cols: list[np.ndarray] = []
    labels: list[list[str]] = []
    for key in q.by:
        if key == "track":
            cols.append(r.track)
            labels.append(r.track_names)
        else:
            col = d.people.attributes.get(key)
            if col is None:
                raise DataError(
                    [
                        _problem(
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
                prefix = r.track_names[int(key)] + "·" if track_pos is not None else ""
                new_names.append(prefix + q.merged_name)
            group, names = remap[group], new_names
    r.group = group
    r.group_names = names


def _problem(d: PeriodData, table: str, path: str, expected: str, found: str):  # noqa: ANN202
    from kaohe.engine.errors import Problem

    return Problem(d.source(table), path, expected, found)


# --- 8–9. eligibility and grade ---------------------------------------------------------------------


TRUE_WORDS = {"1", "1.0", "true", "yes", "y", "是", "有", "在查", "立案", "√"}


def _truthy(r: Result, column: str) -> np.ndarray:
    """A yes/no people column: 1 / true / 是 / … → True."""
    people = r.data.people
    n = len(people)
    col = people.attributes.get(column)
    if col is None:
        return np.zeros(n, dtype=bool)
    ok = np.array([nm.strip().lower() in TRUE_WORDS for nm in col.names] + [False], dtype=bool)
    out = ok[np.where(col.codes >= 0, col.codes, len(col.names))]
    num = people.numbers.get(column)
    return out | (np.nan_to_num(num) > 0) if num is not None else out


def active_sanctions(r: Result) -> np.ndarray:
    """people × sanction levels: a sanction of that level within its impact period. Sources: the
    sanctions table (several per person: level, months_ago and/or year) and the people columns
    sanction + sanction_months_ago (or sanction_year). Months count from the sanction to the end of the
    period; a level with ``years: 2`` covers the year of the sanction and the next."""
    cached = getattr(r, "_active_sanctions", None)
    if cached is not None:
        return cached
    s, d = r.scheme, r.data
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
    r._active_sanctions = active
    return active


def _eligibility(r: Result) -> None:
    """Which eligibility rules, vetoes and vote rules hit each person (a boolean column per rule), and
    what they allow: no grade (pending, comment only), a best allowed grade, or a fixed grade."""
    s, d = r.scheme, r.data
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
            hit = active_sanctions(r)[:, levels.index(w.sanction_at_least) :].any(axis=1)
        elif w.sanction_in is not None:
            hit = active_sanctions(r)[:, [levels.index(x) for x in w.sanction_in]].any(axis=1)
        elif w.flag is not None:
            hit = _truthy(r, w.flag)
        elif w.lacks_grade is not None:
            lg = w.lacks_grade
            hit = _count_grades_in_last(r, lg.grades, lg.in_last, lg.kind) < lg.at_least
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
    for k, (path, vname, vrule) in enumerate(r.vote_rules):
        if vrule.effect != "outcome":
            rules.append((path, vrule.effect, vrule.grade or "", vrule.action or vname))
            hits.append(r.vote_hits[:, k])
    r.rule_hits = np.stack(hits, axis=1) if hits else np.zeros((n, 0), dtype=bool)
    r.rules = rules
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
    r.elig_cap = cap
    r.fixed = fixed
    r.ungraded_kind = np.where(ungraded < len(UNGRADED_EFFECTS), ungraded, -1)
    r.no_grade = r.ungraded_kind >= 0


def _count_grades_in_last(r: Result, grades: list[str], k: int, kind: str | None = None) -> np.ndarray:
    hist = r.history_grades(kind)
    all_grades = r.all_grades()
    want = [all_grades.index(g) for g in grades]
    return np.isin(hist[:, :k], want).sum(axis=1)


def _has_grade_in_last(r: Result, grades: list[str], k: int) -> np.ndarray:
    return _count_grades_in_last(r, grades, k) > 0


def _grade(r: Result) -> None:
    s = r.scheme
    g = s.grading
    grades = g.grades
    n = len(r.total)
    n_g = len(grades)
    # A grade without a threshold needs at least the threshold of the next worse grade that has one
    # (优秀 by quota only, 合格 ≥ 60: a 优秀 needs 60 too); the last grade needs nothing.
    thr = np.full(n_g, -np.inf)
    for j in range(n_g - 1, -1, -1):
        given = (g.thresholds or {}).get(grades[j])
        thr[j] = given if given is not None else (thr[j + 1] if j < n_g - 1 else -np.inf)
    reach = r.total[:, None] >= thr[None, :] - 1e-9
    abs_idx = np.where(reach.any(axis=1), reach.argmax(axis=1), n_g - 1)
    r.threshold_grade = abs_idx
    best = np.maximum(abs_idx, r.elig_cap)
    graded = ~r.no_grade
    n_groups = len(r.group_names)
    # the quota base (grading.quota_base): who the shares are of
    if g.quota_base == "everyone":
        in_base = np.ones(n, dtype=bool)
    elif g.quota_base == "graded_not_fixed":
        in_base = graded & (r.fixed < 0)
    else:
        in_base = graded
    r.in_base = in_base
    sizes = np.bincount(r.group[in_base], minlength=n_groups).astype(np.float64)
    ceilings = np.full((n_groups, n_g), np.inf)
    floors = np.zeros((n_groups, n_g))
    first_member = np.full(n_groups, -1, dtype=np.int64)
    first_member[r.group[r.group_order[::-1]]] = r.group_order[::-1]
    for gname, rule in (g.quotas or {}).items():
        j = grades.index(gname)
        if rule.by_unit_grade is not None:
            unit_grade = r.data.people.attributes.get("unit_grade")
            share = (
                unit_grade.lookup(rule.by_unit_grade, default=np.nan)[first_member]
                if unit_grade is not None
                else np.full(n_groups, np.nan)
            )
            other = (
                quota_counts(np.asarray(rule.at_most.value), rule.at_most.is_share, sizes, rule.rounding)
                if rule.at_most is not None
                else np.zeros(n_groups)
            )
            ceilings[:, j] = np.where(
                np.isnan(share), other, round_count(np.nan_to_num(share) * sizes, rule.rounding)
            )
        elif rule.at_most is not None:
            ceilings[:, j] = quota_counts(
                np.asarray(rule.at_most.value), rule.at_most.is_share, sizes, rule.rounding
            )
        if np.isfinite(ceilings[:, j]).any():
            ceilings[:, j] = np.minimum(np.maximum(ceilings[:, j], np.minimum(rule.minimum, sizes)), sizes)
            if rule.overall_at_most is not None:
                total = float(round_count(np.asarray(rule.overall_at_most * sizes.sum()), rule.rounding))
                ceilings[:, j] = cap_overall(ceilings[:, j], total, np.arange(n_groups))
        if rule.at_least is not None:
            f = quota_counts(np.asarray(rule.at_least.value), rule.at_least.is_share, sizes, rule.rounding)
            floors[:, j] = np.where(sizes >= g.quota_groups.floors_min_size, f, 0)
    res = assign_grades(r.group_order, r.group, n_groups, best, r.fixed, graded, ceilings, floors, in_base)
    r.grade = res.grade
    r.decided_by = res.decided_by
    r.place = res.place
    r.ceilings = res.ceilings
    r.floors = res.floors
    r.graded_size = res.graded_size
    r.best_allowed = best
    assert len(r.grade) == n


# --- 10–12. tail, consequences, pool ----------------------------------------------------------------


def _tail(r: Result) -> None:
    """Bottom N or share of the track, this period and the K−1 periods before it."""
    s = r.scheme
    n = len(r.total)
    r.tail_names = list(s.tail_rules)
    r.tail_hits = np.zeros((n, len(s.tail_rules)), dtype=bool)
    if not s.tail_rules:
        return
    prev_rank, prev_size = r.history_ranks()
    for j, rule in enumerate(s.tail_rules.values()):
        in_tracks = (
            np.ones(n, dtype=bool)
            if not rule.tracks
            else np.isin(r.track, [r.track_names.index(t) for t in rule.tracks])
        )

        def bottom(rank: np.ndarray, size: np.ndarray, rule=rule) -> np.ndarray:
            k = (
                round_count(rule.bottom.value * size, rule.rounding)
                if rule.bottom.is_share
                else rule.bottom.value
            )
            return (rank > size - k) & (rank > 0)

        size = r.track_size.astype(np.float64)
        window = rule.window_size(s.period)
        if window is not None:
            name = r.tail_names[j]
            value, rank = _tail_window_rank(r, window)
            r.tail_value[name], r.tail_rank[name] = value, rank
            r.tail_hits[:, j] = in_tracks & bottom(rank.astype(np.float64), size)
            continue
        hit = in_tracks & bottom(r.rank.astype(np.float64), size)
        for p in range(rule.consecutive - 1):
            if p >= prev_rank.shape[1]:
                hit &= False
                break
            hit &= bottom(prev_rank[:, p], prev_size[:, p])
        r.tail_hits[:, j] = hit


def _tail_window_rank(r: Result, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Tail rules with ``window`` / ``over`` (seed 001: 季度 / 半年 / 全年靠后): each person's mean of the
    totals of this period and the ``window`` − 1 most recent earlier periods of the scheme's kind
    (previous.csv ``total``; a period without a total is left out), rounded half up to two decimals,
    and its rank within the track among the people ranked this period (ties broken by the scheme's
    ``tie_break`` on this period's values, then person id; 0 for people without a rank place)."""
    totals = r.history_totals()[:, : window - 1]
    found = np.isfinite(totals)
    got = r.total + np.where(found, totals, 0.0).sum(axis=1)
    value = round_half_up(got / (found.sum(axis=1) + 1), 2)
    last = (~r.ranked).astype(np.int8)
    order = np.lexsort([*r.tie_keys, -value, last, r.track])
    rank = np.where(r.ranked, _positions(order, r.track, len(r.track_names)), 0)
    return value, rank


def _consequences(r: Result) -> None:
    """Pay factor by grade; outcomes from runs and counts of grades over this and earlier periods; vote
    rules whose effect is a named outcome."""
    s = r.scheme
    n = len(r.total)
    grades = s.grading.grades
    pay = s.consequences.pay_factor or {}
    table = np.array([pay.get(g, 0.0) for g in grades] + [0.0])
    r.pay_factor = table[np.where(r.grade >= 0, r.grade, len(grades))]
    outcomes = s.consequences.outcomes or {}
    r.outcome_names = []
    r.outcome_rules = []
    cols: list[np.ndarray] = []
    all_grades = r.all_grades()
    for name, out in outcomes.items():
        own = out.kind is None or out.kind == s.period
        hist = r.history_grades(out.kind)
        if own and out.include_current:
            hist = np.concatenate([r.grade[:, None], hist], axis=1)
        want = np.isin(hist, [all_grades.index(g) for g in out.grades])
        m = want.shape[1]
        if out.consecutive is not None:
            k = out.consecutive
            run = np.where(want.all(axis=1), m, want.argmin(axis=1)) if m else np.zeros(n, dtype=np.int64)
            hit = run >= k
            if out.every:
                hit &= run % k == 0
        else:
            w = out.within or m
            count = want[:, :w].sum(axis=1)
            k = out.cumulative or 1
            hit = count >= k
            if out.every:
                hit &= (count % k == 0) & (want[:, 0] if m else False)
        if out.at_most is not None:
            hit = _first_in_group(r, hit, out.at_most, out.rounding)
        r.outcome_names.append(name)
        r.outcome_rules.append(f"consequences.outcomes.{name}")
        cols.append(hit)
    for k, (path, vname, vrule) in enumerate(r.vote_rules):
        if vrule.effect == "outcome":
            r.outcome_names.append(vrule.action or vname)
            r.outcome_rules.append(path)
            cols.append(r.vote_hits[:, k])
    r.outcome_hits = np.stack(cols, axis=1) if cols else np.zeros((n, 0), dtype=bool)


def _first_in_group(r: Result, hit: np.ndarray, limit, rounding: str) -> np.ndarray:  # noqa: ANN001
    """Keep only the first ``limit`` (count or share of the quota base) of each quota group in rank
    order among ``hit``."""
    n_groups = len(r.group_names)
    sizes = np.bincount(r.group[r.in_base], minlength=n_groups).astype(np.float64)
    places = quota_counts(np.asarray(limit.value), limit.is_share, sizes, rounding)
    order = r.group_order
    g_sorted = r.group[order]
    starts, _ = segment_starts(g_sorted, n_groups)
    run = segment_cumsum(hit[order], g_sorted, starts)
    keep_s = hit[order] & (run <= places[g_sorted])
    keep = np.empty(len(hit), dtype=bool)
    keep[order] = keep_s
    return keep


def _pool(r: Result) -> None:
    """Incentive pools in integer fen, each shared by weight = pool coefficients × grade coefficient
    (× total) among its members; a pool ``by`` an attribute is one pool per value, each preserved to
    the fen by largest remainder."""
    s, d = r.scheme, r.data
    n = len(r.total)
    pools = s.all_pools()
    r.pool_names = [name for name, _path, _p in pools]
    r.pool_rules = [path for _name, path, _p in pools]
    r.pool_fen_by = np.zeros((n, len(pools)), dtype=np.int64)
    r.pool_weight_by = np.zeros((n, len(pools)))
    r.pool_fen = np.zeros(n, dtype=np.int64)
    r.pool_weight = np.zeros(n)
    r.pool_totals = []
    grades = s.grading.grades
    by_grade = [c for c in s.coefficients.values() if c.kind == "by_grade"]
    gi = np.where(r.grade >= 0, r.grade, len(grades))
    total_fen = 0
    any_amount = False
    for j, (name, path, pool) in enumerate(pools):
        given = d.pool_amounts.get(name) if path != "pool" else d.pool_amount
        weight = r.pool_coef.copy()
        tables = [c.levels or {} for c in by_grade]
        if pool.grade_coefficients:
            tables.append(pool.grade_coefficients)
        for table in tables:
            weight *= np.array([table.get(g, 0.0) for g in grades] + [0.0])[gi]
        if pool.basis == "total":
            weight *= np.maximum(r.total, 0)
        member = r.grade >= 0
        if pool.tracks:
            member &= np.isin(r.track, [r.track_names.index(t) for t in pool.tracks])
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
                seg, seg_names = r.track.copy(), list(r.track_names)
            elif col is None:
                raise DataError(
                    [
                        _problem(
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
            r.pool_totals.append(None)
            continue
        any_amount = True
        fen = round_half_up(np.nan_to_num(amounts) * 100.0, 0).astype(np.int64)
        got = largest_remainder_groups(weight, fen, seg, r.id_order)
        has = np.bincount(seg, weights=weight, minlength=len(fen)) > 0
        r.pool_fen_by[:, j] = got
        r.pool_weight_by[:, j] = weight
        r.pool_totals.append(int(fen[has].sum()))  # a value with no member shares nothing
        total_fen += int(fen[has].sum())
    r.pool_fen = r.pool_fen_by.sum(axis=1)
    if pools:
        r.pool_weight = r.pool_weight_by[:, 0]
    if any_amount:
        r.pool_total_fen = total_fen
