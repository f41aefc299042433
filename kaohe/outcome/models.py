"""Follow-ups the scheme's tail rules and consequences call for, tracked to closure."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FollowUpKind(models.TextChoices):
    TAIL = "tail", _("Tail rule")  # 末位督考
    OUTCOME = "outcome", _("Consequence")  # 结果运用


class FollowUp(models.Model):
    """An action for one person (reminder talk, post adjustment, statement at the meeting, an award…)
    with a due date and an owner; closed with a record of what was done."""

    period = models.ForeignKey("appraisal.Period", on_delete=models.CASCADE, related_name="follow_ups")
    person = models.ForeignKey(
        "org.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=FollowUpKind.choices)
    action = models.CharField(_("action"), max_length=200)
    due = models.DateField(_("due"))
    owner = models.ForeignKey(
        "org.Person",
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    record = models.TextField(_("record"), blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["closed_at", "due", "id"]
        constraints = [
            models.UniqueConstraint(fields=["period", "person", "action"], name="outcome_followup_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.action}"
