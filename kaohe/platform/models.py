"""The platform's own rows: in-app notifications and a unit's overrides of the official calendar.

Both began in the work-log app, which needed them first; their tables keep the names they had there
(``worklog_notification``, ``worklog_calendarday``), so moving them lost no row."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .calendar import DayKind


class Notification(models.Model):
    """An in-app notification shown to an account."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    created = models.DateTimeField(default=timezone.now)
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=200, blank=True)
    read = models.BooleanField(default=False)

    class Meta:
        db_table = "worklog_notification"
        ordering = ["-created"]
        indexes = [
            # home page: unread notifications of the user
            models.Index(fields=["user", "read", "created"], name="worklog_notification_unread"),
        ]

    def __str__(self) -> str:
        return self.text


class CalendarDay(models.Model):
    """An override of the official calendar for a unit and its sub-units: a station's weekend shift,
    a local holiday, or a year's holidays entered by the office before the package knows them."""

    # A reference by name: the platform imports no domain app, a unit's calendar is still its own.
    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        db_table = "worklog_calendarday"
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="worklog_calendar_unique")]

    def __str__(self) -> str:
        return f"{self.day} {self.get_kind_display()}"
