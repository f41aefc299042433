"""The appraisal cycle: schemes, periods, scoring sheets, KPIs, claims, computed results (versioned),
committee decisions, appeals and the follow-ups the published results call for."""

import logging
from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kaohe.engine import Result
from kaohe.engine.explain import explain
from kaohe.engine.store import StoreError, cached_scheme, loads
from kaohe.org.choices import IDENTITY_WORDS as IDENTITY_WORDS
from kaohe.org.choices import POST_LEVEL_WORDS as POST_LEVEL_WORDS
from kaohe.org.choices import POST_TYPE_WORDS as POST_TYPE_WORDS
from kaohe.org.choices import STAFFING_WORDS as STAFFING_WORDS

from .choices import (
    AppealStatus,
    ClaimStatus,
    FollowUpKind,
    PeriodKind,
    PeriodState,
    SheetStatus,
    UngradedStatus,
)

logger = logging.getLogger(__name__)

# The scheme's words for the database's codes (docs/users/office.md, "How people meet the scheme").
# (the built-in person fields' words live with the fields, in kaohe.org.choices)
UNIT_KIND_WORDS = {
    "party_government": "机关",
    "department": "机关",
    "station": "机关",
    "township": "乡镇",
    "village": "村",
    "institution": "事业单位",
    "window": "窗口",
}


class Scheme(models.Model):
    """One imported version of a scheme file (考核方案). Never edited: a revision is a new row."""

    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveIntegerField(_("year"))
    version = models.CharField(_("version"), max_length=40)
    period_kind = models.CharField(_("period kind"), max_length=10, choices=PeriodKind.choices)
    text = models.TextField(_("scheme file"))
    preset = models.CharField(_("started from preset"), max_length=60, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("scheme")
        verbose_name_plural = _("schemes")
        ordering = ["-year", "name", "-id"]
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="appraisal_scheme_version")]

    def __str__(self) -> str:
        return f"{self.name}（{self.version}）"

    @property
    def file_name(self) -> str:
        """The name the engine's messages give the scheme file."""
        return f"{self.name}.yaml"

    def parsed(self):
        """The scheme file parsed and validated (a ``kaohe.engine.Scheme``), shared within the process:
        cached by the sha256 of the text (parsing is pure, and scheme objects are frozen and never
        changed after loading)."""
        return cached_scheme(self.text, file=self.file_name)


class SchemeAttachment(models.Model):
    """A scheme attached to a unit subtree, with how the unit kinds read in the scheme's words."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="attachments")
    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    unit_kinds = models.JSONField(_("unit kinds in the scheme's words"), default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("scheme attachment")
        verbose_name_plural = _("scheme attachments")
        constraints = [models.UniqueConstraint(fields=["scheme", "unit"], name="appraisal_attachment_unique")]

    def __str__(self) -> str:
        return f"{self.scheme} @ {self.unit}"


class Period(models.Model):
    """A span that is scored for the people of a unit subtree, under one scheme version."""

    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    scheme = models.ForeignKey(
        Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="periods"
    )
    kind = models.CharField(_("period kind"), max_length=10, choices=PeriodKind.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    code = models.CharField(_("code"), max_length=20)  # 2025-04, 2025Q2, 2025H1, 2025: sorts in time
    state = models.CharField(_("state"), max_length=10, choices=PeriodState.choices, default=PeriodState.OPEN)
    unit_kinds = models.JSONField(default=dict, blank=True)  # copied from the attachment
    ballot_campaign = models.ForeignKey(
        "ballot.Campaign",
        verbose_name=_("ballot campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    publicity_days = models.PositiveSmallIntegerField(_("publicity (working days)"), default=5)
    appeal_days = models.PositiveSmallIntegerField(_("appeals within (working days)"), default=10)
    comment_below = models.PositiveSmallIntegerField(
        _("a comment is required below this share of an indicator's points (%)"), default=60
    )
    publication_day_counts = models.BooleanField(
        _("the day of publication is the first day of publicity"), default=False
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    publicity_start = models.DateField(_("publicity starts"), null=True, blank=True)
    publicity_end = models.DateField(_("publicity ends"), null=True, blank=True)
    appeal_deadline = models.DateField(_("appeals until"), null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["-start", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind", "start"], name="appraisal_period_unique"),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="appraisal_period_span"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.code}"

    @property
    def locked(self) -> bool:
        """Published results are corrected only by a new version, never edited."""
        return self.state in (PeriodState.PUBLICITY, PeriodState.FINAL)

    def appeals_open(self, today: date) -> bool:
        return self.locked and self.appeal_deadline is not None and today <= self.appeal_deadline


class Sheet(models.Model):
    """An assessor's scoring sheet for a period; ``assessor`` None is the office's sheet (people
    without a reviewer)."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="sheets")
    assessor = models.ForeignKey(
        "org.Person",
        verbose_name=_("assessor"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="appraisal_sheets",
    )
    status = models.CharField(max_length=10, choices=SheetStatus.choices, default=SheetStatus.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("scoring sheet")
        verbose_name_plural = _("scoring sheets")
        constraints = [
            models.UniqueConstraint(fields=["period", "assessor"], name="appraisal_sheet_unique"),
            models.UniqueConstraint(
                fields=["period"], condition=models.Q(assessor__isnull=True), name="appraisal_office_sheet"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.assessor or _('office')}"


class Score(models.Model):
    """An assessor's mark of one leaf indicator for one person, on the assessor's sheet. Several
    assessors (a scoring group) each leave their own mark; gather combines them by the scheme's rule.
    ``indicator`` is a leaf key, or :data:`HOST_SCORE` for a host unit's overall score of a seconded
    person."""

    # A sheet's marks are rewritten in bulk (50,000 at a time, benchmarks/scores.py): one delete and
    # one COPY. So the table carries one index beside its key and no database-level foreign keys or
    # unique constraint: on PostgreSQL each foreign key cost a deferred check per row at commit (0.3 s
    # per key for 50,000 marks), a unique index a visit of the row just deleted for each insert
    # (0.5 s), a second index 0.2 s. A period's marks are read through its sheets
    # (``sheet__period``). Django still cascades deletes; the scoring service is the one writer (the
    # sheet row locked), it writes only people and sheets it has just read, one mark per
    # (sheet, person, line) from a dict, and ``period`` is always the sheet's own.
    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="scores", db_constraint=False, db_index=False
    )
    sheet = models.ForeignKey(
        Sheet, on_delete=models.CASCADE, related_name="scores", db_constraint=False, db_index=False
    )
    person = models.ForeignKey(
        "org.Person", on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    indicator = models.CharField(max_length=200)  # leaf key, "工作实绩/党的建设/基层党建"
    value = models.FloatField()
    comment = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [
            # the sheet's own reads and its delete; gather, progress, appeals and reports read a
            # period's marks through the period's sheets
            models.Index(fields=["sheet"], name="appraisal_score_sheet"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.indicator} {self.value}"


# The Score.indicator of a host unit's overall score (0–100) of a seconded person; leaf keys always hold
# a "/" (component/indicator), so this name never meets one.
HOST_SCORE = "host_score"


class ScoringGroupMember(models.Model):
    """A member of a scoring group (考核小组) of the period's scheme, named by the office: each member
    has a sheet with the group's indicators for everyone whose track uses them."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="group_members")
    group = models.CharField(max_length=100)  # a name of the scheme's scoring_groups
    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("scoring group member")
        verbose_name_plural = _("scoring group members")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "group", "person"], name="appraisal_group_member_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.person_id}"


class Kpi(models.Model):
    """A KPI actual and target of one person for one measure of a KPI leaf."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="kpis")
    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    indicator = models.CharField(max_length=200)
    measure = models.CharField(max_length=60)
    actual = models.FloatField()
    target = models.FloatField()
    multiple = models.FloatField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "person", "indicator", "measure"], name="appraisal_kpi_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.indicator} {self.measure}"


class Claim(models.Model):
    """A claim for bonus points (or a section's deduction) from the scheme's categories (加减分申报)."""

    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="claims"
    )
    person = models.ForeignKey(
        "org.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    category = models.CharField(_("category"), max_length=100)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filed_at = models.DateTimeField(auto_now_add=True)
    section_note = models.CharField(_("section's reason"), max_length=300, blank=True)
    committee_note = models.CharField(_("committee's reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-filed_at"]
        indexes = [
            # computation: approved claims of a period
            models.Index(fields=["period", "status"], name="appraisal_claim_status"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.category} {self.points}"


def evidence_path(instance, filename: str) -> str:
    return f"appraisal/evidence/{instance.sha256[:2]}/{instance.sha256}"


class Evidence(models.Model):
    """A file attached to a claim or an appeal (checked by content and size)."""

    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence")
    appeal = models.ForeignKey(
        "Appeal", null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(upload_to=evidence_path)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.name


class ResultSet(models.Model):
    """One computed version of a period's results. ``current`` marks the one in force; earlier versions
    are kept. ``blob`` is the stored run (the engine's Result and period data in the format of
    ``kaohe.engine.store``: arrays and JSON, no pickle): a person's derivation is assembled from it on
    demand, reading only the rows it needs. ``blob`` is empty when a run stored by an earlier release
    could not be converted: ``recompute_reason`` says why, and the period must be computed again."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="result_sets")
    version = models.PositiveIntegerField()
    current = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    quotas = models.JSONField(default=dict)  # quota group → {size, ceilings: {grade: n}, floors: {grade: n}}
    blob = models.BinaryField(null=True)
    recompute_reason = models.CharField(max_length=300, blank=True)
    pool_total_fen = models.BigIntegerField(null=True, blank=True)  # None: no pool amount was given

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["period", "version"], name="appraisal_resultset_version"),
            models.UniqueConstraint(
                fields=["period"], condition=models.Q(current=True), name="appraisal_resultset_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} v{self.version}"

    def engine_result(self) -> Result:
        """The engine's Result of this version, read lazily from the stored run. Raises
        :class:`~kaohe.engine.store.StoreError` when there is none this code can read."""
        if self.blob is None:
            raise StoreError(self.recompute_reason or "no stored run")
        return loads(bytes(self.blob))

    def explanation(self, person_id: str, lang: str = "zh") -> str:
        """A person's derivation, or why it cannot be shown (a run this release cannot read)."""
        try:
            return explain(self.engine_result(), person_id, lang)
        except (StoreError, AttributeError) as exc:  # AttributeError: a Result class changed since
            logger.warning("result set %s: derivation unavailable: %s", self.pk, exc)
            return gettext(
                "The derivations of this version were stored by an earlier release and cannot be read "
                "(%(reason)s). Compute the period again (after publication: correct it) to see them."
            ) % {"reason": exc}


class PersonResult(models.Model):
    """One person's result in one version. ``engine_grade`` is what the engine gave; ``grade`` is in
    force (the committee may change it within the quotas)."""

    result_set = models.ForeignKey(ResultSet, on_delete=models.CASCADE, related_name="rows")
    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="appraisal_results")
    track = models.CharField(max_length=100)
    quota_group = models.CharField(max_length=200)
    components = models.JSONField(default=dict)
    base = models.FloatField()
    bonus = models.FloatField()
    deduction = models.FloatField()
    total = models.FloatField()
    rank = models.PositiveIntegerField()  # 0: no rank place
    track_size = models.PositiveIntegerField()
    engine_grade = models.CharField(max_length=40, blank=True)
    grade = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=40, blank=True, choices=UngradedStatus.choices)  # blank: graded
    pay_factor = models.FloatField(default=0)
    tail = models.JSONField(default=list, blank=True)  # the actions of the tail rules that hit
    outcomes = models.JSONField(default=list, blank=True)  # the consequences that hit
    pool_fen = models.BigIntegerField(default=0)
    pay_base_fen = models.BigIntegerField(null=True, blank=True)  # the person's pay base when computed
    pay_fen = models.BigIntegerField(null=True, blank=True)  # pay base × (1 + pay factor); None: no amount

    class Meta:
        ordering = ["track", "rank"]
        indexes = [
            # results page: one track of one version in rank order
            models.Index(fields=["result_set", "track", "rank"], name="appraisal_result_track"),
            # a person's results over periods (my results, trend)
            models.Index(fields=["person", "result_set"], name="appraisal_result_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.total} {self.grade}"


class GradeChange(models.Model):
    """The committee's change of a grade within the quotas, with its reason."""

    row = models.ForeignKey(PersonResult, on_delete=models.CASCADE, related_name="changes")
    from_grade = models.CharField(max_length=40)
    to_grade = models.CharField(max_length=40)
    reason = models.CharField(max_length=300)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.from_grade} → {self.to_grade}"


class CommitteeDecision(models.Model):
    """The committee's decision on a period's results (members, date, decision)."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="decisions")
    members = models.CharField(_("members"), max_length=500)
    day = models.DateField(_("date"))
    decision = models.TextField(_("decision"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.day} {self.members}"


class Appeal(models.Model):
    """A person's appeal (申诉) against their published result, and the committee's review."""

    row = models.ForeignKey(PersonResult, on_delete=models.PROTECT, related_name="appeals")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="appeals")
    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="appraisal_appeals")
    reason = models.TextField(_("reason"))
    status = models.CharField(max_length=10, choices=AppealStatus.choices, default=AppealStatus.FILED)
    filed_at = models.DateTimeField(auto_now_add=True)
    decision = models.TextField(_("decision"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    new_result_set = models.ForeignKey(
        ResultSet, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-filed_at"]

    def __str__(self) -> str:
        return f"{self.person} {self.period}"


class FollowUp(models.Model):
    """An action for one person (reminder talk, post adjustment, statement at the meeting, an award…)
    that the published results call for, with a due date and an owner; closed with a record of what
    was done. The table keeps the name it had in the former ``outcome`` app."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="follow_ups")
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
        db_table = "outcome_followup"
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["closed_at", "due", "id"]
        constraints = [
            models.UniqueConstraint(fields=["period", "person", "action"], name="outcome_followup_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.action}"


class PersonalIndicator(models.Model):
    """One of a person's own indicators (个性指标 / 私人定制) under a scheme leaf with ``source:
    personal``, set by their reviewer or the office. ``points`` are the indicator's points (the
    person's indicators of a node add up to the node's points) or, under a node without points, its
    weight in % (adding up to 100). The assessor's score is kept here (0–points, or 0–100 under
    weights): one row per indicator keeps the sheet and the computation one query each."""

    period = models.ForeignKey(Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(
        "org.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    node = models.CharField(_("scheme indicator"), max_length=200)  # leaf key, "绩效评分/个性指标"
    name = models.CharField(_("indicator"), max_length=200)
    points = models.DecimalField(_("points or weight"), max_digits=6, decimal_places=2)
    target = models.TextField(_("target"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    score = models.FloatField(_("score"), null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    sheet = models.ForeignKey(Sheet, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("personal indicator")
        verbose_name_plural = _("personal indicators")
        ordering = ["period", "person", "node", "position", "id"]
        constraints = [
            # its index also serves the sheet and the person's page (one period's people's indicators)
            models.UniqueConstraint(
                fields=["period", "person", "node", "name"], name="appraisal_personal_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.node} {self.name}"


# The inputs the office enters per period (measures, money, unit grades, task results) and the
# inputs recorded as truly empty live in models_inputs; importing them here registers them.
from .models_inputs import EmptyInput, PeriodAmount, PeriodMeasure, TaskResult, UnitGrade  # noqa: E402

__all__ = ["EmptyInput", "PeriodAmount", "PeriodMeasure", "TaskResult", "UnitGrade"]
