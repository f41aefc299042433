"""Schemes: importing a scheme file as a new version, attaching it to a unit subtree."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from kaohe.audit.services import record
from kaohe.engine import EngineError, SchemeError, load_scheme
from kaohe.platform.errors import Refusal

from ..models import Scheme, SchemeAttachment


def scheme_problems(exc: EngineError) -> list[str]:
    """Every problem of a scheme or data error, each naming its place."""
    problems = getattr(exc, "problems", None)
    return [str(p) for p in problems] if problems else [str(exc)]


@transaction.atomic
def import_scheme(*, actor, text: str, preset: str = "") -> Scheme:
    """Validate a scheme file with the engine and store it as a new version."""
    try:
        parsed = load_scheme(text, file="scheme.yaml")
    except SchemeError as exc:
        raise Refusal("\n".join(scheme_problems(exc))) from None
    if Scheme.objects.filter(name=parsed.scheme, version=parsed.version).exists():
        raise Refusal(
            _("Version %(version)s of %(name)s exists already; give the file a new version.")
            % {"version": parsed.version, "name": parsed.scheme}
        )
    scheme = Scheme.objects.create(
        name=parsed.scheme,
        year=parsed.year,
        version=str(parsed.version),
        period_kind=parsed.period,
        text=text,
        preset=preset,
        created_by=actor,
    )
    record(
        actor=actor,
        action="appraisal.scheme.import",
        obj=scheme,
        after={"version": scheme.version, "preset": preset},
    )
    return scheme


@transaction.atomic
def attach_scheme(
    *, actor, scheme: Scheme, unit, unit_kinds: dict[str, str] | None = None
) -> SchemeAttachment:
    """Attach the scheme to the unit subtree with its unit kinds in the scheme's words (again: the
    kinds are replaced)."""
    att, _created = SchemeAttachment.objects.update_or_create(
        scheme=scheme, unit=unit, defaults={"unit_kinds": dict(unit_kinds or {})}
    )
    record(actor=actor, action="appraisal.scheme.attach", obj=att, after={"unit_kinds": att.unit_kinds})
    return att
