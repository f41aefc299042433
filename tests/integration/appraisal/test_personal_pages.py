"""Personal indicators from the pages and the API: the period's list (searched, a fixed number of
queries), one person's formset, the Excel import, the sheet's rows, what the person sees, the API
with a token; and preset 004 computed with personal indicators set and scored from the pages."""

from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kaohe.accounts.services import create_api_token
from kaohe.appraisal.models import PersonalIndicator, Sheet
from kaohe.appraisal.services.periods import link_campaign
from kaohe.appraisal.services.personal import set_personal_indicators
from kaohe.appraisal.services.results import compute_period
from tests.conftest import make_person
from tests.integration.appraisal import helpers
from tests.integration.appraisal.personal_helpers import NODE, period_004, three

pytestmark = pytest.mark.django_db


def _formset(name_points_targets, prefix="n0"):
    data = {f"{prefix}-TOTAL_FORMS": str(len(name_points_targets)), f"{prefix}-INITIAL_FORMS": "0"}
    for i, (name, points, target) in enumerate(name_points_targets):
        data |= {f"{prefix}-{i}-name": name, f"{prefix}-{i}-points": points, f"{prefix}-{i}-target": target}
    return data


def _workbook(rows, title="个性指标") -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    wb.active.title = title
    for r in rows:
        wb.active.append(r)
    buf = BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("personal.xlsx", buf.getvalue())


def test_the_list_page_shows_the_people_the_user_sets_and_searches_them(org, login):
    p = period_004(org.root)
    set_personal_indicators(actor=org.users["office"], period=p, person=org.a2, sets={NODE: three()})
    office = helpers.in_english(login("office"))
    page = office.get(f"/appraisal/periods/{p.pk}/personal/")
    assert [r.person.staff_no for r in page.context["rows"]] == ["A001", "A002", "B001"]
    html = page.content.decode()
    assert "招商引资" in html and "not set" in html
    found = office.get(f"/appraisal/periods/{p.pk}/personal/", {"q": "财政"})  # by unit name
    assert [r.person.staff_no for r in found.context["rows"]] == ["B001"]
    reviewer = login("reviewer").get(f"/appraisal/periods/{p.pk}/personal/")
    assert [r.person.staff_no for r in reviewer.context["rows"]] == ["A002"]  # their reviewee only


@pytest.mark.parametrize("extra", [0, 15])
def test_the_list_page_issues_a_fixed_number_of_queries(org, login, django_assert_num_queries, extra):
    p = period_004(org.root)
    for i in range(extra):
        person = make_person(f"X{i:03d}", f"人{i}", org.unit_b)
        set_personal_indicators(actor=org.users["office"], period=p, person=person, sets={NODE: three()})
    client = login("office")
    url = f"/appraisal/periods/{p.pk}/personal/"
    client.get(url)
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200


def test_the_person_form_saves_the_indicators_and_names_a_bad_field(org, login):
    p = period_004(org.root)
    client = helpers.in_english(login("reviewer"))
    url = f"/appraisal/periods/{p.pk}/personal/{org.a2.pk}/"
    page = client.get(url)
    ((node, formset),) = page.context["form"].sets
    assert node.key == NODE and len(formset.forms) == 3  # as many rows as max_count
    bad = client.post(url, _formset([("甲", "30", ""), ("乙", "20", ""), ("", "", "")]))
    assert "the points add up to 50; they must add up to 60" in helpers.messages(bad)
    assert not PersonalIndicator.objects.exists()
    typo = client.post(url, _formset([("甲", "3O", "")]))
    assert typo.status_code == 200 and "Points must be a number." in typo.content.decode()
    ok = client.post(url, _formset([("甲", "30", "完成 3 件"), ("乙", "30", ""), ("", "", "")]))
    assert ok.status_code == 302
    assert list(PersonalIndicator.objects.values_list("name", "points", "target", "set_by")) == [
        ("甲", Decimal(30), "完成 3 件", org.users["reviewer"].pk),
        ("乙", Decimal(30), "", org.users["reviewer"].pk),
    ]
    assert client.get(f"/appraisal/periods/{p.pk}/personal/{org.b1.pk}/").status_code == 404  # not theirs


def test_the_import_page_sets_them_all_or_nothing(org, login):
    p = period_004(org.root)
    client = helpers.in_english(login("office"))
    url = f"/appraisal/periods/{p.pk}/personal/import/"
    header = ["工号", "考核指标", "个性指标", "分值", "目标"]
    bad = client.post(
        url,
        {"file": _workbook([header, ["A002", "个性指标", "甲", 60, ""], ["B001", "个性指标", "乙", 50]])},
        follow=True,
    )
    assert (
        "sheet 个性指标, row 3, column 分值: B001 points or weight: the points add up to 50"
        in helpers.messages(bad)
    )
    assert not PersonalIndicator.objects.exists()
    missing = client.post(url, {"file": _workbook([["工号", "名字"], ["A002", "甲"]])}, follow=True)
    assert "Sheet 个性指标, row 1: the columns 个性指标、分值 are missing." in helpers.messages(missing)
    good = client.post(
        url,
        {"file": _workbook([header, ["A002", "", "甲", 60, "目标"], ["B001", None, "乙", 60]])},
        follow=True,
    )
    assert "2 personal indicators set." in helpers.messages(good)
    assert PersonalIndicator.objects.count() == 2


def test_the_person_sees_their_indicators_on_their_page(org, login):
    p = period_004(org.root)
    set_personal_indicators(actor=org.users["office"], period=p, person=org.a2, sets={NODE: three()})
    html = login("staff").get("/appraisal/mine/").content.decode()
    assert "招商引资" in html and "引进项目 2 个" in html
    assert "招商引资" not in login("outsider").get("/appraisal/mine/").content.decode()


def test_the_api_reads_and_sets_them_with_a_token(org):
    p = period_004(org.root)
    _t, raw = create_api_token(actor=None, user=org.users["reviewer"], name="bot")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    url = f"/api/appraisal/periods/{p.pk}/personal/{org.a2.pk}"
    body = {"sets": {NODE: [{"name": "甲", "points": "40", "target": "t"}, {"name": "乙", "points": 20}]}}
    response = api.put(url, body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert [(i["name"], i["points"]) for i in response.json()["indicators"]] == [("甲", 40.0), ("乙", 20.0)]
    over = {"sets": {NODE: [{"name": n, "points": 15} for n in "甲乙丙丁"]}}
    refused = api.put(url, over, content_type="application/json")
    assert refused.status_code == 422 and "最多 3 项个性指标" in refused.json()["detail"]  # Chinese first
    listed = api.get(f"/api/appraisal/periods/{p.pk}/personal").json()
    assert [(r["staff_no"], len(r["indicators"])) for r in listed] == [("A002", 2)]
    foreign = api.put(
        f"/api/appraisal/periods/{p.pk}/personal/{org.b1.pk}", body, content_type="application/json"
    )
    assert foreign.status_code == 404
    _t, mine = create_api_token(actor=None, user=org.users["staff"], name="me")
    own = Client(HTTP_AUTHORIZATION=f"Bearer {mine}").get("/api/appraisal/my-personal").json()
    assert [i["name"] for i in own[0]["indicators"]] == ["甲", "乙"]


def test_preset_004_computes_with_personal_indicators_set_and_scored_from_the_pages(org, login):
    p = period_004(org.root)
    reviewer, office = login("reviewer"), login("office")
    people = {org.a1: ("30", "30"), org.a2: ("40", "20"), org.b1: ("60", None)}
    for person, (a, b) in people.items():
        rows = [("甲", a, ""), ("乙", b, "")] if b else [("甲", a, "")]
        client = reviewer if person == org.a2 else office
        assert (
            client.post(f"/appraisal/periods/{p.pk}/personal/{person.pk}/", _formset(rows)).status_code == 302
        )
    office.post(f"/appraisal/periods/{p.pk}/action/", {"action": "scoring"})
    p.refresh_from_db()
    assert p.state == "scoring"
    common = {0: "90", 1: "36", 2: "90"}  # 岗位赋分 /100, 共性指标 /40, 服务积分 /100
    personal_scores = {org.a1: ["27", "24"], org.a2: ["40", "10"], org.b1: ["54"]}
    for assessor, client in ((org.a1, reviewer), (None, office)):  # a2's reviewer; the office: a1, b1
        sheet = Sheet.objects.get(period=p, assessor=assessor)
        cells = client.get(f"/appraisal/sheets/{sheet.pk}/").context["form"].personal_cells
        data = {"save": "1"}
        for person in {c["pi"].person for c in cells}:
            data |= {f"s-{person.pk}-{i}": v for i, v in common.items()}
            mine = [c for c in cells if c["pi"].person_id == person.pk]
            data |= {c["value"].html_name: s for c, s in zip(mine, personal_scores[person], strict=True)}
        assert client.post(f"/appraisal/sheets/{sheet.pk}/", data).status_code == 302
    campaign = helpers.closed_campaign(
        org.root,
        [org.a1, org.a2, org.b1],
        {"优": 100, "良": 85, "中": 70, "差": 50},
        ballots=5,
        dimensions={"德": 20, "能": 15, "勤": 15, "绩": 30, "廉": 20},
    )
    link_campaign(actor=None, period=p, campaign=campaign)
    helpers.make_ready(p)
    rs = compute_period(actor=None, period=p)
    comps = {r.person.staff_no: r.components["绩效评分"] for r in rs.rows.select_related("person")}
    # 绩效评分 = 共性 36/40 × 40% + Σ personal ÷ 60 × 60%
    assert comps["A001"] == pytest.approx(0.4 * 90 + 0.6 * 51 / 60 * 100)
    assert comps["A002"] == pytest.approx(0.4 * 90 + 0.6 * 50 / 60 * 100)
    assert comps["B001"] == pytest.approx(0.4 * 90 + 0.6 * 54 / 60 * 100)


@pytest.mark.parametrize(
    "indicator",
    [
        {"name": "甲", "points": "NaN"},
        {"name": "甲", "points": "Infinity"},
        {"name": "甲", "points": "1e400"},
        {"name": "甲\x00", "points": 60},
        {"name": "甲" * 201, "points": 60},
        {"name": "甲", "points": 60, "extra": 1},
    ],
)
def test_bad_api_input_is_a_client_error_and_writes_nothing(org, indicator):
    p = period_004(org.root)
    _t, raw = create_api_token(actor=None, user=org.users["office"], name="bot")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    body = {"sets": {NODE: [indicator]}}
    response = api.put(
        f"/api/appraisal/periods/{p.pk}/personal/{org.a2.pk}", body, content_type="application/json"
    )
    assert response.status_code == 422
    assert not PersonalIndicator.objects.exists()


def test_the_downloaded_workbook_is_filled_in_and_imported_back(org, login):
    p = period_004(org.root)
    set_personal_indicators(actor=org.users["office"], period=p, person=org.a2, sets={NODE: three()})
    client = helpers.in_english(login("office"))
    response = client.get(f"/appraisal/periods/{p.pk}/personal.xlsx")
    assert response.status_code == 200
    wb = openpyxl.load_workbook(
        BytesIO(b"".join(response.streaming_content if response.streaming else [response.content]))
    )
    ws = wb["个性指标"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0] == ["工号", "姓名", "考核指标", "个性指标", "分值", "目标"]
    assert rows[1] == ["A001", "张一", NODE, None, None, None]  # nobody set: one empty row
    assert rows[2] == ["A002", "李二", NODE, "招商引资", 20, "引进项目 2 个"]
    ws.cell(row=2, column=4, value="全年目标")
    ws.cell(row=2, column=5, value=60)
    buf = BytesIO()
    wb.save(buf)
    back = client.post(
        f"/appraisal/periods/{p.pk}/personal/import/",
        {"file": SimpleUploadedFile("back.xlsx", buf.getvalue())},
        follow=True,
    )
    assert "4 personal indicators set." in helpers.messages(back)  # A001's one, A002's three as they were
    assert list(PersonalIndicator.objects.filter(person=org.a1).values_list("name", "points")) == [
        ("全年目标", 60)
    ]
    assert PersonalIndicator.objects.filter(person=org.b1).count() == 0  # B001's empty row: left as it is
