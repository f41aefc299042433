"""The safe Excel reader and the download response: no database, workbooks made in the test."""

import io
import re
import time
import urllib.parse
import zipfile

import pytest
from openpyxl import Workbook
from openpyxl.styles import Font

from kaohe.platform.downloads import content_disposition
from kaohe.platform.errors import Refusal
from kaohe.platform.excel import Row, WorkbookRefusal, read_workbook, workbook_bytes, xlsx_response
from kaohe.platform.uploads import XLSX


def _book(**sheets: list[list]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    return workbook_bytes(wb)


def _rewrite(data: bytes, member: str, change) -> bytes:
    """The workbook ``data`` with one zip member's text changed by ``change``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == member:
                body = change(body.decode()).encode()
            dst.writestr(info.filename, body)
    return out.getvalue()


def test_rows_come_with_their_excel_numbers_and_empty_rows_are_left_out():
    data = _book(人员=[["工号", "姓名"], [None, None], ["001", "张三", None], ["", "  "], ["002", "李四"]])
    assert read_workbook(data, max_rows=10, max_cols=5) == {
        "人员": [Row(1, ("工号", "姓名")), Row(3, ("001", "张三")), Row(5, ("002", "李四"))]
    }


def test_only_the_named_sheets_are_read_and_a_missing_one_is_left_out():
    data = _book(说明=[["read me"]], 单位=[["代码"]], 人员=[["工号"]])
    assert list(read_workbook(data, sheets=["人员", "单位", "岗位"], max_rows=5, max_cols=5)) == [
        "单位",
        "人员",
    ]
    assert list(read_workbook(data, max_rows=5, max_cols=5)) == ["说明"]  # the first sheet by default


def test_a_tiny_file_that_declares_the_whole_sheet_is_read_in_no_time():
    data = _rewrite(
        _book(Sheet=[["a", "b"]]),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace('<dimension ref="A1:B1"/>', '<dimension ref="A1:XFD1048576"/>'),
    )
    assert b"A1:XFD1048576" in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert len(data) < 6000
    started = time.perf_counter()
    assert read_workbook(data, max_rows=1000, max_cols=50) == {"Sheet": [Row(1, ("a", "b"))]}
    assert time.perf_counter() - started < 2  # trusting the dimension pads out 17 billion cells


def test_content_below_the_row_limit_is_refused_naming_the_file_and_the_sheet():
    data = _book(人员=[["n"], *[[i] for i in range(5)]])
    assert len(read_workbook(data, max_rows=6, max_cols=3)["人员"]) == 6
    with pytest.raises(Refusal) as caught:
        read_workbook(data, max_rows=5, max_cols=3, filename="people.xlsx")
    assert caught.value.code == "too_many_rows"
    assert "people.xlsx" in str(caught.value) and "人员" in str(caught.value) and "5" in str(caught.value)


def test_content_right_of_the_column_limit_is_refused():
    data = _book(Sheet=[["a", "b", "c"]])
    assert read_workbook(data, max_rows=5, max_cols=3)["Sheet"] == [Row(1, ("a", "b", "c"))]
    with pytest.raises(Refusal) as caught:
        read_workbook(data, max_rows=5, max_cols=2, filename="kpi.xlsx")
    assert caught.value.code == "too_many_columns" and "kpi.xlsx" in str(caught.value)


def _declare(data: bytes, ref: str | None) -> bytes:
    """``data`` with its first sheet's declared size set to ``ref`` (or removed, for None)."""
    tag = f'<dimension ref="{ref}"/>' if ref else ""
    return _rewrite(
        data, "xl/worksheets/sheet1.xml", lambda xml: re.sub(r'<dimension ref="[^"]*"\s*/>', tag, xml)
    )


@pytest.mark.parametrize("ref", [None, "A1:B1"])  # undeclared, or declared narrower than it is
def test_content_far_right_of_the_limit_is_refused_past_empty_columns(ref):
    data = _declare(_book(Sheet=[["a", None, None, None, "far"]]), ref)
    with pytest.raises(WorkbookRefusal) as caught:
        read_workbook(data, max_rows=5, max_cols=2)
    assert caught.value.code == "too_many_columns"
    assert read_workbook(data, max_rows=5, max_cols=5) == {"Sheet": [Row(1, ("a", None, None, None, "far"))]}


def test_rows_padded_out_to_a_formatted_empty_cell_are_read_within_bounds():
    wb = Workbook()
    ws = wb.active
    for r in range(1, 4):
        ws.cell(row=r, column=1, value=f"r{r}")
        ws.cell(row=r, column=8).font = Font(bold=True)  # written as an empty cell in column H
    data = workbook_bytes(wb)
    # three rows of 8 cells fit the 6 × 6 cells that rows at the limit would take...
    assert read_workbook(data, max_rows=5, max_cols=5) == {"Sheet": [Row(r, (f"r{r}",)) for r in (1, 2, 3)]}
    ws.cell(row=1, column=16384).font = Font(bold=True)  # ...one padded out to column XFD does not
    with pytest.raises(WorkbookRefusal) as caught:
        read_workbook(workbook_bytes(wb), max_rows=5, max_cols=5)
    assert caught.value.code == "too_many_columns"


def test_refuse_declared_refuses_a_sheet_by_the_size_it_declares_before_reading_a_row():
    data = _declare(_book(人员=[["a", "b"]]), "A1:XFD1048576")
    assert read_workbook(data, max_rows=100, max_cols=10) == {"人员": [Row(1, ("a", "b"))]}
    with pytest.raises(WorkbookRefusal) as caught:
        read_workbook(data, max_rows=100, max_cols=10, filename="huge.xlsx", refuse_declared=True)
    assert caught.value.code == "declared_too_large" and caught.value.sheet == "人员"
    assert all(part in str(caught.value) for part in ("huge.xlsx", "人员", "100", "10"))


@pytest.mark.parametrize(("ref", "refused"), [("A1:J100", False), ("A1:J101", True), ("A1:K2", True)])
def test_refuse_declared_allows_the_limits_exactly(ref, refused):
    data = _declare(_book(Sheet=[["a"]]), ref)
    if refused:
        with pytest.raises(WorkbookRefusal):
            read_workbook(data, max_rows=100, max_cols=10, refuse_declared=True)
    else:
        assert read_workbook(data, max_rows=100, max_cols=10, refuse_declared=True) == {
            "Sheet": [Row(1, ("a",))]
        }


def test_a_refusal_is_a_refusal_that_names_its_sheet_or_none():
    with pytest.raises(WorkbookRefusal) as whole:
        read_workbook(b"name,age\n", max_rows=5, max_cols=5)
    with pytest.raises(WorkbookRefusal) as one:
        read_workbook(_book(说明=[["x"]], 人员=[["a"], ["b"]]), sheets=["人员"], max_rows=1, max_cols=5)
    assert isinstance(whole.value, Refusal) and whole.value.sheet == ""
    assert one.value.code == "too_many_rows" and one.value.sheet == "人员"


def test_a_zip_bomb_is_refused_before_openpyxl_opens_it():
    bomb = _rewrite(
        _book(Sheet=[["a"]]),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace("<sheetData>", "<sheetData>" + " " * 3_000_000),
    )
    assert len(bomb) < 30_000
    with pytest.raises(Refusal) as caught:
        read_workbook(bomb, max_rows=5, max_cols=5, filename="bomb.xlsx")
    assert caught.value.code == "unpacks_too_much" and "bomb.xlsx" in str(caught.value)
    # the same content is read when its ratio is allowed: the refusal is the ratio's doing
    assert read_workbook(bomb, max_rows=5, max_cols=5, max_ratio=100_000) == {"Sheet": [Row(1, ("a",))]}
    with pytest.raises(Refusal):
        read_workbook(bomb, max_rows=5, max_cols=5, max_ratio=100_000, max_unpacked=1_000_000)


def test_size_and_type_are_judged_by_the_bytes():
    with pytest.raises(Refusal) as caught:
        read_workbook(_book(Sheet=[["a"]]), max_rows=5, max_cols=5, max_bytes=100)
    assert caught.value.code == "too_large"
    for not_xlsx in (b"%PDF-1.7", b"PK\x03\x04broken", b"name,age\n"):
        with pytest.raises(Refusal) as caught:
            read_workbook(not_xlsx, max_rows=5, max_cols=5)
        assert caught.value.code == "not_xlsx"


def test_an_upload_is_read_from_the_start_and_named_by_its_name():
    upload = io.BytesIO(_book(Sheet=[["x"]] * 3))
    upload.name = "上传.xlsx"
    upload.read(10)
    assert len(read_workbook(upload, max_rows=5, max_cols=5)["Sheet"]) == 3
    with pytest.raises(Refusal, match="上传.xlsx"):
        read_workbook(upload, max_rows=2, max_cols=5)


def test_a_chinese_file_name_is_sent_as_rfc_5987_with_an_ascii_fallback():
    header = content_disposition('人员名单 "2026".xlsx')
    assert header.startswith('attachment; filename="____ _2026_.xlsx"; ')
    encoded = header.split("filename*=UTF-8''", 1)[1]
    assert all(ord(c) < 128 and c not in ' ";' for c in encoded)
    assert urllib.parse.unquote(encoded) == '人员名单 "2026".xlsx'


def test_an_ascii_fallback_name_may_be_given_beside_the_chinese_one():
    header = content_disposition("示范镇2026年12月考核结果.xlsx", fallback="results-2026-12.xlsx")
    assert header.startswith("attachment; filename=\"results-2026-12.xlsx\"; filename*=UTF-8''")
    assert urllib.parse.unquote(header.split("''", 1)[1]) == "示范镇2026年12月考核结果.xlsx"
    assert 'filename="a_b_.xlsx"' in content_disposition("x.xlsx", fallback='a"b名.xlsx')


def test_a_name_with_a_slash_or_a_control_character_stays_one_file_name():
    header = content_disposition("党政/综合办\\\n名册.xlsx")
    assert header.startswith('attachment; filename="__________.xlsx"; ')
    assert urllib.parse.unquote(header.split("''", 1)[1]) == "党政_综合办__名册.xlsx"


def test_the_response_carries_the_workbook_and_its_name():
    wb = Workbook()
    wb.active.append(["a"])
    response = xlsx_response(wb, "考核结果.xlsx")
    assert response["Content-Type"] == XLSX
    assert "filename*=UTF-8''%E8%80%83%E6%A0%B8%E7%BB%93%E6%9E%9C.xlsx" in response["Content-Disposition"]
    assert read_workbook(response.content, max_rows=5, max_cols=5) == {"Sheet": [Row(1, ("a",))]}
    assert xlsx_response(b"PK", "a.xlsx").content == b"PK"
    assert (
        'filename="kpi.xlsx"' in xlsx_response(b"PK", "指标.xlsx", fallback="kpi.xlsx")["Content-Disposition"]
    )


def test_the_fast_sheet_reader_gives_what_openpyxl_gives():
    """Shared and inline strings, whole and decimal numbers, dates and times by their style, booleans,
    gaps between cells and between rows: the same values as openpyxl's own reader."""
    import datetime as dt

    from openpyxl import Workbook as Book
    from openpyxl import load_workbook as load

    from kaohe.platform.excel import _fast_rows

    def rows_of(data: bytes):
        wb = load(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb.active
        fast = [(n, v) for n, v in _fast_rows(ws, 100)]
        ws.reset_dimensions()
        slow = [(n, v) for n, v in enumerate(ws.iter_rows(min_row=1, max_row=100, values_only=True), 1) if v]
        wb.close()
        return fast, slow

    book = Book()
    ws = book.active
    ws.append(["工号", "姓名", 3, 2.5, True, dt.datetime(2024, 3, 1), dt.date(1990, 5, 4)])
    ws.append([None, "空格 ", 0, -1e-7, False, None, "=1+1"])
    ws["D5"] = "gap"
    ws["J5"] = dt.time(8, 30)
    ws.cell(row=7, column=2, value=12345678901234)
    for data in (workbook_bytes(book),):
        fast, slow = rows_of(data)
        assert fast == slow and len(fast) == 4
    streamed = Book(write_only=True)  # inline strings, as a write-only openpyxl writes them
    sheet = streamed.create_sheet("S")
    sheet.append(["内联", 1, None, "字符串"])
    sheet.append([])
    sheet.append([None, None, "第三行"])
    fast, slow = rows_of(workbook_bytes(streamed))
    assert fast == slow == [(1, ("内联", 1, None, "字符串")), (3, (None, None, "第三行"))]
