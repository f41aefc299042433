"""Work-log benchmarks: log submission through the real endpoint, a bare insert endpoint, and the
rates page of a 10,000-person unit.

    # 1. data (PostgreSQL COPY; SQLite executemany). The full size of the issue is
    #    --people 100000 --days 250 (≈ 25 M logs); --days 22 is one month.
    DATABASE_URL=postgres://root@127.0.0.1:5432/kaohe_bench_worklog \
        .venv/bin/python benchmarks/worklog.py generate --people 100000 --days 22 --writers 20000
    # 2. the two endpoints, served by gunicorn with 2 workers, loaded from this process
    DATABASE_URL=… .venv/bin/python benchmarks/worklog.py load --seconds 20 --concurrency 16
    # 3. the rates page of the 10,000-person unit
    DATABASE_URL=… .venv/bin/python benchmarks/worklog.py rates

This module is also the gunicorn application (``benchmarks.worklog:application``): Kaohe's URLs
plus ``/bench/bare/``, a view that only inserts a row, for the ratio.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.settings")
BENCH_CODE = "BENCH"
RATES_UNIT = "BENCH-U0"  # the 10,000-person unit
TOKEN_PREFIX = "kh_bench"


def _django(urlconf: bool = False):
    from django.conf import settings

    if urlconf:
        settings.ROOT_URLCONF = "benchmarks.worklog"
    import django

    django.setup()


# --- the gunicorn application ------------------------------------------------------------------------

if os.environ.get("KAOHE_BENCH_APP") == "1":
    _django(urlconf=True)
    from django.db import connection
    from django.http import JsonResponse
    from django.urls import include, path
    from django.views.decorators.csrf import csrf_exempt

    @csrf_exempt
    def bare(request):
        body = json.loads(request.body or b"{}")
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO bench_bare (person_id, day, content) VALUES (%s, %s, %s)",
                [int(body.get("person", 0)), date.today(), str(body.get("content", ""))[:2000]],
            )
        return JsonResponse({"ok": True}, status=201)

    urlpatterns = [path("bench/bare/", bare), path("", include("kaohe.urls"))]

    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()


# --- data ---------------------------------------------------------------------------------------------


def generate(people: int, days: int, writers: int, seed: int = 1) -> None:
    """Units (a root, 10 units of up to 10,000 people, sections of 100), people, ``days`` working
    days of logs before today with their rollups, and ``writers`` accounts with API tokens that have
    not yet written today's log."""
    _django()
    from django.core.management import call_command
    from django.db import connection

    from kaohe.accounts.models import hash_token
    from kaohe.worklog.workdays import WorkCalendar, month_start, week_start

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
    from kaohe.worklog.models import CalendarDay

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
        [
            "id",
            "staff_no",
            "name",
            "unit_id",
            "identity",
            "staffing",
            "post_type",
            "post_level",
            "start_date",
            "active",
        ],
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
        [
            "person_id",
            "unit_id",
            "period",
            "start",
            "working_days",
            "filled",
            "on_time",
            "late",
            "approved",
            "returned",
            "review_seconds",
            "missed",
            "notices",
            "deduction",
        ],
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


# --- load -----------------------------------------------------------------------------------------------


def _serve(port: int) -> subprocess.Popen:
    env = dict(os.environ, KAOHE_BENCH_APP="1", PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "benchmarks.worklog:application",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    import http.client

    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/login/")
            conn.getresponse().read()
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("gunicorn did not start")


def _hammer(port: int, seconds: float, concurrency: int, make_request) -> dict:
    import http.client

    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds
    counter = iter(range(10**9))

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine, bad = [], 0
        while time.perf_counter() < stop:
            method, url, body, headers = make_request(next(counter))
            if method is None:
                break
            t = time.perf_counter()
            try:
                conn.request(method, url, body=body, headers=headers)
                r = conn.getresponse()
                r.read()
                ok = r.status in (200, 201)
            except OSError:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                ok = False
            mine.append(time.perf_counter() - t)
            bad += not ok
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - t0
    latencies.sort()
    n = len(latencies)
    return {
        "requests": n,
        "errors": errors[0],
        "rps": n / elapsed,
        "p50_ms": 1000 * latencies[n // 2] if n else None,
        "p99_ms": 1000 * latencies[min(n - 1, int(n * 0.99))] if n else None,
    }


def load(seconds: float, concurrency: int, port: int) -> None:
    writers = json.loads(
        Path(os.environ.get("KAOHE_BENCH_WRITERS", "/tmp/kaohe-bench-writers.json")).read_text()
    )
    proc = _serve(port)
    try:
        body = json.dumps({"content": "走访群众3户，整理台账。", "tags": ["village_visit"]}).encode()

        def submit(i):
            if i >= len(writers):
                return None, None, None, None
            pid = writers[i]
            headers = {"Authorization": f"Bearer {TOKEN_PREFIX}{pid}", "Content-Type": "application/json"}
            return "POST", "/api/worklog/logs", body, headers

        def bare(i):
            return (
                "POST",
                "/bench/bare/",
                json.dumps({"person": i, "content": "走访群众3户"}).encode(),
                {"Content-Type": "application/json"},
            )

        real = _hammer(port, seconds, concurrency, submit)
        plain = _hammer(port, seconds, concurrency, bare)
    finally:
        proc.terminate()
        proc.wait(10)
    print(
        json.dumps(
            {"submit": real, "bare": plain, "ratio_rps": plain["rps"] / real["rps"] if real["rps"] else None},
            indent=2,
        )
    )


def rates(repeat: int = 15) -> None:
    _django()
    from django.test import Client

    from kaohe.org.models import Unit

    unit = Unit.objects.get(code=RATES_UNIT)
    client = Client()
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="bench_office"))
    url = f"/worklog/rates/?unit={unit.pk}&period=month&day={(date.today() - timedelta(days=3)).isoformat()}"
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        r = client.get(url)
        times.append(time.perf_counter() - t)
        assert r.status_code == 200, r.status_code
    people = r.content.count(b"<tr><td>") if hasattr(r, "content") else 0
    print(
        json.dumps(
            {
                "rows": people,
                "median_ms": 1000 * statistics.median(times),
                "max_ms": 1000 * max(times),
                "first_ms": 1000 * times[0],
            }
        )
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("--people", type=int, default=100_000)
    g.add_argument("--days", type=int, default=22)
    g.add_argument("--writers", type=int, default=20_000)
    ld = sub.add_parser("load")
    ld.add_argument("--seconds", type=float, default=20)
    ld.add_argument("--concurrency", type=int, default=16)
    ld.add_argument("--port", type=int, default=8765)
    sub.add_parser("rates")
    a = p.parse_args()
    if a.cmd == "generate":
        generate(a.people, a.days, a.writers)
    elif a.cmd == "load":
        load(a.seconds, a.concurrency, a.port)
    else:
        rates()


if __name__ == "__main__":
    main()
