"""Cross-field checks of a scheme: what the models alone cannot check (shares and points adding up,
references to tracks, grades, components and categories that exist, tree depth, formulas that parse)."""

from __future__ import annotations

import re

from kaohe.engine.attributes import check_attributes
from kaohe.engine.errors import ProblemList
from kaohe.engine.formula import FormulaError, parse_formula
from kaohe.engine.marks import assessor_problems
from kaohe.engine.scheme import (
    ATTRIBUTES_BUILTIN,
    MAX_DEPTH,
    TAIL_WINDOWS,
    TOLERANCE,
    Aggregation,
    Coefficient,
    CoefficientCycle,
    Component,
    Indicator,
    Scheme,
    coefficient_order,
)

# --- cross-field checks -----------------------------------------------------------------------------


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE * max(1.0, abs(b))


def _pct(x: float) -> str:
    return f"{x * 100:g}%"


def check_scheme(s: Scheme, p: ProblemList) -> None:
    """Add every cross-field problem of ``s`` to ``p``."""
    grades = set(s.grading.grades)
    all_grades = grades | set(s.routine_grades)
    tracks = set(s.tracks)
    if not s.tracks:
        p.add("tracks", "at least one track", "none")
    total_share = sum(c.share for c in s.components.values())
    if not s.components:
        p.add("components", "at least one component", "none")
    elif not _close(total_share, 1.0):
        p.add("components", "component shares adding up to 100%", _pct(total_share))
    for name, comp in s.components.items():
        _check_component(s, name, comp, p, tracks)
    for path, expected, found in assessor_problems(s):
        p.add(path, expected, found)
    for name, adj in s.adjustments.items():
        path = f"adjustments.{name}"
        if adj.source == "claims" and adj.points is None:
            p.add(f"{path}.points", "a range [lowest, highest] for claimed points", "nothing")
        if adj.points is not None and not (0 <= adj.points[0] <= adj.points[1]):
            p.add(f"{path}.points", "0 ≤ lowest ≤ highest", list(adj.points))
        if adj.source == "worklog_misses" and adj.per_event is None:
            p.add(f"{path}.per_event", "points per miss notice", "nothing")
    for name, cap in s.caps.items():
        for cat in cap.categories or []:
            if cat not in s.adjustments:
                p.add(f"caps.{name}.categories", f"one of {sorted(s.adjustments)}", cat)
            elif s.adjustments[cat].kind != cap.kind:
                p.add(f"caps.{name}.categories", f"a {cap.kind} category", cat)
    levels = list(s.sanction_levels)
    for name, veto in s.vetoes.items():
        _check_effect(f"vetoes.{name}", veto.effect, veto.grade, grades, p)
    for name, rule in s.eligibility.items():
        path = f"eligibility.{name}"
        _check_effect(path, rule.effect, rule.grade, grades, p)
        set_fields = [k for k, v in rule.when.model_dump().items() if v is not None]
        if len(set_fields) != 1:
            p.add(f"{path}.when", "exactly one condition", set_fields or "none")
        if rule.when.sanction_at_least is not None and rule.when.sanction_at_least not in levels:
            p.add(
                f"{path}.when.sanction_at_least",
                f"one of sanction_levels {levels}",
                rule.when.sanction_at_least,
            )
        for lv in rule.when.sanction_in or []:
            if lv not in levels:
                p.add(f"{path}.when.sanction_in", f"one of sanction_levels {levels}", lv)
        if rule.when.lacks_grade is not None:
            _check_grades(f"{path}.when.lacks_grade.grades", rule.when.lacks_grade.grades, all_grades, p)
    for name, impact in s.sanction_levels.items():
        if (impact.months is None) == (impact.years is None):
            p.add(f"sanction_levels.{name}", "impact months (a number) or {years: n}", "both or neither")
    for name, coef in s.coefficients.items():
        _check_coefficient(f"coefficients.{name}", coef, grades, p, set(s.components))
    _check_coefficient_cycles(s, p)
    if s.aggregation is not None:
        _check_aggregation(s, s.aggregation, p, tracks)
    _check_grading(s, p, grades, tracks)
    check_attributes(s, p)
    for name, tail in s.tail_rules.items():
        for t in tail.tracks or []:
            if t not in tracks:
                p.add(f"tail_rules.{name}.tracks", f"one of {sorted(tracks)}", t)
        if tail.window is not None and tail.over is not None:
            p.add(f"tail_rules.{name}", "window or over, not both", "both")
        if (tail.window is not None or tail.over is not None) and tail.consecutive != 1:
            p.add(
                f"tail_rules.{name}.consecutive",
                "consecutive only without window / over (the window's combined rank is judged once)",
                tail.consecutive,
            )
        if tail.over is not None and tail.over not in TAIL_WINDOWS[s.period]:
            p.add(
                f"tail_rules.{name}.over",
                f"a span longer than the scheme's period {s.period}: {sorted(TAIL_WINDOWS[s.period])}",
                tail.over,
            )
    if s.consequences.pay_factor:
        _check_grades("consequences.pay_factor", list(s.consequences.pay_factor), grades, p)
    for name, out in (s.consequences.outcomes or {}).items():
        _check_grades(f"consequences.outcomes.{name}.grades", out.grades, all_grades, p)
        if (out.consecutive is None) == (out.cumulative is None):
            p.add(f"consequences.outcomes.{name}", "either consecutive or cumulative", "both or neither")
        if out.within is not None and out.cumulative is not None and out.within < out.cumulative:
            p.add(
                f"consequences.outcomes.{name}.within", f"at least cumulative ({out.cumulative})", out.within
            )
    for _pname, path, pool in s.all_pools():
        for t in pool.tracks or []:
            if t not in tracks:
                p.add(f"{path}.tracks", f"one of {sorted(tracks)}", t)
        if pool.grade_coefficients:
            _check_grades(f"{path}.grade_coefficients", list(pool.grade_coefficients), grades, p)
        if pool.amounts is not None and pool.by is None:
            p.add(f"{path}.amounts", "amounts only with by (one pool per value)", "no by")


_PREVIOUS_COLUMNS = {"person", "period", "kind", "total", "grade", "rank", "size"}


def _check_grades(path: str, names: list[str], grades: set[str], p: ProblemList) -> None:
    for g in names:
        if g not in grades:
            p.add(path, f"a grade of grading.grades {sorted(grades)}", g)


def _check_effect(path: str, effect: str, grade: str | None, grades: set[str], p: ProblemList) -> None:
    if effect in ("grade_at_most", "fixed_grade"):
        if grade is None:
            p.add(f"{path}.grade", f"the grade that {effect} names", "nothing")
        elif grade not in grades:
            p.add(f"{path}.grade", f"a grade of grading.grades {sorted(grades)}", grade)


def _check_component(s: Scheme, name: str, comp: Component, p: ProblemList, tracks: set[str]) -> None:
    path = f"components.{name}"
    kinds = [k for k in ("indicators", "ballot") if getattr(comp, k) is not None]
    if comp.indicators_by_track and "indicators" not in kinds:
        kinds.append("indicators_by_track")
    if len(kinds) != 1:
        p.add(path, "exactly one of indicators / indicators_by_track / ballot", kinds or "none")
    if comp.indicators is not None:
        _check_tree(f"{path}.indicators", comp.indicators, None, 1, p)
    for track, tree in (comp.indicators_by_track or {}).items():
        if track not in tracks:
            p.add(f"{path}.indicators_by_track", f"a track of {sorted(tracks)}", track)
        _check_tree(f"{path}.indicators_by_track.{track}", tree, None, 1, p)
    if comp.indicators is None and comp.indicators_by_track:
        missing = sorted(tracks - set(comp.indicators_by_track))
        if missing:
            p.add(
                f"{path}.indicators_by_track",
                "a tree for every track (or a common indicators tree)",
                f"none for {missing}",
            )
    if comp.over_periods is not None:
        op = comp.over_periods
        if op.earlier_share is not None and not 0 <= op.earlier_share <= 1:
            p.add(f"{path}.over_periods.earlier_share", "a share between 0% and 100%", _pct(op.earlier_share))
        if name in _PREVIOUS_COLUMNS:
            p.add(
                path,
                f"a component name other than previous.csv's own columns {sorted(_PREVIOUS_COLUMNS)} "
                "(over_periods reads the column named as the component)",
                name,
            )
    if comp.ballot is not None:
        b = comp.ballot
        w = sum(b.rater_groups.values())
        if not _close(w, 1.0):
            p.add(f"{path}.ballot.rater_groups", "weights adding up to 100%", _pct(w))
        if b.dimensions is not None and not _close(sum(b.dimensions.values()), 1.0):
            p.add(f"{path}.ballot.dimensions", "weights adding up to 100%", _pct(sum(b.dimensions.values())))
        if b.overall is not None and b.dimensions is None:
            p.add(f"{path}.ballot.overall", "an overall tick only beside dimensions", "no dimensions")
        ticks = set(b.overall.options) if b.overall is not None else set(b.options)
        grades = set(s.grading.grades)
        for vname, rule in b.vote_rules.items():
            vpath = f"{path}.ballot.vote_rules.{vname}"
            for o in rule.options:
                if o not in ticks:
                    p.add(f"{vpath}.options", f"one of {sorted(ticks)}", o)
            for grp in rule.groups or []:
                if grp not in b.rater_groups:
                    p.add(f"{vpath}.groups", f"one of {sorted(b.rater_groups)}", grp)
            if (rule.below is None) == (rule.above is None):
                p.add(vpath, "either below or above", "both or neither")
            _check_effect(vpath, rule.effect, rule.grade, grades, p)
        if not b.options:
            p.add(f"{path}.ballot.options", "at least one option", "none")


def _check_tree(
    path: str, tree: dict[str, Indicator], parent_points: float | None, depth: int, p: ProblemList
) -> None:
    """Depth ≤ 3; siblings all by points or all by weight; points add up to the parent's points and
    weights to 100%; leaves have a usable source."""
    if depth > MAX_DEPTH:
        p.add(path, f"at most {MAX_DEPTH} levels of indicators", f"level {depth}")
        return
    if not tree:
        p.add(path, "at least one indicator", "none")
        return
    by_points = [n for n, i in tree.items() if i.points is not None]
    by_weight = [n for n, i in tree.items() if i.weight is not None]
    both = [n for n, i in tree.items() if i.points is not None and i.weight is not None]
    for n in both:
        p.add(f"{path}.{n}", "points or weight, not both", "both")
    if by_points and by_weight:
        p.add(
            path,
            "siblings all with points or all with weight",
            f"points on {by_points}, weight on {by_weight}",
        )
    elif by_points and len(by_points) != len(tree):
        missing = [n for n in tree if n not in by_points]
        p.add(path, "points on every sibling", f"none on {missing}")
    elif by_weight and len(by_weight) != len(tree):
        missing = [n for n in tree if n not in by_weight]
        p.add(path, "a weight on every sibling", f"none on {missing}")
    elif not by_points and not by_weight:
        p.add(path, "points or weight on each indicator", "neither")
    elif by_points and parent_points is not None:
        total = sum(tree[n].points or 0 for n in by_points)
        if not _close(total, parent_points):
            p.add(path, f"points adding up to the parent's {parent_points:g}", f"{total:g}")
    elif by_weight:
        total = sum(tree[n].weight or 0 for n in by_weight)
        if not _close(total, 1.0):
            p.add(path, "weights adding up to 100%", _pct(total))
    for name, node in tree.items():
        here = f"{path}.{name}"
        if node.indicators is not None:
            if node.source != "assessor" or node.kpi or node.worklog:
                p.add(here, "a source only on leaves", "a source on an indicator with children")
            _check_tree(f"{here}.indicators", node.indicators, node.points, depth + 1, p)
            continue
        if node.source == "kpi" and node.kpi is None:
            p.add(f"{here}.kpi", "the KPI's measures (source: kpi)", "nothing")
        if node.kpi is not None:
            if node.source != "kpi":
                p.add(f"{here}.source", "kpi (a kpi block is given)", node.source)
            if not _close(sum(node.kpi.measures.values()), 1.0):
                p.add(
                    f"{here}.kpi.measures", "weights adding up to 100%", _pct(sum(node.kpi.measures.values()))
                )
            m = node.kpi.multiplied
            if m is not None and not (0 < m[0] <= m[1]):
                p.add(f"{here}.kpi.multiplied", "0 < lowest ≤ highest", list(m))
        if node.source == "personal" and node.max_count is None:
            p.add(f"{here}.max_count", "the maximum number of personal indicators", "nothing")
        if node.source != "personal" and node.max_count is not None:
            p.add(f"{here}.max_count", "max_count only with source: personal", node.source)


def _check_aggregation(s: Scheme, agg: Aggregation, p: ProblemList, tracks: set[str]) -> None:
    for name, part in agg.parts.items():
        path = f"aggregation.parts.{name}"
        for t in part.share_by_track or {}:
            if t not in tracks:
                p.add(f"{path}.share_by_track", f"a track of {sorted(tracks)}", t)
        if part.component is not None:
            if part.source != "current":
                p.add(f"{path}.component", "a component only with from: current", part.source)
            elif part.component not in s.components:
                p.add(f"{path}.component", f"a component of {sorted(s.components)}", part.component)
        if part.source == "current" and (part.include_current or part.last is not None):
            p.add(path, "include_current and last only with an earlier period kind", "from: current")
        if part.include_current and part.how != "mean":
            p.add(f"{path}.include_current", "how: mean", part.how)
    by_track: dict[str, float] = {}
    for t in sorted(tracks) or [""]:
        by_track[t] = sum((part.share_by_track or {}).get(t, part.share) for part in agg.parts.values())
    bad = {t: v for t, v in by_track.items() if not _close(v, 1.0)}
    if bad:
        if len(set(round(v, 9) for v in bad.values())) == 1 and len(bad) == len(by_track):
            p.add("aggregation.parts", "shares adding up to 100%", _pct(next(iter(bad.values()))))
        else:
            for t, v in bad.items():
                p.add("aggregation.parts", f"shares adding up to 100% for track {t}", _pct(v))


def _check_coefficient(
    path: str, c: Coefficient, grades: set[str], p: ProblemList, components: set[str] | None = None
) -> None:
    if c.kind == "static":
        if c.attribute is None:
            p.add(f"{path}.attribute", "the person attribute that selects the level", "nothing")
        if not c.levels:
            p.add(f"{path}.levels", "level → coefficient", "nothing")
    elif c.kind == "dynamic":
        if not c.formula:
            p.add(f"{path}.formula", "a formula over period measures", "nothing")
        else:
            try:
                parse_formula(c.formula)
            except FormulaError as exc:
                p.add(f"{path}.formula", "a valid formula", str(exc))
    elif c.kind == "by_grade":
        if not c.levels:
            p.add(f"{path}.levels", "grade → coefficient", "nothing")
        else:
            _check_grades(f"{path}.levels", list(c.levels), grades, p)
        if c.applies_to != "pool":
            p.add(f"{path}.applies_to", "pool (a grade is known only after the total)", c.applies_to)
    elif c.kind == "by_component_grade":
        if c.component is None or c.component not in (components or set()):
            p.add(f"{path}.component", f"a component of {sorted(components or [])}", c.component or "nothing")
        own = set(c.grades or [])
        if not c.grades:
            p.add(f"{path}.grades", "the component's grades, best first", "nothing")
        elif len(own) != len(c.grades):
            p.add(f"{path}.grades", "distinct grade names", c.grades)
        if not c.levels:
            p.add(f"{path}.levels", "grade → coefficient", "nothing")
        for g in c.levels or {}:
            if g not in own:
                p.add(f"{path}.levels", f"a grade of {path}.grades {sorted(own)}", g)
        for g, rule in (c.quotas or {}).items():
            if g not in own:
                p.add(f"{path}.quotas", f"a grade of {path}.grades {sorted(own)}", g)
            if rule.at_most is None and rule.at_least is None:
                p.add(f"{path}.quotas.{g}", "at_most or at_least", "none")
            unit_rules = (rule.by_unit_grade, rule.by_honour, rule.unit_at_most, rule.overall_at_most)
            if any(r is not None for r in unit_rules):
                p.add(f"{path}.quotas.{g}", "at_most, at_least, rounding, minimum", "a unit-grade share")
    if c.kind != "by_component_grade" and (c.component or c.grades or c.quotas):
        p.add(path, "component, grades and quotas only with kind: by_component_grade", c.kind)
    for value in (c.levels or {}).values():
        if value <= 0:
            p.add(f"{path}.levels", "positive coefficients", value)
    if c.clip is not None and c.clip[0] > c.clip[1]:
        p.add(f"{path}.clip", "lowest ≤ highest", list(c.clip))


def _check_coefficient_cycles(s: Scheme, p: ProblemList) -> None:
    try:
        coefficient_order(s)
    except CoefficientCycle as cyc:
        p.add(
            f"coefficients.{cyc.names[0]}.formula",
            "formulas that do not refer to each other in a cycle",
            " → ".join(cyc.names),
        )


def _check_grading(s: Scheme, p: ProblemList, grades: set[str], tracks: set[str]) -> None:
    g = s.grading
    if len(grades) != len(g.grades):
        p.add("grading.grades", "distinct grade names", g.grades)
    if g.thresholds:
        _check_grades("grading.thresholds", list(g.thresholds), grades, p)
        order = [g.thresholds[x] for x in g.grades if x in g.thresholds]
        if order != sorted(order, reverse=True):
            p.add("grading.thresholds", "thresholds falling from the best grade to the worst", order)
    for name, rule in (g.quotas or {}).items():
        path = f"grading.quotas.{name}"
        _check_grades("grading.quotas", [name], grades, p)
        if rule.at_most is None and rule.at_least is None and not (rule.by_unit_grade or rule.by_honour):
            p.add(path, "at_most, at_least, by_unit_grade or by_honour", "none")
        for honour, share in (rule.by_honour or {}).items():
            if share < 0:
                p.add(f"{path}.by_honour.{honour}", "a share of 0% or more", f"{share * 100:g}%")
    known = {"track", "unit", "unit_kind", "identity", "staffing", "post_type", "post_level"}
    for key in g.quota_groups.by:
        if key not in known and not re.fullmatch(r"[\w\u4e00-\u9fff]+", key):
            p.add("grading.quota_groups.by", "an attribute name", key)
    comps = set(s.components)
    for i, key in enumerate(g.tie_break):
        parts = key.split()
        path = f"grading.tie_break.{i}"
        if len(parts) != 2 or parts[1] not in ("asc", "desc"):
            p.add(path, '"<key> asc" or "<key> desc"', key)
            continue
        if parts[0] not in comps | {"total", "base", "person", "staff_no", "bonus", "deduction"} | set(
            ATTRIBUTES_BUILTIN
        ):
            p.add(
                path,
                f"total, base, bonus, deduction, person, an attribute or a component {sorted(comps)}",
                parts[0],
            )
