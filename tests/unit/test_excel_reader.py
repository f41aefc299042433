"""The import's reader refuses a sheet too large to read, by what it declares or what it holds,
before reading its rows; a normal file reads into rows with their places. No database."""

import io
import re
import zipfile

import pytest
from django.utils import translation
from openpyxl import Workbook

from kaohe.org.excel import importer, reader
from kaohe.org.excel.issues import Collector
from kaohe.org.excel.template import PEOPLE_SHEET, UNIT_COLUMNS, UNIT_SHEET


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def workbook_bytes(rows=(("DZB", "党政综合办公室", "机关部门", ""),)) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = UNIT_SHEET
    ws.append([c.header for c in UNIT_COLUMNS if not c.optional_header])
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def rewrite_sheet(data: bytes, edit) -> bytes:
    """``data`` with the first worksheet's XML passed through ``edit``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = edit(content.decode()).encode()
            target.writestr(info, content)
    return buffer.getvalue()


def declare(ref: str):
    return lambda xml: re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>', xml)


def undeclare(xml: str) -> str:
    return re.sub(r'<dimension ref="[^"]*"\s*/>', "", xml)


def read(data: bytes, filename="units.xlsx"):
    out = Collector()
    units, people = reader.read_workbook(io.BytesIO(data), out, filename=filename)
    return units, people, out


def test_it_reads_rows_with_their_sheet_and_row_number():
    units, people, out = read(workbook_bytes([("A", "甲", "站所", ""), (), ("B", "乙", "乡镇", "A")]))
    assert not out.issues
    assert not people.present
    assert [(r.sheet, r.number, r.values["code"], r.values["kind"]) for r in units.rows] == [
        (UNIT_SHEET, 2, "A", "station"),
        (UNIT_SHEET, 4, "B", "township"),
    ]


def test_a_small_file_declaring_the_whole_grid_is_refused_naming_file_and_sheet():
    data = rewrite_sheet(workbook_bytes(), declare("A1:XFD1048576"))
    assert len(data) < 10_000
    with pytest.raises(reader.Reject) as refused:
        read(data, filename="huge.xlsx")
    issue = refused.value.issue
    assert issue.sheet == UNIT_SHEET
    assert "huge.xlsx" in issue.reason and UNIT_SHEET in issue.reason
    assert str(reader.MAX_ROWS) in issue.reason


@pytest.mark.parametrize("ref", ["A1:D100002", "A1:GS2"])  # one row or one column over the limit
def test_a_sheet_declaring_one_past_a_limit_is_refused(ref):
    with pytest.raises(reader.Reject):
        read(rewrite_sheet(workbook_bytes(), declare(ref)))


def test_a_sheet_declaring_the_limits_exactly_is_read():
    units, _people, out = read(rewrite_sheet(workbook_bytes(), declare("A1:GR100001")))
    assert not out.issues and [r.values["code"] for r in units.rows] == ["DZB"]


def test_a_sheet_declaring_no_size_is_refused_once_its_rows_pass_the_limit(monkeypatch):
    monkeypatch.setattr(reader, "MAX_ROWS", 3)
    rows = [(f"U{i}", "单位", "站所", "") for i in range(3)]  # the header and three rows: four
    data = rewrite_sheet(workbook_bytes(rows), undeclare)
    with pytest.raises(reader.Reject) as refused:
        read(data)
    assert refused.value.issue.sheet == UNIT_SHEET
    units, _people, out = read(rewrite_sheet(workbook_bytes(rows[:2]), undeclare))
    assert len(units.rows) == 2


def test_a_row_wider_than_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(reader, "MAX_COLUMNS", 5)
    data = rewrite_sheet(workbook_bytes([("A", "甲", "站所", "", None, None, "far")]), undeclare)
    with pytest.raises(reader.Reject):
        read(data)


def test_the_refusal_reaches_the_import_as_its_one_issue():
    data = rewrite_sheet(workbook_bytes(), declare("A1:XFD1048576"))
    result = importer.import_workbook(io.BytesIO(data), actor=None, filename="huge.xlsx")
    assert [i.sheet for i in result.issues] == [UNIT_SHEET]
    assert "huge.xlsx" in str(result.issues[0])


def test_people_sheet_is_guarded_too():
    wb = Workbook()
    wb.active.title = PEOPLE_SHEET
    wb.active.append(["工号"])
    buffer = io.BytesIO()
    wb.save(buffer)
    with pytest.raises(reader.Reject) as refused:
        read(rewrite_sheet(buffer.getvalue(), declare("A1:XFD1048576")))
    assert refused.value.issue.sheet == PEOPLE_SHEET


def test_a_sheet_whose_first_row_is_empty_has_no_header():
    wb = Workbook()
    ws = wb.active
    ws.title = UNIT_SHEET
    ws.append([])
    ws.append([c.header for c in UNIT_COLUMNS if not c.optional_header])  # row 2: too late
    ws.append(["DZB", "党政综合办公室", "机关部门", ""])
    buffer = io.BytesIO()
    wb.save(buffer)
    units, _people, out = read(buffer.getvalue())
    assert units.present and not units.rows
    assert {(i.sheet, i.row) for i in out.issues} == {(UNIT_SHEET, 1)}
    assert len(out.issues) == len([c for c in UNIT_COLUMNS if not c.optional_header])


def test_a_file_refused_as_a_whole_names_no_sheet_and_names_the_file():
    with pytest.raises(reader.Reject) as refused:
        read(b"name,age\n", filename="people.csv")
    assert refused.value.issue.sheet == "" and "people.csv" in refused.value.issue.reason
