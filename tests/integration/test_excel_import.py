"""Excel import: every error is listed with sheet, row and column, and a bad file writes nothing."""

import io
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation
from openpyxl import Workbook, load_workbook

from kaohe.audit.models import Event
from kaohe.org import excel
from kaohe.org.models import Person, Position, Unit

UNIT_HEADERS = [c.header for c in excel.UNIT_COLUMNS]
PEOPLE_HEADERS = [c.header for c in excel.PEOPLE_COLUMNS]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def xlsx(
    units=(), people=(), unit_headers=UNIT_HEADERS, people_headers=PEOPLE_HEADERS, sheets=None
) -> io.BytesIO:
    wb = Workbook()
    wb.remove(wb.active)
    wanted = sheets or [excel.UNIT_SHEET, excel.PEOPLE_SHEET]
    if excel.UNIT_SHEET in wanted:
        ws = wb.create_sheet(excel.UNIT_SHEET)
        ws.append(list(unit_headers))
        for row in units:
            ws.append(list(row))
    if excel.PEOPLE_SHEET in wanted:
        ws = wb.create_sheet(excel.PEOPLE_SHEET)
        ws.append(list(people_headers))
        for row in people:
            ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


def person_row(staff_no="N001", name="新人", unit="A", reviewer="", **over):
    row = {
        "工号": staff_no,
        "姓名": name,
        "性别": "女",
        "出生日期": "1990-05-04",
        "单位编码": unit,
        "职务": "科员",
        "身份类别": "一般干部",
        "编制类别": "在编",
        "岗位类型": "管理岗",
        "岗位等级": "初级",
        "进入单位日期": date(2024, 7, 1),
        "审阅人工号": reviewer,
        "账号": "",
    }
    row.update(over)
    return [row[h] for h in PEOPLE_HEADERS]


def counts():
    return (Unit.objects.count(), Person.objects.count(), Position.objects.count(), Event.objects.count())


def run(org, fileobj):
    return excel.import_workbook(fileobj, actor=org.users["office"], filename="test.xlsx")


def issues(result):
    return {(i.sheet, i.row, i.column) for i in result.issues}


# --- good files ------------------------------------------------------------------------------------


def test_a_good_file_creates_units_then_people_with_audit_events(org):
    f = xlsx(
        units=[["A1", "综合组", "机关部门", "A", 1], ["A11", "文秘岗", "机关部门", "A1", 2]],
        people=[person_row("N001", unit="A11", reviewer="A001"), person_row("N002", name="二号", unit="A1")],
    )
    result = run(org, f)
    assert result.ok, [str(i) for i in result.issues]
    assert (result.units_created, result.people_created, result.positions_created) == (2, 2, 2)
    a11 = Unit.objects.get(code="A11")
    assert a11.parent.code == "A1" and a11.path.startswith(org.unit_a.path)
    n1 = Person.objects.get(staff_no="N001")
    assert n1.reviewer == org.a1 and n1.gender == "F" and n1.birth_date == date(1990, 5, 4)
    assert n1.position.title == "科员" and n1.position.unit == a11
    assert Event.objects.filter(action="org.person.create").count() == 2
    assert Event.objects.filter(action="org.unit.create").count() == 2
    assert Event.objects.get(action="org.import").object_repr == "test.xlsx"


def test_a_reviewer_given_later_in_the_same_file_is_accepted(org):
    # N002 reviews N001 but comes after it; N002 is linked to an account that holds the role.
    from kaohe.accounts.models import RoleGrant

    user = get_user_model().objects.create_user("head")
    RoleGrant.objects.create(user=user, role="reviewer", unit=org.unit_a)
    f = xlsx(people=[person_row("N001", reviewer="N002"), person_row("N002", 账号="head")])
    result = run(org, f)
    assert result.ok, [str(i) for i in result.issues]
    assert Person.objects.get(staff_no="N001").reviewer.staff_no == "N002"
    assert result.accounts_linked == 1


def test_an_account_column_creates_an_account(org):
    result = run(org, xlsx(people=[person_row("N001", 账号="xinren")]))
    assert result.ok and result.accounts_created == 1
    assert Person.objects.get(staff_no="N001").user.username == "xinren"


def test_reimport_updates_people_by_staff_number_and_units_by_code(org):
    assert run(
        org, xlsx(units=[["A1", "综合组", "机关部门", "A", 1]], people=[person_row("N001", unit="A1")])
    ).ok
    before = Person.objects.count()
    result = run(
        org,
        xlsx(
            units=[["A1", "综合服务组", "机关部门", "B", 1]],
            people=[
                person_row("N001", name="新名字", unit="A1", 岗位等级="中级"),
                person_row(
                    "A002",
                    name="李二",
                    unit="A",
                    reviewer="A001",
                    性别="",
                    出生日期="",
                    职务="",
                    进入单位日期=date(2020, 1, 1),
                ),
            ],
        ),
    )
    assert result.ok, [str(i) for i in result.issues]
    assert (result.units_created, result.units_updated) == (0, 1)
    assert (result.people_created, result.people_updated) == (0, 1) and result.people_unchanged == 1
    assert Person.objects.count() == before
    n1 = Person.objects.get(staff_no="N001")
    assert n1.name == "新名字" and n1.post_level == "intermediate"
    assert Unit.objects.get(code="A1").path.startswith(org.unit_b.path)  # moved under B
    assert Event.objects.filter(action="org.person.update").count() == 1


def test_importing_the_same_file_twice_changes_nothing_the_second_time(org):
    f = xlsx(units=[["A1", "综合组", "机关部门", "A", 1]], people=[person_row("N001", unit="A1")])
    assert run(org, f).ok
    events = Event.objects.count()
    f.seek(0)
    result = run(org, f)
    assert result.ok and result.created == 0 and result.updated == 0
    assert (
        Event.objects.filter(action__startswith="org.person").count()
        == Event.objects.filter(action="org.person.create").count()
    )
    assert Event.objects.count() == events + 1  # only the import's own event


def test_round_trip_export_then_import_changes_nothing(org):
    data = excel.export_people(Person.objects.all())
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == [excel.HELP_SHEET, excel.UNIT_SHEET, excel.PEOPLE_SHEET]
    assert [c.value for c in wb[excel.PEOPLE_SHEET][1]] == PEOPLE_HEADERS
    result = run(org, io.BytesIO(data))
    assert result.ok, [str(i) for i in result.issues]
    assert result.created == 0 and result.updated == 0
    assert result.people_unchanged == Person.objects.count() == 3
    assert result.units_unchanged == 3


def test_an_edited_export_updates_in_place(org):
    wb = load_workbook(io.BytesIO(excel.export_people(Person.objects.filter(staff_no="A002"))))
    ws = wb[excel.PEOPLE_SHEET]
    ws.cell(row=2, column=PEOPLE_HEADERS.index("姓名") + 1, value="李贰")
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    result = run(org, buffer)
    assert result.ok and result.people_updated == 1
    assert Person.objects.get(staff_no="A002").name == "李贰"


def test_export_units_is_reimportable(org):
    result = run(org, io.BytesIO(excel.export_units(Unit.objects.all())))
    assert result.ok and result.units_unchanged == 3


def test_the_template_has_instructions_sheets_and_dropdowns(org):
    wb = load_workbook(io.BytesIO(excel.build_template()))
    assert wb.sheetnames == ["说明", "单位", "人员"]
    assert [c.value for c in wb["单位"][1]] == ["单位编码", "单位名称", "单位类型", "上级单位编码", "排序"]
    assert [c.value for c in wb["人员"][1]] == PEOPLE_HEADERS
    lists = [dv.formula1 for dv in wb["人员"].data_validations.dataValidation]
    assert '"班子成员,中层干部,一般干部"' in lists and '"在编,社区指导员,不在编"' in lists
    help_text = " ".join(str(c.value) for row in wb["说明"].iter_rows() for c in row if c.value)
    for header in PEOPLE_HEADERS + UNIT_HEADERS:
        assert header in help_text
    assert "管理岗" in help_text and "2024-03-01" in help_text
    # A blank template imports as nothing at all.
    assert run(org, io.BytesIO(excel.build_template())).ok


# --- bad files: every error kind, nothing written --------------------------------------------------


def assert_nothing_written(org, fileobj, expected):
    before = counts()
    result = run(org, fileobj)
    assert not result.ok
    assert expected <= issues(result), [str(i) for i in result.issues]
    assert counts() == before
    assert result.created == 0 and result.updated == 0
    return result


def test_a_file_that_is_not_xlsx_gets_one_clear_error(org):
    for content in (b"not a workbook", b"\xd0\xcf\x11\xe0 old .xls", b"PK\x03\x04 broken zip", b""):
        result = assert_nothing_written(org, io.BytesIO(content), set())
        assert len(result.issues) == 1 and "not an Excel workbook" in result.issues[0].reason


def test_a_good_workbook_with_a_wrong_name_is_judged_by_content(org, tmp_path):
    path = tmp_path / "people.txt"
    path.write_bytes(xlsx(people=[person_row()]).getvalue())
    assert excel.import_workbook(path, actor=None, filename="people.txt").ok


def test_a_file_over_the_size_limit_is_refused(org, settings):
    settings.KAOHE_MAX_UPLOAD_BYTES = 1000
    result = assert_nothing_written(org, xlsx(people=[person_row()]), set())
    assert "larger than the limit" in result.issues[0].reason


def test_a_workbook_without_the_sheets_is_refused(org):
    wb = Workbook()
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    result = assert_nothing_written(org, buffer, set())
    assert "单位" in result.issues[0].reason and "人员" in result.issues[0].reason


def test_missing_required_headers_are_each_listed(org):
    headers = [h for h in PEOPLE_HEADERS if h not in {"姓名", "进入单位日期"}]
    assert_nothing_written(
        org,
        xlsx(people=[["N001"]], people_headers=headers, sheets=[excel.PEOPLE_SHEET]),
        {("人员", 1, "姓名"), ("人员", 1, "进入单位日期")},
    )


def test_optional_columns_may_be_left_out(org):
    headers = [h for h in PEOPLE_HEADERS if h != "账号"]
    row = person_row()[:-1]
    assert run(org, xlsx(people=[row], people_headers=headers, sheets=[excel.PEOPLE_SHEET])).ok


def test_every_error_of_a_bad_file_is_listed_and_nothing_is_written(org):
    f = xlsx(
        units=[
            ["A1", "综合组", "机关部门", "A", 1],  # fine on its own
            ["A1", "又一个", "机关部门", "A", 2],  # duplicate code
            ["Q1", "无上级", "机关部门", "NOPE", 3],  # unknown parent
            ["K1", "怪类型", "星球", "A", "第一"],  # unknown kind, bad order
            ["", "无编码", "站所", "", 4],  # missing code
        ],
        people=[
            person_row("N001", unit="A1"),  # fine on its own
            person_row("N001", name="重号"),  # duplicate staff number
            person_row("N003", unit="ZZZ"),  # unknown unit
            person_row("N004", 身份类别="大领导", 编制类别="外包"),  # unknown choices
            person_row("N005", 出生日期="1990-02-30", 进入单位日期="昨天"),  # bad dates
            person_row("N006", reviewer="X999"),  # unknown reviewer
            person_row("N007", unit="B", reviewer="A001"),  # reviewer outside scope
            person_row("N008", 姓名=None),  # missing name
            person_row("N009", 性别="未知"),  # unknown gender
        ],
    )
    result = assert_nothing_written(
        org,
        f,
        {
            ("单位", 3, "单位编码"),
            ("单位", 4, "上级单位编码"),
            ("单位", 5, "单位类型"),
            ("单位", 5, "排序"),
            ("单位", 6, "单位编码"),
            ("人员", 3, "工号"),
            ("人员", 4, "单位编码"),
            ("人员", 5, "身份类别"),
            ("人员", 5, "编制类别"),
            ("人员", 6, "出生日期"),
            ("人员", 6, "进入单位日期"),
            ("人员", 7, "审阅人工号"),
            ("人员", 8, "审阅人工号"),
            ("人员", 9, "姓名"),
            ("人员", 10, "性别"),
        },
    )
    reasons = {(i.sheet, i.row, i.column): i.reason for i in result.issues}
    assert "row 2" in reasons[("单位", 3, "单位编码")]
    assert "NOPE" in reasons[("单位", 4, "上级单位编码")]
    assert "星球" in reasons[("单位", 5, "单位类型")] and "机关部门" in reasons[("单位", 5, "单位类型")]
    assert "outside the person's scope" in reasons[("人员", 8, "审阅人工号")]
    assert "X999" in reasons[("人员", 7, "审阅人工号")]
    # Issues come sorted by sheet and row, and read as one line each.
    rows = [(i.sheet, i.row) for i in result.issues]
    assert rows == sorted(rows, key=lambda r: (r[0] != "单位", r[1] or 0))
    assert str(result.issues[0]).startswith("sheet 单位, row 3, column 单位编码:")


def test_a_cycle_in_the_unit_tree_is_refused(org):
    f = xlsx(units=[["C1", "甲", "机关部门", "C2", 1], ["C2", "乙", "机关部门", "C1", 2]])
    result = assert_nothing_written(org, f, {("单位", 2, "上级单位编码")})
    assert "cycle" in result.issues[0].reason and "C1 → C2 → C1" in result.issues[0].reason


def test_a_cycle_through_units_already_in_the_system_is_refused(org):
    # Moving the existing root under its own descendant office A.
    f = xlsx(units=[["T", "示范镇", "乡镇", "A", 0]])
    assert_nothing_written(org, f, {("单位", 2, "上级单位编码")})


def test_a_reviewer_without_an_account_is_refused(org):
    f = xlsx(people=[person_row("N001"), person_row("N002", reviewer="N001")])
    result = assert_nothing_written(org, f, {("人员", 3, "审阅人工号")})
    assert "no account" in result.issues[0].reason


def test_a_person_cannot_review_themselves(org):
    assert_nothing_written(
        org,
        xlsx(people=[person_row("A001", name="张一", reviewer="A001", 身份类别="中层干部")]),
        {("人员", 2, "审阅人工号")},
    )


def test_an_account_used_twice_or_owned_by_someone_else_is_refused(org):
    f = xlsx(
        people=[
            person_row("N001", 账号="dup"),
            person_row("N002", 账号="dup"),
            person_row("N003", 账号="staff_a"),
        ]
    )
    assert_nothing_written(org, f, {("人员", 3, "账号"), ("人员", 4, "账号")})


def test_an_existing_account_cannot_be_renamed_by_import(org):
    f = xlsx(people=[person_row("A002", name="李二", reviewer="A001", 账号="renamed")])
    assert_nothing_written(org, f, {("人员", 2, "账号")})


def test_an_error_found_while_writing_still_writes_nothing(org, monkeypatch):
    """Through the services (rows with a reviewer to check, written one by one)."""
    from django.core.exceptions import ValidationError

    from kaohe.org import services

    real = services.create_person
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs["staff_no"])
        if len(calls) == 2:
            raise ValidationError({"name": "refused by the database"})
        return real(**kwargs)

    monkeypatch.setattr(services, "create_person", flaky)
    rows = [person_row("N001", reviewer="A001"), person_row("N002", reviewer="A001")]
    f = xlsx(units=[["A1", "综合组", "机关部门", "A", 1]], people=rows)
    result = assert_nothing_written(org, f, {("人员", 3, "姓名")})
    assert "refused by the database" in result.issues[0].reason


def test_an_error_found_by_the_bulk_writer_still_writes_nothing(org, monkeypatch):
    """Through the bulk writer (plain rows): the same all or nothing."""
    from django.core.exceptions import ValidationError

    from kaohe.org.excel.bulk import BulkPeople

    real = BulkPeople.create
    calls = []

    def flaky(self, staff_no, fields):
        calls.append(staff_no)
        if len(calls) == 2:
            raise ValidationError({"name": "refused by the database"})
        return real(self, staff_no, fields)

    monkeypatch.setattr(BulkPeople, "create", flaky)
    f = xlsx(units=[["A1", "综合组", "机关部门", "A", 1]], people=[person_row("N001"), person_row("N002")])
    result = assert_nothing_written(org, f, {("人员", 3, "姓名")})
    assert "refused by the database" in result.issues[0].reason


def test_bulk_rows_get_the_same_people_and_audit_events_as_the_services(org):
    from kaohe.org.models import Person

    rows = [person_row("N001"), person_row("N002", reviewer="A001")]  # N001 in bulk, N002 by the services
    assert run(org, xlsx(people=rows)).ok
    by_bulk, by_service = Person.objects.get(staff_no="N001"), Person.objects.get(staff_no="N002")
    assert (by_bulk.identity, by_bulk.post_type, by_bulk.start_date) == (
        "general",
        "management",
        date(2024, 7, 1),
    )
    created = {e.object_id: e for e in Event.objects.filter(action="org.person.create")}
    assert set(created) >= {str(by_bulk.pk), str(by_service.pk)}
    one, other = created[str(by_bulk.pk)], created[str(by_service.pk)]
    assert (
        (one.unit_id, one.actor_id)
        == (other.unit_id, other.actor_id)
        == (by_bulk.unit_id, org.users["office"].pk)
    )
    assert set(one.after) == set(other.after) and one.after["staff_no"] == "N001"
    changed = [person_row("N001", name="改名")]
    assert run(org, xlsx(people=changed)).people_updated == 1
    update = Event.objects.get(action="org.person.update", object_id=str(by_bulk.pk))
    assert (update.before["name"], update.after["name"]) == ("新人", "改名")


def test_text_cells_that_excel_turned_into_numbers_still_match(org):
    f = xlsx(people=[person_row(1001, unit="A", reviewer="A001")])
    assert run(org, f).ok
    assert Person.objects.filter(staff_no="1001").exists()


def test_dates_may_be_written_as_text_in_chinese_formats(org):
    f = xlsx(people=[person_row("N001", 出生日期="1985.03", 进入单位日期="2019年7月1日")])
    assert run(org, f).ok
    n1 = Person.objects.get(staff_no="N001")
    assert (n1.birth_date, n1.start_date) == (date(1985, 3, 1), date(2019, 7, 1))


def test_empty_rows_are_skipped(org):
    f = xlsx(people=[person_row("N001"), [None] * len(PEOPLE_HEADERS), person_row("N002")])
    result = run(org, f)
    assert result.ok and result.people_created == 2


# --- scope ----------------------------------------------------------------------------------------


def test_an_office_over_one_unit_imports_only_inside_it(org):
    from tests.conftest import make_user

    sub_office = make_user("office_a", "office", org.unit_a)
    before = counts()
    file = xlsx(
        units=[["A9", "新科室", "机关部门", "B", 1]],  # under office_b: outside
        people=[
            person_row("N001", unit="B"),  # a new person in office_b: outside
            person_row("B001", name="王三", unit="A"),  # an existing person of office_b: outside
            person_row("N002", unit="A"),  # inside: fine on its own
        ],
    )
    result = excel.import_workbook(file, actor=sub_office, filename="scope.xlsx")
    assert not result.ok
    found = issues(result)
    assert (excel.UNIT_SHEET, 2, "单位编码") in found
    assert (excel.PEOPLE_SHEET, 2, "单位编码") in found
    assert (excel.PEOPLE_SHEET, 3, "工号") in found
    assert not any(i.row == 4 for i in result.issues if i.sheet == excel.PEOPLE_SHEET)
    assert counts() == before


def test_an_office_over_one_unit_can_import_its_own_people(org):
    from tests.conftest import make_user

    sub_office = make_user("office_a", "office", org.unit_a)
    result = excel.import_workbook(xlsx(people=[person_row("N002", unit="A")]), actor=sub_office)
    assert result.ok, [str(i) for i in result.issues]
    assert Person.objects.get(staff_no="N002").unit == org.unit_a
