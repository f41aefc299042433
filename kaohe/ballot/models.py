"""Democratic evaluation (民主测评): campaigns, their questionnaire and rater groups, who has voted,
and what was voted.

Anonymity by construction (DESIGN §6). *Who has voted* is :class:`Participation` (campaign, group,
account or code); *what was voted* is :class:`Ballot` with its :class:`BallotLine`\\ s. The two share
no key: a ballot row has a random UUID, no rater, no code, no timestamp and no sequence. Rows written
in one transaction and physical order would still betray arrival while a campaign is open, so closing
rewrites every ballot under fresh random ids in an order that says nothing about arrival
(:func:`kaohe.ballot.services.close_campaign`). One-time codes are stored only as a keyed hash.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import CampaignStatus, Relation, Voting, WhenGroupMissing


class Campaign(models.Model):
    """One democratic evaluation (测评) of the people of a unit subtree for a period."""

    name = models.CharField(_("name"), max_length=100)
    period = models.CharField(
        _("period"), max_length=40, help_text=_("for example 2025年度 or 2025年第一季度")
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="ballot_campaigns"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    min_ballots = models.PositiveSmallIntegerField(
        _("minimum ballots per group"), default=5, validators=[MinValueValidator(1)]
    )
    when_group_missing = models.CharField(
        _("a group under the minimum"),
        max_length=12,
        choices=WhenGroupMissing.choices,
        default=WhenGroupMissing.RENORMALISE,
    )
    max_top_marks = models.PositiveIntegerField(
        _("at most this many top marks per ballot"), null=True, blank=True
    )
    identical_invalid = models.BooleanField(
        _("refuse ballots that give everyone the same mark"), default=False
    )
    trim_extremes = models.BooleanField(_("drop the highest and the lowest mark"), default=False)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("ballot campaign")
        verbose_name_plural = _("ballot campaigns")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.period}）"

    @property
    def is_open(self) -> bool:
        return self.status == CampaignStatus.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == CampaignStatus.CLOSED


class Option(models.Model):
    """A mark on the ballot and its points (优秀 → 100)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("label"), max_length=20)
    points = models.DecimalField(
        _("points"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(1000)],
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["campaign", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "label"], name="ballot_option_unique")]

    def __str__(self) -> str:
        return f"{self.label}={self.points}"


class Dimension(models.Model):
    """A weighted dimension of the questionnaire (德 20%, 能 15% …); none means one overall mark."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="dimensions")
    name = models.CharField(_("name"), max_length=20)
    weight = models.DecimalField(_("weight (%)"), max_digits=5, decimal_places=2)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")
        ordering = ["campaign", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "name"], name="ballot_dimension_unique")]

    def __str__(self) -> str:
        return f"{self.name} {self.weight}%"


class RaterGroup(models.Model):
    """A rater group (测评主体) with its weight, who belongs to it and whom its members rate."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=40)
    weight = models.DecimalField(_("weight (%)"), max_digits=5, decimal_places=2)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    voting = models.CharField(_("votes"), max_length=10, choices=Voting.choices, default=Voting.ACCOUNT)
    # Members (account groups): people of the campaign's unit subtree with these identity and
    # staffing categories; an empty list means any. A person belongs to the first group that matches.
    identities = models.JSONField(_("identity categories of members"), default=list, blank=True)
    staffings = models.JSONField(_("staffing categories of members"), default=list, blank=True)
    # Whom they rate: the campaign's ratees with these identities (empty: any), related so.
    relation = models.CharField(_("rates"), max_length=10, choices=Relation.choices, default=Relation.ANY)
    same_unit = models.BooleanField(_("only people of their own unit"), default=False)
    ratee_identities = models.JSONField(_("identity categories rated"), default=list, blank=True)

    class Meta:
        verbose_name = _("rater group")
        verbose_name_plural = _("rater groups")
        ordering = ["campaign", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "name"], name="ballot_group_unique")]

    def __str__(self) -> str:
        return f"{self.name} {self.weight}%"


class Ratee(models.Model):
    """A person to be rated in a campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="ratees")
    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="ballot_ratings")

    class Meta:
        verbose_name = _("person to be rated")
        verbose_name_plural = _("people to be rated")
        constraints = [models.UniqueConstraint(fields=["campaign", "person"], name="ballot_ratee_unique")]

    def __str__(self) -> str:
        return str(self.person)


class Code(models.Model):
    """A one-time code for a rater without an account. Only its keyed hash is kept: the raw code is
    shown once, on the print sheet or in the export made when it is generated."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="codes")
    group = models.ForeignKey(RaterGroup, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    batch = models.PositiveIntegerField(_("batch"), default=1)
    void = models.BooleanField(_("void"), default=False)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")

    def __str__(self) -> str:
        return f"{self.group} #{self.batch}"


class Participation(models.Model):
    """*Who* has voted: an account or a code, once per campaign. Nothing here says what they voted,
    and nothing in a ballot points back here. No timestamp: the audit trail says when someone voted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="participations")
    group = models.ForeignKey(RaterGroup, on_delete=models.CASCADE, related_name="participations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    code = models.OneToOneField(Code, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            # exactly once per account, also under concurrent submissions (the code: OneToOne)
            models.UniqueConstraint(
                fields=["campaign", "user"],
                condition=models.Q(user__isnull=False),
                name="ballot_participation_once_per_account",
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=True) ^ models.Q(code__isnull=True),
                name="ballot_participation_account_xor_code",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.group_id}"


class Ballot(models.Model):
    """*What* was voted, by whom unknown: a random id, the campaign and the rater group, nothing else."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="ballots")
    group = models.ForeignKey(RaterGroup, on_delete=models.PROTECT, related_name="+", db_index=False)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")

    def __str__(self) -> str:
        return str(self.id)


class BallotLine(models.Model):
    """One mark on a ballot: a person (and dimension) and the option chosen. Campaign and group are
    repeated from the ballot so that the tally is one GROUP BY over this table alone."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="lines")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+", db_index=False)
    group = models.ForeignKey(RaterGroup, on_delete=models.PROTECT, related_name="+", db_index=False)
    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+", db_index=False)
    dimension = models.ForeignKey(
        Dimension, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    option = models.ForeignKey(Option, on_delete=models.PROTECT, related_name="+", db_index=False)

    class Meta:
        verbose_name = _("ballot line")
        verbose_name_plural = _("ballot lines")
        indexes = [
            # the tally: GROUP BY person, group, dimension, option WHERE campaign = …
            models.Index(
                fields=["campaign", "person", "group", "dimension", "option"], name="ballot_line_tally"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}:{self.option_id}"


class PaperEntry(models.Model):
    """One clerk's entry of one paper ballot sheet. Two clerks enter each sheet independently; the
    sheet counts (becomes a :class:`Ballot`) when both entries agree or once a difference is resolved."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="paper_entries")
    group = models.ForeignKey(RaterGroup, on_delete=models.PROTECT, related_name="+")
    sheet = models.CharField(_("sheet number"), max_length=20)
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(_("answers"), default=dict)
    counted = models.BooleanField(_("counted"), default=False)

    class Meta:
        verbose_name = _("paper ballot entry")
        verbose_name_plural = _("paper ballot entries")
        ordering = ["campaign", "sheet", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "sheet", "clerk"], name="ballot_paper_once_per_clerk")
        ]
        indexes = [
            # the paper page: sheets still to be counted
            models.Index(fields=["campaign", "counted", "sheet"], name="ballot_paper_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} #{self.sheet}"
