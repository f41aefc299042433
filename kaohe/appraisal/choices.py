"""Choices of the appraisal domain: stored values are English code names (GLOSSARY.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")  # 月度
    QUARTER = "quarter", _("Quarter")  # 季度
    HALF = "half", _("Half-year")  # 半年
    YEAR = "year", _("Year")  # 年度


class PeriodState(models.TextChoices):
    OPEN = "open", _("Open")
    SCORING = "scoring", _("Scoring")
    COMPUTED = "computed", _("Computed")
    COMMITTEE = "committee", _("Committee")
    PUBLICITY = "publicity", _("Publicity")
    FINAL = "final", _("Final")


PUBLISHED = (PeriodState.PUBLICITY, PeriodState.FINAL)  # the states in which people see their results


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for the section")
    SECTION_APPROVED = "section_approved", _("Waiting for the committee")
    APPROVED = "approved", pgettext_lazy("claim", "Approved")
    REJECTED = "rejected", pgettext_lazy("claim", "Rejected")


class AppealStatus(models.TextChoices):
    FILED = "filed", _("Under review")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


class UngradedStatus(models.TextChoices):
    """Why a person has no grade this period: the engine's ungraded effects (``UNGRADED_EFFECTS``),
    strongest first. A graded person's status is blank."""

    PENDING = "pending", _("Grade pending")  # 暂缓确定等次
    NO_GRADE = "no_grade", _("No grade")  # 不定等次
    COMMENT_ONLY = "comment_only", _("Comment only")  # 只写评语


def grade_or_status(grade: str, status: str) -> str:
    """What a result shows in its grade column: the grade, or for a person without one the label of
    the reason (不定等次 …)."""
    return grade or (str(UngradedStatus(status).label) if status else "")


class FollowUpKind(models.TextChoices):
    TAIL = "tail", _("Tail rule")  # 末位督考
    OUTCOME = "outcome", _("Consequence")  # 结果运用


class MoneyKind(models.TextChoices):
    """What a period amount (``PeriodAmount``) is: an incentive pool's amount or the pay base."""

    POOL = "pool", _("incentive pool")
    PAY_BASE = "pay_base", _("pay base")
