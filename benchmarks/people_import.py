"""The people import with the schemes' attributes (issue 15): 100,000 people in one workbook, with
one column per attribute of the scheme attached for the year, through the real importer
(``kaohe.org.excel.import_workbook``: the safe reader, every check, the services, the audit events,
all or nothing), on a fresh database.

    # SQLite (a fresh file)
    DATABASE_URL=sqlite:////tmp/kaohe_bench_attrs.sqlite3 \\
        .venv/bin/python benchmarks/people_import.py --people 100000
    # PostgreSQL (a fresh database, dropped and created by the script)
    DATABASE_URL=postgres://root@127.0.0.1:5432/kaohe_bench_attrs \\
        .venv/bin/python benchmarks/people_import.py --people 100000

The generator writes the workbook once (``--file``, default /tmp/kaohe_bench_people.xlsx; reused when
it exists for the same ``--people``): 200 units under one root, people spread over them, the built-in
columns, and the attributes 身份类别 (three values), 岗位类型 (three) and 系数档次 (six) of the scheme
attached at the root. It prints the time of the first import (every person created) and of a second
import of the same file (every person unchanged, every attribute rewritten).
"""

import argparse
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.settings")

YEAR = 2025
UNITS = 200
SCHEME = f"""
scheme: 导入基准方案
year: {YEAR}
period: year
version: "bench"
attributes:
  identity: {{label: 身份类别, values: [班子成员, 中层干部, 普通工作人员]}}
  post_type: {{label: 岗位类型, values: [管理岗, 技术岗, 工勤岗]}}
  系数档次: {{values: [一档, 二档, 三档, 四档, 五档, 六档]}}
tracks:
  班子成员: {{identity: 班子成员}}
  中层干部: {{identity: 中层干部}}
  管理岗: {{post_type: 管理岗}}
  技术岗: {{post_type: 技术岗}}
  工勤岗: {{post_type: 工勤岗}}
components:
  实绩: {{share: 100%, indicators: {{业务: {{points: 100}}}}}}
coefficients:
  岗位系数: {{kind: static, attribute: 系数档次, levels: {{一档: 1.18, 二档: 1.14, 三档: 1.1, 四档: 1.06, 五档: 1.03, 六档: 1.0}}}}
grading:
  grades: [优秀, 合格]
"""
IDENTITIES = ("班子成员", "中层干部", "普通工作人员")
POSTS = ("管理岗", "技术岗", "工勤岗")
LEVELS = ("一档", "二档", "三档", "四档", "五档", "六档")


def _fresh_database() -> None:
    """Drop and create the database DATABASE_URL names (a SQLite file is removed)."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return
    if url.startswith("postgres"):
        base, _sep, name = url.rpartition("/")
        for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
            subprocess.run(["psql", f"{base}/postgres", "-q", "-c", sql], check=True)
        return
    raise SystemExit("set DATABASE_URL to a sqlite:/// file or a postgres:// database")


def _xlsx(path: Path, sheets: list[tuple[str, list[list[object]]]]) -> None:
    """A minimal .xlsx as Excel writes one: text in the shared-strings table, dates as serial numbers
    with a date style. (openpyxl's write-only mode writes every text inline, which no office file
    does and which reads several times slower.)"""
    import zipfile
    from datetime import date as _date
    from xml.sax.saxutils import escape

    from openpyxl.utils import get_column_letter

    strings: dict[str, int] = {}
    sheet_xml = []
    for _name, rows in sheets:
        out = [
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        ]
        for r, row in enumerate(rows, start=1):
            cells = []
            for c, value in enumerate(row, start=1):
                ref = f"{get_column_letter(c)}{r}"
                if value is None or value == "":
                    continue
                if isinstance(value, _date):
                    cells.append(f'<c r="{ref}" s="1"><v>{(value - _date(1899, 12, 30)).days}</v></c>')
                elif isinstance(value, int | float):
                    cells.append(f'<c r="{ref}"><v>{value}</v></c>')
                else:
                    i = strings.setdefault(str(value), len(strings))
                    cells.append(f'<c r="{ref}" t="s"><v>{i}</v></c>')
            out.append(f'<row r="{r}">{"".join(cells)}</row>')
        out.append("</sheetData></worksheet>")
        sheet_xml.append("".join(out))
    ns = "http://schemas.openxmlformats.org"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                for i in range(1, len(sheets) + 1)
            )
            + "</Types>",
        )
        z.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        z.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}/spreadsheetml/2006/main" '
            f'xmlns:r="{ns}/officeDocument/2006/relationships"><sheets>'
            + "".join(
                f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
                for i, (name, _r) in enumerate(sheets, 1)
            )
            + "</sheets></workbook>",
        )
        n = len(sheets)
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/relationships">'
            + "".join(
                f'<Relationship Id="rId{i}" Type="{ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, n + 1)
            )
            + f'<Relationship Id="rId{n + 1}" Type="{ns}/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId{n + 2}" Type="{ns}/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>",
        )
        z.writestr(
            "xl/styles.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{ns}/spreadsheetml/2006/main">'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
            '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>",
        )
        z.writestr(
            "xl/sharedStrings.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{ns}/spreadsheetml/2006/main" count="{len(strings)}" '
            f'uniqueCount="{len(strings)}">'
            + "".join(f"<si><t>{escape(t)}</t></si>" for t in strings)
            + "</sst>",
        )
        for i, xml in enumerate(sheet_xml, start=1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", xml)


def write_workbook(path: Path, people: int) -> None:
    """The import file: 单位 (the root and 200 units) and 人员 (``people`` rows with attributes)."""
    from kaohe.org.excel import PEOPLE_COLUMNS, PEOPLE_SHEET, UNIT_COLUMNS, UNIT_SHEET

    units: list[list[object]] = [[c.header for c in UNIT_COLUMNS if not c.optional_header]]
    units.append(["ROOT", "基准县", "党委政府", ""])
    units += [[f"U{u:03d}", f"单位{u:03d}", "机关部门", "ROOT"] for u in range(UNITS)]
    headers = [c.header for c in PEOPLE_COLUMNS if not c.optional_header]
    rows: list[list[object]] = [
        headers + ["身份类别（考核属性）", "岗位类型（考核属性）", "系数档次（考核属性）"]
    ]
    start = date(2015, 7, 1)
    for i in range(people):
        rows.append(
            [
                f"P{i:06d}",
                f"人员{i:06d}",
                "男" if i % 2 else "女",
                "",
                f"U{i % UNITS:03d}",
                "",
                ("班子成员", "中层干部", "一般干部")[min(i % 50, 2)],
                "在编",
                "管理岗",
                "初级",
                start,
                "",
                IDENTITIES[min(i % 50, 2)],
                POSTS[i % 3],
                LEVELS[i % 6],
            ]
        )
    _xlsx(path, [(UNIT_SHEET, units), (PEOPLE_SHEET, rows)])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--file", type=Path, default=Path("/tmp/kaohe_bench_people.xlsx"))
    parser.add_argument("--keep", action="store_true", help="do not recreate the database")
    args = parser.parse_args()
    if not args.keep:
        _fresh_database()
    os.environ.setdefault("KAOHE_MAX_UPLOAD_BYTES", str(64 * 1024 * 1024))
    import django

    django.setup()
    from django.core.management import call_command

    from kaohe.appraisal.services.schemes import attach_scheme, import_scheme
    from kaohe.org.excel import import_workbook
    from kaohe.org.models import PersonAttribute, Unit
    from kaohe.org.services import create_unit

    call_command("migrate", verbosity=0)
    marker = args.file.with_suffix(".people2")
    if not args.file.exists() or not marker.exists() or marker.read_text() != str(args.people):
        t = time.perf_counter()
        write_workbook(args.file, args.people)
        marker.write_text(str(args.people))
        print(
            f"wrote {args.file} ({args.file.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t:.1f} s"
        )
    print(f"database: {django.db.connection.vendor}; file {args.file.stat().st_size / 1e6:.1f} MB")
    # The root first, so that the scheme can be attached to it before the file comes.
    root = Unit.objects.filter(code="ROOT").first() or create_unit(
        actor=None, code="ROOT", name="基准县", kind="party_government", parent=None
    )
    scheme = import_scheme(actor=None, text=SCHEME)
    attach_scheme(actor=None, scheme=scheme, unit=root)
    for label in ("first import (all created)", "second import (all unchanged)"):
        t, cpu = time.perf_counter(), time.process_time()
        result = import_workbook(args.file, actor=None, filename="bench.xlsx", year=YEAR)
        seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
        assert result.ok, result.issues[:5]
        print(
            f"{label}: {seconds:.1f} s wall, {cpu:.1f} s CPU of this process, load {os.getloadavg()[0]:.1f} — people created {result.people_created}, updated "
            f"{result.people_updated}, unchanged {result.people_unchanged}; attributes {result.attributes_set}"
        )
    assert PersonAttribute.objects.filter(year=YEAR).count() == 3 * args.people


if __name__ == "__main__":
    main()
