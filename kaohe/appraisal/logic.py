"""The cycle's pure logic (no database): period spans, the state machine, quota checks, scores."""

from __future__ import annotations

import math

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kaohe.platform.errors import Refusal

from .choices import PeriodState

S = PeriodState
# Forward moves, each done by one service; computation itself moves scoring → computed.
FORWARD = {
    S.OPEN: S.SCORING,
    S.SCORING: S.COMPUTED,
    S.COMPUTED: S.COMMITTEE,
    S.COMMITTEE: S.PUBLICITY,
    S.PUBLICITY: S.FINAL,
}
# What may be undone. Nothing that people have been shown (publicity, final) is ever undone: a
# correction after publication is a new result version.
UNDO = {S.SCORING: S.OPEN, S.COMPUTED: S.SCORING, S.COMMITTEE: S.COMPUTED}
COMPUTABLE = (S.SCORING, S.COMPUTED)
SCORABLE = (S.OPEN, S.SCORING)
CLAIMABLE = (S.OPEN, S.SCORING, S.COMPUTED)


def check_move(state: str, to: str) -> None:
    if FORWARD.get(S(state)) != to:
        raise Refusal(
            _("A period in state “%(state)s” cannot move to “%(to)s”.")
            % {"state": S(state).label, "to": S(to).label}
        )


def undo_target(state: str) -> str:
    if state not in UNDO:
        raise Refusal(_("The state “%(state)s” cannot be undone.") % {"state": S(state).label})
    return UNDO[S(state)]


def check_score(value: float, points: float | None, key: str, task: bool = False) -> None:
    """A score lies between 0 and the indicator's points (0–100 under weights; a rate 0–100%)."""
    top = 100.0 if (points is None or task) else float(points)
    if not math.isfinite(value) or value < 0 or value > top:
        raise Refusal(
            _("%(indicator)s: expected a score between 0 and %(top)s, found %(value)s.")
            % {"indicator": key, "top": f"{top:g}", "value": f"{value:g}"}
        )


def needs_comment(value: float, points: float | None, below_share: int, task: bool = False) -> bool:
    top = 100.0 if (points is None or task) else float(points)
    return value < top * below_share / 100


def check_quota(grades: list[str], quota: dict, counts: dict[str, int]) -> str | None:
    """The first quota broken by ``counts`` (grade → people of one quota group), as a message."""
    ceilings = quota.get("ceilings", {})
    floors = quota.get("floors", {})
    for g in grades:
        cap = ceilings.get(g)
        if cap is not None and counts.get(g, 0) > cap:
            return ngettext(
                "“%(grade)s” allows at most %(n)s person in %(group)s.",
                "“%(grade)s” allows at most %(n)s people in %(group)s.",
                cap,
            ) % {
                "grade": g,
                "n": cap,
                "group": quota.get("name", ""),
            }
    for j, g in enumerate(grades):
        need = floors.get(g) or 0
        if need and sum(counts.get(x, 0) for x in grades[j:]) < need:
            return ngettext(
                "At least %(n)s person of %(group)s must be graded “%(grade)s” or lower.",
                "At least %(n)s people of %(group)s must be graded “%(grade)s” or lower.",
                need,
            ) % {
                "grade": g,
                "n": need,
                "group": quota.get("name", ""),
            }
    return None


def check_points(category: str, spec, points: float) -> None:
    """A claim's points lie within its category's range."""
    if spec is None:
        raise Refusal(_("%(category)s is not a category of the scheme.") % {"category": category})
    if spec.source != "claims":
        raise Refusal(_("%(category)s is counted from records, not claimed.") % {"category": category})
    lo, hi = spec.points if spec.points else (0.0, math.inf)
    if not math.isfinite(points) or points < lo or points > hi or points <= 0:
        raise Refusal(
            _("%(category)s: expected points between %(lo)s and %(hi)s, found %(points)s.")
            % {"category": category, "lo": f"{lo:g}", "hi": f"{hi:g}", "points": f"{points:g}"}
        )


def point_caps(scheme, category: str) -> list[tuple[str, float]]:
    """(cap name, points) of the point caps (not shares) covering ``category``."""
    spec = scheme.adjustments.get(category)
    out = []
    for name, cap in (scheme.caps or {}).items():
        limit = cap.at_most
        if getattr(limit, "is_share", True) or spec is None or cap.kind != spec.kind:
            continue
        if cap.categories is None or category in cap.categories:
            out.append((name, float(limit.value)))
    return out
