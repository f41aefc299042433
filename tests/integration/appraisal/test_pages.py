"""The cycle's pages: each form parses its input and shows its errors beside the field (nothing is
changed), a valid one reaches its service; the list and results pages issue a fixed number of queries
whatever the number of rows."""

from datetime import date
from io import BytesIO

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kaohe.appraisal.models import (
    Appeal,
    Claim,
    CommitteeDecision,
    GradeChange,
    Kpi,
    Period,
    ResultSet,
    Scheme,
    SchemeAttachment,
    Score,
    Sheet,
)
from kaohe.appraisal.services.periods import send_to_committee, start_scoring
from kaohe.appraisal.services.scoring import get_or_create_sheet
from tests.conftest import make_person
from tests.integration.appraisal import helpers

pytestmark = pytest.mark.django_db


def _errors(response, field: str, form: str = "form") -> list[str]:
    return response.context[form].errors.get(field, [])


# --- schemes ------------------------------------------------------------------------------------------


def test_a_scheme_file_is_imported_and_a_bad_one_is_refused_with_its_place(org, login):
    client = helpers.in_english(login("office"))
    good = SimpleUploadedFile("s.yaml", helpers.SCHEME.format(version="p1").encode())
    response = client.post("/appraisal/schemes/", {"file": good})
    scheme = Scheme.objects.get(version="p1")
    assert response.status_code == 302 and response["Location"] == f"/appraisal/schemes/{scheme.pk}/"
    bad = SimpleUploadedFile("s.yaml", helpers.SCHEME.format(version="p2").replace("100%", "90%").encode())
    response = client.post("/appraisal/schemes/", {"file": bad}, follow=True)
    assert "components" in helpers.messages(response)
    assert not Scheme.objects.filter(version="p2").exists()


def test_the_scheme_form_says_beside_the_field_what_is_unreadable(org, login):
    client = helpers.in_english(login("office"))
    response = client.post("/appraisal/schemes/", {"file": SimpleUploadedFile("s.yaml", b"\xff\xfe\x00")})
    assert "can't decode byte 0xff" in _errors(response, "file")[0]
    response = client.post("/appraisal/schemes/", {"preset": "999_none"})
    assert _errors(response, "preset") == [
        "Select a valid choice. 999_none is not one of the available choices."
    ]
    assert "999_none is not one of the available choices." in response.content.decode()
    response = client.post("/appraisal/schemes/", {}, follow=True)  # nothing: the engine says what lacks
    assert helpers.messages(response)
    assert not Scheme.objects.exists()
    client.post("/appraisal/schemes/", {"preset": "002_xiacun"})
    assert Scheme.objects.get().preset == "002_xiacun"


def test_attaching_reads_the_unit_kinds_one_per_line(org, login):
    scheme = helpers.scheme()
    client = login("office")
    kinds = "window=机关\nnonsense\n institution = 机关 \n=x"
    response = client.post(
        f"/appraisal/schemes/{scheme.pk}/attach/", {"unit": org.unit_a.pk, "unit_kinds": kinds}
    )
    assert response.status_code == 302
    att = SchemeAttachment.objects.get(scheme=scheme, unit=org.unit_a)
    assert att.unit_kinds == {"window": "机关", "institution": "机关"}
    assert client.post(f"/appraisal/schemes/{scheme.pk}/attach/", {"unit": "abc"}).status_code == 404


def test_the_what_if_preview_counts_the_grades_under_another_scheme(org, login):
    p, rs = helpers.computed(org.root, helpers.values(org))
    other = helpers.scheme("what-if")
    response = login("office").get(f"/appraisal/schemes/{other.pk}/preview/?period={p.pk}")
    assert response.status_code == 200
    assert response.context["error"] == ""
    assert sum(response.context["counts"].values()) == 3
    assert response.context["changes"] == []  # the same rules: no grade changes
    assert ResultSet.objects.filter(period=p).count() == 1  # nothing stored


# --- periods ------------------------------------------------------------------------------------------


def test_a_period_is_created_from_the_form_and_bad_fields_are_named(org, login):
    sch = helpers.scheme()
    client = helpers.in_english(login("office"))
    form = {"unit": org.root.pk, "scheme": sch.pk, "kind": "quarter", "start": "2025-04-02"}
    response = client.post("/appraisal/periods/", form | {"start": "someday", "publicity_days": "0"})
    assert response.status_code == 200
    assert _errors(response, "start") == ["Enter a valid date."]
    assert _errors(response, "publicity_days") == ["Ensure this value is greater than or equal to 1."]
    assert "Enter a valid date." in response.content.decode()
    response = client.post("/appraisal/periods/", form | {"scheme": 999999})
    assert _errors(response, "scheme")
    assert not Period.objects.exists()
    response = client.post("/appraisal/periods/", form | {"publicity_days": "7"})
    period = Period.objects.get()
    assert response["Location"] == f"/appraisal/periods/{period.pk}/"
    assert (period.start, period.end, period.publicity_days, period.appeal_days) == (
        date(2025, 4, 1),
        date(2025, 6, 30),
        7,
        10,
    )


def test_a_reviewer_cannot_create_a_period(org, login):
    sch = helpers.scheme()
    form = {"unit": org.unit_a.pk, "scheme": sch.pk, "kind": "quarter", "start": "2025-04-02"}
    assert login("inspector").post("/appraisal/periods/", form).status_code == 403
    assert not Period.objects.exists()


def test_the_next_step_is_taken_from_the_period_page(org, login):
    p = helpers.period(org.root)
    client = login("office")
    client.post(f"/appraisal/periods/{p.pk}/action/", {"action": "scoring"})
    p.refresh_from_db()
    assert p.state == "scoring"


# --- scoring ------------------------------------------------------------------------------------------


def test_a_sheet_shows_the_stored_scores_and_saves_and_submits_them(org, login):
    p = helpers.period(org.root)
    start_scoring(actor=None, period=p)
    sheet = Sheet.objects.get(period=p, assessor=org.a1)
    client = helpers.in_english(login("reviewer"))
    cells = {f"s-{org.a2.pk}-0": "55", f"s-{org.a2.pk}-1": "35", f"c-{org.a2.pk}-1": " 好 "}
    response = client.post(f"/appraisal/sheets/{sheet.pk}/", cells | {"save": "1"})
    assert response.status_code == 302
    stored = dict(Score.objects.filter(period=p, person=org.a2).values_list("indicator", "value"))
    assert stored == {"实绩/党建": 55, "实绩/业务": 35}
    page = client.get(f"/appraisal/sheets/{sheet.pk}/")
    (row,) = page.context["form"].rows
    assert [c["value"].value() for c in row["cells"]] == ["55", "35"]
    assert 'value="55"' in page.content.decode() and 'value="好"' in page.content.decode()
    client.post(f"/appraisal/sheets/{sheet.pk}/", cells | {"submit": "1"})
    sheet.refresh_from_db()
    assert sheet.status == "submitted"


def test_a_bad_cell_is_shown_with_what_was_typed(org, login):
    p = helpers.period(org.root)
    sheet = get_or_create_sheet(p, org.a1)
    client = helpers.in_english(login("reviewer"))
    response = client.post(f"/appraisal/sheets/{sheet.pk}/", {f"s-{org.a2.pk}-1": "4O"})
    html = response.content.decode()
    assert "4O is not a number." in html and 'value="4O"' in html  # typed input kept
    assert not Score.objects.exists()


def _workbook(rows) -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    buf = BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("kpi.xlsx", buf.getvalue())


def test_the_kpi_form_reads_a_workbook_and_names_the_row_it_refuses(org, login):
    p = helpers.period(org.root)
    client = helpers.in_english(login("office"))
    response = client.post(f"/appraisal/periods/{p.pk}/kpis/", {})
    assert _errors(response, "file") == ["Choose an Excel file."]
    response = client.post(f"/appraisal/periods/{p.pk}/kpis/", {"file": SimpleUploadedFile("k.xlsx", b"a,b")})
    assert _errors(response, "file") == [
        "k.xlsx is not an Excel workbook (.xlsx). Save it in Excel as “Excel workbook (*.xlsx)” and try again."
    ]
    book = _workbook([["工号", "指标", "度量", "实际", "目标"], ["A002", "业务", "", 5, 10]])
    response = client.post(f"/appraisal/periods/{p.pk}/kpis/", {"file": book}, follow=True)
    assert "row 2: 业务 is not one KPI indicator of the scheme." in helpers.messages(response)
    assert not Kpi.objects.exists()


def test_a_kpi_workbook_with_content_far_right_of_the_columns_is_refused_and_nothing_stored(org, login):
    """The KPI import reads with the platform's bounded reader (issue 11: one safe Excel reader)."""
    p = helpers.period(org.root)
    client = helpers.in_english(login("office"))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["工号", "指标", "度量", "实际", "目标"])
    ws.cell(row=2, column=16000, value="x")  # a cell near column XFD
    buf = BytesIO()
    wb.save(buf)
    response = client.post(
        f"/appraisal/periods/{p.pk}/kpis/", {"file": SimpleUploadedFile("k.xlsx", buf.getvalue())}
    )
    (error,) = _errors(response, "file")
    assert "k.xlsx" in error and "columns" in error
    assert not Kpi.objects.exists()


# --- claims, committee, appeals ---------------------------------------------------------------------


def test_a_claim_is_filed_and_decided_from_the_pages(org, login):
    p = helpers.period(org.root)
    staff = helpers.in_english(login("staff"))
    form = {"period": p.pk, "category": "创新", "points": "2", "reason": "改革"}
    response = staff.post("/appraisal/claims/", form | {"period": 999999})
    assert _errors(response, "period") == ["Choose an open period."]
    response = staff.post("/appraisal/claims/", form)
    claim = Claim.objects.get()
    assert response["Location"] == f"/appraisal/claims/{claim.pk}/"
    reviewer = helpers.in_english(login("reviewer"))
    response = reviewer.post(
        f"/appraisal/claims/{claim.pk}/", {"decision": "reject", "note": ""}, follow=True
    )
    assert "Give the reason for rejecting the claim." in helpers.messages(response)
    response = reviewer.post(f"/appraisal/claims/{claim.pk}/", {"note": "x"})
    assert _errors(response, "decision") == ["This field is required."]
    reviewer.post(f"/appraisal/claims/{claim.pk}/", {"decision": "approve", "note": "同意"})
    claim.refresh_from_db()
    assert (claim.status, claim.section_note) == ("section_approved", "同意")


def test_a_claim_carries_its_evidence_files_from_the_page(org, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kaohe.appraisal.models import Evidence

    p = helpers.period(org.root)
    staff = helpers.in_english(login("staff"))
    files = [SimpleUploadedFile(n, b"%PDF-1.4\n% evidence\n", content_type="application/pdf") for n in "ab"]
    form = {"period": p.pk, "category": "创新", "points": "2", "reason": "改革", "evidence": files}
    response = staff.post("/appraisal/claims/", form)
    claim = Claim.objects.get()
    assert response["Location"] == f"/appraisal/claims/{claim.pk}/"
    assert sorted(Evidence.objects.filter(claim=claim).values_list("name", flat=True)) == ["a", "b"]


def test_someone_without_a_record_is_told_so(org, client):
    from tests.conftest import make_user

    client.force_login(make_user("nobody", "staff", org.unit_a))
    response = helpers.in_english(client).post("/appraisal/claims/", {"period": 1, "points": "2"})
    assert response.context["form"].non_field_errors() == ["Only people with a record can claim."]
    assert "Only people with a record can claim." in response.content.decode()
    assert not Claim.objects.exists()


def test_the_committee_changes_a_grade_and_records_its_decision(org, login):
    p, rs = helpers.computed(org.root, helpers.values(org))
    send_to_committee(actor=None, period=p)
    client = helpers.in_english(login("office"))
    url = f"/appraisal/periods/{p.pk}/committee/"
    row = rs.rows.get(person=org.b1)
    response = client.post(url, {"what": "grade", "row": 999999, "grade": "一般", "reason": "r"})
    assert _errors(response, "row", "grade_form") == ["No such result."]
    client.post(url, {"what": "grade", "row": row.pk, "grade": "一般", "reason": "表现一般"})
    assert GradeChange.objects.get().to_grade == "一般"
    response = client.post(url, {"what": "decision", "members": "甲", "decision": "同意", "day": "7/1"})
    assert _errors(response, "day", "decision_form") == ["Enter a valid date."]
    assert "Enter a valid date." in response.content.decode()
    client.post(url, {"what": "decision", "members": "甲、乙", "decision": "同意", "day": "2025-07-01"})
    assert CommitteeDecision.objects.get().day == date(2025, 7, 1)


def test_an_appeal_is_filed_and_upheld_with_a_correction(org, login):
    p, rs = helpers.published(org.root, helpers.values(org), today=date.today())
    mine = rs.rows.get(person=org.a2)
    staff = helpers.in_english(login("staff"))
    response = staff.post(f"/appraisal/results/{mine.pk}/appeal/", {"reason": "业务分偏低"})
    appeal = Appeal.objects.get()
    assert response["Location"] == f"/appraisal/appeals/{appeal.pk}/"
    assert staff.post(f"/appraisal/appeals/{appeal.pk}/", {"outcome": "upheld"}).status_code == 403
    office = helpers.in_english(login("office"))
    url = f"/appraisal/appeals/{appeal.pk}/"
    response = office.post(url, {"outcome": "upheld", "decision": "改正", "fix-1": "thirty"})
    assert _errors(response, "fix-1") == ["thirty is not a number."]
    assert "thirty is not a number." in response.content.decode()
    office.post(url, {"outcome": "upheld", "decision": "改正", "fix-1": "30"})
    appeal.refresh_from_db()
    assert appeal.status == "upheld" and appeal.new_result_set.version == 2
    assert Score.objects.get(period=p, person=org.a2, indicator="实绩/业务").value == 30


# --- query counts ---------------------------------------------------------------------------------------


def _world(org, extra: int) -> Period:
    """A published period of the three people and ``extra`` more, each with a claim waiting for the
    committee and an appeal."""
    people = helpers.values(org) | {
        make_person(f"X{i:03d}", f"人{i}", org.unit_b): (40 + i % 10, 20) for i in range(extra)
    }
    p, rs = helpers.published(org.root, people)
    for row in rs.rows.select_related("person"):
        Claim.objects.create(
            period=p, person=row.person, category="创新", points=2, reason="r", status="section_approved"
        )
        Appeal.objects.create(row=row, period=p, person=row.person, reason="r")
    return p


PAGES = {  # page → (role, queries: session, account, grants and scope, then the page's own)
    "/appraisal/periods/": ("office", 6),
    # the sheets' plan: people and tracks, reviewers and leaders, scoring groups' members
    "/appraisal/periods/{p}/": ("office", 14),
    "/appraisal/periods/{p}/results/": ("office", 8),
    "/appraisal/periods/{p}/committee/": ("office", 9),
    "/appraisal/claims/": ("office", 6),  # own, filed (deductions), section and committee lists
    "/appraisal/appeals/": ("office", 4),
    "/appraisal/sheets/": ("office", 6),
    "/appraisal/mine/": ("staff", 6),  # with the personal indicators of periods not final
}


@pytest.mark.parametrize("extra", [0, 12])
@pytest.mark.parametrize("page", sorted(PAGES))
def test_list_and_results_pages_issue_a_fixed_number_of_queries(
    org, login, django_assert_num_queries, page, extra
):
    p = _world(org, extra)
    role, queries = PAGES[page]
    client = login(role)
    url = page.format(p=p.pk)
    client.get(url)  # the first visit may create sheets and fill per-process caches
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
