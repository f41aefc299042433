"""Ballot benchmarks on PostgreSQL (database ``kaohe_bench_ballot``; created and migrated here).

    .venv/bin/python benchmarks/ballot.py tally          # 10,000 people × 200,000 raters = 2 M lines
    .venv/bin/python benchmarks/ballot.py vote           # ballots/s through the real endpoint

``tally`` writes its data with COPY (a closed campaign: 4 rater groups, 4 options, every ballot rating
10 people), then times the product's tally (``selectors.compute``: one GROUP BY plus the pure tally
with thresholds and renormalisation) beside a raw GROUP BY over the same rows.

``vote`` opens a campaign of 10 people with a code group, generates the codes, starts gunicorn with
2 worker processes on 127.0.0.1 (production settings: DEBUG off), GETs the code page once for a CSRF
cookie and token, then loads the real endpoint with wrk (a separate, light process; Debian package
``wrk``): one POST of a code ballot per request, each code once, bounded in seconds. A response counts
as a ballot when it is the thank-you page. Loopback only.

    .venv/bin/python benchmarks/ballot.py vote --seconds 15 --connections 8 --codes 8000
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
import uuid
from io import StringIO
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = os.environ.get("KAOHE_BENCH_DB", "postgres://root@127.0.0.1:5432/kaohe_bench_ballot")
os.environ["DATABASE_URL"] = DB
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.settings")
# The codes are hashed with the secret key: this process and the server it starts use the same one.
os.environ.setdefault("KAOHE_SECRET_KEY", "benchmark-only-secret-key-never-used-in-production-0123456789")

N_PEOPLE = 10_000
N_RATERS = 200_000
PER_BALLOT = 10
GROUPS = [("班子成员", 40), ("中层干部", 30), ("其他在编", 20), ("不在编", 10)]


def _setup():
    import psycopg

    base, name = DB.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _org(tag: str, n_people: int):
    from datetime import date

    from kaohe.org.models import Person, Unit

    root = Unit.objects.create(code=f"BENCH-{tag}-{uuid.uuid4().hex[:6]}", name="基准镇", kind="township")
    units = [
        Unit(code=f"{root.code}-{i}", name=f"科室{i}", kind="department", parent=root) for i in range(100)
    ]
    for u in units:
        u.save()
    people = Person.objects.bulk_create(
        [
            Person(
                staff_no=f"{root.code}-P{i:05d}",
                name=f"人{i}",
                unit=units[i % 100],
                identity="general",
                staffing="established",
                post_type="management",
                post_level="junior",
                start_date=date(2020, 1, 1),
            )
            for i in range(n_people)
        ],
        batch_size=5000,
    )
    return root, people


def _campaign(root, people, groups, state):
    from kaohe.ballot import services

    campaign = services.create_campaign(
        actor=None,
        unit=root,
        name="基准测评",
        period="2025年度",
        options=[("优秀", 100), ("良好", 85), ("一般", 70), ("较差", 50)],
        groups=groups,
        ratees=people,
        min_ballots=5,
    )
    if state != "draft":
        campaign = services.open_campaign(actor=None, campaign=campaign)
    return campaign


def tally() -> None:
    import random

    from django.db import connection

    from kaohe.ballot import selectors
    from kaohe.ballot.models import Ballot, BallotLine, Campaign
    from kaohe.ballot.services import GroupSpec

    t0 = time.perf_counter()
    root, people = _org("T", N_PEOPLE)
    campaign = _campaign(root, people, [GroupSpec(n, w) for n, w in GROUPS], "draft")
    Campaign.objects.filter(pk=campaign.pk).update(status="closed")
    campaign.refresh_from_db()
    groups = list(campaign.groups.values_list("pk", flat=True))
    options = list(campaign.options.values_list("pk", flat=True))
    pids = [p.pk for p in people]
    rng = random.Random(5)
    ballots, lines = StringIO(), StringIO()
    for i in range(N_RATERS):
        bid = uuid.UUID(bytes=os.urandom(16), version=4)
        g = groups[i % 4]
        ballots.write(f"{bid}\t{campaign.pk}\t{g}\n")
        start = (i * PER_BALLOT) % N_PEOPLE
        for k in range(PER_BALLOT):
            o = options[min(3, int(rng.expovariate(1.2)))]
            lines.write(
                f"{uuid.UUID(bytes=os.urandom(16), version=4)}\t{bid}\t{campaign.pk}\t{g}\t{pids[start + k]}\t\\N\t{o}\n"
            )
    t1 = time.perf_counter()
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY {Ballot._meta.db_table} (id, campaign_id, group_id) FROM STDIN") as copy:
            copy.write(ballots.getvalue())
        with cursor.copy(
            f"COPY {BallotLine._meta.db_table} (id, ballot_id, campaign_id, group_id, person_id, dimension_id, option_id) FROM STDIN"
        ) as copy:
            copy.write(lines.getvalue())
        cursor.execute(f"VACUUM ANALYZE {BallotLine._meta.db_table}")
    t2 = time.perf_counter()
    print(
        f"generated {N_RATERS:,} ballots / {N_RATERS * PER_BALLOT:,} lines in {t1 - t0:.1f} s, COPY {t2 - t1:.1f} s"
    )

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT person_id, group_id, dimension_id, option_id, count(*) FROM {BallotLine._meta.db_table} "
                "WHERE campaign_id = %s GROUP BY 1, 2, 3, 4",
                [campaign.pk],
            )
            return cursor.fetchall()

    for label, fn in (
        ("raw GROUP BY", raw),
        ("tally (selectors.compute)", lambda: selectors.compute(campaign)),
        ("results page data (selectors.results)", lambda: selectors.results(campaign)),
    ):
        times = []
        for _ in range(3):
            s = time.perf_counter()
            out = fn()
            times.append(time.perf_counter() - s)
        n = len(out.rows) if hasattr(out, "rows") else len(out)
        print(f"{label:40s} best {min(times):.2f} s  median {sorted(times)[1]:.2f} s  ({n:,} rows)")


WRK_VOTE = r"""
-- one POST /ballot/code/ per code (the codes are dealt out to the wrk threads), with the CSRF cookie
-- and token of one GET made before the run
function init(args)
  codes = deal(args[1], tonumber(args[2]))
  local f = io.open(args[3])
  cookie = f:read("*l")
  form = f:read("*l")
  f:close()
  idx = 0
  statuses = {}
end
function request()
  idx = idx + 1
  local code = codes[idx] or codes[1]  -- past the last code: a reused code, refused (400)
  return wrk.format("POST", "/ballot/code/",
    {["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = cookie},
    "code=" .. code .. "&cast=1&" .. form)
end
function response(status, headers, body)
  local key = tostring(status)
  if status == 200 and not string.find(body, "ballot-thanks", 1, true) then key = "200-not-counted" end
  statuses[key] = (statuses[key] or 0) + 1
end
"""


def vote(seconds: float, connections: int, n_codes: int, port: int, worker_class: str, threads: int) -> None:
    import http.client
    import json
    import tempfile

    from benchmarks.common import loadavg, run_wrk, serve, server_env
    from kaohe.ballot import services
    from kaohe.ballot.services import GroupSpec

    root, people = _org("V", 10)
    campaign = _campaign(root, people, [GroupSpec("群众代表", 100, voting="code")], "open")
    group = campaign.groups.get()
    codes: list[str] = []
    while len(codes) < n_codes:
        codes += services.generate_codes(
            actor=None, campaign=campaign, group=group, count=min(2000, n_codes - len(codes))
        )
    ids = list(campaign.options.values_list("pk", flat=True))
    answers = {f"r-{p.pk}": str(ids[i % 4]) for i, p in enumerate(people)}
    env = server_env(DATABASE_URL=DB)
    before = loadavg()
    server = serve("kaohe.wsgi", port, worker_class, threads, env)
    with tempfile.TemporaryDirectory() as tmp:
        codes_file, form_file = Path(tmp, "codes.txt"), Path(tmp, "form.txt")
        codes_file.write_text("\n".join(codes) + "\n")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/ballot/code/")
            page = conn.getresponse()
            body = page.read().decode()
            cookie = page.getheader("Set-Cookie").split(";")[0]
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
            form_file.write_text(f"{cookie}\n{urlencode({'csrfmiddlewaretoken': token, **answers})}\n")
            result = run_wrk(WRK_VOTE, port, seconds, connections, 1, str(codes_file), "1", str(form_file))
        finally:
            server.terminate()
            server.wait(timeout=20)
    from kaohe.ballot.models import Ballot, Participation

    counted = result["statuses"].get("200", 0)
    print(
        json.dumps(
            {
                "server": f"gunicorn --workers 2 --worker-class {worker_class}"
                + (f" --threads {threads}" if worker_class == "gthread" else ""),
                "wrk": f"-t 1 -c {connections} -d {seconds:g}s",
                "loadavg_before": before,
                "loadavg_after": loadavg(),
                "ballots_per_s": counted / result["seconds"],
                "wrk_result": result,
                "stored": {
                    "ballots": Ballot.objects.filter(campaign=campaign).count(),
                    "participations": Participation.objects.filter(campaign=campaign).count(),
                },
            },
            indent=2,
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="mode", required=True)
    sub.add_parser("tally")
    v = sub.add_parser("vote")
    v.add_argument("--seconds", type=float, default=15)
    v.add_argument("--connections", type=int, default=8)
    v.add_argument("--port", type=int, default=8791)
    v.add_argument("--codes", type=int, default=8000)
    v.add_argument("--worker-class", default="sync", choices=["gthread", "sync"])
    v.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (gthread)")
    args = parser.parse_args()
    _setup()
    if args.mode == "tally":
        tally()
    else:
        vote(args.seconds, args.connections, args.codes, args.port, args.worker_class, args.threads)


if __name__ == "__main__":
    main()
