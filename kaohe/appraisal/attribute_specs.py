"""The person attributes the schemes attached in a part of the tree need: the spec source that the
org pages, the people import and the API ask (registered with :mod:`kaohe.org.attributes` when the
app starts, because org sits below appraisal and may not import it)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kaohe.engine.attributes import AttributeSpec, merge_specs, scheme_attributes, unreachable_values
from kaohe.org.choices import BUILTIN_WORDS
from kaohe.org.models import PersonAttribute, Unit, in_subtree

from .models import UNIT_KIND_WORDS, Scheme, SchemeAttachment


def _related(path: str, paths: list[str]) -> bool:
    """The attachment at ``path`` covers one of ``paths`` (an ancestor or the unit itself) or lies
    inside one of them (a sub-unit the office administers)."""
    return any(p.startswith(path) or path.startswith(p) for p in paths)


def attached_specs(paths: list[str], year: int) -> dict[str, AttributeSpec]:
    """The attributes of the schemes in force in ``year`` attached at, above or below the unit
    ``paths``: on each unit, those of the latest scheme year up to ``year`` (a unit that runs last
    year's scheme again in a new year keeps its attributes)."""
    rows = SchemeAttachment.objects.filter(scheme__year__lte=year).select_related("scheme", "unit")
    by_unit: dict[str, list[Scheme]] = {}
    for att in rows:
        if _related(att.unit.path, paths):
            by_unit.setdefault(att.unit.path, []).append(att.scheme)
    schemes: dict[int, Scheme] = {}
    for attached in by_unit.values():
        latest = max(s.year for s in attached)
        schemes.update({s.pk: s for s in attached if s.year == latest})
    return merge_specs([scheme_attributes(s.parsed()) for _pk, s in sorted(schemes.items())])


def _known_values(unit: Unit | None, unit_kinds: dict[str, str]) -> dict[str, set[str]]:
    """The values people can have today: the built-in words, the values stored for anyone in the
    subtree (everywhere without a unit), the units' names, codes and kinds in the scheme's words."""
    known: dict[str, set[str]] = {name: set(words.values()) for name, words in BUILTIN_WORDS.items()}
    stored = PersonAttribute.objects.all()
    units = Unit.objects.all()
    if unit is not None:
        stored = stored.filter(in_subtree(unit, via="person__unit"))
        units = units.subtree(unit)
    for name, value in stored.values_list("name", "value").distinct():
        known.setdefault(name, set()).add(value)
    kinds = UNIT_KIND_WORDS | dict(unit_kinds)
    for name, code, kind in units.values_list("name", "code", "kind"):
        known.setdefault("unit", set()).add(name)
        known.setdefault("unit_code", set()).add(code)
        known.setdefault("unit_kind", set()).add(kinds.get(kind, kind))
    return known


def scheme_warnings(
    scheme: Scheme, unit: Unit | None = None, unit_kinds: dict[str, str] | None = None
) -> list[str]:
    """Warnings for the values the scheme's rules name that no person (in ``unit``'s subtree, or
    anywhere) can have, each naming the rule, the attribute and the value. The unit grade is left out:
    it is entered per unit, not among these attributes."""
    parsed = scheme.parsed()
    labels = {name: spec.label for name, spec in scheme_attributes(parsed).items()}
    out = []
    for name, value, path in unreachable_values(parsed, _known_values(unit, unit_kinds or {})):
        if name == "unit_grade":
            continue
        out.append(
            _(
                "%(path)s names %(label)s (%(name)s) “%(value)s”, which no person can have yet: it is not among "
                "the scheme's allowed values nor a built-in word, and nobody here has it."
            )
            % {"path": path, "label": labels.get(name, name), "name": name, "value": value}
        )
    return out
