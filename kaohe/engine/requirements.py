"""What a scheme needs: its input requirements, typed, read from the scheme alone (DESIGN.md §4a).

``requirements(scheme)`` walks every rule of a scheme and returns, once per thing it reads, a
:class:`Requirement`: what it is (:class:`Need`), its name in the scheme's words, the allowed values
where the scheme states them, who gives it, and every rule that reads it (``places``, the paths an
explanation cites). The app's input layer maps each kind to where it is entered (a page, an Excel
import, an API call) and its readiness check counts each requirement's coverage. A requirement the
app cannot collect is a failing test there, not a surprise when a period is computed.

Pure: no Django, no database. The order is stable (the scheme's order, first reader first).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from kaohe.engine.formula import formula_names
from kaohe.engine.scheme import Condition, Indicator, Scheme
from kaohe.engine.tree import leaves


class Need(StrEnum):
    """The kinds of input a scheme can read."""

    ATTRIBUTE = "attribute"  # a person's category (identity, post type, coefficient level…) for the year
    SCORE = "score"  # an assessor's score of an indicator
    KPI = "kpi"  # a KPI's actual and target values
    WORKLOG = "worklog"  # work logs and their reviews (fill rate, review rate, missed-log notices)
    TASK = "task"  # a person's task completion rate
    PERSONAL = "personal"  # a person's own indicators (个性指标), set and scored
    MEASURE = "measure"  # a value a formula reads for the period (a district's GDP growth)
    RECORD = "record"  # a dated person record: sanction, probation, investigation, veto or flag
    CLAIM = "claim"  # bonus or deduction items of a category, with their approval
    BALLOT = "ballot"  # a closed ballot campaign that fits the scheme's ballot section
    HOST_SCORE = "host_score"  # the host unit's score of a seconded person
    UNIT_GRADE = "unit_grade"  # the grade (and honours) of a person's unit
    PREVIOUS = "previous"  # published results of earlier or shorter periods
    HIRE_DATE = "hire_date"  # the date a person started in the unit (length of service)
    LEAVE = "leave"  # leave records (days of sick and personal leave)
    POOL = "pool"  # the incentive pool's amount
    PAY_BASE = "pay_base"  # the pay base that a pay factor multiplies


#: who gives each kind by default (the scheme may say otherwise for a score)
GIVEN_BY: dict[Need, str] = {
    Need.ATTRIBUTE: "office",
    Need.SCORE: "reviewer",
    Need.KPI: "office",
    Need.WORKLOG: "staff",
    Need.TASK: "office",
    Need.PERSONAL: "reviewer",
    Need.MEASURE: "office",
    Need.RECORD: "office",
    Need.CLAIM: "staff",
    Need.BALLOT: "raters",
    Need.HOST_SCORE: "host",
    Need.UNIT_GRADE: "office",
    Need.PREVIOUS: "kaohe",
    Need.HIRE_DATE: "office",
    Need.LEAVE: "office",
    Need.POOL: "office",
    Need.PAY_BASE: "office",
}

#: record kinds (the ``name`` of a RECORD requirement is its item: a sanction level, a veto name…)
RECORD_KINDS = ("sanction", "probation", "investigation", "veto", "flag")


@dataclass(frozen=True)
class Requirement:
    """One input a scheme reads. ``name`` is in the scheme's words (an attribute, an indicator's leaf
    key, a measure, a claim category, a component, a pool); ``values`` the allowed values where the
    scheme states them; ``detail`` what else the input layer needs (as sorted key/value pairs)."""

    need: Need
    name: str
    places: tuple[str, ...]
    values: tuple[str, ...] = ()
    given_by: str = ""
    detail: tuple[tuple[str, str], ...] = ()
    may_be_empty: bool = False  # truly empty is a normal state (no claims this period), still recorded

    @property
    def key(self) -> tuple[str, str]:
        return (self.need.value, self.name)

    def get(self, name: str, default: str = "") -> str:
        return dict(self.detail).get(name, default)


@dataclass
class _Collector:
    found: dict[tuple[str, str], Requirement] = field(default_factory=dict)

    def add(
        self,
        need: Need,
        name: str,
        place: str,
        values: Iterable[str] = (),
        given_by: str = "",
        may_be_empty: bool = False,
        **detail: object,
    ) -> None:
        key = (need.value, name)
        old = self.found.get(key)
        values = tuple(dict.fromkeys(str(v) for v in values))
        pairs = tuple(sorted((k, str(v)) for k, v in detail.items() if v is not None and v != ""))
        if old is None:
            self.found[key] = Requirement(
                need, name, (place,), values, given_by or GIVEN_BY[need], pairs, may_be_empty
            )
            return
        self.found[key] = Requirement(
            need,
            name,
            old.places + ((place,) if place not in old.places else ()),
            tuple(dict.fromkeys(old.values + values)),
            old.given_by,
            tuple(sorted((dict(old.detail) | dict(pairs)).items())) if pairs else old.detail,
            old.may_be_empty and may_be_empty,
        )


def requirements(scheme: Scheme) -> tuple[Requirement, ...]:
    """Every input ``scheme`` reads, once each, in the scheme's order."""
    c = _Collector()
    _declared_attributes(scheme, c)
    for track, conditions in scheme.tracks.items():
        for attr, values in conditions.items():
            c.add(Need.ATTRIBUTE, attr, f"tracks.{track}.{attr}", values)
    for cname, comp in scheme.components.items():
        _component(scheme, cname, comp, c)
    for name, adj in scheme.adjustments.items():
        place = f"adjustments.{name}"
        if adj.source == "claims":
            low, high = adj.points if adj.points is not None else (None, None)
            c.add(
                Need.CLAIM,
                name,
                place,
                given_by="staff" if adj.kind == "bonus" else "reviewer",
                may_be_empty=True,
                kind=adj.kind,
                low=_num(low),
                high=_num(high),
            )
        else:
            c.add(Need.WORKLOG, "misses", place, per_event=_num(adj.per_event))
    for name, veto in scheme.vetoes.items():
        kind = "veto" if veto.list == "veto" else "flag"
        c.add(Need.RECORD, name, f"vetoes.{name}", given_by="inspector", may_be_empty=True, kind=kind)
    for name, rule in scheme.eligibility.items():
        _condition(scheme, rule.when, f"eligibility.{name}.when", c)
    for name, coef in scheme.coefficients.items():
        place = f"coefficients.{name}"
        if coef.kind == "static" and coef.attribute:
            c.add(Need.ATTRIBUTE, coef.attribute, f"{place}.attribute", (coef.levels or {}).keys())
        elif coef.kind == "dynamic":
            for var in sorted(formula_names(coef.formula or "1")):
                if var != "base" and var not in scheme.coefficients:
                    c.add(Need.MEASURE, var, f"{place}.formula")
    if scheme.aggregation is not None:
        for pname, part in scheme.aggregation.parts.items():
            if part.source != "current":
                c.add(Need.PREVIOUS, part.source, f"aggregation.parts.{pname}", component=part.component)
    _grading(scheme, c)
    for name, tail in scheme.tail_rules.items():
        if tail.consecutive > 1 or tail.window or tail.over:
            c.add(Need.PREVIOUS, tail.over or scheme.period, f"tail_rules.{name}")
    outcomes = scheme.consequences.outcomes or {}
    for name, out in outcomes.items():
        if out.consecutive or out.cumulative:
            c.add(Need.PREVIOUS, out.kind or scheme.period, f"consequences.outcomes.{name}")
    if scheme.consequences.pay_factor:
        c.add(Need.PAY_BASE, "pay_base", "consequences.pay_factor")
    pools = ({"pool": scheme.pool} if scheme.pool is not None else {}) | dict(scheme.pools)
    for pname, pool in pools.items():
        place = "pool" if pname == "pool" and scheme.pool is pool else f"pools.{pname}"
        for attr, values in (pool.when or {}).items():
            c.add(Need.ATTRIBUTE, attr, f"{place}.when", values)
        if pool.by and pool.by != "track":
            c.add(Need.ATTRIBUTE, pool.by, f"{place}.by", (pool.amounts or {}).keys())
        if pool.amount is None and not pool.amounts:
            c.add(Need.POOL, pname, place, by=pool.by)
    if scheme.secondment is not None:
        c.add(Need.HOST_SCORE, "host_score", "secondment", stage=scheme.secondment.stage)
    return tuple(c.found.values())


def _declared_attributes(scheme: Scheme, c: _Collector) -> None:
    """A scheme's own ``attributes`` section (categories and their values), where it has one."""
    declared = getattr(scheme, "attributes", None) or {}
    for name, spec in declared.items():
        values = getattr(spec, "values", None) or ()
        c.add(Need.ATTRIBUTE, name, f"attributes.{name}", values, label=getattr(spec, "label", None))


def _component(scheme: Scheme, cname: str, comp, c: _Collector) -> None:
    trees: list[tuple[str, dict[str, Indicator]]] = []
    if comp.indicators:
        trees.append((f"components.{cname}.indicators", comp.indicators))
    for track, tree in (comp.indicators_by_track or {}).items():
        trees.append((f"components.{cname}.indicators_by_track.{track}", tree))
    for prefix, tree in trees:
        for leaf in leaves(cname, tree, prefix):
            _leaf(leaf, c)
    if comp.ballot is not None:
        b = comp.ballot
        c.add(
            Need.BALLOT,
            cname,
            f"components.{cname}.ballot",
            b.rater_groups.keys(),
            groups="/".join(b.rater_groups),
            options="/".join(b.options),
            dimensions="/".join(b.dimensions or {}),
            min_ballots=b.min_ballots,
        )
        for rname, rule in b.vote_rules.items():
            c.add(Need.BALLOT, cname, f"components.{cname}.ballot.vote_rules.{rname}", rule.groups or ())
    if comp.over_periods is not None:
        c.add(Need.PREVIOUS, comp.over_periods.source, f"components.{cname}.over_periods", component=cname)


def _leaf(leaf, c: _Collector) -> None:
    node: Indicator = leaf.node
    if node.source == "assessor":
        c.add(
            Need.SCORE,
            leaf.key,
            leaf.rule,
            given_by=str(getattr(node, "assessor", None) or "reviewer"),
            points=_num(node.points),
        )
    elif node.source == "kpi":
        measures = node.kpi.measures.keys() if node.kpi is not None else ()
        c.add(Need.KPI, leaf.key, leaf.rule, measures)
    elif node.source == "worklog":
        measure = node.worklog.measure if node.worklog is not None else "fill_rate"
        c.add(Need.WORKLOG, measure, leaf.rule)
    elif node.source == "task":
        c.add(Need.TASK, leaf.key, leaf.rule)
    elif node.source == "personal":
        c.add(Need.PERSONAL, leaf.key, leaf.rule, max_count=node.max_count, points=_num(node.points))


def _condition(scheme: Scheme, w: Condition, place: str, c: _Collector) -> None:
    if w.probation is not None:
        c.add(Need.RECORD, "probation", f"{place}.probation", may_be_empty=True, kind="probation")
    if w.months_in_unit_below is not None:
        c.add(Need.HIRE_DATE, "start_date", f"{place}.months_in_unit_below")
    if w.leave_share_above is not None:
        c.add(Need.LEAVE, "leave", f"{place}.leave_share_above", may_be_empty=True)
    if w.sanction_at_least is not None or w.sanction_in is not None:
        levels = list(scheme.sanction_levels)
        if w.sanction_at_least in levels:
            wanted = levels[levels.index(w.sanction_at_least) :]
        else:
            wanted = list(w.sanction_in or ())
        c.add(Need.RECORD, "sanction", place, wanted or levels, may_be_empty=True, kind="sanction")
    if w.flag is not None:
        kind = "investigation" if "investigation" in w.flag or "审查" in w.flag else "flag"
        c.add(Need.RECORD, w.flag, f"{place}.flag", may_be_empty=True, kind=kind)
    if w.lacks_grade is not None:
        c.add(Need.PREVIOUS, w.lacks_grade.kind or scheme.period, f"{place}.lacks_grade")
    for attr, values in (w.attribute or {}).items():
        c.add(Need.ATTRIBUTE, attr, f"{place}.attribute", values)


def _grading(scheme: Scheme, c: _Collector) -> None:
    g = scheme.grading
    for attr in g.quota_groups.by:
        if attr != "track":
            c.add(Need.ATTRIBUTE, attr, "grading.quota_groups.by")
    for grade, rule in (g.quotas or {}).items():
        if rule.by_unit_grade:
            c.add(Need.UNIT_GRADE, "unit_grade", f"grading.quotas.{grade}.by_unit_grade", rule.by_unit_grade)
        honours = getattr(rule, "by_honour", None)
        if honours:
            c.add(
                Need.UNIT_GRADE, "unit_grade", f"grading.quotas.{grade}.by_honour", honours=",".join(honours)
            )
    for name, coef in scheme.coefficients.items():
        for grade, rule in (coef.quotas or {}).items():
            if rule.by_unit_grade:
                c.add(
                    Need.UNIT_GRADE, "unit_grade", f"coefficients.{name}.quotas.{grade}", rule.by_unit_grade
                )


def _num(value: float | None) -> str | None:
    return None if value is None else f"{value:g}"


def by_need(reqs: Iterable[Requirement]) -> dict[Need, list[Requirement]]:
    """Requirements grouped by kind, in the order of :class:`Need`."""
    out: dict[Need, list[Requirement]] = {}
    for need in Need:
        got = [r for r in reqs if r.need is need]
        if got:
            out[need] = got
    return out


def iter_places(reqs: Iterable[Requirement]) -> Iterator[tuple[str, Requirement]]:
    """(place, requirement) for every rule that reads an input."""
    for r in reqs:
        for place in r.places:
            yield place, r


def ballot_mismatch(
    scheme: Scheme, groups: Iterable[str], options: Iterable[str], dimensions: Iterable[str] = ()
) -> list[str]:
    """Why a ballot campaign with these rater groups, options and dimensions does not fit the
    scheme's ballot section (empty when it fits): each mismatch named in the scheme's words."""
    specs = [(name, c.ballot) for name, c in scheme.components.items() if c.ballot is not None]
    if not specs:
        return ["the scheme reads no ballot (no component has a ballot section)"]
    groups, options, dimensions = set(groups), set(options), set(dimensions)
    out: list[str] = []
    for name, b in specs:
        place = f"components.{name}.ballot"
        wanted = set(b.rater_groups)
        if groups - wanted:
            out.append(
                f"{place}: rater groups the scheme does not weigh: {'、'.join(sorted(groups - wanted))}"
            )
        if wanted - groups:
            out.append(f"{place}: rater groups the campaign lacks: {'、'.join(sorted(wanted - groups))}")
        if options != set(b.options):
            out.append(
                f"{place}: options {'/'.join(sorted(options)) or '—'} are not the scheme's {'/'.join(b.options)}"
            )
        if set(b.dimensions or {}) != dimensions:
            out.append(
                f"{place}: dimensions {'/'.join(sorted(dimensions)) or '—'} are not the scheme's "
                f"{'/'.join(b.dimensions or {}) or '—'}"
            )
    return out
