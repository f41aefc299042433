"""Reads of the person attributes the schemes name (考核属性): which ones a unit's people need for a
year, and each person's values, stored or by default.

Which attributes are needed is the schemes' business, and the schemes live in a layer above this
one (``kaohe.appraisal``). So the call is turned around: the appraisal app registers a *spec source*
when it starts (:func:`register_spec_source`), a function that returns the specs of the schemes
attached at or above or below some unit paths for a year, and the org pages ask
:func:`specs_for_paths`. Without a source (org alone) no attribute is needed.

A person's value for a year is the stored :class:`~kaohe.org.models.PersonAttribute` if there is one,
else, for the built-in fields (identity, staffing, post_type, post_level), the field's word
(:data:`kaohe.org.choices.BUILTIN_WORDS`); otherwise it is missing, never a guess.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from kaohe.engine.attributes import AttributeSpec

from .choices import BUILTIN_WORDS
from .models import Person, PersonAttribute

SpecSource = Callable[[list[str], int], dict[str, AttributeSpec]]
_sources: list[SpecSource] = []


def register_spec_source(source: SpecSource) -> None:
    """Add ``source(paths, year) -> {name: AttributeSpec}`` (once; a second registration is ignored)."""
    if source not in _sources:
        _sources.append(source)


def specs_for_paths(paths: Iterable[str], year: int) -> dict[str, AttributeSpec]:
    """The attributes entered per person (not those read from the unit) that the schemes of ``year``
    attached at, above or below the unit ``paths`` need, in the schemes' order."""
    wanted = sorted(set(paths))
    out: dict[str, AttributeSpec] = {}
    if not wanted:
        return out
    for source in _sources:
        for name, spec in source(wanted, year).items():
            if not spec.from_unit:
                out.setdefault(name, spec)
    return out


def value_problem(spec: AttributeSpec, value: str) -> str | None:
    """Why ``value`` cannot be stored for ``spec`` (None: it can; "" clears the stored value)."""
    if value == "":
        return None
    if len(value) > PersonAttribute._meta.get_field("value").max_length:  # type: ignore[operator]
        return _("Too long: at most %(n)s characters.") % {"n": 100}
    if spec.values is not None and value not in spec.values:
        return _("“%(value)s” is not an allowed value of %(label)s; allowed: %(allowed)s.") % {
            "value": value,
            "label": spec.label,
            "allowed": "、".join(spec.values),
        }
    return None


def default_value(person: Person, name: str) -> str:
    """The built-in field's word for ``name`` ("" when ``name`` is not a built-in field)."""
    words = BUILTIN_WORDS.get(name)
    if words is None:
        return ""
    code = getattr(person, name)
    return words.get(code, code)


def stored_values(person_ids: Iterable[int], year: int) -> dict[int, dict[str, str]]:
    """person id → {attribute: stored value} for ``year``, in one query."""
    out: dict[int, dict[str, str]] = {}
    rows = PersonAttribute.objects.filter(year=year, person_id__in=list(person_ids))
    for pid, name, value in rows.values_list("person_id", "name", "value"):
        out.setdefault(pid, {})[name] = value
    return out


@dataclass(frozen=True)
class AttributeValue:
    """One attribute of one person for a year, as a page shows it."""

    spec: AttributeSpec
    stored: str  # "" when nothing is stored
    default: str  # the built-in field's word, "" when there is none

    @property
    def value(self) -> str:
        """What the schemes read: the stored value, else the default ("" : missing)."""
        return self.stored or self.default

    @property
    def allowed(self) -> bool:
        return not self.value or self.spec.values is None or self.value in self.spec.values


def person_values(person: Person, year: int) -> list[AttributeValue]:
    """Every attribute the schemes covering ``person``'s unit need for ``year``, with the values."""
    specs = specs_for_paths([person.unit.path], year)
    stored = stored_values([person.pk], year).get(person.pk, {})
    return [
        AttributeValue(spec, stored.get(name, ""), default_value(person, name))
        for name, spec in specs.items()
    ]
