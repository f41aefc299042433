"""Readiness: the office records that an input is truly empty this period, with its reason, or
withdraws that record. Computing needs every required input covered or recorded as empty."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from kaohe.audit.services import record
from kaohe.engine.requirements import Need
from kaohe.platform.errors import Refusal

from .. import logic
from ..models import EmptyInput, Period
from ..readiness import MAY_BE_EMPTY, MISSING, NEED_LABELS, readiness
from .periods import lock


@transaction.atomic
def record_empty(*, actor, period: Period, need: str, name: str, reason: str) -> EmptyInput:
    """Record that the input ``need``/``name`` of the period's scheme is truly empty, with a reason.
    Refused for an input the scheme does not read, one that cannot be empty (scores, a ballot, a
    pool), one that has data, and once results are published."""
    locked = lock(period)
    if locked.state not in logic.CLAIMABLE:
        raise Refusal(_("Inputs are recorded before publication; this period is past that."))
    if not reason.strip():
        raise Refusal(_("Give the reason why this input is empty."))
    try:
        kind = Need(need)
    except ValueError:
        raise Refusal(_("Unknown kind of input: %(need)s.") % {"need": need}) from None
    if kind not in MAY_BE_EMPTY:
        raise Refusal(
            _("%(label)s cannot be recorded as empty: it must be entered.") % {"label": NEED_LABELS[kind]}
        )
    coverage = {c.requirement.key: c for c in readiness(locked)}
    cov = coverage.get((kind.value, name))
    if cov is None:
        raise Refusal(_("The scheme does not read “%(name)s”.") % {"name": name})
    if cov.status != MISSING:
        raise Refusal(_("“%(name)s” has data in this period: it is not empty.") % {"name": name})
    empty, _created = EmptyInput.objects.update_or_create(
        period=locked,
        need=kind.value,
        name=name,
        defaults={"reason": reason.strip()[:300], "recorded_by": actor},
    )
    record(
        actor=actor,
        action="appraisal.input.empty",
        obj=locked,
        after={"need": kind.value, "name": name, "reason": empty.reason},
    )
    return empty


@transaction.atomic
def withdraw_empty(*, actor, empty: EmptyInput) -> None:
    period = lock(empty.period)
    if period.state not in logic.CLAIMABLE:
        raise Refusal(_("Inputs are recorded before publication; this period is past that."))
    before = {"need": empty.need, "name": empty.name, "reason": empty.reason}
    empty.delete()
    record(actor=actor, action="appraisal.input.empty_withdrawn", obj=period, before=before)
