"""A person's derivation, assembled on demand from the bulk run's columns.

Each :class:`Step` names the scheme rule that produced it (its path in the scheme) and carries the
numbers; :func:`render` turns steps into Chinese (default) or English text. Leaf scores are recomputed
for the one person from the period data, which costs microseconds and spares the bulk run from keeping
a people × leaves matrix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kaohe.engine.grading import BY_CEILING, BY_DEFAULT, BY_FIXED, BY_FLOOR, NO_GRADE
from kaohe.engine.result import Result


@dataclass
class Step:
    key: str  # template name
    rule: str  # path in the scheme
    args: dict[str, Any] = field(default_factory=dict)
    depth: int = 0


TEMPLATES: dict[str, tuple[str, str]] = {
    "person": ("{name}（{person}）{period}考核结果推导", "Derivation for {name} ({person}) {period}"),
    "track_condition": ("归入赛道「{track}」：符合条件 {cond}", "Track “{track}”: matches {cond}"),
    "track_explicit": ("归入赛道「{track}」：数据中指定", "Track “{track}”: given in the data"),
    "component": (
        "{component}：{score} 分（占总分 {share}）",
        "{component}: {score} points ({share} of the total)",
    ),
    "leaf": (
        "{path}：{source} {raw} → 折合 {leaf100} 分 × 权重 {factor} = {value}",
        "{path}: {source} {raw} → {leaf100} on 100 × weight {factor} = {value}",
    ),
    "ballot_group": (
        "{group}：{ballots} 票，平均 {mean} 分，权重 {weight}{note}",
        "{group}: {ballots} ballots, mean {mean}, weight {weight}{note}",
    ),
    "ballot_dropped": (
        "（去掉最高、最低各 {k} 票后计算平均分）",
        " (highest and lowest {k} dropped before the mean)",
    ),
    "vote_rule": (
        "得票规则「{name}」：{options} 票占 {share}，{cmp} {threshold} → {effect}",
        "Vote rule “{name}”: {options} have {share} of the ballots, {cmp} {threshold} → {effect}",
    ),
    "vote_rule_not": (
        "得票规则「{name}」：{options} 票占 {share}，未触发",
        "Vote rule “{name}”: {options} have {share} of the ballots, not triggered",
    ),
    "secondment": (
        "派出（借调）人员双重考评：本单位 {home} × {home_share} + 派驻单位 {host} × {host_share} = {value}",
        "Seconded: home {home} × {home_share} + host {host} × {host_share} = {value}",
    ),
    "rank_ungraded": (
        "不定等次（{label}），不占赛道名次；赛道参评 {size} 人",
        "No grade ({label}): takes no rank place; {size} ranked in the track",
    ),
    "ballot_missing": ("（不足 {min} 票，无有效结果{how}）", " (fewer than {min} ballots: no result{how})"),
    "base": ("基础分 = Σ 组成部分得分 × 占比 = {base}", "Base = Σ component score × share = {base}"),
    "aggregation": ("{part}：{value} × {share}", "{part}: {value} × {share}"),
    "aggregation_mean": (
        "{part}：{count} 个周期（含本期）的平均 {value} × {share}",
        "{part}: mean of {count} periods (this one included) {value} × {share}",
    ),
    "component_grade": (
        "「{component}」{score} 分，赛道内第 {rank} 名 / 共 {size} 人 → {grade}",
        "“{component}” {score}, rank {rank} of {size} in the track → {grade}",
    ),
    "aggregated": ("跨周期汇总后基础分 = {base}", "Base after aggregation over periods = {base}"),
    "adjustment": (
        "{category}（{kind}）：申报/记录 {raw} 分，计入 {capped} 分",
        "{category} ({kind}): {raw} claimed/recorded, {capped} counted",
    ),
    "cap": ("封顶「{cap}」：上限 {limit} 分，已按比例压减", "Cap “{cap}”: limit {limit}, scaled down"),
    "veto_deduct": ("否决/负面清单扣分：{value} 分", "Veto / negative-list deduction: {value}"),
    "kpi_multiple": ("KPI 倍数加减分：{value} 分", "KPI multiple bonus/deduction: {value}"),
    "coefficient": (
        "系数「{coef}」= {value}（作用于{target}）",
        "Coefficient “{coef}” = {value} (applies to {target})",
    ),
    "total": (
        "总分 = （{base} + 加分 {bonus} − 减分 {deduction}）× 系数 {coef} = {raw}，四舍五入保留两位 = {total}",
        "Total = ({base} + bonus {bonus} − deduction {deduction}) × coefficient {coef} = {raw}, rounded half-up = {total}",
    ),
    "rank": (
        "赛道内排名：第 {rank} 名 / 共 {size} 人（同分按 {tie} 排序）",
        "Rank in track: {rank} of {size} (ties broken by {tie})",
    ),
    "group": (
        "名额分组「{group}」：组内第 {rank} 名，参评 {graded} 人",
        "Quota group “{group}”: rank {rank}, {graded} graded",
    ),
    "quota": ("{grade}：{limit}", "{grade}: {limit}"),
    "eligibility": ("适用规则「{reason}」：{effect}", "Rule “{reason}” applies: {effect}"),
    "threshold": ("按分数线可得等次：{grade}", "Grade reached by thresholds: {grade}"),
    "best_allowed": ("最高可得等次：{grade}", "Best grade allowed: {grade}"),
    "grade_ceiling": (
        "确定为「{grade}」：名额内第 {place} 位（名额 {limit}）",
        "Grade “{grade}”: place {place} within the quota of {limit}",
    ),
    "grade_default": ("确定为「{grade}」{passed}", "Grade “{grade}”{passed}"),
    "passed": (
        "（更高等次名额已由排名在前者占用或不可得）",
        " (higher grades' places taken by higher ranks or not allowed)",
    ),
    "grade_floor": (
        "确定为「{grade}」：本组须至少 {limit} 人为该等次或以下，按排名自下而上确定",
        "Grade “{grade}”: the group needs at least {limit} at this grade or below, filled from the bottom",
    ),
    "grade_fixed": ("确定为「{grade}」：由规则直接确定", "Grade “{grade}”: fixed by a rule"),
    "no_grade": ("{label}", "{label}"),
    "tail": ("末位规则「{name}」：{action}", "Tail rule “{name}”: {action}"),
    "tail_window": (
        "末位规则「{name}」：近 {window} 期总分平均（含本期，有成绩 {found} 期）{value} 分，"
        "赛道内第 {rank} 名 / 共 {size} 人，后 {bottom} 名{outcome}",
        "Tail rule “{name}”: mean total of the last {window} periods (this one included, {found} with a "
        "total) {value}, rank {rank} of {size} in the track, bottom {bottom}{outcome}",
    ),
    "tail_window_unranked": (
        "末位规则「{name}」：近 {window} 期总分平均 {value} 分；不占名次，不适用",
        "Tail rule “{name}”: mean total of the last {window} periods {value}; no rank place, not applied",
    ),
    "component_periods_mean": (
        "跨期合成：往期（{kind}）{count} 个得分平均 {earlier} 与本期 {current} 共 {periods} 个周期平均 = {score}",
        "Combined over periods: {count} earlier ({kind}) scores averaging {earlier} and this period's "
        "{current}, mean of {periods} periods = {score}",
    ),
    "component_periods_weighted": (
        "跨期合成：往期（{kind}）{count} 个得分平均 {earlier} × {earlier_share} + 本期 {current} × "
        "{current_share} = {score}",
        "Combined over periods: mean of {count} earlier ({kind}) scores {earlier} × {earlier_share} + "
        "this period's {current} × {current_share} = {score}",
    ),
    "component_periods_none": (
        "跨期合成：无往期（{kind}）得分，按本期 {current} 计",
        "Combined over periods: no earlier ({kind}) score, this period's {current} counts",
    ),
    "pay": ("绩效工资浮动：{value}", "Performance pay factor: {value}"),
    "outcome": ("结果运用「{name}」", "Outcome “{name}”"),
    "pool": (
        "{pool}：权重 {weight}，分得 {amount} 元（总额 {total} 元，最大余额法分配到分）",
        "{pool}: weight {weight}, amount {amount} yuan (pool {total} yuan, largest remainder to the fen)",
    ),
}

EFFECTS = {
    "no_grade": ("不定等次", "no grade"),
    "pending": ("暂缓确定等次（待结论作出后确定）", "grade pending (set when the case closes)"),
    "comment_only": ("只写评语，不定等次", "comment only, no grade"),
    "outcome": ("结果运用", "outcome"),
    "grade_at_most": ("等次最高为「{grade}」", "grade at most “{grade}”"),
    "fixed_grade": ("等次定为「{grade}」", "grade fixed at “{grade}”"),
    "deduct": ("扣分", "deduction"),
}
SOURCES = {
    "assessor": ("评分", "score"),
    "kpi": ("完成率", "completion"),
    "worklog": ("纪实率", "log rate"),
    "task": ("任务完成率", "task completion"),
    "personal": ("个性指标", "personal indicators"),
}
KINDS = {
    "month": ("月度", "monthly"),
    "quarter": ("季度", "quarterly"),
    "half": ("半年", "half-yearly"),
    "year": ("年度", "annual"),
}
TARGETS = {
    "total": ("总分", "the total"),
    "bonus": ("加分", "bonus points"),
    "pool": ("激励资金份额", "pool share"),
}


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
    from kaohe.engine.numeric import round_count

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
    from kaohe.engine.compute import ballot_groups, leaf_score

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
            mean, ballots, dropped = ballot_groups(r, cname)
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
                v100 = float(leaf_score(r, leaf, rows)[0])
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


def render(steps: list[Step], lang: str = "zh") -> str:
    """Steps as text, one per line, each ending with the rule it cites."""
    k = 1 if lang == "en" else 0
    lines = []
    for st in steps:
        args = dict(st.args)
        if "note" in args:
            note = args["note"]
            if note and note[0] == "dropped":
                args["note"] = TEMPLATES["ballot_dropped"][k].format(k=note[1])
            elif note:
                _tag, mn, how = note
                how_text = (
                    ("，权重按其余组重新归一" if how == "renormalise" else "，按 0 分计")
                    if k == 0
                    else (
                        ", weights renormalised over the others"
                        if how == "renormalise"
                        else ", counts as zero"
                    )
                )
                args["note"] = TEMPLATES["ballot_missing"][k].format(min=mn, how=how_text)
        if "effect" in args:
            effect, grade = args["effect"]
            args["effect"] = EFFECTS[effect][k].format(grade=grade)
        if "cmp" in args:
            side, strict = args["cmp"]
            words = {
                ("below", True): ("低于", "below"),
                ("below", False): ("未超过", "at most"),
                ("above", True): ("超过", "above"),
                ("above", False): ("达到", "at least"),
            }
            args["cmp"] = words[(side, strict)][k]
        if "source" in args:
            args["source"] = SOURCES[args["source"]][k]
        if "target" in args:
            args["target"] = TARGETS[args["target"]][k]
        if st.key.startswith("component_periods"):
            args["kind"] = KINDS[args["kind"]][k]
        if isinstance(args.get("outcome"), tuple):
            args["outcome"] = "，未触发" if k == 0 else ", not triggered"
        if "passed" in args:
            args["passed"] = TEMPLATES["passed"][k] if args["passed"] else ""
        if st.key == "quota":
            limits = {"ceiling": ("至多 {} 人", "at most {}"), "floor": ("至少 {} 人", "at least {}")}
            args["limit"] = ("，" if k == 0 else ", ").join(limits[w][k].format(v) for w, v in args["limit"])
        text = TEMPLATES[st.key][k].format(**args)
        cite = "" if st.key == "person" else (f"  〔{st.rule}〕" if k == 0 else f"  [{st.rule}]")
        lines.append("  " * st.depth + ("" if st.key == "person" else "· ") + text + cite)
    return "\n".join(lines)
