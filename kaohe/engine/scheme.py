"""The scheme (考核方案): a unit's appraisal rules for one year, as data.

A scheme is written in YAML with English structural keys and Chinese names for everything the office
defines (tracks, components, indicators, grades, rules). Shares are written as percentages ("20%").
Every rule is a named mapping entry, so an explanation can cite it by its path in the scheme, e.g.
``components.工作实绩.indicators.党的建设``. See docs/schemes.md for the full format.

This module is the model: frozen pydantic models of every rule. :mod:`kaohe.engine.scheme_load` parses
text (no file I/O: the caller reads the file) into them and :mod:`kaohe.engine.scheme_checks` checks
what the models alone cannot: shares adding up, points adding up, references to tracks, grades,
components and categories that exist, tree depth, formulas that parse.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from kaohe.engine.formula import FormulaError, formula_names

ATTRIBUTES_BUILTIN = ("identity", "staffing", "post_type", "post_level", "unit", "unit_kind")
PERIODS = ("month", "quarter", "half", "year")
MAX_DEPTH = 3
TOLERANCE = 1e-6


# --- value types -----------------------------------------------------------------------------------


def parse_share(value: Any) -> float:
    """ "20%" → 0.2. Shares must carry the percent sign: a bare 20 or 0.2 is ambiguous to an office."""
    if isinstance(value, str):
        m = re.fullmatch(r"\s*([+-]?\d+(?:\.\d+)?)\s*[%％]\s*", value)
        if m:
            return float(m.group(1)) / 100.0
    raise ValueError(f'a percentage such as "20%", found {value!r}')


def parse_limit(value: Any) -> dict[str, Any]:
    """A limit is either points/count (a number) or a share (a percentage string)."""
    if isinstance(value, dict):
        return value
    if isinstance(value, bool):
        raise ValueError(f'a number or a percentage such as "20%", found {value!r}')
    if isinstance(value, int | float):
        return {"value": float(value), "is_share": False}
    if isinstance(value, str):
        text = value.strip()
        for suffix in ("points", "分", "人", "名"):
            if text.endswith(suffix):
                text = text[: -len(suffix)].strip()
        try:
            return {"value": float(text), "is_share": False}
        except ValueError:
            return {"value": parse_share(text), "is_share": True}
    raise ValueError(f'a number or a percentage such as "20%", found {value!r}')


Share = Annotated[float, BeforeValidator(parse_share)]


def parse_ratio(value: Any) -> float:
    """A share written as a percentage ("66.67%") or as an exact fraction ("2/3", "三分之二")."""
    if isinstance(value, str):
        m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", value)
        if m and int(m.group(2)) > 0:
            return int(m.group(1)) / int(m.group(2))
        m = re.fullmatch(r"\s*([一二三四五六七八九十])分之([一二三四五六七八九十])\s*", value)
        if m:
            digits = "一二三四五六七八九十"
            return (digits.index(m.group(2)) + 1) / (digits.index(m.group(1)) + 1)
    return parse_share(value)


Ratio = Annotated[float, BeforeValidator(parse_ratio)]


def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, str | int | float) and not isinstance(value, bool) else value


StrList = Annotated[list[str], BeforeValidator(_one_or_many)]


class Model(BaseModel):
    """Base of scheme models: unknown keys are errors (they are usually typos) and models are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Limit(Model):
    """A count/points value or a share ("20%")."""

    value: float
    is_share: bool

    def resolve(self, base: Any) -> Any:
        """Points or count as written, or the share of ``base`` (a count of people or a base score)."""
        return self.value * base if self.is_share else self.value + 0 * base

    def __str__(self) -> str:
        return f"{self.value * 100:g}%" if self.is_share else f"{self.value:g}"


LimitValue = Annotated[Limit, BeforeValidator(parse_limit)]


# --- indicators and components ----------------------------------------------------------------------


class KpiSpec(Model):
    """Completion rate of an economic KPI: a weighted sum of actual ÷ target over its measures
    (seed 001: total × 80% + growth × 20%), optionally capped, and multiplied bonus or deduction
    (3–10 × the indicator's points) for outstanding or damaging results."""

    measures: dict[str, Share]
    cap: Share | None = None  # e.g. "100%": no credit above the target
    multiplied: tuple[float, float] | None = None  # allowed range of the multiple, e.g. [3, 10]


class WorklogSpec(Model):
    """Score from daily work-log statistics: fill rate or review rate against working days."""

    measure: Literal["fill_rate", "review_rate"] = "fill_rate"
    full_at: Share = 1.0  # the rate that earns full points


class Indicator(Model):
    """A node of an indicator tree. A leaf has a source; an inner node has ``indicators``.
    Siblings carry either ``points`` (maximum scores adding up to the parent's points) or
    ``weight`` (shares of the parent adding up to 100%)."""

    points: float | None = Field(default=None, gt=0)
    weight: Share | None = None
    source: Literal["assessor", "kpi", "worklog", "task", "personal"] = "assessor"
    kpi: KpiSpec | None = None
    worklog: WorklogSpec | None = None
    max_count: int | None = Field(default=None, ge=1)  # personal: how many indicators a person may have
    # An assessor's score below this share of the points must carry a comment (the app enforces it;
    # the computation ignores it). Unset: the period's default applies.
    comment_below: Share | None = None
    # Who gives an assessor score (source: assessor): ``reviewer`` (the person's reviewer), ``leader``
    # (the supervising leader of the person's unit) or ``group: <name>`` (the members of a scoring group
    # of ``scoring_groups``, their marks combined by the group's rule). See kaohe/engine/marks.py.
    assessor: str = "reviewer"
    indicators: dict[str, Indicator] | None = None


class OverallTick(Model):
    """The overall tick column of a ballot form (优秀 / 称职 / 基本称职 / 不称职) beside weighted
    dimensions: rows whose dimension is ``name``. It does not score; vote rules count it."""

    name: str = "总体评价"
    options: StrList


class VoteRule(Model):
    """A vote-share threshold on a person's ballots (党政领导干部考核工作条例, local practice):
    the share of ballots for ``options`` (of all counted ballots) ``below`` or ``above`` a threshold →
    a named outcome, or a grading effect. ``strict``: "超过 / 低于" (>, <); not strict: "达到 / 未达到"
    (≥ for above, ≤ for below)."""

    options: StrList
    below: Ratio | None = None
    above: Ratio | None = None
    strict: bool = True
    groups: StrList | None = None  # rater groups counted (default: all)
    effect: Literal["outcome", "no_grade", "pending", "grade_at_most", "fixed_grade"] = "outcome"
    grade: str | None = None
    action: str | None = None  # the outcome's text (default: the rule's name)


class BallotSpec(Model):
    """Democratic evaluation: options mapped to points, optional weighted dimensions (德能勤绩廉),
    rater groups with weights; a group with fewer than ``min_ballots`` valid ballots has no result and
    the remaining groups' weights are renormalised (or it scores zero). ``drop_extremes``: ballots
    dropped at each end (highest and lowest) per person and rater group before the mean."""

    options: dict[str, float]
    dimensions: dict[str, Share] | None = None
    rater_groups: dict[str, Share]
    min_ballots: int = Field(default=1, ge=1)
    when_group_missing: Literal["renormalise", "zero"] = "renormalise"
    drop_extremes: int = Field(default=0, ge=0)
    overall: OverallTick | None = None
    vote_rules: dict[str, VoteRule] = {}


class ComponentPeriods(Model):
    """A component combined over periods (seed 000: 民主测评“季度评和年终评”): this period's score with
    the same component's scores of earlier periods of kind ``from`` (previous.csv, one column per
    component named as in the scheme; ``last``: only the N most recent of them).

    Without ``earlier_share`` the component score is the mean over the periods found, this one
    included (each counts once; a missing period is left out). With ``earlier_share`` it is
    earlier_share × the mean of the earlier periods found + (1 − earlier_share) × this period's score;
    with no earlier period found, this period's score alone."""

    source: Literal["month", "quarter", "half", "year"] = Field(alias="from")
    last: int | None = Field(default=None, ge=1)
    earlier_share: Share | None = None


class Component(Model):
    """A part of the base score with its share of the total (components' shares add up to 100%).
    Its score is on a 0–100 scale: an indicator tree (common, or per track) or a ballot; optionally
    combined with its own scores of earlier periods (``over_periods``)."""

    share: Share
    indicators: dict[str, Indicator] | None = None
    indicators_by_track: dict[str, dict[str, Indicator]] | None = None
    ballot: BallotSpec | None = None
    over_periods: ComponentPeriods | None = None


# --- adjustments, vetoes, eligibility ----------------------------------------------------------------


class Adjustment(Model):
    """A bonus or deduction category (加分 / 减分). Claims give the points per item within ``points``;
    work-log misses give ``per_event`` points per notice."""

    kind: Literal["bonus", "deduction"]
    points: tuple[float, float] | None = None
    source: Literal["claims", "worklog_misses"] = "claims"
    per_event: float | None = Field(default=None, gt=0)


class Cap(Model):
    """A per-period cap on the sum of some adjustment categories: points, or a share of the base score."""

    categories: StrList | None = None  # default: every category of ``kind``
    kind: Literal["bonus", "deduction"] = "bonus"
    at_most: LimitValue


Effect = Literal["no_grade", "pending", "comment_only", "grade_at_most", "fixed_grade", "deduct"]
UNGRADED_EFFECTS = ("pending", "no_grade", "comment_only")  # strongest first


class Veto(Model):
    """A veto (一票否决) or negative-list item (负面清单). Flagged people get the effect."""

    effect: Effect
    grade: str | None = None
    deduct: float = Field(default=0.0, ge=0)
    list: Literal["veto", "negative"] = "veto"


class LacksGrade(Model):
    """Fewer than ``at_least`` of ``grades`` in the last ``in_last`` earlier periods of ``kind``
    (default: the scheme's own period; ``quarter`` reads routine quarterly grades)."""

    grades: StrList
    in_last: int = Field(ge=1)  # previous periods looked at
    at_least: int = Field(default=1, ge=1)
    kind: Literal["month", "quarter", "half", "year"] | None = None


class Condition(Model):
    """When an eligibility rule applies. Exactly one field is set."""

    probation: bool | None = None
    months_in_unit_below: float | None = None
    leave_share_above: Share | None = None  # leave days ÷ working days
    sanction_at_least: str | None = None  # a level of ``sanction_levels``, during its impact period
    sanction_in: StrList | None = None  # any of these levels, during its impact period
    flag: str | None = None  # a yes/no people column (under_investigation: 是)
    lacks_grade: LacksGrade | None = None  # none of these grades in the last N periods
    attribute: dict[str, StrList] | None = None  # any person attribute equal to one of the values


class Eligibility(Model):
    """A rule that removes or caps the grade; quota places pass on to the next eligible person."""

    when: Condition
    effect: Effect
    grade: str | None = None
    reason: str | None = None


# --- coefficients, aggregation, grading -------------------------------------------------------------


class Coefficient(Model):
    """A multiplier: static by a person attribute (post levels 1.0–1.18), dynamic from a formula over
    period measures, by grade, or by a component's own grade (seed 000: 身份线考核 ranked within the
    track at 15% / 80% / 5%, the grade's coefficient applied to bonus points); applied to the total,
    the bonus points or the pool share."""

    kind: Literal["static", "dynamic", "by_grade", "by_component_grade"]
    attribute: str | None = None
    levels: dict[str, float] | None = None
    default: float = 1.0
    formula: str | None = None
    clip: tuple[float, float] | None = None
    applies_to: Literal["total", "bonus", "pool"] = "total"
    # by_component_grade: the component ranked within the track, its grades (best first) and quotas
    component: str | None = None
    grades: list[str] | None = None
    quotas: dict[str, QuotaRule] | None = None


class AggregationPart(Model):
    """One part of the aggregated base: this period's computation (``from: current``; with
    ``component`` only that component's score) or earlier periods' totals of a kind, with its share
    (``share_by_track`` overrides it for some tracks: monthly scores 40% for teams, 30% for leaders).
    ``include_current`` (mean only): the current computation counts as one more period, and the mean
    is over the periods actually found (annual = mean of the four quarters, a missing one left out);
    ``last``: only the most recent N earlier periods of the kind."""

    source: Literal["current", "month", "quarter", "half", "year"] = Field(alias="from")
    share: Share
    share_by_track: dict[str, Share] | None = None
    how: Literal["mean", "last", "sum"] = "mean"
    include_current: bool = False
    last: int | None = Field(default=None, ge=1)
    component: str | None = None


class Aggregation(Model):
    """The period's base score as weighted parts: the current computation and means of earlier periods'
    totals (annual = mean of four quarters; monthly scores 40% of the annual)."""

    parts: dict[str, AggregationPart]


class QuotaRule(Model):
    """Ceiling and/or floor for one grade in each quota group, with explicit rounding."""

    at_most: LimitValue | None = None
    at_least: LimitValue | None = None
    rounding: Literal["down", "half_up", "up"] = "half_up"
    minimum: int = Field(default=0, ge=0)  # places the ceiling gives at least, however small the group
    by_unit_grade: dict[str, Share] | None = (
        None  # ceiling share by the unit's own grade (at_most: other units)
    )
    by_honour: dict[str, Share] | None = None  # share added for each honour the unit holds (人民满意)
    unit_at_most: Share | None = None  # ceiling of each quota group (a unit) after the honours
    overall_at_most: Share | None = None  # cap over all groups together


class QuotaGroups(Model):
    """How people are pooled for quotas: by track and/or attributes (unit, unit_kind, leader…);
    groups smaller than ``merge_below`` are merged into one pool (per track when grouped by track)."""

    by: StrList = ["track"]
    merge_below: int | None = Field(default=None, ge=2)
    merged_name: str = "合并池"
    floors_min_size: int = Field(default=1, ge=1)  # floors apply only in groups at least this large


class Grading(Model):
    grades: list[str] = Field(min_length=1)  # best first
    thresholds: dict[str, float] | None = None  # absolute: minimum total for the grade
    quotas: dict[str, QuotaRule] | None = None
    quota_groups: QuotaGroups = QuotaGroups()
    tie_break: list[str] = ["total desc", "person asc"]
    # Who the quota shares are of (公务员考核规定: 优秀 is a share of the participants who get a grade):
    # graded (default, fixed grades included) | graded_not_fixed | everyone (ungraded people too)
    quota_base: Literal["graded", "graded_not_fixed", "everyone"] = "graded"
    rank_ungraded: bool = False  # people without a grade take a rank place (default: they do not)


TAIL_WINDOWS = {  # periods of the scheme's kind in a quarter / half year / year
    "month": {"quarter": 3, "half": 6, "year": 12},
    "quarter": {"half": 2, "year": 4},
    "half": {"year": 2},
    "year": {},
}


class TailRule(Model):
    """Bottom N (or share) of a track → an action. Either for K consecutive periods (this one
    included; each period's own rank), or (``window`` / ``over``) on the rank within the track of the
    combined score of a window: the mean of the totals of the last n periods, this one included
    (seed 001: 季度 / 半年 / 全年靠后 = the last 3 / 6 / 12 months' mean). ``over: quarter | half | year``
    names the window in periods of the scheme's kind."""

    tracks: StrList | None = None
    bottom: LimitValue
    consecutive: int = Field(default=1, ge=1)
    window: int | None = Field(default=None, ge=1)
    over: Literal["quarter", "half", "year"] | None = None
    rounding: Literal["down", "half_up", "up"] = "half_up"
    action: str

    def window_size(self, period: str) -> int | None:
        """Periods in the window (None: the consecutive form)."""
        if self.window is not None:
            return self.window
        if self.over is not None:
            return TAIL_WINDOWS.get(period, {}).get(self.over)
        return None


class Outcome(Model):
    """Counts of grades over periods → a named outcome (three consecutive 优秀 → 记三等功).

    The periods are this one (unless ``include_current`` is false) and the earlier periods of ``kind``
    (default: the scheme's own), most recent first. ``consecutive``: an unbroken run of at least k
    ending now; ``cumulative``: at least k within the last ``within``. ``every``: only when the count
    reaches a multiple of k with this period (each 2 years → one pay step, the run then starts again).
    ``at_most``: a share or count of the quota group that may get it, in rank order (嘉奖 ≤ 20%)."""

    grades: StrList
    consecutive: int | None = Field(default=None, ge=1)
    cumulative: int | None = Field(default=None, ge=1)
    within: int | None = Field(default=None, ge=1)  # periods looked at for cumulative counts
    include_current: bool = True
    every: bool = False
    kind: Literal["month", "quarter", "half", "year"] | None = None
    at_most: LimitValue | None = None
    rounding: Literal["down", "half_up", "up"] = "down"


class Consequences(Model):
    pay_factor: dict[str, Share] | None = None
    outcomes: dict[str, Outcome] | None = None


class Pool(Model):
    """An incentive pool shared in integer fen by coefficient (largest remainder preserves the total).
    With ``by`` (an attribute: unit, track…) it is one pool per value, each with its own amount
    (``amounts``, or ``amount`` for every value) and each preserved to the fen."""

    amount: float | None = Field(default=None, ge=0)  # yuan; period data may give it instead
    tracks: StrList | None = None  # only these tracks share the pool (default: everyone graded)
    when: dict[str, StrList] | None = None  # only people whose attributes match
    by: str | None = None
    amounts: dict[str, float] | None = None  # by value of ``by``: yuan
    basis: Literal["coefficient", "total"] = "coefficient"
    grade_coefficients: dict[str, float] | None = None


class Secondment(Model):
    """Dual evaluation of seconded staff (派出 / 派驻 / 挂职, seed 004): the home unit's result and the host
    unit's score combined by shares. People columns: ``host_share`` (0–1 or "70%"; empty → ``host_share``
    below) and ``host_score`` (the host's score on the scale of ``stage``); no host score → home only."""

    host_share: Share | None = None  # default share of the host when the data gives none
    stage: Literal["base", "total"] = "base"  # combine base scores, or totals after adjustments


class ScoringGroup(Model):
    """A scoring group (考核小组): several assessors whose marks of an indicator are combined.
    ``min_assessors``: fewer marks are no score (NaN, never 0); ``trimmed_mean`` drops the highest and
    the lowest mark when there are three or more (seed 003: qualitative indicators cross-checked)."""

    min_assessors: int = Field(default=1, ge=1)
    combine: Literal["mean", "trimmed_mean"] = "mean"


class SanctionLevel(Model):
    """Impact period of a sanction level: months after it (警告 6), or years: the year of the sanction
    and the next (years: 2)."""

    months: float | None = Field(default=None, ge=0)
    years: int | None = Field(default=None, ge=1)


def _sanction_level(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"months": value}
    return value


SanctionLevelValue = Annotated[SanctionLevel, BeforeValidator(_sanction_level)]


class AttributeDecl(Model):
    """A person attribute the scheme names (身份类别…): its label, its allowed values (none: free text)
    and whether a person's value is kept per year. See :mod:`kaohe.engine.attributes`."""

    label: str | None = None
    values: StrList | None = None
    per_year: bool = True


Coefficient.model_rebuild()


class Scheme(Model):
    scheme: str
    year: int
    period: Literal["month", "quarter", "half", "year"]
    version: str | None = None
    tracks: dict[str, dict[str, StrList]]
    components: dict[str, Component]
    adjustments: dict[str, Adjustment] = {}
    caps: dict[str, Cap] = {}
    vetoes: dict[str, Veto] = {}
    sanction_levels: dict[str, SanctionLevelValue] = {}  # level → impact, lightest first
    eligibility: dict[str, Eligibility] = {}
    coefficients: dict[str, Coefficient] = {}
    aggregation: Aggregation | None = None
    grading: Grading
    tail_rules: dict[str, TailRule] = {}
    consequences: Consequences = Consequences()
    pool: Pool | None = None
    pools: dict[str, Pool] = {}
    secondment: Secondment | None = None
    scoring_groups: dict[str, ScoringGroup] = {}
    routine_grades: list[str] = []  # grades of other period kinds that previous.csv may hold (好 …)
    attributes: dict[str, AttributeDecl] = {}  # the person attributes the scheme names

    def all_pools(self) -> list[tuple[str, str, Pool]]:
        """(name, rule path, pool) for ``pool`` and every entry of ``pools``."""
        out = [("激励资金", "pool", self.pool)] if self.pool is not None else []
        return out + [(name, f"pools.{name}", p) for name, p in self.pools.items()]

    def tree_for(self, component: str, track: str) -> dict[str, Indicator] | None:
        """The indicator tree a track uses in a component (its own, else the common one)."""
        comp = self.components[component]
        if comp.indicators_by_track and track in comp.indicators_by_track:
            return comp.indicators_by_track[track]
        return comp.indicators


# --- derived orders ---------------------------------------------------------------------------------


def coefficient_order(s: Scheme) -> list[str]:
    """Coefficients in an order where a dynamic formula comes after the coefficients it reads."""
    deps = {}
    for name, c in s.coefficients.items():
        names: set[str] = set()
        if c.kind == "dynamic" and c.formula:
            try:
                names = formula_names(c.formula)
            except FormulaError:
                names = set()
        deps[name] = sorted(n for n in names if n in s.coefficients)
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(n: str, trail: list[str]) -> None:
        if state.get(n) == 2:
            return
        if state.get(n) == 1:
            raise CoefficientCycle(trail[trail.index(n) :] + [n])
        state[n] = 1
        for d in deps[n]:
            visit(d, trail + [n])
        state[n] = 2
        order.append(n)

    for n in s.coefficients:
        visit(n, [])
    return order


class CoefficientCycle(Exception):
    def __init__(self, names: list[str]):
        self.names = names
