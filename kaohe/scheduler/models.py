"""One row per scheduled job: when it is next due, and what its last run did."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """A scheduled job. A scheduler claims a due run by moving ``next_run`` forward with a
    conditional UPDATE (``WHERE next_run = <the value it read>``) and checking that exactly one row
    changed, so of several schedulers on several machines exactly one runs it."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    next_run = models.DateTimeField(_("next run"), default=timezone.now)
    last_started = models.DateTimeField(_("last started"), null=True, blank=True)
    last_finished = models.DateTimeField(_("last finished"), null=True, blank=True)
    last_result = models.CharField(_("last result"), max_length=300, blank=True)
    runs = models.PositiveIntegerField(_("runs"), default=0)
    failures = models.PositiveIntegerField(_("failures"), default=0)

    class Meta:
        verbose_name = _("scheduled job")
        verbose_name_plural = _("scheduled jobs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
