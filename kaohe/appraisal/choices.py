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
