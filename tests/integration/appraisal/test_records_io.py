"""Person records through the pages, the Excel import and the API (with a token)."""

from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from kaohe.accounts.services import create_api_token
from kaohe.appraisal.models import PersonResult, Score
from kaohe.appraisal.services.periods import create_period, link_campaign, start_scoring
from kaohe.appraisal.services.results import compute_period
from kaohe.appraisal.services.schemes import attach_scheme, import_scheme
from kaohe.appraisal.services.scoring import get_or_create_sheet
from kaohe.org.models import PersonRecord, RecordEvidence
from kaohe.presets import load_preset
from tests.integration.appraisal import helpers
from tests.integration.appraisal.helpers import in_english, messages

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n"


@pytest.fixture
def national(org):
    sch = import_scheme(actor=None, text=load_preset("national_civil_servant_annual").scheme_text())
    attach_scheme(actor=None, scheme=sch, unit=org.root)
    return sch


def _post_record(client, **values):
    data = {
        "person": "A002",
        "kind": "sanction",
        "item": "警告",
        "start": "2025-07-01",
        "end": "",
        "note": "",
    }
    return client.post("/appraisal/records/new/", data | values)


def test_the_office_enters_a_record_with_evidence_and_sees_it_on_the_person_page(org, national, login):
    client = login("office")
    upload = SimpleUploadedFile("决定.pdf", PDF, content_type="application/pdf")
    response = _post_record(client, evidence=upload, note="违反工作纪律")
    rec = PersonRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/appraisal/records/{rec.pk}/"
    assert (rec.person, rec.kind, rec.item, rec.start, rec.note) == (
        org.a2,
        "sanction",
        "警告",
        date(2025, 7, 1),
        "违反工作纪律",
    )
    ev = RecordEvidence.objects.get(record=rec)
    assert client.get(f"/appraisal/records/files/{ev.pk}/").getvalue() == PDF
    page = client.get(f"/org/people/{org.a2.pk}/").content.decode()
    assert 'id="person-records"' in page and "警告" in page and "2025-07-01" in page
    staff_page = login("staff").get(f"/org/people/{org.a2.pk}/").content.decode()
    assert 'id="person-records"' not in staff_page


def test_the_page_refuses_a_bad_item_and_writes_nothing(org, national, login):
    response = _post_record(in_english(login("office")), item="开除")
    assert response.status_code == 200
    text = messages(response)
    assert "“开除” is not named by any scheme of 党政办" in text and "记大过" in text
    assert not PersonRecord.objects.exists()


def test_the_page_refuses_an_end_before_the_start(org, national, login):
    response = _post_record(in_english(login("office")), kind="probation", item="试用期", end="2025-06-30")
    assert "end: 2025-06-30 is before the start 2025-07-01" in messages(response)
    assert not PersonRecord.objects.exists()


def test_the_inspector_is_not_offered_probation(org, national, login):
    response = _post_record(login("inspector"), kind="probation", item="试用期")
    assert response.status_code == 200 and not PersonRecord.objects.exists()
    assert 'value="probation"' not in response.content.decode()
    assert '<option value="记大过">' in response.content.decode()  # the items the schemes name


def test_the_list_searches_by_person_kind_and_dates(org, national, login):
    client = login("office")
    _post_record(client)
    _post_record(
        client, person="B001", kind="investigation", item="立案审查", start="2025-03-01", end="2025-04-30"
    )
    found = client.get("/appraisal/records/", {"kind": "investigation"}).content.decode()
    assert "王三" in found and "李二" not in found
    found = client.get("/appraisal/records/", {"q": "李二"}).content.decode()
    assert "李二" in found and "王三" not in found
    found = client.get("/appraisal/records/", {"since": "2025-05-01"}).content.decode()
    assert "李二" in found and "王三" not in found  # the investigation ended in April
    found = client.get("/appraisal/records/", {"until": "2025-06-30"}).content.decode()
    assert "王三" in found and "李二" not in found


def test_ending_and_deleting_from_the_record_page(org, national, login):
    client = login("office")
    _post_record(client, kind="investigation", item="立案审查")
    rec = PersonRecord.objects.get()
    client.post(f"/appraisal/records/{rec.pk}/end/", {"end": "2025-06-01"})
    rec.refresh_from_db()
    assert rec.end is None  # before the start: refused
    client.post(f"/appraisal/records/{rec.pk}/end/", {"end": "2025-08-01"})
    rec.refresh_from_db()
    assert rec.end == date(2025, 8, 1)
    client.post(f"/appraisal/records/{rec.pk}/delete/")
    assert not PersonRecord.objects.exists()


def _workbook(rows, header=("工号", "姓名", "记录类型", "事项", "开始日期", "结束日期", "备注")):
    wb = Workbook()
    ws = wb.active
    ws.title = "人员记录"
    ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    out = BytesIO()
    wb.save(out)
    return SimpleUploadedFile("记录.xlsx", out.getvalue())


def test_the_template_offers_the_kinds_and_the_schemes_items(org, national, login):
    response = login("inspector").get("/appraisal/records/import/template/")
    wb = load_workbook(BytesIO(response.getvalue()))
    assert [c.value for c in wb["人员记录"][1]] == [
        "工号",
        "姓名",
        "记录类型",
        "事项",
        "开始日期",
        "结束日期",
        "备注",
    ]
    kinds = [r[0].value for r in wb["可选值"].iter_rows(min_row=2) if r[0].value]
    items = [r[1].value for r in wb["可选值"].iter_rows(min_row=2) if r[1].value]
    assert kinds == ["处分", "立案审查", "否决事项"]  # the inspector: discipline only
    assert "记大过" in items and "立案审查" in items and "试用期" not in items
    formulas = sorted(dv.formula1 for dv in wb["人员记录"].data_validations.dataValidation)
    assert formulas == ["=可选值!$A$2:$A$4", f"=可选值!$B$2:$B${len(items) + 1}"]


def test_the_import_is_all_or_nothing_with_every_problem_placed(org, national, login):
    client = in_english(login("office"))
    bad = _workbook(
        [
            ("A002", "李二", "处分", "警告", date(2025, 7, 1), None, ""),
            ("A009", "无人", "处分", "警告", "2025-07-01", None, ""),
            ("B001", "王三", "降职", "警告", "2025-07-01", None, ""),
            ("B001", "王三", "试用期", "试用期", "2025-07-01", "2025-06-01", ""),
            ("A001", "张一", "处分", "开除", "2025/07/01", None, ""),
            ("A001", "张一", "立案审查", "立案审查", "七月", None, ""),
        ]
    )
    response = client.post("/appraisal/records/import/", {"workbook": bad})
    text = messages(response)
    assert "sheet 人员记录, row 3, column 工号: no person A009 in your units" in text
    assert "sheet 人员记录, row 4, column 记录类型: expected one of 处分、试用期、立案审查、否决事项" in text
    assert "sheet 人员记录, row 5, column 结束日期: end: 2025-06-01 is before the start 2025-07-01" in text
    assert "sheet 人员记录, row 6, column 事项: item: “开除” is not named" in text
    assert "sheet 人员记录, row 7, column 开始日期: expected a date such as 2025-04-01" in text
    assert not PersonRecord.objects.exists()
    good = _workbook(
        [
            ("A002", "李二", "处分", "警告", date(2025, 7, 1), None, "通报"),
            ("B001", "王三", "试用期", "试用期", "2025-01-01", "2025-12-31", ""),
        ]
    )
    response = client.post("/appraisal/records/import/", {"workbook": good})
    assert response.status_code == 302
    assert sorted(PersonRecord.objects.values_list("person__staff_no", "kind", "end")) == [
        ("A002", "sanction", None),
        ("B001", "probation", date(2025, 12, 31)),
    ]


def test_the_inspector_cannot_import_probation(org, national, login):
    wb = _workbook([("A002", "李二", "试用期", "试用期", "2025-01-01", None, "")])
    text = messages(in_english(login("inspector")).post("/appraisal/records/import/", {"workbook": wb}))
    assert "sheet 人员记录, row 2, column 记录类型: you may not enter this kind" in text
    assert not PersonRecord.objects.exists()


def test_the_api_reads_and_writes_records_with_a_token(org, national):
    _token, raw = create_api_token(actor=None, user=org.users["inspector"], name="纪委")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    body = {"person_id": org.a2.pk, "kind": "sanction", "item": "记过", "start": "2025-05-01"}
    created = api.post("/api/records", body, content_type="application/json")
    assert created.status_code == 201 and created.json()["item"] == "记过"
    bad = api.post("/api/records", body | {"item": "开除"}, content_type="application/json")
    assert (
        bad.status_code == 422 and "事项：“开除”不在 党政办 适用的任何考核方案中" in bad.json()["detail"]
    )  # Chinese first
    refused = api.post(
        "/api/records", body | {"kind": "probation", "item": "试用期"}, content_type="application/json"
    )
    assert (
        refused.status_code == 422 and "您无权为 李二（A002） 录入“试用期”类记录" in refused.json()["detail"]
    )
    assert [r["item"] for r in api.get("/api/records", {"kind": "sanction"}).json()] == ["记过"]
    rid = created.json()["id"]
    early = api.post(f"/api/records/{rid}/end", {"end": "2025-04-01"}, content_type="application/json")
    assert (
        early.status_code == 422 and "结束日期：2025-04-01 早于开始日期 2025-05-01" in early.json()["detail"]
    )
    assert (
        api.post(f"/api/records/{rid}/end", {"end": "2025-09-01"}, content_type="application/json").json()[
            "end"
        ]
        == "2025-09-01"
    )
    assert api.delete(f"/api/records/{rid}").status_code == 204
    assert not PersonRecord.objects.exists()


def test_the_national_preset_computes_with_records_entered_from_the_pages(org, national, login):
    p = create_period(actor=None, unit=org.root, scheme=national, kind="year", start=date(2025, 1, 1))
    start_scoring(actor=None, period=p)
    sheet = get_or_create_sheet(p, None)
    for person in (org.a1, org.a2, org.b1):
        for name, value in {"德": 14, "能": 14, "勤": 14, "绩": 36, "廉": 14}.items():
            Score.objects.create(
                period=p, person=person, indicator=f"年度评价/{name}", value=value, sheet=sheet
            )
    office, inspector = login("office"), login("inspector")
    _post_record(inspector, person="A001", item="记大过", start="2025-03-01")
    _post_record(
        office, person="B001", kind="probation", item="", start="2025-06-01", end="2026-05-31"
    )  # implied
    _post_record(
        inspector, person="A002", kind="investigation", item="立案审查", start="2025-01-10", end="2025-02-10"
    )
    assert PersonRecord.objects.count() == 3
    campaign = helpers.closed_campaign(
        org.root, [org.a1, org.a2, org.b1], helpers.NATIONAL_OPTIONS, mark="称职"
    )
    link_campaign(actor=None, period=p, campaign=campaign)
    helpers.make_ready(p)
    compute_period(actor=org.users["office"], period=p)
    rows = {
        r.person_id: r for r in PersonResult.objects.filter(result_set__period=p, result_set__current=True)
    }
    assert (rows[org.a1.pk].status, rows[org.b1.pk].status, rows[org.a2.pk].status) == (
        "no_grade",
        "comment_only",
        "",
    )
