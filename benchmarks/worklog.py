"""Work-log benchmarks: log submission through the real endpoint, a bare insert endpoint, and the
rates page of a 10,000-person unit.

    # 1. data (PostgreSQL COPY; SQLite executemany). The full size of the issue is
    #    --people 100000 --days 250 (≈ 25 M logs); --days 22 is one month.
    DATABASE_URL=postgres://root@127.0.0.1:5432/kaohe_bench_worklog \
        .venv/bin/python benchmarks/worklog.py generate --people 100000 --days 22 --writers 20000
    # 2. the two endpoints, served with 2 worker processes (granian by default, --server gunicorn
    #    for the other), loaded by wrk (apt-get install wrk); reset first undoes the logs a previous
    #    load wrote today
    DATABASE_URL=… .venv/bin/python benchmarks/worklog.py reset
    DATABASE_URL=… .venv/bin/python benchmarks/worklog.py load --seconds 15 --connections 16
    # 3. the rates page of the 10,000-person unit
    DATABASE_URL=… .venv/bin/python benchmarks/worklog.py rates
    # 4. CPU per request in one process, one client at a time (after reset): the same WSGI
    #    application called directly, submissions then bare inserts; far less sensitive to the
    #    machine's other load than the rates of `load`, and the place to profile from
    DATABASE_URL=… .venv/bin/python benchmarks/worklog.py inprocess --requests 3000

This module is also the served WSGI application (``benchmarks.worklog:application``): Kaohe's URLs
plus ``/bench/bare/``, a view that only inserts a row, for the ratio.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.settings")

from benchmarks.common import (  # noqa: E402
    PERSON_COLUMNS,
    SERVERS,
    loadavg,
    run_wrk,
    serve,
    server_command,
    server_env,
)

BENCH_CODE = "BENCH"
RATES_UNIT = "BENCH-U0"  # the 10,000-person unit
TOKEN_PREFIX = "kh_bench"


def _django(urlconf: bool = False):
    from django.conf import settings

    if urlconf:
        settings.ROOT_URLCONF = "benchmarks.worklog"
    import django

    django.setup()


# --- the served application -------------------------------------------------------------------------

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


# --- load (wrk and the servers: benchmarks/common.py) ----------------------------------------------

WRK_SUBMIT = r"""
-- one POST /api/worklog/logs per writer: writers are dealt out to the wrk threads
function init(args)
  pids = deal(args[1], tonumber(args[2]))
  idx = 0
  statuses = {}
  body = '{"content": "走访群众3户，整理台账。", "tags": ["village_visit"]}'
end
function request()
  idx = idx + 1
  local pid = pids[idx] or pids[1]  -- past the last writer: a second log of the day, refused (422)
  return wrk.format("POST", "/api/worklog/logs",
    {["Authorization"] = "Bearer kh_bench" .. pid, ["Content-Type"] = "application/json"}, body)
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
"""

WRK_BARE = r"""
function init(args)
  idx = 0
  statuses = {}
end
function request()
  idx = idx + 1
  return wrk.format("POST", "/bench/bare/", {["Content-Type"] = "application/json"},
    '{"person": ' .. (tid * 1000000 + idx) .. ', "content": "走访群众3户"}')
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
"""


def reset() -> None:
    """Undo today's benchmark logs (the logs, their audit events, their counts in the rollups) and
    empty the bare table, so that the writers can write again."""
    _django()
    from collections import Counter

    from django.db import connection, transaction
    from django.utils import timezone

    from kaohe.audit.models import Event
    from kaohe.worklog.models import WorkLog
    from kaohe.worklog.workdays import month_start, week_start

    today = timezone.localdate()
    logs = list(
        WorkLog.objects.filter(day=today, person__staff_no__startswith="B").values_list(
            "pk", "person_id", "person__unit_id", "reviewer_id", "late"
        )
    )
    periods = ["week", week_start(today), "month", month_start(today)]
    span = "((period = %s AND start = %s) OR (period = %s AND start = %s))"
    with transaction.atomic(), connection.cursor() as c:
        for late in (False, True):
            people = [p for _pk, p, _u, _r, lt in logs if lt == late]
            column = "late" if late else "on_time"
            for i in range(0, len(people), 5000):
                chunk = people[i : i + 5000]
                c.execute(
                    f"UPDATE worklog_stat SET filled = filled - 1, {column} = {column} - 1 "
                    f"WHERE person_id IN ({', '.join(['%s'] * len(chunk))}) AND {span}",
                    [*chunk, *periods],
                )
        for reviewer, n in Counter(r for *_x, r, _l in logs if r is not None).items():
            c.execute(
                f"UPDATE worklog_reviewerstat SET received = received - %s WHERE reviewer_id = %s AND {span}",
                [n, reviewer, *periods],
            )
        ids = [str(pk) for pk, *_x in logs]
        for i in range(0, len(ids), 5000):
            Event.objects.filter(
                action="worklog.log.create", object_type="worklog.worklog", object_id__in=ids[i : i + 5000]
            ).delete()
        WorkLog.objects.filter(pk__in=[pk for pk, *_x in logs]).delete()
        c.execute("DELETE FROM bench_bare")
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("VACUUM ANALYZE worklog_worklog")
    print(f"reset: {len(logs)} of today's logs undone")


def load(seconds: float, connections: int, port: int, server: str, worker_class: str, threads: int) -> None:
    writers = Path(os.environ.get("KAOHE_BENCH_WRITERS", "/tmp/kaohe-bench-writers.json"))
    pids = json.loads(writers.read_text())
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(map(str, pids)) + "\n")
    before = loadavg()
    app = "benchmarks.worklog:application"
    proc = serve(
        app,
        port,
        worker_class,
        threads,
        server_env(KAOHE_BENCH_APP="1"),
        server=server,
    )
    try:
        wrk_threads = 1
        real = run_wrk(WRK_SUBMIT, port, seconds, connections, wrk_threads, f.name, str(wrk_threads))
        plain = run_wrk(WRK_BARE, port, seconds, connections, wrk_threads)
    finally:
        proc.terminate()
        proc.wait(10)
        os.unlink(f.name)
    print(
        json.dumps(
            {
                "server": " ".join([server, *server_command(server, app, port, worker_class, threads)[1:]]),
                "wrk": f"-t {wrk_threads} -c {connections} -d {seconds:g}s",
                "loadavg_before": before,
                "loadavg_after": loadavg(),
                "submit": real,
                "bare": plain,
                "ratio_rps": plain["rps"] / real["rps"] if real["rps"] else None,
            },
            indent=2,
        )
    )


def inprocess(requests: int) -> None:
    """Call the benchmark's WSGI application directly, one request at a time, as the production
    settings of ``load`` configure it: ``requests`` submissions by writers who have not written
    today, then as many bare inserts; wall and process CPU milliseconds per request of each."""
    import io

    os.environ.update(server_env(KAOHE_BENCH_APP="1"))
    from django.core.wsgi import get_wsgi_application

    _django(urlconf=True)
    app = get_wsgi_application()
    writers = json.loads(
        Path(os.environ.get("KAOHE_BENCH_WRITERS", "/tmp/kaohe-bench-writers.json")).read_text()
    )
    body = '{"content": "走访群众3户，整理台账。", "tags": ["village_visit"]}'.encode()

    def call(path: str, data: bytes, token: str | None) -> str:
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": path,
            "SCRIPT_NAME": "",
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8765",
            "HTTP_HOST": "127.0.0.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(data),
            "CONTENT_LENGTH": str(len(data)),
            "CONTENT_TYPE": "application/json",
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        if token:
            environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        status: list[str] = []
        result = app(environ, lambda s, _headers, _exc=None: status.append(s))
        b"".join(result)
        result.close()
        return status[0]

    if len(writers) < requests + 1:
        raise SystemExit(f"only {len(writers)} writers; generate more or ask for fewer requests")
    out = {}
    for name, calls in (
        ("submit", [("/api/worklog/logs", body, f"{TOKEN_PREFIX}{pid}") for pid in writers[: requests + 1]]),
        (
            "bare",
            [
                ("/bench/bare/", json.dumps({"person": 10**8 + i, "content": "走访群众3户"}).encode(), None)
                for i in range(requests + 1)
            ],
        ),
    ):
        call(*calls[0])  # warm: connection, caches, prepared statements
        wall, cpu = time.perf_counter(), time.process_time()
        statuses: dict[str, int] = {}
        for c in calls[1:]:
            status = call(*c)
            statuses[status] = statuses.get(status, 0) + 1
        out[name] = {
            "wall_ms_per_request": round((time.perf_counter() - wall) / requests * 1000, 3),
            "cpu_ms_per_request": round((time.process_time() - cpu) / requests * 1000, 3),
            "statuses": statuses,
        }
    out["cpu_ratio"] = round(out["submit"]["cpu_ms_per_request"] / out["bare"]["cpu_ms_per_request"], 2)
    print(json.dumps(out, indent=2))


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
    ld.add_argument("--seconds", type=float, default=15)
    ld.add_argument("--connections", type=int, default=16)
    ld.add_argument("--port", type=int, default=8765)
    ld.add_argument("--server", default="granian", choices=SERVERS)
    ld.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"], help="gunicorn's")
    ld.add_argument("--threads", type=int, default=4, help="threads per worker (granian; gunicorn gthread)")
    sub.add_parser("reset")
    sub.add_parser("rates")
    ip = sub.add_parser("inprocess")
    ip.add_argument("--requests", type=int, default=3000)
    a = p.parse_args()
    if a.cmd == "generate":
        generate(a.people, a.days, a.writers)
    elif a.cmd == "load":
        load(a.seconds, a.connections, a.port, a.server, a.worker_class, a.threads)
    elif a.cmd == "reset":
        reset()
    elif a.cmd == "inprocess":
        inprocess(a.requests)
    else:
        rates()


if __name__ == "__main__":
    main()
