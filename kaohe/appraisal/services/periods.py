"""Periods: creating one, and the moves of its state machine that need no other data (open scoring,
send to the committee, undo). ``lock`` and ``move`` are shared by the services that move a period."""

from __future__ import annotations

from dataclasses import astuple
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from kaohe.audit.services import record
from kaohe.ballot.selectors import questionnaire
from kaohe.engine.periods import span
from kaohe.engine.requirements import ballot_mismatch
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
    publication_day_counts: bool = False,
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
    check_year(scheme, first)
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
        publicity_days=publicity_days,
        appeal_days=appeal_days,
        unit_kinds=unit_kinds,
        publication_day_counts=publication_day_counts,
    )
    record(
        actor=actor, action="appraisal.period.create", obj=period, after={"scheme": scheme.pk, "code": code}
    )
    if ballot_campaign is not None:
        link_campaign(actor=actor, period=period, campaign=ballot_campaign)
    return period


def check_year(scheme: Scheme, first: date) -> None:
    """A scheme is a unit's rules for one year: its periods lie in that year."""
    if scheme.year != first.year:
        raise Refusal(
            _("The scheme “%(scheme)s” is for %(year)s; this period starts in %(start)s.")
            % {"scheme": scheme.name, "year": scheme.year, "start": first.year}
        )


@transaction.atomic
def adopt_scheme(*, actor, period: Period, scheme: Scheme) -> Period:
    """The period follows another scheme (a new version) until its results are published. Results
    computed under the old one are dropped and the period goes back to scoring."""
    locked = lock(period)
    if locked.state in (S.COMMITTEE, S.PUBLICITY, S.FINAL):
        raise Refusal(_("A scheme is changed before the committee; undo the committee step first."))
    if scheme.period_kind != locked.kind:
        raise Refusal(
            _("The scheme “%(scheme)s” is for periods of kind “%(scheme_kind)s”, not “%(kind)s”.")
            % {
                "scheme": scheme.name,
                "scheme_kind": PeriodKind(scheme.period_kind).label,
                "kind": PeriodKind(locked.kind).label,
            }
        )
    check_year(scheme, locked.start)
    if scheme.pk == locked.scheme_id:
        raise Refusal(_("The period already follows this scheme."))
    before = {"scheme": locked.scheme_id, "state": locked.state}
    locked.result_sets.all().delete()
    locked.scheme = scheme
    locked.state = S.SCORING if locked.state == S.COMPUTED else locked.state
    locked.save(update_fields=["scheme", "state"])
    if locked.ballot_campaign_id is not None and campaign_problems(locked, locked.ballot_campaign):
        locked.ballot_campaign = None  # it no longer fits: the office links one that does
        locked.save(update_fields=["ballot_campaign"])
    record(
        actor=actor,
        action="appraisal.period.adopt_scheme",
        obj=locked,
        before=before,
        after={"scheme": scheme.pk, "state": locked.state, "campaign": locked.ballot_campaign_id},
    )
    return locked


@transaction.atomic
def cancel_period(*, actor, period: Period) -> None:
    """Cancel a period still in preparation (open, nothing filed): it is deleted, the audit keeps it."""
    locked = lock(period)
    if locked.state != S.OPEN:
        raise Refusal(_("Only a period in preparation can be cancelled; undo scoring first."))
    if locked.claims.exists():
        raise Refusal(_("Claims are filed in this period; reject them before cancelling it."))
    record(
        actor=actor,
        action="appraisal.period.cancel",
        obj=locked,
        before={"code": locked.code, "scheme": locked.scheme_id, "unit": locked.unit_id},
    )
    locked.delete()


def campaign_problems(period: Period, campaign) -> list[str]:
    """Why ``campaign`` does not fit the period's scheme (empty when it fits)."""
    q = questionnaire(campaign)
    return ballot_mismatch(
        period.scheme.parsed(),
        campaign.groups.values_list("name", flat=True),
        [o.label for o in q.options],
        [d.name for d in q.dimensions],
    )


@transaction.atomic
def link_campaign(*, actor, period: Period, campaign) -> Period:
    """Link the ballot campaign whose results the period reads (None unlinks); a campaign whose rater
    groups, options or dimensions do not fit the scheme is refused, naming each mismatch."""
    locked = lock(period)
    if locked.locked:
        raise Refusal(_("Published results are corrected by a new version, not by another campaign."))
    if campaign is not None:
        if not campaign.unit.is_within(locked.unit) and not locked.unit.is_within(campaign.unit):
            raise Refusal(_("The campaign “%(c)s” is not of this unit.") % {"c": campaign.name})
        problems = campaign_problems(locked, campaign)
        if problems:
            raise Refusal(
                _("The campaign “%(c)s” does not fit the scheme: %(why)s.")
                % {"c": campaign.name, "why": "；".join(problems)}
            )
    before = locked.ballot_campaign_id
    locked.ballot_campaign = campaign
    locked.save(update_fields=["ballot_campaign"])
    record(
        actor=actor,
        action="appraisal.period.campaign",
        obj=locked,
        before={"campaign": before},
        after={"campaign": campaign.pk if campaign else None},
    )
    return locked


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
        for f in ("state", "published_on", "publicity_start", "publicity_end", "appeal_deadline"):
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
