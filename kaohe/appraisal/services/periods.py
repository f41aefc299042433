"""Periods: creating one, and the moves of its state machine that need no other data (open scoring,
send to the committee, undo). ``lock`` and ``move`` are shared by the services that move a period."""

from __future__ import annotations

from dataclasses import astuple
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from kaohe.audit.services import record
from kaohe.engine.periods import span
from kaohe.platform.errors import Refusal

from .. import logic
from ..choices import PeriodKind, PeriodState
from ..inputs import people_of
from ..models import Period, Scheme, SchemeAttachment, Sheet

S = PeriodState


@transaction.atomic
def create_period(
    *,
    actor,
    unit,
    scheme: Scheme,
    kind: str,
    start: date,
    ballot_campaign=None,
    publicity_days: int = 5,
    appeal_days: int = 10,
    unit_kinds: dict[str, str] | None = None,
) -> Period:
    """A period of ``kind`` containing ``start`` for the unit subtree under ``scheme``."""
    if kind not in PeriodKind.values:
        raise Refusal(_("Unknown period kind %(kind)s.") % {"kind": kind})
    first, last, code = astuple(span(kind, start))
    if scheme.period_kind != kind:
        # a monthly scheme's rules (its quotas, tail rules over consecutive periods, log statistics)
        # mean months: run over a quarter they would be applied to the wrong span
        raise Refusal(
            _("The scheme “%(scheme)s” is for periods of kind “%(scheme_kind)s”, not “%(kind)s”.")
            % {
                "scheme": scheme.name,
                "scheme_kind": PeriodKind(scheme.period_kind).label,
                "kind": PeriodKind(kind).label,
            }
        )
    if Period.objects.filter(unit=unit, kind=kind, start=first).exists():
        raise Refusal(_("%(unit)s already has the period %(code)s.") % {"unit": unit.name, "code": code})
    if unit_kinds is None:
        att = SchemeAttachment.objects.filter(scheme=scheme, unit=unit).first()
        unit_kinds = att.unit_kinds if att else {}
    period = Period.objects.create(
        unit=unit,
        scheme=scheme,
        kind=kind,
        start=first,
        end=last,
        code=code,
        ballot_campaign=ballot_campaign,
        publicity_days=publicity_days,
        appeal_days=appeal_days,
        unit_kinds=unit_kinds,
    )
    record(
        actor=actor, action="appraisal.period.create", obj=period, after={"scheme": scheme.pk, "code": code}
    )
    return period


def lock(period: Period) -> Period:
    """The period's row, locked for this transaction (with its unit and scheme)."""
    return Period.objects.select_for_update().select_related("unit", "scheme").get(pk=period.pk)


def move(actor, period: Period, to: str, action: str, caller: Period | None = None, **after) -> Period:
    """Set the locked ``period``'s state to ``to`` and record ``action``; ``caller`` (the object the
    service was given) follows the change."""
    before = period.state
    period.state = to
    period.save(update_fields=["state"])
    record(actor=actor, action=action, obj=period, before={"state": before}, after={"state": to} | after)
    if caller is not None:  # the caller's object follows the change
        for f in ("state", "published_on", "publicity_end", "appeal_deadline"):
            setattr(caller, f, getattr(period, f))
    return period


@transaction.atomic
def start_scoring(*, actor, period: Period) -> Period:
    """Open scoring: every assessor gets their sheet now, so that the office can follow and remind
    those who have not opened it yet (people without a reviewer are on the office's sheet)."""
    locked = lock(period)
    logic.check_move(locked.state, S.SCORING)
    # a person's assessor is their reviewer (the org relation); no reviewer: the office's sheet (None)
    assessors = set(people_of(locked).values_list("reviewer_id", flat=True).distinct())
    Sheet.objects.bulk_create([Sheet(period=locked, assessor_id=a) for a in assessors], ignore_conflicts=True)
    return move(actor, locked, S.SCORING, "appraisal.period.scoring", period)


@transaction.atomic
def send_to_committee(*, actor, period: Period) -> Period:
    """Hand the computed results to the committee."""
    locked = lock(period)
    logic.check_move(locked.state, S.COMMITTEE)
    return move(actor, locked, S.COMMITTEE, "appraisal.period.committee", period)


@transaction.atomic
def undo(*, actor, period: Period) -> Period:
    """Step back one state, where the undo list allows it."""
    locked = lock(period)
    return move(actor, locked, logic.undo_target(locked.state), "appraisal.period.undo", period)
