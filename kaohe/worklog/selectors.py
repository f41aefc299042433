"""Reads of the work-log domain. Access goes through ``kaohe.accounts.scope``: every function that
takes a user returns only what that user may see."""

import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db import connections, router, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from kaohe.accounts.models import Role
from kaohe.accounts.scope import people_for_user, scope_for
from kaohe.accounts.services import UNREAD, person_with_unit
from kaohe.accounts.services import columns_and_converters as _columns_and_converters
from kaohe.db import prepared_cursor
from kaohe.engine.periods import span
from kaohe.org.models import Person, Unit, in_subtree
from kaohe.platform.calendar import WorkCalendar, calendar_of
from kaohe.platform.models import CalendarDay
from kaohe.platform.roles import OVERSEE

from .choices import LogStatus
from .models import Achievement, LogSettings, ReviewerStat, Stat, WorkLog
from .workdays import mean_seconds, month_starts, rate


def ancestor_ids(unit: Unit) -> list[int]:
    return [int(part) for part in unit.path.strip("/").split("/") if part]


# --- calendar and work-log settings ------------------------------------------------------------------


def log_settings_for_unit(unit: Unit) -> LogSettings:
    """The work-log settings of the nearest unit up the tree that has some; the defaults (unsaved) otherwise."""
    return _log_settings_of(ancestor_ids(unit) or [unit.pk]) or LogSettings(unit=unit)


def _log_settings_of(ids: list[int]) -> LogSettings | None:
    """The work-log settings of the last unit of ``ids`` (root first) that has some."""
    if not ids:
        return None
    found = {r.unit_id: r for r in LogSettings.objects.filter(unit_id__in=ids)}
    for uid in reversed(ids):
        if uid in found:
            return found[uid]
    return None


@dataclass(frozen=True)
class WritingSettings:
    """What writing a log needs from a unit's settings: its calendar around the day, and the
    three settings that make the writing window."""

    calendar: WorkCalendar
    backfill_days: int
    backfill_hour: int
    late_days: int


# Every log written reads its unit's calendar overrides and work-log settings, which change a few times a year
# and are set on a few units (the county, some offices) for the many sections below them. So the
# Django cache keeps, for SETTINGS_TTL seconds, which units have any, and the settings per set of
# such ancestors (all the sections of a county share one entry), under a version that every save or
# delete of a calendar day, work-log settings or unit bumps (at once and again at commit). With a cache shared
# by all processes (REDIS_URL) a change is seen everywhere at once; with the per-process default,
# other processes see it within SETTINGS_TTL. Only these values are cached, never a webhook secret.
SETTINGS_TTL = 60
SETTINGS_VERSION_KEY = "worklog:settings:version"


def _settings_version() -> int:
    version = cache.get(SETTINGS_VERSION_KEY)
    if version is None:
        # A fresh, never-used number, so that entries of a lost (evicted) version are not reused.
        cache.add(SETTINGS_VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(SETTINGS_VERSION_KEY, 0)
    return version


def settings_changed(**_kwargs) -> None:
    """Signal receiver: a calendar day, work-log settings or unit changed, so cached settings are void."""

    def bump() -> None:
        try:
            cache.incr(SETTINGS_VERSION_KEY)
        except ValueError:  # no version yet (or evicted): any fresh one voids the old entries
            cache.set(SETTINGS_VERSION_KEY, time.time_ns(), timeout=None)

    bump()
    transaction.on_commit(bump)  # and again once visible, for readers that cached in between


# Entries under a version never change, so each process also keeps those it has read, for at most
# SETTINGS_TTL seconds like the shared cache: a log written then asks the shared cache (with Redis,
# a round trip) for the version only.
_REMEMBERED: dict[str, tuple[float, object]] = {}


def _remembered(key: str, make):
    now = time.monotonic()
    found = _REMEMBERED.get(key)
    if found is not None and found[0] > now:
        return found[1]
    value = cache.get(key)
    if value is None:
        value = make()
        cache.set(key, value, timeout=SETTINGS_TTL)
    if len(_REMEMBERED) >= 1024:
        _REMEMBERED.clear()
    _REMEMBERED[key] = (now + SETTINGS_TTL, value)
    return value


def _configured_units(version: int) -> frozenset[int]:
    """Ids of the units that have calendar overrides or work-log settings of their own."""
    return _remembered(
        f"worklog:configured:{version}",
        lambda: frozenset(
            CalendarDay.objects.order_by()
            .values_list("unit_id", flat=True)
            .union(LogSettings.objects.order_by().values_list("unit_id", flat=True))
        ),
    )


def writing_settings(unit: Unit, day: date) -> WritingSettings:
    """The calendar (five days before ``day`` to 90 after) and window settings for writing ``unit``'s
    logs of ``day``; cached as described above."""
    version = _settings_version()
    configured = _configured_units(version)
    ids = [uid for uid in ancestor_ids(unit) or [unit.pk] if uid in configured]

    def make() -> WritingSettings:
        log_settings = _log_settings_of(ids) or LogSettings()
        return WritingSettings(
            calendar=calendar_of(ids, day - timedelta(days=5), day + timedelta(days=90)),
            backfill_days=log_settings.backfill_days,
            backfill_hour=log_settings.backfill_hour,
            late_days=log_settings.late_days,
        )

    return _remembered(f"worklog:writing:{version}:{','.join(map(str, ids))}:{day.isoformat()}", make)


# --- logs --------------------------------------------------------------------------------------------


def logs_for_user(user) -> QuerySet[WorkLog]:
    """Logs the user may read: their own; those they review, in their reviewer scope; all in the
    scope of their office, inspector or leader roles."""
    scope = scope_for(user)
    if not user.is_authenticated:
        return WorkLog.objects.none()
    q = Q(person__user=user)
    if scope.has_role(*OVERSEE):
        q |= Q(person__in=people_for_user(user, OVERSEE))
    if scope.has_role(Role.REVIEWER):
        q |= Q(person__reviewer__user=user, person__in=people_for_user(user, [Role.REVIEWER]))
    return WorkLog.objects.filter(q)


def get_log_for_user(user, pk) -> WorkLog:
    try:
        return logs_for_user(user).select_related("person", "person__unit", "reviewer").get(pk=pk)
    except (WorkLog.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


_OWN_PERSON: dict[str, tuple[str, list, list]] = {}


def _own_person_query(connection) -> tuple[str, list, list]:
    found = _OWN_PERSON.get(connection.vendor)
    if found is None:
        qn = connection.ops.quote_name
        person_cols, person_conv = _columns_and_converters(connection, Person, "p")
        unit_cols, unit_conv = _columns_and_converters(connection, Unit, "u")
        sql = (
            f"SELECT {person_cols}, {unit_cols} FROM {qn(Person._meta.db_table)} p "
            f"INNER JOIN {qn(Unit._meta.db_table)} u ON u.{qn('id')} = p.{qn('unit_id')} "
            f"WHERE p.{qn('user_id')} = %s AND p.{qn('active')}"
        )
        found = _OWN_PERSON[connection.vendor] = (sql, person_conv, unit_conv)
    return found


def own_person(user) -> Person | None:
    """The user's active person record with its unit, as ``select_related("unit")`` gives it, from
    one hand-written statement (``user`` is unique on Person); for an account authenticated by an
    API token, as the token read found it (:func:`kaohe.accounts.services.user_for_token`), without
    another statement: every log written through the API needs it."""
    if not user.is_authenticated:
        return None
    known = getattr(user, "_kaohe_person", UNREAD)  # an API token's read brings it along
    if known is not UNREAD:
        return known  # type: ignore[return-value]  # a Person or None, as set there
    connection = connections[router.db_for_read(Person)]  # bound once: the proxy costs a lookup per use
    sql, person_conv, unit_conv = _own_person_query(connection)
    with prepared_cursor(connection) as cursor:
        cursor.execute(sql, [user.pk])
        row = cursor.fetchone()
    if row is None:
        return None
    return person_with_unit(connection, row, person_conv, unit_conv)


def review_queue(user) -> QuerySet[WorkLog]:
    """Logs waiting for the user's decision, oldest day first."""
    return (
        logs_for_user(user)
        .filter(reviewer__user=user, status=LogStatus.SUBMITTED)
        .select_related("person", "person__unit")
        .prefetch_related("attachments")
        .order_by("day", "person__staff_no")
    )


def history(person: Person, start: date, end: date) -> QuerySet[WorkLog]:
    return (
        person.worklogs.filter(day__gte=start, day__lte=end).prefetch_related("attachments").order_by("-day")
    )


# --- rates -------------------------------------------------------------------------------------------


@dataclass
class Rates:
    """Summed counters of some people over a period, and the rates derived from them."""

    label: str = ""
    people: int = 0
    working_days: int = 0
    filled: int = 0
    on_time: int = 0
    late: int = 0
    approved: int = 0
    returned: int = 0
    review_seconds: int = 0
    missed: int = 0
    notices: int = 0
    deduction: Decimal = Decimal("0")
    key: int | None = None
    extra: dict = field(default_factory=dict)

    def add(self, row: dict) -> None:
        for name in Stat.COUNTERS:
            setattr(self, name, getattr(self, name) + (row.get(name) or 0))

    @property
    def fill_rate(self) -> float | None:
        return rate(self.filled, self.working_days)

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.on_time, self.working_days)

    @property
    def review_rate(self) -> float | None:
        return rate(self.approved, self.working_days)

    @property
    def review_hours(self) -> float | None:
        seconds = mean_seconds(self.review_seconds, self.approved)
        return None if seconds is None else seconds / 3600


def period_filter(kind: str, day: date) -> tuple[Q, date, date]:
    """The Stat (or ReviewerStat) rows that make up the period of ``kind`` containing ``day``."""
    start, end = span(kind, day).bounds
    if kind == "week":
        return Q(period="week", start=start), start, end
    return Q(period="month", start__in=month_starts(start, end)), start, end


def rates_by_person(unit: Unit, kind: str, day: date) -> "PersonRates":
    """The people of the unit's subtree who have statistics in the period, in staff-number order,
    as a lazy sequence: slicing it runs one grouped query over ``Stat`` for that slice only (a
    10,000-person unit is paged, never grouped in full for a page)."""
    return PersonRates(unit, kind, day)


class PersonRates:
    def __init__(self, unit: Unit, kind: str, day: date):
        q, _start, _end = period_filter(kind, day)
        self.stats = Stat.objects.filter(q, in_subtree(unit))

    def count(self) -> int:
        return self.stats.values("person_id").distinct().count()

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        return iter(self[0 : self.count()])

    def __getitem__(self, window: slice) -> list[Rates]:
        grouped = (
            self.stats.values("person_id", "person__staff_no")
            .annotate(**{c: Sum(c) for c in Stat.COUNTERS})
            .order_by("person__staff_no")[window]
        )
        rows = list(grouped)
        people = {
            p.pk: p
            for p in Person.objects.filter(pk__in=[r["person_id"] for r in rows])
            .select_related("unit")
            .only("name", "staff_no", "unit__name")
        }
        out = []
        for row in rows:
            person = people[row["person_id"]]
            r = Rates(label=person.name, people=1, key=person.pk)
            r.extra = {"staff_no": person.staff_no, "unit": person.unit.name}
            r.add(dict(row))
            out.append(r)
        return out


def rates_by_section(unit: Unit, kind: str, day: date) -> tuple[Rates, list[Rates]]:
    """The unit's total and one row per direct sub-unit (section), folded from per-unit sums."""
    q, _start, _end = period_filter(kind, day)
    per_unit = (
        Stat.objects.filter(q, in_subtree(unit))
        .values("unit__path")
        .annotate(n_people=Count("person_id", distinct=True), **{c: Sum(c) for c in Stat.COUNTERS})
    )
    children = list(Unit.objects.filter(parent=unit).order_by("sort_order", "path"))
    sections = {c.path: Rates(label=c.name, key=c.pk) for c in children}
    own = Rates(label=unit.name, key=unit.pk)
    total = Rates(label=unit.name, key=unit.pk)
    people: dict[str, int] = {}
    for row in per_unit:
        people[row["unit__path"]] = row["n_people"]
        total.add(dict(row))
        target = next((r for p, r in sections.items() if row["unit__path"].startswith(p)), own)
        target.add(dict(row))
    for path, r in sections.items():
        r.people = sum(n for p, n in people.items() if p.startswith(path))
    own.people = people.get(unit.path, 0)
    total.people = sum(people.values())
    rows = list(sections.values())
    if own.working_days or own.filled:
        rows.insert(0, own)
    return total, rows


def reviewer_rates(reviewer_ids: list[int], kind: str, day: date) -> dict[int, dict]:
    """A reviewer's review rate (decided ÷ received) and mean latency in hours, per reviewer."""
    q, _s, _e = period_filter(kind, day)
    rows = (
        ReviewerStat.objects.filter(q, reviewer_id__in=reviewer_ids)
        .values("reviewer_id")
        .annotate(received=Sum("received"), decided=Sum("decided"), seconds=Sum("decision_seconds"))
    )
    out = {}
    for row in rows:
        seconds = mean_seconds(row["seconds"] or 0, row["decided"] or 0)
        out[row["reviewer_id"]] = {
            "received": row["received"],
            "decided": row["decided"],
            "rate": rate(row["decided"], row["received"]),
            "hours": None if seconds is None else seconds / 3600,
        }
    return out


def log_statistics(people_ids: list[int], start: date, end: date) -> list[dict]:
    """The engine's log-statistics input for whole months from ``start`` to ``end``: one row per
    person with working_days, filled, reviewed, misses (notices, which the ``worklog_misses``
    adjustment counts), missed_days, deduction, fill_rate and review_rate."""
    rows = (
        Stat.objects.filter(period="month", start__in=month_starts(start, end), person_id__in=people_ids)
        .values("person_id")
        .annotate(**{c: Sum(c) for c in Stat.COUNTERS})
    )
    found: dict[int, dict] = {row["person_id"]: dict(row) for row in rows}
    out = []
    for pid in people_ids:
        row = found.get(pid) or dict.fromkeys(Stat.COUNTERS, 0)
        out.append(
            {
                "person": pid,
                "working_days": row["working_days"],
                "filled": row["filled"],
                "reviewed": row["approved"],
                "misses": row["notices"],
                "missed_days": row["missed"],
                "deduction": row["deduction"] or Decimal("0"),
                "fill_rate": rate(row["filled"], row["working_days"]),
                "review_rate": rate(row["approved"], row["working_days"]),
            }
        )
    return out


def achievements_for_user(user) -> QuerySet[Achievement]:
    scope = scope_for(user)
    if not user.is_authenticated:
        return Achievement.objects.none()
    q = Q(person__user=user)
    roles = [r for r in (*OVERSEE, Role.REVIEWER) if scope.has_role(r)]
    if roles:
        q |= Q(person__in=people_for_user(user, roles))
    return Achievement.objects.filter(q)
