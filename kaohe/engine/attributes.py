"""The person attributes a scheme reads (身份类别, 岗位类型, 系数档次…), declared or not.

A scheme may declare its person categories in ``attributes:`` (name → label, allowed values, whether
they are kept per year). Its rules read attributes in many places: track conditions, eligibility
``when.attribute``, static coefficients, pools' ``when`` and ``by``, quota groups' ``by``, the tie-break
and the unit grade of quotas. :func:`scheme_attributes` lists them all, each with the values the rules
name and the rule paths that read it, so the app can offer a field (page, Excel column, API) for each
one; :func:`check_attributes` refuses a rule that names a value outside a declared attribute's values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kaohe.engine.errors import ProblemList
from kaohe.engine.scheme import Scheme

# Read from the person's unit, not entered per person (unit_grade: the unit's own grade).
UNIT_ATTRIBUTES = ("unit", "unit_kind", "unit_code", "unit_grade")
BUILTIN_LABELS = {
    "identity": "身份类别",
    "staffing": "编制类别",
    "post_type": "岗位类型",
    "post_level": "岗位等级",
    "unit": "单位",
    "unit_kind": "单位类型",
    "unit_code": "单位编码",
    "unit_grade": "单位等次",
}
# tie-break keys that are measures, not attributes
_MEASURES = {"total", "base", "person", "staff_no", "bonus", "deduction"}


@dataclass(frozen=True)
class AttributeSpec:
    """One person attribute a scheme needs.

    ``values``: the allowed values when the scheme declares them (None: free text). ``used``: the
    values its rules name, in the order met. ``read_by``: the rule paths that read it (empty for a
    declared attribute no rule reads: it is still kept, e.g. for the record). ``from_unit``: read
    from the person's unit (unit, unit_kind…), so not entered per person."""

    name: str
    label: str
    values: tuple[str, ...] | None = None
    declared: bool = False
    per_year: bool = True
    used: tuple[str, ...] = ()
    read_by: tuple[str, ...] = ()

    @property
    def from_unit(self) -> bool:
        return self.name in UNIT_ATTRIBUTES

    @property
    def choices(self) -> tuple[str, ...]:
        """The values to offer: the declared ones, else those the rules name."""
        return self.values if self.values is not None else self.used


@dataclass
class _Reads:
    """Collects (attribute, values named, rule path) as the rules are walked."""

    items: list[tuple[str, tuple[str, ...], str]] = field(default_factory=list)

    def add(self, name: str, values: list[str] | tuple[str, ...], path: str) -> None:
        self.items.append((name, tuple(str(v) for v in values), path))


def attribute_reads(s: Scheme) -> list[tuple[str, tuple[str, ...], str]]:
    """Every place a rule of ``s`` reads a person attribute: (attribute, values it names, path)."""
    r = _Reads()
    for track, cond in s.tracks.items():
        for attr, values in cond.items():
            r.add(attr, values, f"tracks.{track}.{attr}")
    for name, rule in s.eligibility.items():
        for attr, values in (rule.when.attribute or {}).items():
            r.add(attr, values, f"eligibility.{name}.when.attribute.{attr}")
    for name, coef in s.coefficients.items():
        if coef.kind == "static" and coef.attribute:
            r.add(coef.attribute, list(coef.levels or {}), f"coefficients.{name}.levels")
    for _pname, path, pool in s.all_pools():
        for attr, values in (pool.when or {}).items():
            r.add(attr, values, f"{path}.when.{attr}")
        if pool.by and pool.by != "track":
            r.add(pool.by, list(pool.amounts or {}), f"{path}.by")
    for key in s.grading.quota_groups.by:
        if key != "track":
            r.add(key, (), "grading.quota_groups.by")
    for gname, quota in (s.grading.quotas or {}).items():
        if quota.by_unit_grade:
            r.add("unit_grade", list(quota.by_unit_grade), f"grading.quotas.{gname}.by_unit_grade")
    for i, key in enumerate(s.grading.tie_break):
        name = key.split()[0] if key.split() else ""
        if name and name not in _MEASURES and name not in s.components:
            r.add(name, (), f"grading.tie_break.{i}")
    return r.items


def scheme_attributes(s: Scheme) -> dict[str, AttributeSpec]:
    """The person attributes ``s`` needs: those it declares (in their order) and then those its rules
    read without declaring, each with the values the rules name and the paths that read them."""
    used: dict[str, list[str]] = {}
    paths: dict[str, list[str]] = {}
    for name, values, path in attribute_reads(s):
        seen = used.setdefault(name, [])
        seen.extend(v for v in values if v not in seen)
        paths.setdefault(name, []).append(path)
    out: dict[str, AttributeSpec] = {}
    for name, decl in s.attributes.items():
        out[name] = AttributeSpec(
            name=name,
            label=decl.label or BUILTIN_LABELS.get(name, name),
            values=tuple(decl.values) if decl.values is not None else None,
            declared=True,
            per_year=decl.per_year,
            used=tuple(used.get(name, ())),
            read_by=tuple(paths.get(name, ())),
        )
    for name in used:
        if name not in out:
            out[name] = AttributeSpec(
                name=name,
                label=BUILTIN_LABELS.get(name, name),
                used=tuple(used[name]),
                read_by=tuple(paths[name]),
            )
    return out


def check_attributes(s: Scheme, p: ProblemList) -> None:
    """A rule that names a value outside a declared attribute's values is an error at the rule's
    place; so are duplicate or empty declared values."""
    for name, decl in s.attributes.items():
        if decl.values is None:
            continue
        if not decl.values:
            p.add(f"attributes.{name}.values", "at least one value (or no values: free text)", "none")
        dupes = sorted({v for v in decl.values if decl.values.count(v) > 1})
        if dupes:
            p.add(f"attributes.{name}.values", "distinct values", dupes)
    for name, values, path in attribute_reads(s):
        declared = s.attributes.get(name)
        if declared is None or declared.values is None:
            continue
        for v in values:
            if v not in declared.values:
                p.add(path, f"one of attributes.{name}.values {list(declared.values)}", v)


def _union(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    return a + tuple(v for v in b if v not in a)


def merge_specs(many: list[dict[str, AttributeSpec]]) -> dict[str, AttributeSpec]:
    """The attributes several schemes need together (a unit subtree under two schemes): one spec per
    name, its allowed values the union of the declared ones (free text when no scheme declares
    values), its used values and readers the union of all."""
    out: dict[str, AttributeSpec] = {}
    for specs in many:
        for name, spec in specs.items():
            have = out.get(name)
            if have is None:
                out[name] = spec
                continue
            if have.values is None or spec.values is None:
                values = have.values if spec.values is None else spec.values
            else:
                values = _union(have.values, spec.values)
            out[name] = AttributeSpec(
                name=name,
                label=have.label if have.declared or not spec.declared else spec.label,
                values=values,
                declared=have.declared or spec.declared,
                per_year=have.per_year and spec.per_year,
                used=_union(have.used, spec.used),
                read_by=_union(have.read_by, spec.read_by),
            )
    return out


def unreachable_values(s: Scheme, known: dict[str, set[str]]) -> list[tuple[str, str, str]]:
    """The values the rules of ``s`` name that no person can have: (attribute, value, rule path), once
    per attribute and value, at the first rule that names it.

    A value can be had when the attribute declares it among its allowed values (the office can then
    set it), or when it is in ``known[attribute]`` (the app's built-in words, the values people
    already have, the unit kinds' words). The app shows these as warnings: a track or rule that
    matches nobody is legal, but usually a word that differs from the one the unit uses."""
    out: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for name, values, path in attribute_reads(s):
        decl = s.attributes.get(name)
        can = set(decl.values or ()) if decl is not None else set()
        can |= known.get(name, set())
        for value in values:
            if value not in can and (name, value) not in seen:
                seen.add((name, value))
                out.append((name, value, path))
    return out
