"""Pages: home per role, the tree, a person, the people list (filters, paging, query count), the
Excel export and import, the audit page, language, and logging in and out."""

import io
from datetime import date

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from kaohe.accounts.models import RoleGrant
from kaohe.audit.chain import seal_all
from kaohe.audit.services import record
from kaohe.org import excel
from kaohe.org.models import LeaveRecord, Person, Secondment, Track, TrackMembership
from tests.conftest import PASSWORD, make_person, make_user
from tests.integration.downloads import download_name


def _text(response) -> str:
    return response.content.decode()


# --- home ---------------------------------------------------------------------------------------


def test_home_shows_a_section_per_role(org, login):
    staff = _text(login("staff").get("/"))
    assert "李二" in staff and "张一" in staff  # own card with the reviewer
    assert "考核办" not in staff
    reviewer = _text(login("reviewer").get("/"))
    assert "我审阅的人员" in reviewer and "李二" in reviewer
    office = _text(login("office").get("/"))
    assert reverse("org:import") in office and reverse("org:people_export") in office
    inspector = _text(login("inspector").get("/"))
    assert reverse("audit:events") in inspector
    leader = _text(login("leader").get("/"))
    assert "总览" in leader and "中层干部" in leader


def test_the_interface_is_chinese_by_default_and_switches_to_english(org, login):
    client = login("office")
    # An English browser still gets Chinese until the user chooses otherwise.
    assert "首页" in _text(client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"))
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = _text(client.get("/"))
    assert "Home" in page and 'lang="en"' in page and "首页" not in page


# --- organisation ---------------------------------------------------------------------------------


def test_tree_nests_units_with_people_counts_in_one_query(org, login, django_assert_max_num_queries):
    client = login("office")
    with django_assert_max_num_queries(6):  # session, user, grants, units with counts, (savepoints)
        response = client.get(reverse("org:tree"))
    tree = response.context["roots"]
    assert [n.unit.code for n in tree] == ["T"]
    assert tree[0].total == 3
    assert {n.unit.code: n.total for n in tree[0].children} == {"A": 2, "B": 1}


def test_reviewer_tree_starts_at_their_unit(org, login):
    roots = login("reviewer").get(reverse("org:tree")).context["roots"]
    assert [n.unit.code for n in roots] == ["A"]


def test_person_page_shows_leave_tracks_and_secondments(org, login):
    LeaveRecord.objects.create(person=org.a2, kind="sick", start=date(2025, 3, 1), end=date(2025, 3, 5))
    track = Track.objects.create(unit=org.root, code="G", name="一般干部组", year=2025)
    TrackMembership.objects.create(track=track, person=org.a2)
    Secondment.objects.create(
        person=org.a2, home_unit=org.unit_a, host_unit=org.unit_b, start=date(2025, 1, 1)
    )
    page = _text(login("office").get(reverse("org:person", args=[org.a2.pk])))
    for text in ("病假", "2025-03-05", "一般干部组", "财政所", "张一", "党政办"):
        assert text in page


def test_people_list_filters(org, login):
    make_person("A003", "陈四", org.unit_a, staffing="non_established", post_type="service")
    client = login("office")

    def staff_nos(**params):
        return sorted(p.staff_no for p in client.get(reverse("org:people"), params).context["page"])

    assert staff_nos() == ["A001", "A002", "A003", "B001"]
    assert staff_nos(unit=org.unit_a.pk) == ["A001", "A002", "A003"]
    assert staff_nos(unit=org.root.pk) == ["A001", "A002", "A003", "B001"]  # the subtree
    assert staff_nos(identity="middle") == ["A001"]
    assert staff_nos(staffing="non_established") == ["A003"]
    assert staff_nos(post_type="service") == ["A003"]
    assert staff_nos(q="王") == ["B001"]
    assert staff_nos(q="a00") == ["A001", "A002", "A003"]


def test_people_list_ignores_a_unit_outside_scope_and_says_so(org, login, elsewhere):
    response = login("reviewer").get(reverse("org:people"), {"unit": elsewhere[0].pk})
    assert response.status_code == 200
    assert response.context["form"].errors["unit"]
    assert sorted(p.staff_no for p in response.context["page"]) == ["A001", "A002"]


def test_people_list_refuses_nul_bytes_politely(org, login):
    response = login("office").get(reverse("org:people"), {"q": "a\x00b"})
    assert response.status_code == 200
    assert response.context["form"].errors["q"]


def test_people_list_pages_without_a_query_per_row(org, login, django_assert_max_num_queries):
    for i in range(120):
        make_person(f"P{i:03d}", f"人员{i}", org.unit_b, reviewer=org.b1)
    client = login("office")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("org:people"), {"page": 2})
    page = response.context["page"]
    assert page.number == 2 and len(page.object_list) == 50 and page.paginator.count == 123
    assert "第 2 页，共 3 页" in _text(response)


def test_export_returns_the_filtered_people_as_a_workbook(org, login, elsewhere):
    response = login("office").get(reverse("org:people_export"), {"unit": org.unit_a.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content), read_only=True)[excel.PEOPLE_SHEET]
    staff_nos = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]]
    assert sorted(staff_nos) == ["A001", "A002"]


def test_an_export_is_named_after_the_unit_filtered_on_or_the_one_the_user_browses(org, login):
    office = login("office")
    filtered = office.get(reverse("org:people_export"), {"unit": org.unit_a.pk})
    assert download_name(filtered) == ("people.xlsx", "党政办人员名册.xlsx")
    assert download_name(office.get(reverse("org:people_export"))) == ("people.xlsx", "示范镇人员名册.xlsx")
    reviewer = login("reviewer").get(reverse("org:people_export"))
    assert download_name(reviewer) == ("people.xlsx", "党政办人员名册.xlsx")


def test_an_export_of_several_subtrees_is_named_after_none(org, login):
    user = make_user("two_units", "inspector", org.unit_a)
    RoleGrant.objects.create(user=user, role="inspector", unit=org.unit_b)
    client = login(None)
    client.force_login(user)
    assert download_name(client.get(reverse("org:people_export"))) == ("people.xlsx", "人员名册.xlsx")


def test_export_of_a_reviewer_stays_in_scope(org, login):
    response = login("reviewer").get(reverse("org:people_export"))
    sheet = load_workbook(io.BytesIO(response.content), read_only=True)[excel.PEOPLE_SHEET]
    assert "B001" not in [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_template_download_is_a_workbook(org, login):
    response = login("office").get(reverse("org:import_template"))
    book = load_workbook(io.BytesIO(response.content))
    assert excel.PEOPLE_SHEET in book.sheetnames
    assert download_name(response) == ("import-template.xlsx", "人员导入模板.xlsx")


def _upload(client, data: bytes, name="people.xlsx"):
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(reverse("org:import"), {"workbook": upload})


def _edited_export(org, edit) -> bytes:
    book = load_workbook(io.BytesIO(excel.export_people(Person.objects.filter(pk=org.a2.pk))))
    edit(book[excel.PEOPLE_SHEET])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_import_shows_every_problem_and_writes_nothing(org, login):
    def break_it(sheet):
        headers = [c.value for c in sheet[1]]
        sheet.cell(row=2, column=headers.index("单位编码") + 1, value="NOPE")
        new = [cell.value for cell in sheet[2]]
        new[0] = "A999"
        new[headers.index("身份类别")] = "不存在"
        sheet.append(new)

    before = Person.objects.count()
    response = _upload(login("office"), _edited_export(org, break_it))
    page = _text(response)
    assert response.status_code == 200
    assert 'id="import-issues"' in page and "未导入任何数据" in page
    assert "NOPE" in page and "不存在" in page
    assert len(response.context["result"].issues) >= 2
    assert Person.objects.count() == before


def test_import_of_a_file_that_is_not_a_workbook_is_refused(org, login):
    response = _upload(login("office"), b"staff_no,name\nA1,x\n", name="people.xlsx")
    assert "未导入任何数据" in _text(response)


def test_import_success_shows_counts(org, login):
    def add_one(sheet):
        new = [cell.value for cell in sheet[2]]
        new[0], new[1] = "A777", "周七"
        new[-1] = None  # no account for the newcomer
        sheet.append(new)

    response = _upload(login("office"), _edited_export(org, add_one))
    assert 'id="import-ok"' in _text(response), response.context["result"].issues
    assert Person.objects.filter(staff_no="A777", unit=org.unit_a).exists()
    assert response.context["result"].created >= 1


# --- audit ------------------------------------------------------------------------------------------


def test_audit_page_filters_and_shows_chain_status(org, login):
    record(actor=org.users["office"], action="org.person.update", obj=org.a2)
    seal_all()
    record(actor=org.users["leader"], action="org.unit.update", obj=org.unit_a)
    client = login("inspector")
    response = client.get(reverse("audit:events"))
    assert response.context["chain"]["sealed"] >= 1 and response.context["chain"]["unsealed"] >= 1
    assert 'id="sealed-count"' in _text(response)
    only = client.get(reverse("audit:events"), {"actor": "leader"}).context["page"].object_list
    assert [e.action for e in only] == ["org.unit.update"]
    by_object = client.get(
        reverse("audit:events"), {"object_type": "org.person", "object_id": str(org.a2.pk)}
    )
    assert [e.action for e in by_object.context["page"].object_list] == ["org.person.update"]
    today = date.today().isoformat()
    assert (
        client.get(reverse("audit:events"), {"start": "2000-01-01", "end": "2000-01-02"})
        .context["page"]
        .paginator.count
        == 0
    )
    assert client.get(reverse("audit:events"), {"start": today}).status_code == 200
    assert client.get(reverse("audit:events"), {"start": "not-a-date"}).status_code == 200


# --- logging in and out ---------------------------------------------------------------------------


def test_login_rotates_the_session_and_logout_kills_it(org):
    client = Client()
    session = client.session
    session["probe"] = 1
    session.save()
    client.cookies["sessionid"] = session.session_key
    before = session.session_key
    response = client.post(reverse("login"), {"username": "office", "password": PASSWORD})
    assert response.status_code == 302
    after = client.cookies["sessionid"].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=after).exists()
    assert client.get("/").status_code == 302


def test_logout_is_post_only(org, login):
    assert login("office").get(reverse("logout")).status_code == 405


def test_login_locks_after_the_configured_failures(org, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(3):
        response = client.post(reverse("login"), {"username": "office", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "office", "password": PASSWORD})
    assert response.status_code == 429
    assert "登录失败次数过多" in _text(response)
    # The lock is per account: a colleague behind the same address still gets in.
    other = Client().post(reverse("login"), {"username": "leader", "password": PASSWORD})
    assert other.status_code == 302


@pytest.mark.parametrize("size", ["/static/kaohe/app.css", "/static/vendor/htmx.min.js"])
def test_assets_are_vendored(size):
    from django.contrib.staticfiles import finders

    assert finders.find(size.removeprefix("/static/"))
