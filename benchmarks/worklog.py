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
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.settings")

from benchmarks.common import (  # noqa: E402
    SERVERS,
    loadavg,
    run_wrk,
    serve,
    server_command,
    server_env,
)
from benchmarks.worklog_data import RATES_UNIT, TOKEN_PREFIX  # noqa: E402


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
        _django()
        # local import: the generator's models load once Django is set up
        from benchmarks.worklog_data import generate

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
