"""A person's derivation, assembled on demand from the bulk run's columns.

Each :class:`~kaohe.engine.explain_text.Step` names the scheme rule that produced it (its path in the
scheme) and carries the numbers; :func:`~kaohe.engine.explain_text.render` turns steps into Chinese
(default) or English text. Leaf scores are recomputed for the one person from the period data, which
costs microseconds and spares the bulk run from keeping a people × leaves matrix.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kaohe.engine.explain_text import Step, render
from kaohe.engine.grading import BY_CEILING, BY_DEFAULT, BY_FIXED, BY_FLOOR, NO_GRADE
from kaohe.engine.numeric import round_count
from kaohe.engine.result import Result
from kaohe.engine.stages.components import leaf_score


def explain(result: Result, person_id: str, lang: str = "zh") -> str:
    """One person's derivation as readable text (Chinese by default, ``lang="en"`` for English);
    KeyError for an unknown person id."""
    return render(derivation(result, result.index_of(person_id)), lang)


def _f(x: float, nd: int = 2) -> str:
    return f"{float(x):.{nd}f}".rstrip("0").rstrip(".") if nd else f"{float(x):.0f}"


def _pct(x: float) -> str:
    return f"{float(x) * 100:g}%"


def derivation(r: Result, i: int) -> list[Step]:
    """Every step from inputs to consequences for person ``i``, each citing its rule."""
    s, d = r.scheme, r.data
    steps: list[Step] = []
    name = str(d.people.names[i]) if d.people.names is not None else str(d.people.ids[i])
    steps.append(Step("person", "scheme", {"name": name, "person": d.people.ids[i], "period": d.period}))
    track = r.track_names[r.track[i]]
    if r.track_explicit[i]:
        steps.append(Step("track_explicit", f"tracks.{track}", {"track": track}))
    else:
        cond = s.tracks[track]
        steps.append(
            Step(
                "track_condition",
                f"tracks.{track}",
                {"track": track, "cond": ", ".join(f"{k}={'/'.join(v)}" for k, v in cond.items()) or "*"},
            )
        )
    _components_steps(r, i, steps)
    steps.append(Step("base", "components", {"base": _f(r.base_current[i])}))
    if s.aggregation is not None:
        for pname, part in s.aggregation.parts.items():
            args: dict[str, Any] = {
                "part": pname,
                "value": _f(r.aggregation_parts[pname][i]),
                "share": _pct(round(float(r.aggregation_shares[pname][i]), 9)),
            }
            key = "aggregation"
            if part.include_current:
                key, args["count"] = "aggregation_mean", int(r.aggregation_counts[pname][i])
            steps.append(Step(key, f"aggregation.parts.{pname}", args, 1))
        steps.append(Step("aggregated", "aggregation", {"base": _f(r.base[i])}))
    sec = s.secondment
    if sec is not None and r.host_share[i] > 0:
        h = float(r.host_share[i])
        value = r.base[i] if sec.stage == "base" else r.total_raw[i]
        steps.append(
            Step(
                "secondment",
                "secondment",
                {
                    "home": _f(r.home_value[i]),
                    "home_share": _pct(round(1 - h, 6)),
                    "host": _f(r.host_score[i]),
                    "host_share": _pct(h),
                    "value": _f(value),
                },
            )
        )
    _adjustment_steps(r, i, steps)
    for j, cname in enumerate(r.coefficient_names):
        c = s.coefficients[cname]
        if c.kind == "by_grade":
            continue
        steps.append(
            Step(
                "coefficient",
                f"coefficients.{cname}",
                {"coef": cname, "value": _f(r.coefficients[i, j], 4), "target": c.applies_to},
            )
        )
        if c.kind == "by_component_grade" and c.component is not None and c.grades is not None:
            g = int(r.component_grade[cname][i])
            steps.append(
                Step(
                    "component_grade",
                    f"coefficients.{cname}.quotas",
                    {
                        "component": c.component,
                        "score": _f(r.components[i, r.component_names.index(c.component)]),
                        "rank": int(r.component_grade_rank[cname][i]),
                        "size": int(np.sum(r.track == r.track[i])),
                        "grade": c.grades[g] if g >= 0 else "—",
                    },
                    1,
                )
            )
    steps.append(
        Step(
            "total",
            "components",
            {
                "base": _f(r.base[i]),
                "bonus": _f(r.bonus[i]),
                "deduction": _f(r.deduction[i]),
                "coef": _f(r.total_coef[i], 4),
                "raw": _f(r.total_raw[i], 4),
                "total": _f(r.total[i]),
            },
        )
    )
    if r.rank[i] > 0:
        steps.append(
            Step(
                "rank",
                "grading.tie_break",
                {"rank": int(r.rank[i]), "size": int(r.track_size[i]), "tie": ", ".join(s.grading.tie_break)},
            )
        )
    else:
        steps.append(
            Step(
                "rank_ungraded",
                "grading.rank_ungraded",
                {"label": r.status_name(i), "size": int(r.track_size[i])},
            )
        )
    _grade_steps(r, i, steps)
    for j, tname in enumerate(r.tail_names):
        if tname in r.tail_value:
            _tail_window_step(r, i, j, tname, steps)
        elif r.tail_hits[i, j]:
            steps.append(
                Step("tail", f"tail_rules.{tname}", {"name": tname, "action": s.tail_rules[tname].action})
            )
    if s.consequences.pay_factor and r.grade[i] >= 0:
        steps.append(Step("pay", "consequences.pay_factor", {"value": f"{r.pay_factor[i] * 100:+g}%"}))
    for j, oname in enumerate(r.outcome_names):
        if r.outcome_hits[i, j]:
            steps.append(Step("outcome", r.outcome_rules[j], {"name": oname}))
    for j, (pname, path) in enumerate(zip(r.pool_names, r.pool_rules, strict=True)):
        total = r.pool_totals[j]
        if total is None or (len(r.pool_names) > 1 and r.pool_weight_by[i, j] <= 0):
            continue
        steps.append(
            Step(
                "pool",
                path,
                {
                    "pool": pname,
                    "weight": _f(r.pool_weight_by[i, j], 4),
                    "amount": f"{r.pool_fen_by[i, j] / 100:.2f}",
                    "total": f"{total / 100:.2f}",
                },
            )
        )
    return steps


def _tail_window_step(r: Result, i: int, j: int, tname: str, steps: list[Step]) -> None:
    """A tail rule on the combined score of a window of periods: the mean, its rank, the outcome."""
    s = r.scheme
    rule = s.tail_rules[tname]
    if rule.tracks and r.track_names[r.track[i]] not in rule.tracks:
        return
    window = rule.window_size(s.period) or 1
    args: dict[str, Any] = {"name": tname, "window": window, "value": _f(r.tail_value[tname][i])}
    if r.tail_rank[tname][i] <= 0:
        steps.append(Step("tail_window_unranked", f"tail_rules.{tname}", args))
        return
    size = int(r.track_size[i])
    k = rule.bottom.value
    if rule.bottom.is_share:
        k = float(round_count(np.asarray(k * size), rule.rounding))
    found = int(np.isfinite(r.history_totals()[i, : window - 1]).sum()) + 1
    args.update(
        found=found,
        rank=int(r.tail_rank[tname][i]),
        size=size,
        bottom=_f(k),
        outcome=(" → " + rule.action) if r.tail_hits[i, j] else "",
    )
    if not r.tail_hits[i, j]:
        args["outcome"] = ("not_hit", "")
    steps.append(Step("tail_window", f"tail_rules.{tname}", args))


def _component_periods_step(r: Result, i: int, c: int, cname: str, steps: list[Step]) -> None:
    op = r.scheme.components[cname].over_periods
    assert op is not None
    count = int(r.component_earlier_count[cname][i])
    args: dict[str, Any] = {
        "kind": op.source,
        "count": count,
        "current": _f(r.component_current[i, c]),
        "score": _f(r.components[i, c]),
    }
    rule = f"components.{cname}.over_periods"
    if count == 0:
        steps.append(Step("component_periods_none", rule, args, 1))
        return
    args["earlier"] = _f(r.component_earlier_mean[cname][i])
    if op.earlier_share is None:
        args["periods"] = count + 1
        steps.append(Step("component_periods_mean", rule, args, 1))
    else:
        args.update(earlier_share=_pct(op.earlier_share), current_share=_pct(round(1 - op.earlier_share, 9)))
        steps.append(Step("component_periods_weighted", rule, args, 1))


def _components_steps(r: Result, i: int, steps: list[Step]) -> None:
    s, d = r.scheme, r.data
    rows = np.array([i])
    for c, (cname, comp) in enumerate(s.components.items()):
        steps.append(
            Step(
                "component",
                f"components.{cname}",
                {"component": cname, "score": _f(r.components[i, c]), "share": _pct(comp.share)},
            )
        )
        if comp.ballot is not None:
            b = comp.ballot
            mean, ballots, dropped = r.ballot_cache[cname]
            for g, (gname, w) in enumerate(b.rater_groups.items()):
                valid = ballots[i, g] >= b.min_ballots
                note: str | tuple[str, int, str] = (
                    "" if valid else ("missing", b.min_ballots, b.when_group_missing)
                )
                if valid and dropped[i, g] > 0:
                    note = ("dropped", b.drop_extremes, "")
                steps.append(
                    Step(
                        "ballot_group",
                        f"components.{cname}.ballot.rater_groups.{gname}",
                        {
                            "group": gname,
                            "ballots": _f(ballots[i, g]),
                            "mean": _f(mean[i, g]),
                            "weight": _pct(w),
                            "note": note,
                        },
                        1,
                    )
                )
            for k, (path, vname, rule) in enumerate(r.vote_rules):
                if not path.startswith(f"components.{cname}."):
                    continue
                share = r.vote_shares[i, k]
                if np.isnan(share):
                    continue
                args: dict[str, Any] = {
                    "name": vname,
                    "options": "+".join(rule.options),
                    "share": f"{share * 100:.2f}%",
                }
                if r.vote_hits[i, k]:
                    thr = rule.below if rule.below is not None else (rule.above or 0.0)
                    args.update(
                        cmp=("below" if rule.below is not None else "above", rule.strict),
                        threshold=f"{thr * 100:.2f}%",
                        effect=(rule.effect, rule.grade or "")
                        if rule.effect != "outcome"
                        else ("outcome", ""),
                    )
                    steps.append(Step("vote_rule", path, args, 1))
                else:
                    steps.append(Step("vote_rule_not", path, args, 1))
            if comp.over_periods is not None:
                _component_periods_step(r, i, c, cname, steps)
            continue
        for track_ids, lvs in r.leaves[cname]:
            if track_ids is not None and r.track[i] not in track_ids:
                continue
            for leaf in lvs:
                v100 = float(leaf_score(d, r.checks, leaf, rows)[0])
                raw: Any = v100
                if leaf.node.source == "assessor" and leaf.key in d.scores:
                    raw = d.scores[leaf.key][i]
                    raw = "—" if np.isnan(raw) else _f(raw)
                elif leaf.node.source == "assessor":
                    raw = "—"
                else:
                    raw = _f(v100 / 100, 4)
                steps.append(
                    Step(
                        "leaf",
                        leaf.rule,
                        {
                            "path": "/".join(leaf.names),
                            "source": leaf.node.source,
                            "raw": raw,
                            "leaf100": _f(v100),
                            "factor": _f(leaf.factor, 4),
                            "value": _f(leaf.factor * v100),
                        },
                        1,
                    )
                )
        if comp.over_periods is not None:
            _component_periods_step(r, i, c, cname, steps)


def _adjustment_steps(r: Result, i: int, steps: list[Step]) -> None:
    s = r.scheme
    for j, cat in enumerate(r.adjustment_names):
        if r.adjustment_raw[i, j] == 0:
            continue
        adj = s.adjustments[cat]
        steps.append(
            Step(
                "adjustment",
                f"adjustments.{cat}",
                {
                    "category": cat,
                    "kind": adj.kind,
                    "raw": _f(r.adjustment_raw[i, j]),
                    "capped": _f(r.adjustment[i, j]),
                },
            )
        )
    for j, cname in enumerate(s.caps):
        if r.cap_applied[i, j]:
            steps.append(Step("cap", f"caps.{cname}", {"cap": cname, "limit": _f(r.cap_limit[i, j])}, 1))
    if r.veto_deduct[i]:
        steps.append(Step("veto_deduct", "vetoes", {"value": _f(r.veto_deduct[i])}))
    if r.kpi_multiple_points[i]:
        steps.append(Step("kpi_multiple", "components", {"value": _f(r.kpi_multiple_points[i])}))


def _grade_steps(r: Result, i: int, steps: list[Step]) -> None:
    s = r.scheme
    grades = s.grading.grades
    gi = r.group[i]
    steps.append(
        Step(
            "group",
            "grading.quota_groups",
            {"group": r.group_names[gi], "rank": int(r.group_rank[i]), "graded": int(r.graded_size[gi])},
        )
    )
    for gname in s.grading.quotas or {}:
        j = grades.index(gname)
        parts = []
        if np.isfinite(r.ceilings[gi, j]):
            parts.append(("ceiling", int(r.ceilings[gi, j])))
        if r.floors[gi, j]:
            parts.append(("floor", int(r.floors[gi, j])))
        if parts:
            steps.append(Step("quota", f"grading.quotas.{gname}", {"grade": gname, "limit": parts}, 1))
    for k, (path, effect, grade, reason) in enumerate(r.rules):
        if r.rule_hits[i, k]:
            steps.append(Step("eligibility", path, {"reason": reason, "effect": (effect, grade)}))
    if s.grading.thresholds:
        steps.append(Step("threshold", "grading.thresholds", {"grade": grades[r.threshold_grade[i]]}))
    how = int(r.decided_by[i])
    g = int(r.grade[i])
    if how == NO_GRADE:
        steps.append(Step("no_grade", "eligibility", {"label": r.status_name(i) or "不定等次"}))
        return
    if r.best_allowed[i] > 0 and how != BY_FIXED:
        steps.append(Step("best_allowed", "eligibility", {"grade": grades[r.best_allowed[i]]}))
    if how == BY_CEILING:
        steps.append(
            Step(
                "grade_ceiling",
                f"grading.quotas.{grades[g]}",
                {"grade": grades[g], "place": int(r.place[i]), "limit": int(r.ceilings[gi, g])},
            )
        )
    elif how == BY_FLOOR:
        steps.append(
            Step(
                "grade_floor",
                f"grading.quotas.{grades[g]}",
                {"grade": grades[g], "limit": int(r.floors[gi, g])},
            )
        )
    elif how == BY_FIXED:
        steps.append(Step("grade_fixed", "vetoes", {"grade": grades[g]}))
    elif how == BY_DEFAULT:
        steps.append(Step("grade_default", "grading.grades", {"grade": grades[g], "passed": g > 0}))
