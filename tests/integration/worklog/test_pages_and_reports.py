"""The pages call the services; the Excel summary and the Word notice hold the right figures."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kaohe.platform.uploads import DOCX
from kaohe.worklog import jobs
from kaohe.worklog.models import WorkLog

from .conftest import THU, TUE, WED, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_week(org, write):
    write(day=TUE, now=at(TUE))
    write(day=WED, now=at(WED))
    jobs.close_days(now=at(WED, 11))
    jobs.close_days(now=at(THU, 11))  # b1 and a1 missed Tue and Wed → notices


def test_staff_write_page_refuses_an_empty_log_with_a_message(org, login, settings):
    client = login("staff")
    response = client.post(reverse("worklog:write"), {"content": ""})
    assert response.status_code == 200 and not WorkLog.objects.exists()


def test_excel_summary_holds_the_rates(org, login, closed_week):
    response = login("office").get(
        reverse("worklog:summary_xlsx"), {"unit": org.root.pk, "period": "month", "day": "2025-06-04"}
    )
    assert response["Content-Disposition"] == (
        "attachment; filename=\"worklog-month-20250601.xlsx\"; filename*=UTF-8''worklog-month-20250601.xlsx"
    )
    wb = load_workbook(BytesIO(response.content))
    sections = {row[0]: row for row in wb.worksheets[0].iter_rows(min_row=2, values_only=True)}
    a = sections["党政办"]
    assert a[1:5] == (2, 4, 2, 0.5)  # 2 people, 4 working days, 2 logs, fill rate 50 %
    assert sections["财政所"][4] == 0.0
    people = {row[0]: row for row in wb.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert people["李二"][4] == 1.0
    assert wb.worksheets[2].max_row == 3  # two notices


def test_word_notice_lists_rates_and_the_people_with_consecutive_misses(org, login, closed_week):
    from docx import Document

    from kaohe.audit.chain import seal_all
    from kaohe.audit.models import Seal

    seal_all()
    response = login("office").get(
        reverse("worklog:notice"), {"unit": org.root.pk, "period": "month", "day": "2025-06-04"}
    )
    assert response["Content-Type"] == DOCX
    assert 'filename="notice-20250601.docx"' in response["Content-Disposition"]
    doc = Document(BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "履职纪实填报审阅情况的通报" in text
    assert "王三" in text and "张一" in text and "李二" not in text
    seal = Seal.objects.order_by("-last_seq").first()
    assert f"{seal.last_seq}:{seal.head_hash}" in text
    table = doc.tables[0]
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows}
    assert rows["党政办"][2] == "50.0%" and rows["合计"][1] == "6"
    sec = doc.sections[0]
    assert round(sec.top_margin.mm) == 37 and round(sec.left_margin.mm) == 28


def test_rates_and_summary_pages_render_with_a_fixed_number_of_queries(
    org, login, closed_week, django_assert_max_num_queries
):
    client = login("office")
    with django_assert_max_num_queries(20):
        response = client.get(reverse("worklog:rates"), {"period": "month", "day": "2025-06-04"})
    assert "李二" in response.content.decode()
    assert client.get(reverse("worklog:summary"), {"period": "week", "day": "2025-06-04"}).status_code == 200


def test_calendar_page_warns_about_an_unknown_year(org, login):
    response = login("office").get(reverse("worklog:calendar"), {"month": "2099-01"})
    assert 'id="calendar-warning"' in response.content.decode()
    response = login("office").post(
        reverse("worklog:calendar"), {"day": "2099-01-01", "kind": "rest", "note": "元旦"}
    )
    assert response.status_code == 302
    response = login("office").get(reverse("worklog:calendar"), {"month": "2099-01"})
    assert "for 2099" not in response.content.decode()


def test_achievement_declared_by_reviewer_and_accepted_by_office(org, login):
    from kaohe.worklog.models import Achievement

    month = date.today().strftime("%Y-%m")
    response = login("reviewer").post(
        reverse("worklog:achievements"),
        {"person": org.a2.pk, "month": month, "section": "key_work", "text": "完成项目"},
    )
    assert response.status_code == 302
    record = Achievement.objects.get()
    login("office").post(reverse("worklog:achievement_decide", args=[record.pk]), {"accept": "1"})
    record.refresh_from_db()
    assert record.status == "accepted"


def test_api_write_return_resubmit_approve(org, login, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TUE)
    monkeypatch.setattr(timezone, "now", lambda: at(TUE))
    staff, reviewer = login("staff"), login("reviewer")
    r = staff.post(
        "/api/worklog/logs",
        {"day": "2025-06-03", "content": "走访", "tags": ["key_task"]},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    log_id = r.json()["id"]
    r = staff.post(
        "/api/worklog/logs", {"day": "2025-06-03", "content": "again"}, content_type="application/json"
    )
    assert r.status_code == 422 and r.json()["detail"]  # a second log for the day, with the reason
    assert reviewer.get("/api/worklog/queue").json()["count"] == 1
    r = reviewer.post(
        f"/api/worklog/logs/{log_id}/return", {"comment": "补充"}, content_type="application/json"
    )
    assert r.json()["status"] == "returned"
    r = staff.put(f"/api/worklog/logs/{log_id}", {"content": "走访3户"}, content_type="application/json")
    assert r.json()["status"] == "submitted"
    r = reviewer.post("/api/worklog/approve", {"ids": [log_id]}, content_type="application/json")
    assert r.json() == {"approved": 1}
    assert login("outsider").get(f"/api/worklog/logs/{log_id}").status_code == 404
    r = staff.post("/api/worklog/logs", {"content": "x\u0000"}, content_type="application/json")
    assert r.status_code == 422
