"""The people workbook's attribute columns (考核属性): in the template with drop-downs, read by the
import (all or nothing, errors by sheet, row and column), written by the export."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from kaohe.org import excel
from kaohe.org.models import Person, PersonAttribute
from tests.integration.test_excel_import import PEOPLE_HEADERS, person_row, xlsx
from tests.integration.test_person_attributes import attach

IDENTITY = "身份类别（考核属性）"
LEVEL = "系数档次（考核属性）"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def attached(org):
    return attach(org.root)


def run(org, fileobj, year=2025):
    return excel.import_workbook(fileobj, actor=org.users["office"], filename="a.xlsx", year=year)


def test_the_template_of_a_year_has_a_column_per_attribute_with_its_drop_down(attached, login):
    response = login("office").get(reverse("org:import_template") + "?year=2025")
    wb = load_workbook(
        io.BytesIO(b"".join(response.streaming_content if response.streaming else [response.content]))
    )
    ws = wb[excel.PEOPLE_SHEET]
    headers = [c.value for c in ws[1]]
    assert headers[: len(PEOPLE_HEADERS)] == PEOPLE_HEADERS
    assert headers[len(PEOPLE_HEADERS) :] == [IDENTITY, LEVEL]
    lists = {str(dv.sqref).split(":")[0][:-1]: dv.formula1 for dv in ws.data_validations.dataValidation}
    letter = ws.cell(row=1, column=len(PEOPLE_HEADERS) + 1).column_letter
    assert lists[letter] == '"班子成员,中层干部,普通工作人员"'
    older = login("office").get(reverse("org:import_template") + "?year=2024")
    old_ws = load_workbook(io.BytesIO(older.content))[excel.PEOPLE_SHEET]
    assert IDENTITY not in [c.value for c in old_ws[1]]


def test_a_long_list_of_values_goes_to_a_hidden_sheet(org):
    many = ", ".join(f"档次{i:03d}" for i in range(60))
    text = "scheme: 长列表\nyear: 2025\nperiod: year\nversion: '{version}'\n"
    text += "attributes:\n  档次: {{values: [" + many + "]}}\n"
    text += "tracks: {{全体: {{}}}}\ncomponents: {{实绩: {{share: 100%, indicators: {{业务: {{points: 100}}}}}}}}\n"
    text += "grading: {{grades: [优秀, 合格]}}\n"
    attach(org.root, text=text)
    data = excel.build_template(excel.attribute_columns(excel_specs(org)), 2025)
    wb = load_workbook(io.BytesIO(data))
    assert wb["选项"].sheet_state == "hidden" and wb["选项"]["A60"].value == "档次059"
    formulas = [dv.formula1 for dv in wb[excel.PEOPLE_SHEET].data_validations.dataValidation]
    assert "'选项'!$A$1:$A$60" in formulas


def excel_specs(org):
    from kaohe.org.excel.attribute_columns import specs_for_actor

    return specs_for_actor(org.users["office"], 2025)


def test_the_import_stores_the_attribute_cells_for_the_year(attached, org):
    headers = PEOPLE_HEADERS + [IDENTITY, LEVEL]
    rows = [person_row("N001") + ["普通工作人员", "一档"], person_row("N002") + ["中层干部", ""]]
    result = run(org, xlsx(people=rows, people_headers=headers))
    assert result.ok, result.issues
    stored = set(PersonAttribute.objects.filter(year=2025).values_list("person__staff_no", "name", "value"))
    assert stored == {
        ("N001", "identity", "普通工作人员"),
        ("N001", "系数档次", "一档"),
        ("N002", "identity", "中层干部"),
    }
    assert result.attributes_set == 3
    again = [person_row("N001") + ["", "二档"]]  # an empty cell removes the stored value
    assert run(org, xlsx(people=again, people_headers=headers)).ok
    n001 = dict(PersonAttribute.objects.filter(person__staff_no="N001").values_list("name", "value"))
    assert n001 == {"系数档次": "二档"}


def test_a_value_outside_the_allowed_values_names_its_cell_and_nothing_is_written(attached, org):
    headers = PEOPLE_HEADERS + [IDENTITY]
    rows = [person_row("N001") + ["普通工作人员"], person_row("N002") + ["一般干部"]]
    result = run(org, xlsx(people=rows, people_headers=headers))
    assert not result.ok
    assert [(i.sheet, i.row, i.column) for i in result.issues] == [(excel.PEOPLE_SHEET, 3, IDENTITY)]
    assert "一般干部" in result.issues[0].reason and "普通工作人员" in result.issues[0].reason
    assert not Person.objects.filter(staff_no__in=["N001", "N002"]).exists()
    assert not PersonAttribute.objects.exists()


def test_an_attribute_column_no_scheme_of_the_year_names_is_refused(attached, org):
    headers = PEOPLE_HEADERS + [IDENTITY]
    result = run(org, xlsx(people=[person_row("N001") + ["普通工作人员"]], people_headers=headers), year=2024)
    assert [(i.sheet, i.row, i.column) for i in result.issues] == [(excel.PEOPLE_SHEET, 1, IDENTITY)]
    assert not Person.objects.filter(staff_no="N001").exists()


def test_a_file_without_attribute_columns_still_imports(attached, org):
    assert run(org, xlsx(people=[person_row("N001")])).ok
    assert not PersonAttribute.objects.exists()


def test_the_export_carries_the_stored_values_and_imports_back(attached, org, login):
    PersonAttribute.objects.create(person=org.a2, year=2025, name="identity", value="普通工作人员")
    response = login("office").get(reverse("org:people_export") + "?year=2025")
    data = b"".join(response.streaming_content) if response.streaming else response.content
    ws = load_workbook(io.BytesIO(data))[excel.PEOPLE_SHEET]
    headers = [c.value for c in ws[1]]
    rows = {r[0]: dict(zip(headers, r, strict=False)) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["A002"][IDENTITY] == "普通工作人员" and rows["A001"][IDENTITY] in (None, "")
    result = run(org, io.BytesIO(data))
    assert result.ok, result.issues
    assert PersonAttribute.objects.get(person=org.a2, year=2025, name="identity").value == "普通工作人员"
