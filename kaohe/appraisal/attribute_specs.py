"""The person attributes the schemes attached in a part of the tree need: the spec source that the
org pages, the people import and the API ask (registered with :mod:`kaohe.org.attributes` when the
app starts, because org sits below appraisal and may not import it)."""

from __future__ import annotations

from kaohe.engine.attributes import AttributeSpec, merge_specs, scheme_attributes

from .models import SchemeAttachment


def _related(path: str, paths: list[str]) -> bool:
    """The attachment at ``path`` covers one of ``paths`` (an ancestor or the unit itself) or lies
    inside one of them (a sub-unit the office administers)."""
    return any(p.startswith(path) or path.startswith(p) for p in paths)


def attached_specs(paths: list[str], year: int) -> dict[str, AttributeSpec]:
    """The attributes of every scheme of ``year`` attached at, above or below the unit ``paths``."""
    rows = SchemeAttachment.objects.filter(scheme__year=year).select_related("scheme", "unit")
    schemes = {att.scheme_id: att.scheme for att in rows if _related(att.unit.path, paths)}
    return merge_specs([scheme_attributes(s.parsed()) for _pk, s in sorted(schemes.items())])
