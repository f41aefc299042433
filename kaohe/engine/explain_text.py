"""A derivation's text: each :class:`Step` names a template and the scheme rule it cites;
:func:`render` turns steps into Chinese (default) or English text."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
