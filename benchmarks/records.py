"""Person-records benchmark on PostgreSQL: gathering a 100,000-person year with its dated records and
leave counted in working days.

    .venv/bin/python benchmarks/records.py           # database kaohe_bench_records (emptied first)
    .venv/bin/python benchmarks/records.py --reuse   # only the reads, on the data already there

On the appraisal benchmark's data (benchmarks/appraisal.py: 50 units × 2,000 people, scores, log
rollups, claims, a closed campaign) it adds 5,000 sanctions, 2,000 probations, 500 investigations,
1,000 vetoes and 20,000 leave spans, then times ``gather`` (every input of the period) and, apart,
the records and working-day reads (``gather_records``, ``working_and_leave_days``), best of three.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://root@127.0.0.1:5432/kaohe_bench_records")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.settings")


def add_records(period, rng) -> None:
    from kaohe.org.models import LeaveRecord, Person, PersonRecord

    ids = np.array(list(Person.objects.order_by("pk").values_list("pk", flat=True)))
    levels = ["诫勉", "警告", "记过", "记大过"]
    rows = []
    for pid in rng.choice(ids, 5_000, replace=False):
        start = date(2024, 1, 1) + timedelta(days=int(rng.integers(0, 700)))
        rows.append(
            PersonRecord(
                person_id=int(pid), kind="sanction", item=levels[int(rng.integers(0, 4))], start=start
            )
        )
    for pid in rng.choice(ids, 2_000, replace=False):
        start = date(2025, 1, 1) + timedelta(days=int(rng.integers(0, 300)))
        rows.append(
            PersonRecord(
                person_id=int(pid),
                kind="probation",
                item="试用期",
                start=start,
                end=start + timedelta(days=364),
            )
        )
    for pid in rng.choice(ids, 500, replace=False):
        rows.append(
            PersonRecord(person_id=int(pid), kind="investigation", item="立案审查", start=date(2025, 6, 1))
        )
    for pid in rng.choice(ids, 1_000, replace=False):
        rows.append(PersonRecord(person_id=int(pid), kind="veto", item="弄虚作假", start=date(2025, 5, 1)))
    PersonRecord.objects.bulk_create(rows, batch_size=5_000)
    leaves = []
    for pid in rng.choice(ids, 20_000, replace=False):
        start = date(2025, 1, 1) + timedelta(days=int(rng.integers(0, 350)))
        leaves.append(
            LeaveRecord(
                person_id=int(pid),
                kind="sick",
                start=start,
                end=start + timedelta(days=int(rng.integers(0, 30))),
            )
        )
    LeaveRecord.objects.bulk_create(leaves, batch_size=5_000)


def best(fn, runs: int = 3) -> float:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return min(out)


def main() -> None:
    import argparse

    import django

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reuse", action="store_true", help="time the reads on the data already generated")
    args = parser.parse_args()
    django.setup()
    from django.core.management import call_command

    from benchmarks.appraisal import generate
    from kaohe.appraisal.inputs import gather, people_of
    from kaohe.appraisal.inputs_records import gather_records, working_and_leave_days
    from kaohe.appraisal.models import Period
    from kaohe.engine import People, PeriodData

    call_command("migrate", interactive=False, verbosity=0)
    if args.reuse:
        period = Period.objects.get(scheme__version="bench")
    else:
        period = generate()
        add_records(period, np.random.default_rng(11))
    scheme = period.scheme.parsed()
    print(f"load average before: {Path('/proc/loadavg').read_text().strip()}")
    rows = list(people_of(period).order_by("staff_no").values_list("id", "unit_id", "start_date"))
    index = {r[0]: i for i, r in enumerate(rows)}
    units, starts = [r[1] for r in rows], [r[2] for r in rows]

    def records_only():
        data = PeriodData(people=People(ids=np.array([r[0] for r in rows])))
        gather_records(period, scheme, data, index, units=units, starts=starts)

    print(
        f"gather_records (records, working and leave days), {len(rows):,} people: {best(records_only) * 1000:.0f} ms"
    )
    print(
        f"working_and_leave_days: {best(lambda: working_and_leave_days(period, index, units, starts)) * 1000:.0f} ms"
    )
    print(f"gather (every input of the period): {best(lambda: gather(period, scheme)):.2f} s (target < 5 s)")
    print(f"load average after: {Path('/proc/loadavg').read_text().strip()}")


if __name__ == "__main__":
    main()
