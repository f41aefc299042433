"""The safe Excel reader and the download response: no database, workbooks made in the test."""

import io
import time
import urllib.parse
import zipfile

import pytest
from openpyxl import Workbook

from kaohe.platform.downloads import content_disposition
from kaohe.platform.errors import Refusal
from kaohe.platform.excel import Row, read_workbook, workbook_bytes, xlsx_response
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


def test_the_response_carries_the_workbook_and_its_name():
    wb = Workbook()
    wb.active.append(["a"])
    response = xlsx_response(wb, "考核结果.xlsx")
    assert response["Content-Type"] == XLSX
    assert "filename*=UTF-8''%E8%80%83%E6%A0%B8%E7%BB%93%E6%9E%9C.xlsx" in response["Content-Disposition"]
    assert read_workbook(response.content, max_rows=5, max_cols=5) == {"Sheet": [Row(1, ("a",))]}
    assert xlsx_response(b"PK", "a.xlsx").content == b"PK"
