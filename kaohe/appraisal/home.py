"""The appraisal part of the home page: my results, sheets to score, claims to approve, appeals and
follow-ups, each one small query."""

from kaohe.accounts.models import Role
from kaohe.accounts.scope import scope_for
from kaohe.platform.roles import COMMITTEE

from . import selectors as sel
from .choices import AppealStatus, ClaimStatus, PeriodState, SheetStatus
from .followups import follow_ups_for_user


def home_sections(user) -> dict:
    if not user.is_authenticated:
        return {}
    scope = scope_for(user)
    out: dict = {}
    latest = sel.published_rows_of(user).first()
    if latest is not None:
        out["appraisal_mine"] = latest
    if scope.has_role(Role.REVIEWER, Role.OFFICE):
        out["appraisal_sheets"] = (
            sel.sheets_for_user(user)
            .filter(
                assessor__user=user,
                status=SheetStatus.DRAFT,
                period__state__in=[PeriodState.OPEN, PeriodState.SCORING],
            )
            .count()
        )
    claims = sel.claims_for_user(user).exclude(person__user=user)
    n = 0
    if scope.has_role(Role.REVIEWER):
        n += claims.filter(status=ClaimStatus.SUBMITTED).count()
    if scope.has_role(*COMMITTEE):
        n += claims.filter(status=ClaimStatus.SECTION_APPROVED).count()
        out["appraisal_appeals"] = (
            sel.appeals_for_user(user).filter(status=AppealStatus.FILED).exclude(person__user=user).count()
        )
    if n:
        out["appraisal_claims"] = n
    if scope.has_role(Role.OFFICE):
        out["appraisal_follow_ups"] = follow_ups_for_user(user).filter(closed_at__isnull=True).count()
    return out
