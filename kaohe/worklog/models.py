"""Work logs (履职纪实): the logs, their rollups, the settings per unit, misses and the notices they
produce, reminders, and monthly achievement records. The calendar overrides and in-app notifications
are the platform's (:mod:`kaohe.platform.models`)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaohe.platform.uploads import DOCX, XLSX

from .choices import (
    AchievementSection,
    AchievementStatus,
    LogStatus,
    StatPeriod,
    WebhookKind,
)


class WorkLog(models.Model):
    """One person's record of one working day."""

    # No index of its own: the unique key (person, day) leads with it (one index less per log written).
    person = models.ForeignKey(
        "org.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="worklogs",
        db_index=False,
    )
    day = models.DateField(_("day"))
    content = models.TextField(_("content"))
    tags = models.JSONField(_("tags"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=LogStatus.choices, default=LogStatus.SUBMITTED
    )
    # The person's reviewer when the log was (re)submitted: the review queue reads this column, by
    # the index worklog_queue, which leads with it (so no index of its own).
    reviewer = models.ForeignKey(
        "org.Person",
        verbose_name=_("reviewer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="logs_to_review",
        db_index=False,
    )
    created = models.DateTimeField(_("written"), default=timezone.now)
    submitted = models.DateTimeField(_("submitted"), default=timezone.now)
    late = models.BooleanField(_("late"), default=False)
    reviewed = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_comment = models.CharField(_("reviewer's comment"), max_length=500, blank=True)
    review_seconds = models.PositiveIntegerField(default=0, editable=False)  # submission → approval
    returns = models.PositiveIntegerField(default=0, editable=False)
    counted = models.BooleanField(default=False, editable=False)  # present when its day was closed

    class Meta:
        verbose_name = _("work log")
        verbose_name_plural = _("work logs")
        ordering = ["-day", "person_id"]
        constraints = [models.UniqueConstraint(fields=["person", "day"], name="worklog_one_log_a_day")]
        indexes = [
            # the review queue: WorkLog.filter(reviewer=me, status="submitted").order_by("day")
            models.Index(fields=["reviewer", "status", "day"], name="worklog_queue"),
            # closing a day: WorkLog.filter(day=D, person__unit=U)
            models.Index(fields=["day"], name="worklog_day"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.day}"

    @property
    def editable(self) -> bool:
        return self.status != LogStatus.APPROVED


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"worklog/{instance.log.day:%Y/%m}/{instance.log_id}-{instance.sha256[:16]}{instance.suffix}"


class Attachment(models.Model):
    log = models.ForeignKey(WorkLog, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=80)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name

    @property
    def suffix(self) -> str:
        return {
            "image/jpeg": ".jpg",
            "image/png": ".png",
            "application/pdf": ".pdf",
            DOCX: ".docx",
            XLSX: ".xlsx",
        }.get(self.content_type, ".bin")


class Stat(models.Model):
    """Log statistics of one person for one week or month, kept up to date by every write.

    Rate pages and the engine read these rows, never the log table. ``recount`` in
    :mod:`kaohe.worklog.rollups` rebuilds them from the raw rows and must agree.
    """

    # no index of its own: the unique key (person, period, start) leads with it
    person = models.ForeignKey(
        "org.Person", on_delete=models.CASCADE, related_name="worklog_stats", db_index=False
    )
    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=5, choices=StatPeriod.choices)
    start = models.DateField()
    working_days = models.PositiveIntegerField(default=0)  # closed working days the person was expected
    filled = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    approved = models.PositiveIntegerField(default=0)
    returned = models.PositiveIntegerField(default=0)
    review_seconds = models.BigIntegerField(default=0)
    missed = models.PositiveIntegerField(default=0)
    notices = models.PositiveIntegerField(default=0)
    deduction = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("0"))

    COUNTERS = (
        "working_days",
        "filled",
        "on_time",
        "late",
        "approved",
        "returned",
        "review_seconds",
        "missed",
        "notices",
        "deduction",
    )

    class Meta:
        verbose_name = _("log statistics")
        verbose_name_plural = _("log statistics")
        constraints = [
            models.UniqueConstraint(fields=["person", "period", "start"], name="worklog_stat_unique")
        ]
        indexes = [
            # rates pages: Stat.filter(in_subtree(…), period=…, start__in=…)
            models.Index(fields=["period", "start", "unit"], name="worklog_stat_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.period} {self.start}"


class ReviewerStat(models.Model):
    """A reviewer's own record for one week or month: logs received, decided, and how fast."""

    # no index of its own: the unique key (reviewer, period, start) leads with it
    reviewer = models.ForeignKey(
        "org.Person", on_delete=models.CASCADE, related_name="review_stats", db_index=False
    )
    period = models.CharField(max_length=5, choices=StatPeriod.choices)
    start = models.DateField()
    received = models.PositiveIntegerField(default=0)
    decided = models.PositiveIntegerField(default=0)
    decision_seconds = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("reviewer statistics")
        verbose_name_plural = _("reviewer statistics")
        constraints = [
            models.UniqueConstraint(
                fields=["reviewer", "period", "start"], name="worklog_reviewerstat_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_id} {self.period} {self.start}"


class LogSettings(models.Model):
    """Work-log settings (日志设置) of a unit and its sub-units (the nearest unit with its own wins)."""

    unit = models.OneToOneField(
        "org.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="log_settings"
    )
    backfill_days = models.PositiveSmallIntegerField(
        _("on time until working day"), default=1, validators=[MaxValueValidator(10)]
    )
    backfill_hour = models.PositiveSmallIntegerField(
        _("on time until hour"), default=10, validators=[MaxValueValidator(23)]
    )
    late_days = models.PositiveSmallIntegerField(
        _("late logs accepted for working days"), default=3, validators=[MaxValueValidator(20)]
    )
    reminder_hour = models.PositiveSmallIntegerField(
        _("remind at hour"), default=17, validators=[MaxValueValidator(23)]
    )
    remind_in_app = models.BooleanField(_("in-app notification"), default=True)
    remind_email = models.BooleanField(_("email"), default=False)
    webhook_kind = models.CharField(_("webhook"), max_length=10, choices=WebhookKind.choices, blank=True)
    webhook_url = models.URLField(_("webhook URL"), blank=True)
    webhook_secret = models.CharField(_("webhook signing secret"), max_length=200, blank=True)
    miss_threshold = models.PositiveSmallIntegerField(
        _("consecutive missed working days for a notice"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    deduction_points = models.DecimalField(
        _("deduction per notice (points)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    achievement_day = models.PositiveSmallIntegerField(
        _("monthly achievement records due on day"),
        default=25,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
    )

    class Meta:
        verbose_name = _("work-log settings")
        verbose_name_plural = _("work-log settings")

    def __str__(self) -> str:
        return str(self.unit)


class ClosedDay(models.Model):
    """A day closed for a unit: its misses are marked. The unique key makes closing idempotent."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    at = models.DateTimeField(default=timezone.now)
    expected = models.PositiveIntegerField(default=0)
    missed = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="worklog_closed_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day}"


class Miss(models.Model):
    """A working day on which a person wrote no log by the deadline."""

    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="worklog_misses")
    day = models.DateField()

    class Meta:
        verbose_name = _("missed log")
        verbose_name_plural = _("missed logs")
        constraints = [models.UniqueConstraint(fields=["person", "day"], name="worklog_miss_unique")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.day}"


class MissNotice(models.Model):
    """A notice entry (通报) and the deduction it carries, for consecutive missed working days. The
    engine's ``worklog_misses`` adjustment counts these rows (``Stat.notices``)."""

    person = models.ForeignKey(
        "org.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="worklog_notices"
    )
    day = models.DateField(_("last missed day"))
    first_day = models.DateField(_("first missed day"))
    days = models.PositiveSmallIntegerField(_("consecutive missed working days"))
    points = models.DecimalField(_("deduction (points)"), max_digits=5, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=300)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("miss notice")
        verbose_name_plural = _("miss notices")
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["person", "day"], name="worklog_notice_unique")]

    def __str__(self) -> str:
        return self.reason


class ReminderRun(models.Model):
    """Reminders sent to a unit for a day; the unique key makes reminding idempotent."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    at = models.DateTimeField(default=timezone.now)
    people = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="worklog_reminder_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day}"


class Achievement(models.Model):
    """A monthly achievement record (月度纪实) declared for a person, reviewed by the office."""

    person = models.ForeignKey(
        "org.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="achievements"
    )
    month = models.DateField(_("month"))  # first day of the month
    section = models.CharField(_("section"), max_length=20, choices=AchievementSection.choices)
    text = models.TextField(_("achievement"))
    status = models.CharField(
        _("status"), max_length=10, choices=AchievementStatus.choices, default=AchievementStatus.DECLARED
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    declared = models.DateTimeField(default=timezone.now)
    office_comment = models.CharField(_("office's comment"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("monthly achievement record")
        verbose_name_plural = _("monthly achievement records")
        ordering = ["-month", "person_id", "section"]
        indexes = [models.Index(fields=["month", "status"], name="worklog_achievement_month")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.month:%Y-%m} {self.get_section_display()}"
