"""Personal indicators (个性指标) benchmark on PostgreSQL: 100,000 people under preset 004, three
indicators each (300,000 rows) set by the Excel import's service with every check, then gathered for
the engine, then the import again over the stored rows (what changes is updated, scores kept).

    .venv/bin/python benchmarks/personal.py        # database kaohe_bench_personal (created, emptied)

People are written with COPY (50 units of 2,000); the import runs through
``import_personal_indicators`` as the page calls it (rows already read from the workbook); the
gathering is ``inputs_personal.personal_table`` as ``inputs.gather`` calls it. Each figure is the best
of three runs where the step can be repeated.
"""

from __future__ import annotations

import io
import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://root@127.0.0.1:5432/kaohe_bench_personal")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.settings")

from benchmarks.common import PERSON_COLUMNS  # noqa: E402

N_UNITS, PER_UNIT = 50, 2_000
NODE = "绩效评分/个性指标"


def _copy(cursor, table: str, columns: list[str], rows) -> None:
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

    from kaohe.appraisal.services.periods import create_period
    from kaohe.appraisal.services.schemes import import_scheme
    from kaohe.org.models import Unit
    from kaohe.presets import load_preset

    call_command("flush", interactive=False, verbosity=0)
    root = Unit.objects.create(code="PROOT", name="基准市", kind="party_government")
    units = [
        Unit.objects.create(code=f"PU{u:02d}", name=f"单位{u:02d}", kind="department", parent=root)
        for u in range(N_UNITS)
    ]
    n = N_UNITS * PER_UNIT
    with connection.cursor() as c:
        _copy(
            c.cursor,
            "org_person",
            [*PERSON_COLUMNS, "gender"],
            (
                (f"P{i:06d}", f"人员{i}", units[i // PER_UNIT].pk, "general", "established", "management")
                + ("junior", "2015-01-01", "t", "M")
                for i in range(n)
            ),
        )
        c.execute("ANALYZE")
    sch = import_scheme(actor=None, text=load_preset("004_quzhou").scheme_text(), preset="004_quzhou")
    return create_period(actor=None, unit=root, scheme=sch, kind="year", start=date(2025, 1, 1)), n


def rows_for(n: int, points: tuple[int, int, int]) -> list[tuple[int, dict]]:
    return [
        (
            2 + 3 * i + k,
            {
                "person": f"P{i:06d}",
                "node": "个性指标",
                "name": f"指标{k + 1}",
                "points": p,
                "target": "目标",
            },
        )
        for i in range(n)
        for k, p in enumerate(points)
    ]


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    from django.contrib.auth import get_user_model

    from kaohe.accounts.models import RoleGrant
    from kaohe.appraisal.inputs import people_of
    from kaohe.appraisal.inputs_personal import personal_table
    from kaohe.appraisal.models import PersonalIndicator
    from kaohe.appraisal.selectors_personal import period_nodes
    from kaohe.appraisal.services.personal import import_personal_indicators

    t = time.perf_counter()
    period, n = generate()
    office = get_user_model().objects.create_user("bench-office")
    RoleGrant.objects.create(user=office, role="office", unit=period.unit)
    print(f"generated {n:,} people in {time.perf_counter() - t:.1f} s")

    first = rows_for(n, (20, 20, 20))
    t = time.perf_counter()
    got = import_personal_indicators(actor=office, period=period, sheet="个性指标", rows=first)
    print(f"import, first ({got:,} indicators, every check): {time.perf_counter() - t:.2f} s")
    PersonalIndicator.objects.filter(period=period).update(score=15)
    with connection.cursor() as c:
        c.execute("ANALYZE appraisal_personalindicator")

    index = {
        pid: i for i, pid in enumerate(people_of(period).order_by("staff_no").values_list("id", flat=True))
    }
    nodes = period_nodes(period)
    best = []
    for _ in range(3):
        t = time.perf_counter()
        table = personal_table(period, nodes, index)
        best.append(time.perf_counter() - t)
    print(f"gather personal ({len(table):,} rows): best of 3 {min(best):.2f} s")

    again = rows_for(n, (30, 20, 10))  # two of three indicators change points: their scores are cleared
    t = time.perf_counter()
    import_personal_indicators(actor=office, period=period, sheet="个性指标", rows=again)
    print(f"import, over the stored rows (update): {time.perf_counter() - t:.2f} s")


if __name__ == "__main__":
    main()
