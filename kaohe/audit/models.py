"""The audit trail: events appended freely, sealed into a hash chain in batches by a job.

Appending does not touch a shared row, so writes across the site stay parallel; the sealer alone
orders events (``seq``) and links each to its predecessor's hash. See ``kaohe.audit.chain``.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    at = models.DateTimeField(_("time"), default=timezone.now)
    # A plain id, not a foreign key: deleting an account must never rewrite sealed history.
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True)
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    # The unit the event belongs to, for cutting the trail to an inspector's subtree; a plain id for
    # the same reason as actor_id. None for events of no unit (accounts, tokens, the system).
    unit_id = models.BigIntegerField(_("unit id"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=80)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    seq = models.BigIntegerField(_("sequence"), null=True, blank=True, unique=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        indexes = [
            # audit page filter "object"
            models.Index(fields=["object_type", "object_id"], name="audit_event_object"),
            # audit page filter "who", newest first
            models.Index(fields=["actor_id", "at"], name="audit_event_actor_at"),
            # audit page filter "when"
            models.Index(fields=["at"], name="audit_event_at"),
            # an inspector's subtree, newest first
            models.Index(fields=["unit_id", "id"], name="audit_event_unit"),
            # the sealer's "unsealed events in id order"
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="audit_event_unsealed"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq or '-'} {self.action} {self.object_repr}"


class Seal(models.Model):
    """The chain head after one sealing batch; ``head_hash`` is what gets published outside."""

    last_seq = models.BigIntegerField(unique=True)
    head_hash = models.CharField(max_length=64)
    count = models.PositiveIntegerField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("audit seal")
        verbose_name_plural = _("audit seals")
        ordering = ["-last_seq"]

    def __str__(self) -> str:
        return f"{self.last_seq}:{self.head_hash}"
