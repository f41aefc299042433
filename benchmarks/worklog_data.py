"""The work-log benchmark's data: a township tree of ``people`` people with ``days`` working days of
logs, rollups and miss notices, and ``writers`` accounts with API tokens whose keys go to
``KAOHE_BENCH_WRITERS`` (PostgreSQL COPY; SQLite executemany). Run it through
``benchmarks/worklog.py generate``."""

import json
import os
import random
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from benchmarks.common import PERSON_COLUMNS

BENCH_CODE = "BENCH"
RATES_UNIT = "BENCH-U0"  # the 10,000-person unit
TOKEN_PREFIX = "kh_bench"


def generate(people: int, days: int, writers: int, seed: int = 1) -> None:
    """Units (a root, 10 units of up to 10,000 people, sections of 100), people, ``days`` working
    days of logs before today with their rollups, and ``writers`` accounts with API tokens that have
    not yet written today's log."""
    from django.core.management import call_command
    from django.db import connection

    from kaohe.accounts.models import hash_token
    from kaohe.platform.calendar import WorkCalendar
    from kaohe.worklog.models import Stat
    from kaohe.worklog.workdays import month_start, week_start

    call_command("migrate", interactive=False, verbosity=0)
    pg = connection.vendor == "postgresql"
    t0 = time.perf_counter()
    rng = random.Random(seed)
    with connection.cursor() as c:
        c.execute("DROP TABLE IF EXISTS bench_bare")
        c.execute(
            "CREATE TABLE bench_bare (id "
            + ("bigserial" if pg else "integer")
            + " PRIMARY KEY, person_id bigint, day date, content text)"
        )
        for table in (
            "worklog_stat",
            "worklog_reviewerstat",
            "worklog_worklog",
            "accounts_apitoken",
            "accounts_rolegrant",
        ):
            c.execute(f"DELETE FROM {table}")
        c.execute("DELETE FROM audit_event")
        c.execute("UPDATE org_person SET user_id = NULL, reviewer_id = NULL")
        c.execute("DELETE FROM org_person")
        c.execute("DELETE FROM auth_user WHERE username LIKE 'bench%%'", [])
        c.execute("DELETE FROM org_unit WHERE code LIKE 'BENCH%%' AND parent_id IS NOT NULL", [])
        c.execute("DELETE FROM org_unit WHERE code LIKE 'BENCH%%'", [])
    from kaohe.org.models import Unit

    root = Unit.objects.create(code=BENCH_CODE, name="基准县", kind="township")
    from kaohe.platform.models import CalendarDay

    # whatever day the benchmark runs on is a working day for the county, so today's log can be written
    CalendarDay.objects.create(unit=root, day=date.today(), kind="working", note="benchmark")
    n_units = max(1, (people + 9999) // 10000)
    units, sections = [], []
    for u in range(n_units):
        unit = Unit.objects.create(code=f"BENCH-U{u}", name=f"单位{u}", kind="department", parent=root)
        units.append(unit)
        size = min(10000, people - u * 10000)
        secs = [
            Unit(code=f"BENCH-U{u}-S{s}", name=f"科室{u}-{s}", kind="department", parent=unit)
            for s in range((size + 99) // 100)
        ]
        for s in secs:
            s.save()
        sections.extend(secs)
    # people: 100 per section; the first of each section reviews the others
    rows = []
    person_unit = []
    for i in range(people):
        sec = sections[i // 100]
        rows.append(
            (
                i + 1,
                f"B{i:07d}",
                f"员工{i}",
                sec.pk,
                "general",
                "established",
                "management",
                "junior",
                "2020-01-01",
                True,
            )
        )
        person_unit.append(sec.pk)
    _bulk(
        "org_person",
        ["id", *PERSON_COLUMNS],
        rows,
        pg,
        extra={"gender": ""},
    )
    with connection.cursor() as c:
        c.execute("UPDATE org_person SET reviewer_id = id - ((id - 1) %% 100) WHERE (id - 1) %% 100 <> 0", [])
        if pg:
            c.execute(
                "SELECT setval(pg_get_serial_sequence('org_person','id'), (SELECT max(id) FROM org_person))"
            )
    print(f"units and {people} people in {time.perf_counter() - t0:.1f} s", flush=True)

    # logs over the last ``days`` working days (not today), with their week and month rollups
    cal = WorkCalendar()
    today = date.today()
    workdays = []
    cursor_day = today
    while len(workdays) < days:
        cursor_day -= timedelta(days=1)
        if cal.is_working_day(cursor_day):
            workdays.append(cursor_day)
    workdays.reverse()
    t1 = time.perf_counter()
    stats: dict[tuple[int, str, date], list[int]] = {}
    log_rows = 0

    def log_batches():
        nonlocal log_rows
        batch = []
        for day in workdays:
            submitted = datetime(day.year, day.month, day.day, 9, 30).isoformat() + "+08:00"
            for pid in range(1, people + 1):
                if rng.random() < 0.03:
                    continue
                reviewer = None if (pid - 1) % 100 == 0 else pid - ((pid - 1) % 100)
                approved = reviewer is not None and rng.random() < 0.9
                batch.append(
                    (
                        pid,
                        day.isoformat(),
                        "走访群众，整理台账，报送材料。",
                        "[]",
                        "approved" if approved else "submitted",
                        reviewer,
                        submitted,
                        submitted,
                        False,
                        submitted if approved else None,
                        "",
                        3600 if approved else 0,
                        0,
                        True,
                    )
                )
                for key in ((pid, "week", week_start(day)), (pid, "month", month_start(day))):
                    s = stats.setdefault(key, [0, 0, 0])
                    s[0] += 1
                    s[1] += approved
                    s[2] += 3600 if approved else 0
                if len(batch) >= 200_000:
                    log_rows += len(batch)
                    yield batch
                    batch = []
        log_rows += len(batch)
        yield batch

    cols = [
        "person_id",
        "day",
        "content",
        "tags",
        "status",
        "reviewer_id",
        "created",
        "submitted",
        "late",
        "reviewed",
        "review_comment",
        "review_seconds",
        "returns",
        "counted",
    ]
    for batch in log_batches():
        _bulk("worklog_worklog", cols, batch, pg)
        print(f"  {log_rows:,} logs, {time.perf_counter() - t1:.0f} s", flush=True)
    per_day_expected = {}
    for day in workdays:
        for period, start in (("week", week_start(day)), ("month", month_start(day))):
            per_day_expected[(period, start)] = per_day_expected.get((period, start), 0) + 1
    stat_rows = []
    for (pid, period, start), (filled, approved, secs) in stats.items():
        wd = per_day_expected[(period, start)]
        stat_rows.append(
            (
                pid,
                person_unit[pid - 1],
                period,
                start.isoformat(),
                wd,
                filled,
                filled,
                0,
                approved,
                0,
                secs,
                wd - filled,
                0,
                0,
            )
        )
    _bulk(
        "worklog_stat",
        ["person_id", "unit_id", "period", "start", *Stat.COUNTERS],
        stat_rows,
        pg,
    )
    print(f"{log_rows:,} logs and {len(stat_rows):,} rollups in {time.perf_counter() - t1:.1f} s", flush=True)

    # accounts with tokens for the load test: people who have not written today (all of them)
    t2 = time.perf_counter()
    writers = min(writers, people)
    chosen = rng.sample(range(1, people + 1), writers)
    _bulk(
        "auth_user",
        [
            "id",
            "username",
            "password",
            "is_superuser",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
        ],
        [
            (1_000_000 + pid, f"bench{pid}", "!", False, "", "", "", False, True, "2025-01-01T00:00:00+08:00")
            for pid in chosen
        ],
        pg,
    )
    with connection.cursor() as c:
        c.execute(
            "UPDATE org_person SET user_id = id + 1000000 WHERE id IN (SELECT id - 1000000 FROM auth_user WHERE username LIKE 'bench%%')",
            [],
        )
    _bulk(
        "accounts_rolegrant",
        ["user_id", "role", "unit_id"],
        [(1_000_000 + pid, "staff", person_unit[pid - 1]) for pid in chosen],
        pg,
    )
    _bulk(
        "accounts_apitoken",
        ["user_id", "name", "prefix", "digest", "created", "revoked"],
        [
            (
                1_000_000 + pid,
                "bench",
                "bench",
                hash_token(f"{TOKEN_PREFIX}{pid}"),
                "2025-01-01T00:00:00+08:00",
                False,
            )
            for pid in chosen
        ],
        pg,
    )
    # an office account over the 10,000-person unit, for the rates page
    from django.contrib.auth import get_user_model

    from kaohe.accounts.models import RoleGrant

    office = get_user_model().objects.create_user(username="bench_office", password="bench-office-pw")
    RoleGrant.objects.create(user=office, role="office", unit=units[0])
    if pg:
        with connection.cursor() as c:
            c.execute("ANALYZE")
    Path(os.environ.get("KAOHE_BENCH_WRITERS", "/tmp/kaohe-bench-writers.json")).write_text(
        json.dumps(chosen)
    )
    print(
        f"{writers} accounts with tokens in {time.perf_counter() - t2:.1f} s; total {time.perf_counter() - t0:.1f} s"
    )


def _bulk(table: str, columns: list[str], rows: list[tuple], pg: bool, extra: dict | None = None) -> None:
    from django.db import connection

    if extra:
        columns = [*columns, *extra]
        rows = [(*r, *extra.values()) for r in rows]
    if not rows:
        return
    with connection.cursor() as c:
        if pg:
            with c.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row(r)
        else:
            marks = ", ".join(["%s"] * len(columns))
            c.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
