"""Ballot benchmarks on PostgreSQL (database ``kaohe_bench_ballot``; created and migrated here).

    .venv/bin/python benchmarks/ballot.py tally          # 10,000 people × 200,000 raters = 2 M lines
    .venv/bin/python benchmarks/ballot.py vote           # ballots/s through the real endpoint

``tally`` writes its data with COPY (a closed campaign: 4 rater groups, 4 options, every ballot rating
10 people), then times the product's tally (``selectors.compute``: one GROUP BY plus the pure tally
with thresholds and renormalisation) beside a raw GROUP BY over the same rows.

``vote`` opens a campaign of 10 people with a code group, generates the codes, starts gunicorn with
2 workers on 127.0.0.1, and from a second process submits code ballots (GET the page once per client
for the CSRF cookie, then one POST per ballot) with a bounded number of client threads, codes and
seconds. Loopback only.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import threading
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


def vote(seconds: float, clients: int, n_codes: int, port: int) -> None:
    from kaohe.ballot import services
    from kaohe.ballot.services import GroupSpec

    root, people = _org("V", 10)
    campaign = _campaign(root, people, [GroupSpec("群众代表", 100, voting="code")], "open")
    group = campaign.groups.get()
    codes = services.generate_codes(actor=None, campaign=campaign, group=group, count=min(n_codes, 2000))
    while len(codes) < n_codes:
        codes += services.generate_codes(
            actor=None, campaign=campaign, group=group, count=min(2000, n_codes - len(codes))
        )
    ids = list(campaign.options.values_list("pk", flat=True))
    answers = {f"r-{p.pk}": str(ids[i % 4]) for i, p in enumerate(people)}
    env = dict(os.environ, DATABASE_URL=DB, KAOHE_DEBUG="0", KAOHE_ALLOWED_HOSTS="127.0.0.1")
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "kaohe.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        time.sleep(3)
        client = subprocess.run(
            [
                sys.executable,
                __file__,
                "client",
                "--port",
                str(port),
                "--seconds",
                str(seconds),
                "--clients",
                str(clients),
            ],
            input="\n".join(codes) + "\n" + urlencode(answers),
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        )
        print(client.stdout.strip(), client.stderr.strip()[-2000:])
    finally:
        server.terminate()
        server.wait(timeout=20)
    from kaohe.ballot.models import Ballot, Participation

    print(
        f"stored: {Ballot.objects.filter(campaign=campaign).count()} ballots, {Participation.objects.filter(campaign=campaign).count()} participations"
    )


def client(port: int, seconds: float, clients: int) -> None:
    """The load generator (a separate process): threads over keep-alive HTTP connections."""
    import http.client

    data = sys.stdin.read().strip().split("\n")
    answers, codes = data[-1], data[:-1]
    lock = threading.Lock()
    done = {"ok": 0, "refused": 0, "error": 0}
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()

    def run():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/ballot/code/")
        page = conn.getresponse()
        body = page.read().decode()
        cookie = page.getheader("Set-Cookie").split(";")[0]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
        while time.perf_counter() < deadline:
            with lock:
                if not codes:
                    return
                code = codes.pop()
            form = f"csrfmiddlewaretoken={token}&code={code}&cast=1&{answers}"
            conn.request(
                "POST",
                "/ballot/code/",
                form,
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": cookie,
                    "Referer": f"http://127.0.0.1:{port}/ballot/code/",
                },
            )
            response = response_body = conn.getresponse()
            response_body = response.read()
            key = (
                "ok"
                if response.status == 200 and b"ballot-thanks" in response_body
                else ("refused" if response.status == 400 else "error")
            )
            with lock:
                done[key] += 1

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    print(
        f"{done['ok']} ballots counted in {elapsed:.1f} s = {done['ok'] / elapsed:.0f} ballots/s with {clients} client threads (refused {done['refused']}, errors {done['error']})"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="mode", required=True)
    sub.add_parser("tally")
    v = sub.add_parser("vote")
    c = sub.add_parser("client")
    for p in (v, c):
        p.add_argument("--seconds", type=float, default=20)
        p.add_argument("--clients", type=int, default=8)
        p.add_argument("--port", type=int, default=8765)
    v.add_argument("--codes", type=int, default=8000)
    args = parser.parse_args()
    if args.mode == "client":
        client(args.port, args.seconds, args.clients)
        return
    _setup()
    if args.mode == "tally":
        tally()
    else:
        vote(args.seconds, args.clients, args.codes, args.port)


if __name__ == "__main__":
    main()
