"""Models of the period inputs the office enters (measures, money in fen, unit grades and honours,
task results) and of inputs recorded as truly empty for readiness."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import MoneyKind

PERIOD = "appraisal.Period"


class EmptyInput(models.Model):
    """The office's record that an input the scheme reads is truly empty this period (本期无扣分事项),
    with its reason: readiness then counts it as covered and the explanation cites the reason."""

    period = models.ForeignKey(PERIOD, on_delete=models.CASCADE, related_name="empty_inputs")
    need = models.CharField(_("kind of input"), max_length=20)  # kaohe.engine.requirements.Need
    name = models.CharField(_("input"), max_length=200)
    reason = models.CharField(_("reason"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("input recorded as empty")
        verbose_name_plural = _("inputs recorded as empty")
        constraints = [
            models.UniqueConstraint(fields=["period", "need", "name"], name="appraisal_emptyinput_unique")
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.need} {self.name}"


class PeriodMeasure(models.Model):
    """A value a dynamic coefficient's formula reads for the period (期间指标值: 001's monthly GDP
    growth), for one unit's subtree or (``unit`` None) the whole period. A person reads the value of
    the nearest unit above them that has one, else the period's."""

    period = models.ForeignKey(PERIOD, on_delete=models.CASCADE, related_name="measures")
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("measure"), max_length=60)  # the formula's name for it
    value = models.FloatField(_("value"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["period", "unit", "name"], name="appraisal_measure_unique"),
            models.UniqueConstraint(
                fields=["period", "name"],
                condition=models.Q(unit__isnull=True),
                name="appraisal_measure_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}={self.value:g}"


class PeriodAmount(models.Model):
    """Money for a period in integer fen: an incentive pool's amount (``pool`` its name in the
    scheme; ``part`` the value of the pool's ``by`` attribute, "" for the whole pool), or the pay base
    (``unit``: for that unit's subtree, nearest one wins; None: the whole period)."""

    period = models.ForeignKey(PERIOD, on_delete=models.CASCADE, related_name="amounts")
    kind = models.CharField(max_length=10, choices=MoneyKind.choices)
    pool = models.CharField(max_length=100, blank=True)
    part = models.CharField(max_length=100, blank=True)
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    amount_fen = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "kind", "pool", "part", "unit"], name="appraisal_amount"
            ),
            models.UniqueConstraint(
                fields=["period", "kind", "pool", "part"],
                condition=models.Q(unit__isnull=True),
                name="appraisal_amount_whole",
            ),
            models.CheckConstraint(condition=models.Q(amount_fen__gte=0), name="appraisal_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pool} {self.part} {self.amount_fen}"


class UnitGrade(models.Model):
    """A unit's own grade and honours (单位等次, 人民满意 …) that its people's quotas read, for one
    period or (``period`` None) every period of ``year`` whose people are in the unit's subtree."""

    year = models.PositiveIntegerField(_("year"))
    period = models.ForeignKey(PERIOD, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    grade = models.CharField(_("unit grade"), max_length=40, blank=True)
    honours = models.JSONField(_("honours"), default=list, blank=True)  # the scheme's honour names

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "period", "unit"], name="appraisal_unit_grade"),
            models.UniqueConstraint(
                fields=["year", "unit"],
                condition=models.Q(period__isnull=True),
                name="appraisal_unit_grade_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} {self.grade}"


class TaskResult(models.Model):
    """A person's completion rate (0–1) of a task leaf indicator, entered by the office until tasks
    are tracked in Kaohe."""

    period = models.ForeignKey(PERIOD, on_delete=models.CASCADE, related_name="task_results")
    person = models.ForeignKey(
        "org.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    indicator = models.CharField(_("indicator"), max_length=200)  # the task leaf's key
    rate = models.FloatField(_("completion rate"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["period", "person", "indicator"], name="appraisal_task_unique"),
            models.CheckConstraint(condition=models.Q(rate__gte=0), name="appraisal_task_rate"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.indicator} {self.rate:.0%}"
