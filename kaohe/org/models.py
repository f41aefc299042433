"""The organisation: a unit tree, positions, people, leave, tracks and secondments."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from .choices import (
    Gender,
    IdentityCategory,
    LeaveKind,
    PostLevel,
    PostType,
    RecordKind,
    StaffingCategory,
    UnitKind,
)


def in_subtree(root: "Unit | str", via: str = "unit") -> Q:
    """The filter "lies in ``root``'s subtree" (``root`` included), for any model: ``via`` is the
    lookup from that model to its unit ("unit", "person__unit", …; "" for Unit itself). ``root`` is
    a unit or its path.

    The one place a subtree becomes SQL: a prefix match on the materialised path, which the
    ``org_unit_path_prefix`` index serves on PostgreSQL whatever the column's collation.
    """
    path = root if isinstance(root, str) else root.path
    if not path:
        raise ValueError("a subtree needs a saved unit (its path is empty)")
    return Q(**{f"{via}__path__startswith" if via else "path__startswith": path})


class UnitQuerySet(models.QuerySet):
    def subtree(self, root: "Unit | str") -> "UnitQuerySet":
        """``root`` (a unit or its path) and every unit below it."""
        return self.filter(in_subtree(root, via=""))


class PersonQuerySet(models.QuerySet):
    def in_subtree(self, root: "Unit | str") -> "PersonQuerySet":
        """The people of ``root``'s subtree (``root`` a unit or its path)."""
        return self.filter(in_subtree(root))


class Unit(models.Model):
    """A node of the organisation tree (单位 / 部门 / 科室).

    ``path`` is the materialised chain of ids from the root ("/1/4/9/"), so a subtree is one
    prefix query (:func:`in_subtree`, ``Unit.objects.subtree``); services keep it in step with
    ``parent``.
    """

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("unit type"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=400, editable=False, default="")
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    supervisor = models.ForeignKey(
        "Person",
        verbose_name=_("supervising leader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervised_units",
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        indexes = [
            # the tree's order (ORDER BY path) and lookups by path (path IN …)
            models.Index(fields=["path"], name="org_unit_path"),
            # subtree queries, in_subtree(): path LIKE '/1/4/%'. A plain index serves a prefix LIKE
            # only under the C collation; the pattern operator class compares bytes, so this one
            # serves it under any (e.g. zh-x-icu). PostgreSQL only: elsewhere it is a plain index.
            models.Index(fields=["path"], name="org_unit_path_prefix", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        """Save, then bring ``path`` (and every descendant's) in step with ``parent``.

        Cycles are refused by the services before a save gets here (``kaohe.org.services``).
        """
        super().save(*args, **kwargs)
        new_path = (self.parent.path if self.parent_id else "/") + f"{self.pk}/"
        if new_path != self.path:
            old_path, self.path = self.path, new_path
            Unit.objects.filter(pk=self.pk).update(path=new_path)
            if old_path:
                # One statement for the whole subtree: swap the old prefix for the new one.
                Unit.objects.subtree(old_path).exclude(pk=self.pk).update(
                    path=Concat(
                        Value(new_path), Substr("path", len(old_path) + 1), output_field=models.CharField()
                    )
                )

    @property
    def depth(self) -> int:
        return max(self.path.count("/") - 2, 0)

    def is_within(self, root: "Unit") -> bool:
        return self.path.startswith(root.path)


class Position(models.Model):
    """A post (职务) within a unit."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="positions")
    title = models.CharField(_("title"), max_length=100)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [models.UniqueConstraint(fields=["unit", "title"], name="org_position_unique_title")]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.title}"


class Person(models.Model):
    """Someone who is appraised (干部 / 工作人员)."""

    staff_no = models.CharField(_("staff number"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="people")
    position = models.ForeignKey(
        Position,
        verbose_name=_("position"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    identity = models.CharField(_("identity category"), max_length=20, choices=IdentityCategory.choices)
    staffing = models.CharField(_("staffing category"), max_length=20, choices=StaffingCategory.choices)
    post_type = models.CharField(_("post type"), max_length=20, choices=PostType.choices)
    post_level = models.CharField(_("post level"), max_length=20, choices=PostLevel.choices)
    start_date = models.DateField(_("start date in unit"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    reviewer = models.ForeignKey(
        "self",
        verbose_name=_("reviewer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewees",
    )
    active = models.BooleanField(_("active"), default=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["unit__path", "staff_no"]
        indexes = [
            # people list filtered by unit subtree and category
            models.Index(fields=["unit", "identity"], name="org_person_unit_identity"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.staff_no}）"


class LeaveRecord(models.Model):
    """A span of leave; eligibility rules count leave days against working days."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="leaves"
    )
    kind = models.CharField(_("leave kind"), max_length=20, choices=LeaveKind.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("leave record")
        verbose_name_plural = _("leave records")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="org_leave_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_kind_display()} {self.start}–{self.end}"


class Track(models.Model):
    """A peer group (考核类别 / 赛道) in which people are ranked for a year's periods."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("owning unit"), on_delete=models.PROTECT, related_name="tracks"
    )
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    year = models.PositiveIntegerField(_("year"))
    members = models.ManyToManyField(Person, through="TrackMembership", related_name="tracks")

    class Meta:
        verbose_name = _("track")
        verbose_name_plural = _("tracks")
        ordering = ["-year", "code"]
        constraints = [models.UniqueConstraint(fields=["unit", "code", "year"], name="org_track_unique_code")]

    def __str__(self) -> str:
        return f"{self.name}（{self.year}）"


class TrackMembership(models.Model):
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="track_memberships")
    year = models.PositiveIntegerField(editable=False)

    class Meta:
        verbose_name = _("track membership")
        verbose_name_plural = _("track memberships")
        constraints = [
            # one peer group per person per year
            models.UniqueConstraint(fields=["person", "year"], name="org_membership_one_track_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.track}"

    def save(self, *args, **kwargs):
        self.year = self.track.year
        super().save(*args, **kwargs)


class Secondment(models.Model):
    """Working in a host unit while belonging to a home unit (派出 / 派驻 / 挂职); both units evaluate."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="secondments"
    )
    home_unit = models.ForeignKey(
        Unit, verbose_name=_("home unit"), on_delete=models.PROTECT, related_name="secondments_out"
    )
    host_unit = models.ForeignKey(
        Unit, verbose_name=_("host unit"), on_delete=models.PROTECT, related_name="secondments_in"
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"), null=True, blank=True)
    home_share = models.DecimalField(
        _("home unit's share of the evaluation (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("50"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    # Who scores the person for the host unit (its overall score, 0–100, on their sheet); unset: the
    # host unit's supervising leader, else the host unit's office.
    host_assessor = models.ForeignKey(
        Person,
        verbose_name=_("host unit's assessor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="host_assessments",
    )

    class Meta:
        verbose_name = _("secondment")
        verbose_name_plural = _("secondments")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(home_share__gte=0) & models.Q(home_share__lte=100),
                name="org_secondment_share_range",
            ),
            models.CheckConstraint(
                condition=~models.Q(home_unit=models.F("host_unit")), name="org_secondment_distinct_units"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.home_unit} → {self.host_unit}"

    @property
    def host_share(self) -> Decimal:
        return Decimal("100") - self.home_share


class PersonRecord(models.Model):
    """A dated record that a scheme's rules read: a sanction by level (decided on ``start``), a
    probation (``start`` to ``end``), an investigation (立案审查, open until ``end``), or a veto or
    negative-list item (dated ``start``). ``item`` is in the scheme's words: a level of its
    ``sanction_levels``, a name of its ``vetoes``; 试用期 and 立案审查 for the other two kinds."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="records"
    )
    kind = models.CharField(_("record kind"), max_length=20, choices=RecordKind.choices)
    item = models.CharField(_("item"), max_length=100)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"), null=True, blank=True)  # empty: still open
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("person record")
        verbose_name_plural = _("person records")
        ordering = ["-start", "-pk"]
        indexes = [
            # gathering a period: the records of a kind that start before the period ends
            models.Index(fields=["kind", "start"], name="org_record_kind_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="org_record_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_kind_display()} {self.item} {self.start}"


def record_evidence_path(instance, filename: str) -> str:
    return f"org/records/{instance.sha256[:2]}/{instance.sha256}"


class RecordEvidence(models.Model):
    """A file attached to a person record (a decision, a notice), checked by content and size."""

    record = models.ForeignKey(PersonRecord, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=record_evidence_path)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.name


class PersonAttribute(models.Model):
    """A person's value of an attribute a scheme names (身份类别, 岗位类型, 系数档次…) for a year.

    The names and allowed values are the schemes' (``attributes:``); the built-in fields of
    :class:`Person` stay the defaults where no value is stored. Values are the scheme's own words.
    """

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="attribute_values"
    )
    year = models.PositiveIntegerField(_("year"))
    name = models.CharField(_("attribute"), max_length=60)
    value = models.CharField(_("value"), max_length=100)

    class Meta:
        verbose_name = _("person attribute")
        verbose_name_plural = _("person attributes")
        constraints = [
            models.UniqueConstraint(fields=["person", "year", "name"], name="org_person_attribute_unique")
        ]
        indexes = [
            # gather and the import read a year's values of many people at once (year = …, person IN …)
            models.Index(fields=["year", "person"], name="org_person_attribute_year"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.year} {self.name}={self.value}"
