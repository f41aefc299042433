"""Per-person log statistics by week and month (``Stat``) and per-reviewer ones (``ReviewerStat``),
maintained by every write with one upsert statement, and rebuilt from the raw rows by ``recount``.

The upsert ``INSERT … ON CONFLICT … DO UPDATE SET n = n + excluded.n`` is the same SQL on PostgreSQL
and SQLite (≥ 3.24); it adds to a row without reading it first, so concurrent writers never lose a
count and never wait on each other except for the same person's row.
"""

import functools
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Q, Sum

from .models import Miss, MissNotice, ReviewerStat, Stat, WorkLog
from .workdays import month_start, week_start

STAT_COUNTERS = Stat.COUNTERS
REVIEWER_COUNTERS = ("received", "decided", "decision_seconds")


def _periods(day: date) -> tuple[tuple[str, date], tuple[str, date]]:
    return (("week", week_start(day)), ("month", month_start(day)))


def _upsert_sql(
    table: str,
    keys: tuple[str, ...],
    counters: tuple[str, ...],
    n_rows: int,
    changed: set[str],
    amounts: tuple[int, ...] | None = None,
) -> str:
    return _upsert_sql_of(connection.vendor, table, keys, counters, n_rows, frozenset(changed), amounts)


@functools.lru_cache(maxsize=256)
def _upsert_sql_of(
    vendor: str,
    table: str,
    keys: tuple[str, ...],
    counters: tuple[str, ...],
    n_rows: int,
    changed: frozenset[str],
    amounts: tuple[int, ...] | None,
) -> str:
    """The upsert statement, built once per shape (the hottest write runs the same few shapes).
    Every row takes its keys as parameters; its counters too, unless ``amounts`` (the same for every
    row, integers) are given: then they are written into the statement, which the log write does to
    stay within psycopg's limit of 50 parameters for caching a statement's parsing."""
    qn = connection.ops.quote_name
    columns = ", ".join(qn(c) for c in (*keys, *counters))
    counter_values = ["%s"] * len(counters) if amounts is None else [str(int(a)) for a in amounts]
    one = "(" + ", ".join(["%s"] * len(keys) + counter_values) + ")"
    conflict = ", ".join(qn(c) for c in keys if c != "unit_id")
    updates = ", ".join(f"{qn(c)} = {qn(table)}.{qn(c)} + excluded.{qn(c)}" for c in counters if c in changed)
    return (
        f"INSERT INTO {qn(table)} ({columns}) VALUES {', '.join([one] * n_rows)} "
        f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
    )


def _upsert(
    table: str, keys: tuple[str, ...], counters: tuple[str, ...], rows: list[tuple], changed: set[str]
):
    if not rows:
        return
    with connection.cursor() as cursor:
        for i in range(0, len(rows), 400):
            chunk = rows[i : i + 400]
            cursor.execute(
                _upsert_sql(table, keys, counters, len(chunk), changed), [v for row in chunk for v in row]
            )


STAT_KEYS = ("person_id", "unit_id", "period", "start")
REVIEWER_KEYS = ("reviewer_id", "period", "start")


def written_upserts(
    person_id: int, unit_id: int, reviewer_id: int | None, day: date, *, late: bool
) -> list[tuple[str, list[Any]]]:
    """The upserts, as (sql, params), that count one log written: filled and on time (or late) in
    the person's week and month rows, received in the reviewer's (when the log has a reviewer)."""
    person_changed = {"filled", "late" if late else "on_time"}
    person_values = tuple(1 if c in person_changed else 0 for c in STAT_COUNTERS)
    person_rows = [(person_id, unit_id, p, start) for p, start in _periods(day)]
    out: list[tuple[str, list[Any]]] = [
        (
            _upsert_sql(
                Stat._meta.db_table, STAT_KEYS, STAT_COUNTERS, len(person_rows), person_changed, person_values
            ),
            [v for row in person_rows for v in row],
        )
    ]
    if reviewer_id is not None:
        reviewer_values = tuple(1 if c == "received" else 0 for c in REVIEWER_COUNTERS)
        reviewer_rows = [(reviewer_id, p, start) for p, start in _periods(day)]
        out.append(
            (
                _upsert_sql(
                    ReviewerStat._meta.db_table,
                    REVIEWER_KEYS,
                    REVIEWER_COUNTERS,
                    len(reviewer_rows),
                    {"received"},
                    reviewer_values,
                ),
                [v for row in reviewer_rows for v in row],
            )
        )
    return out


def add_written(person_id: int, unit_id: int, reviewer_id: int | None, day: date, *, late: bool) -> None:
    """Count one log written (:func:`written_upserts`).

    On PostgreSQL both upserts go in one statement (the person's as a data-modifying WITH), one
    round trip fewer; SQLite has no such WITH and runs them one after the other.
    """
    statements = written_upserts(person_id, unit_id, reviewer_id, day, late=late)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(statements) == 2:
            (person_sql, person_params), (reviewer_sql, reviewer_params) = statements
            cursor.execute(f"WITH person AS ({person_sql}) {reviewer_sql}", person_params + reviewer_params)
        else:
            for sql, params in statements:
                cursor.execute(sql, params)


def add(entries: Iterable[tuple[int, int, date]], **deltas) -> None:
    """Add ``deltas`` (counter → amount) to the week and month rows of each (person, unit, day)."""
    unknown = set(deltas) - set(STAT_COUNTERS)
    if unknown:
        raise TypeError(f"unknown counters {sorted(unknown)}")
    values = tuple(deltas.get(c, 0) for c in STAT_COUNTERS)
    rows = [
        (person_id, unit_id, period, start, *values)
        for person_id, unit_id, day in entries
        for period, start in _periods(day)
    ]
    _upsert(Stat._meta.db_table, STAT_KEYS, STAT_COUNTERS, rows, set(deltas))


def add_reviewer(reviewer_id: int | None, day: date, **deltas) -> None:
    if reviewer_id is None:
        return
    values = tuple(deltas.get(c, 0) for c in REVIEWER_COUNTERS)
    rows = [(reviewer_id, period, start, *values) for period, start in _periods(day)]
    _upsert(ReviewerStat._meta.db_table, REVIEWER_KEYS, REVIEWER_COUNTERS, rows, set(deltas))


def recount(
    person_ids: Iterable[int], period: str, start: date, end: date
) -> dict[int, dict[str, int | Decimal]]:
    """The counters of ``Stat`` (``period`` from ``start`` to ``end``) computed from the raw rows.

    Used by the integration tests (the rollups must equal a recount) and by ``kaohe worklog recount``.
    """
    ids = list(person_ids)
    span = Q(day__gte=start, day__lte=end)
    logs = (
        WorkLog.objects.filter(span, person_id__in=ids)
        .values("person_id")
        .annotate(
            filled=Count("id"),
            late=Count("id", filter=Q(late=True)),
            approved=Count("id", filter=Q(status="approved")),
            review_seconds=Sum("review_seconds"),
            returned=Sum("returns"),
            counted=Count("id", filter=Q(counted=True)),
        )
    )
    out: dict[int, dict] = {i: dict.fromkeys(STAT_COUNTERS, 0) for i in ids}
    for row in logs:
        o = out[row["person_id"]]
        o.update(
            filled=row["filled"],
            late=row["late"],
            on_time=row["filled"] - row["late"],
            approved=row["approved"],
            review_seconds=row["review_seconds"] or 0,
            returned=row["returned"] or 0,
            working_days=row["counted"],
        )
    for pid, n in (
        Miss.objects.filter(span, person_id__in=ids).values_list("person_id").annotate(n=Count("id"))
    ):
        out[pid]["missed"] = n
        out[pid]["working_days"] += n
    notices = MissNotice.objects.filter(span, person_id__in=ids).values("person_id")
    for pid, n, points in notices.annotate(n=Count("id"), points=Sum("points")).values_list(
        "person_id", "n", "points"
    ):
        out[pid]["notices"] = n
        out[pid]["deduction"] = points
    return out
