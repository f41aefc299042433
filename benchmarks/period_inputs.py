"""Period inputs benchmark on PostgreSQL: what reading the office's period inputs adds to gathering a
100,000-person period (issue 15: "gathering every input … under 5 s, set-based").

    .venv/bin/python benchmarks/period_inputs.py     # database kaohe_bench_inputs (created, emptied)

The generator writes with COPY: a city of 50 units with 2,000 people each, under ten districts (so
a person's value comes from their unit, their district or the whole period), a dynamic coefficient
reading two period measures (one for the period, one per district and some units), a pool shared by
unit (50 amounts), a pay base per district, unit grades and honours per unit, and a task result for
each person (100,000 rows). It times ``inputs_period.add_period_inputs`` (the part of ``gather`` this
issue adds), ``pay_bases`` (read when results are stored), the whole ``gather`` and a computation.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://root@127.0.0.1:5432/kaohe_bench_inputs")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.settings")

from benchmarks.appraisal import copy  # noqa: E402
from benchmarks.common import PERSON_COLUMNS  # noqa: E402

N_DISTRICTS, UNITS_PER_DISTRICT, PER_UNIT = 10, 5, 2_000


def scheme_text() -> str:
    return """scheme: 期间数据基准
year: 2025
period: quarter
version: "bench-inputs"
tracks:
  全体: {}
components:
  实绩:
    share: 100%
    indicators:
      党建: {points: 50}
      业务: {points: 30}
      重点任务: {points: 20, source: task}
coefficients:
  动态系数: {kind: dynamic, formula: "clip(1 + (gdp_growth - 8%) * econ_share * 2, 0.95, 1.05)"}
grading:
  grades: [优秀, 良好, 一般]
  quotas:
    优秀: {by_unit_grade: {好: 30%, 较好: 20%}, at_most: 15%, by_honour: {人民满意: 5%}, unit_at_most: 35%}
  quota_groups: {by: [unit]}
consequences:
  pay_factor: {优秀: 20%, 良好: 10%}
pools:
  单位奖金: {by: unit, grade_coefficients: {优秀: 1.5, 良好: 1.0, 一般: 0.5}}
"""


def generate():
    from django.core.management import call_command
    from django.db import connection

    from kaohe.appraisal.choices import MoneyKind
    from kaohe.appraisal.models import PeriodAmount, PeriodMeasure, UnitGrade
    from kaohe.appraisal.services.periods import create_period, start_scoring
    from kaohe.appraisal.services.schemes import import_scheme
    from kaohe.appraisal.services.scoring import get_or_create_sheet
    from kaohe.org.models import Person, Unit

    call_command("flush", interactive=False, verbosity=0)
    root = Unit.objects.create(code="CITY", name="基准市", kind="party_government")
    districts = [
        Unit.objects.create(code=f"D{d}", name=f"区{d}", kind="department", parent=root)
        for d in range(N_DISTRICTS)
    ]
    units = [
        Unit.objects.create(code=f"U{d}{u}", name=f"单位{d}{u}", kind="department", parent=districts[d])
        for d in range(N_DISTRICTS)
        for u in range(UNITS_PER_DISTRICT)
    ]
    n = len(units) * PER_UNIT
    with connection.cursor() as c:
        copy(
            c.cursor,
            "org_person",
            [*PERSON_COLUMNS, "gender"],
            (
                (f"P{i:06d}", f"人员{i}", units[i // PER_UNIT].pk, "general", "established", "management")
                + ("junior", "2015-01-01", "t", "M")
                for i in range(n)
            ),
        )
    ids = list(Person.objects.order_by("staff_no").values_list("id", flat=True))
    period = create_period(
        actor=None,
        unit=root,
        scheme=import_scheme(actor=None, text=scheme_text()),
        kind="quarter",
        start=date(2025, 4, 1),
    )
    start_scoring(actor=None, period=period)
    sheet = get_or_create_sheet(period, None)
    rng = np.random.default_rng(11)
    with connection.cursor() as c:
        rows = (
            (period.pk, sheet.pk, pid, key, v, "")
            for pid in ids
            for key, v in (("实绩/党建", 40), ("实绩/业务", 25))
        )
        copy(
            c.cursor,
            "appraisal_score",
            ["period_id", "sheet_id", "person_id", "indicator", "value", "comment"],
            rows,
        )
        rates = rng.uniform(0.5, 1.0, size=n).round(4)
        copy(
            c.cursor,
            "appraisal_taskresult",
            ["period_id", "person_id", "indicator", "rate"],
            ((period.pk, pid, "实绩/重点任务", float(r)) for pid, r in zip(ids, rates, strict=True)),
        )
    PeriodMeasure.objects.create(period=period, unit=None, name="gdp_growth", value=0.09)
    PeriodMeasure.objects.create(period=period, unit=None, name="econ_share", value=0.2)
    PeriodMeasure.objects.bulk_create(
        [PeriodMeasure(period=period, unit=d, name="econ_share", value=0.5) for d in districts]
        + [PeriodMeasure(period=period, unit=u, name="econ_share", value=1.0) for u in units[::3]]
    )
    PeriodAmount.objects.bulk_create(
        [
            PeriodAmount(
                period=period, kind=MoneyKind.POOL, pool="单位奖金", part=u.name, amount_fen=10_000_000 + k
            )
            for k, u in enumerate(units)
        ]
        + [
            PeriodAmount(period=period, kind=MoneyKind.PAY_BASE, unit=d, amount_fen=300_000)
            for d in districts
        ]
    )
    UnitGrade.objects.bulk_create(
        [
            UnitGrade(
                year=2025,
                period=period,
                unit=u,
                grade="好" if k % 2 else "较好",
                honours=["人民满意"] if k % 5 == 0 else [],
            )
            for k, u in enumerate(units)
        ]
    )
    return period, ids


def best(f, times: int = 3) -> float:
    out = []
    for _ in range(times):
        t = time.perf_counter()
        f()
        out.append(time.perf_counter() - t)
    return min(out)


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from kaohe.appraisal.inputs import gather
    from kaohe.appraisal.inputs_period import add_period_inputs, pay_bases
    from kaohe.appraisal.services.results import compute_period
    from kaohe.engine import People, PeriodData

    call_command("migrate", interactive=False, verbosity=0)
    print(f"load average before: {Path('/proc/loadavg').read_text().strip()}")
    t = time.perf_counter()
    period, ids = generate()
    print(f"generate {len(ids):,} people with their period inputs: {time.perf_counter() - t:.1f} s")
    scheme = period.scheme.parsed()

    def inputs_only():
        data = PeriodData(people=People(ids=np.array(ids, dtype=object)))
        add_period_inputs(period, scheme, data, ids)

    print(
        f"add_period_inputs (measures, pools, unit grades, {len(ids):,} task results), best of 3: {best(inputs_only):.2f} s"
    )
    print(f"pay_bases, best of 3: {best(lambda: pay_bases(period, ids)):.2f} s")
    print(f"whole gather, best of 3: {best(lambda: gather(period, scheme)):.2f} s (target < 5 s)")
    t = time.perf_counter()
    rs = compute_period(actor=None, period=period)
    print(f"compute and store {rs.rows.count():,} people: {time.perf_counter() - t:.1f} s")
    fen = sum(rs.rows.values_list("pool_fen", flat=True))
    print(f"pool shares add up to the pools: {fen == rs.pool_total_fen} ({fen:,} fen)")
    print(f"load average after: {Path('/proc/loadavg').read_text().strip()}")


if __name__ == "__main__":
    main()
