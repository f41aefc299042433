"""Appraisal-cycle benchmark on PostgreSQL: computing a year for 100,000 people from data in the
database and storing the results with their derivations, then rendering a 2,000-person track.

    .venv/bin/python benchmarks/appraisal.py            # database kaohe_bench_cycle (created, emptied)

The generator writes with COPY: 50 units of 2,000 people (one track each), 5 assessor scores per person
(500,000 rows), 12 monthly work-log rollups per person (1,200,000 rows: working days, filled, reviewed,
miss notices) feeding a fill-rate leaf and a miss deduction, 20,000 approved claims under a cap, and
a closed democratic-evaluation campaign (民主评议, 20% of the score) with 750 ballots of 2,000 marks each
(1,500,000 ballot lines: three rater groups, five ballots per group and unit; in two units the third
group has none, so its weight is renormalised) that the computation tallies through the ballot app.
"""

from __future__ import annotations

import io
import os
import sys
import time
import uuid
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://root@127.0.0.1:5432/kaohe_bench_cycle")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.settings")

from benchmarks.common import PERSON_COLUMNS  # noqa: E402

N_UNITS, PER_UNIT = 50, 2_000
LEAVES = ["党建", "业务", "作风", "创新", "协作"]
GROUPS = {"领导": 40, "同事": 40, "服务对象": 20}  # rater group → weight (%)
OPTIONS = {"优秀": 100, "良好": 85, "一般": 70, "较差": 50}
BALLOTS_PER_GROUP = 5


def scheme_text() -> str:
    tracks = "\n".join(f"  赛道{u:02d}: {{unit_code: BU{u:02d}}}" for u in range(N_UNITS))
    leaves = "\n".join(f"      {name}: {{points: 18}}" for name in LEAVES)
    return f"""scheme: 基准年度考核
year: 2025
period: year
version: "bench"
tracks:
{tracks}
components:
  实绩:
    share: 80%
    indicators:
{leaves}
      履职纪实: {{points: 10, source: worklog, worklog: {{measure: fill_rate, full_at: "95%"}}}}
  民主评议:
    share: 20%
    ballot:
      options: {{优秀: 100, 良好: 85, 一般: 70, 较差: 50}}
      rater_groups: {{领导: 40%, 同事: 40%, 服务对象: 20%}}
      min_ballots: 3
      when_group_missing: renormalise
adjustments:
  创新加分: {{kind: bonus, points: [1, 5]}}
  日志漏报: {{kind: deduction, source: worklog_misses, per_event: 1}}
caps:
  加分上限: {{kind: bonus, at_most: 10}}
grading:
  grades: [优秀, 称职, 基本称职, 不称职]
  thresholds: {{称职: 60, 基本称职: 50}}
  quotas:
    优秀: {{at_most: 20%, rounding: half_up}}
    不称职: {{at_least: 2%, rounding: down}}
tail_rules:
  末位谈话: {{bottom: 5%, consecutive: 1, action: 谈话提醒}}
"""


def copy(cursor, table: str, columns: list[str], rows) -> None:
    buf = io.StringIO()
    for r in rows:
        buf.write("\t".join(str(v) for v in r) + "\n")
    buf.seek(0)
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
        while data := buf.read(1 << 20):
            cp.write(data)


def generate():
    from django.core.management import call_command
    from django.db import connection

    from kaohe.appraisal.services.periods import create_period, start_scoring
    from kaohe.appraisal.services.schemes import import_scheme
    from kaohe.appraisal.services.scoring import get_or_create_sheet
    from kaohe.org.models import Unit
    from kaohe.worklog.models import Stat

    call_command("flush", interactive=False, verbosity=0)
    root = Unit.objects.create(code="BROOT", name="基准市", kind="party_government")
    units = [
        Unit.objects.create(code=f"BU{u:02d}", name=f"单位{u:02d}", kind="department", parent=root)
        for u in range(N_UNITS)
    ]
    rng = np.random.default_rng(7)
    n = N_UNITS * PER_UNIT
    t = time.perf_counter()
    with connection.cursor() as c:
        cur = c.cursor if hasattr(c, "cursor") else c
        copy(
            cur,
            "org_person",
            [*PERSON_COLUMNS, "gender"],
            (
                (
                    f"P{i:06d}",
                    f"人员{i}",
                    units[i // PER_UNIT].pk,
                    "general",
                    "established",
                    "management",
                    "junior",
                    "2015-01-01",
                    "t",
                    "M",
                )
                for i in range(n)
            ),
        )
    from kaohe.org.models import Person

    ids = np.array(Person.objects.filter(unit__parent=root).order_by("staff_no").values_list("id", flat=True))
    sch = import_scheme(actor=None, text=scheme_text())
    period = create_period(actor=None, unit=root, scheme=sch, kind="year", start=date(2025, 1, 1))
    start_scoring(actor=None, period=period)
    sheet = get_or_create_sheet(period, None)
    scores = np.round(rng.uniform(9, 18, size=(n, len(LEAVES))), 1)
    with connection.cursor() as c:
        cur = c.cursor
        copy(
            cur,
            "appraisal_score",
            ["period_id", "sheet_id", "person_id", "indicator", "value", "comment"],
            (
                (period.pk, sheet.pk, int(ids[i]), f"实绩/{leaf}", scores[i, j], "")
                for i in range(n)
                for j, leaf in enumerate(LEAVES)
            ),
        )
        filled = rng.integers(15, 23, size=(n, 12))
        notices = rng.binomial(1, 0.02, size=(n, 12))
        copy(
            cur,
            "worklog_stat",
            ["person_id", "unit_id", "period", "start", *Stat.COUNTERS],
            (
                (
                    int(ids[i]),
                    units[i // PER_UNIT].pk,
                    "month",
                    f"2025-{m + 1:02d}-01",
                    22,
                    int(filled[i, m]),
                    int(filled[i, m]),
                    0,
                    int(filled[i, m]),
                    0,
                    0,
                    22 - int(filled[i, m]),
                    int(notices[i, m]),
                    0,
                )
                for i in range(n)
                for m in range(12)
            ),
        )
        who = rng.choice(n, size=20_000, replace=False)
        copy(
            cur,
            "appraisal_claim",
            [
                "period_id",
                "person_id",
                "category",
                "points",
                "reason",
                "status",
                "filed_at",
                "section_note",
                "committee_note",
            ],
            (
                (
                    period.pk,
                    int(ids[i]),
                    "创新加分",
                    int(rng.integers(1, 6)),
                    "基准",
                    "approved",
                    "2025-06-01 00:00:00+08",
                    "",
                    "",
                )
                for i in who
            ),
        )
    lines = ballots(root, units, ids, rng)
    period.ballot_campaign_id = lines[0]
    period.save(update_fields=["ballot_campaign"])
    with connection.cursor() as c:
        c.execute("ANALYZE")
    print(
        f"generated {n:,} people, {n * len(LEAVES):,} scores, {n * 12:,} log rollups, 20,000 claims,"
        f" {lines[1]:,} ballot lines in {time.perf_counter() - t:.1f} s"
    )
    return period


def ballots(root, units, ids, rng) -> tuple[int, int]:
    """A closed campaign rating everyone: per unit and rater group, five ballots marking each of the
    unit's 2,000 people (none from the third group in the last two units). Returns (campaign id,
    ballot lines)."""
    from django.db import connection

    from kaohe.ballot.models import Campaign, Option, RaterGroup

    campaign = Campaign.objects.create(
        name="基准民主测评", period="2025年度", unit=root, status="closed", min_ballots=3
    )
    options = [
        Option.objects.create(campaign=campaign, label=label, points=pts, order=k)
        for k, (label, pts) in enumerate(OPTIONS.items())
    ]
    groups = [
        RaterGroup.objects.create(campaign=campaign, name=name, weight=w, order=k)
        for k, (name, w) in enumerate(GROUPS.items())
    ]
    ballot_rows, line_rows = [], []
    option_ids = np.array([o.pk for o in options])
    for u in range(N_UNITS):
        people = ids[u * PER_UNIT : (u + 1) * PER_UNIT]
        for k, g in enumerate(groups):
            if k == 2 and u >= N_UNITS - 2:
                continue
            for _b in range(BALLOTS_PER_GROUP):
                bid = str(uuid.uuid4())
                ballot_rows.append((bid, campaign.pk, g.pk))
                marks = option_ids[rng.choice(4, size=PER_UNIT, p=[0.3, 0.45, 0.2, 0.05])]
                line_rows.append((bid, g.pk, people, marks))
    with connection.cursor() as c:
        cur = c.cursor
        copy(cur, "ballot_ratee", ["campaign_id", "person_id"], ((campaign.pk, int(p)) for p in ids))
        copy(cur, "ballot_ballot", ["id", "campaign_id", "group_id"], ballot_rows)
        copy(
            cur,
            "ballot_ballotline",
            ["id", "ballot_id", "campaign_id", "group_id", "person_id", "dimension_id", "option_id"],
            (
                (uuid.uuid4(), bid, campaign.pk, gid, int(p), "\\N", int(o))
                for bid, gid, people, marks in line_rows
                for p, o in zip(people, marks, strict=True)
            ),
        )
    return campaign.pk, sum(len(r[2]) for r in line_rows)


def main() -> None:
    import argparse

    import django

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the pages on the data and results already in the database (no generation, no compute)",
    )
    args = parser.parse_args()
    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from kaohe.appraisal.models import ResultSet
    from kaohe.appraisal.services.results import compute_period

    call_command("migrate", interactive=False, verbosity=0)
    print(f"load average before: {Path('/proc/loadavg').read_text().strip()}")
    if args.reuse:
        rs = ResultSet.objects.get(current=True, period__scheme__version="bench")
        period = rs.period
    else:
        period = generate()
        t = time.perf_counter()
        rs = compute_period(actor=None, period=period)
        compute_s = time.perf_counter() - t
        print(
            f"compute a year for {rs.rows.count():,} people from PostgreSQL and store results + derivations: {compute_s:.1f} s (target < 30 s)"
        )
        t = time.perf_counter()
        rs = compute_period(actor=None, period=period)
        print(f"re-run (replaces atomically): {time.perf_counter() - t:.1f} s")
        print(f"load average after the computations: {Path('/proc/loadavg').read_text().strip()}")
    user = get_user_model().objects.filter(username="bench").first()
    if user is None:
        user = get_user_model().objects.create_superuser("bench", "b@example.org", "x")
    client = Client()
    client.force_login(user)
    url = f"/appraisal/periods/{period.pk}/results/?track=赛道07"
    client.get(url)
    best = min(_timed(client, url) for _ in range(5))
    print(f"results page of a {PER_UNIT:,}-person track: {best * 1000:.0f} ms (best of 5; target < 500 ms)")
    _person_page(client, rs)


def _person_page(client, rs) -> None:
    """A person's result page: the whole request, and its parts (the stored run read from the database,
    decoded, one derivation assembled)."""
    from kaohe.appraisal.models import ResultSet
    from kaohe.engine import explain as explain_person

    stored = ResultSet.objects.filter(pk=rs.pk).values_list(_run_field(), flat=True).get()
    print(f"stored run (derivations), compressed: {len(stored) / 1e6:.2f} MB")
    rows = list(rs.rows.filter(track="赛道07").select_related("person")[:6])
    url = f"/appraisal/results/{rows[0].pk}/"
    first = _timed(client, url)
    best = min(_timed(client, f"/appraisal/results/{row.pk}/") for row in rows[1:])
    print(f"one person's result page: first {first * 1000:.0f} ms, best of 5 others {best * 1000:.0f} ms")
    fetch, decode, explain = [], [], []
    for row in rows[1:]:
        t0 = time.perf_counter()
        fresh = ResultSet.objects.get(pk=rs.pk)
        bytes(getattr(fresh, _run_field()))
        t1 = time.perf_counter()
        result = fresh.engine_result()
        t2 = time.perf_counter()
        explain_person(result, row.person.staff_no)
        t3 = time.perf_counter()
        fetch.append(t1 - t0)
        decode.append(t2 - t1)
        explain.append(t3 - t2)
    print(
        "  of which (best of 5): read the row "
        f"{min(fetch) * 1000:.0f} ms, decode {min(decode) * 1000:.0f} ms, derivation {min(explain) * 1000:.0f} ms"
    )


def _run_field() -> str:
    from kaohe.appraisal.models import ResultSet

    names = {f.name for f in ResultSet._meta.get_fields()}
    return "run" if "run" in names else "blob"


def _timed(client, url) -> float:
    t = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return time.perf_counter() - t


if __name__ == "__main__":
    main()
