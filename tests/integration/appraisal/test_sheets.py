"""Scoring sheets that fit the scheme: a sheet asks each assessor only for the lines they give (the
person's track, the indicator's assessor), several assessors' marks are combined by the scheme's
rule, seconded staff get their host unit's score, and a sheet can be filled from Excel."""

import math
from datetime import date
from io import BytesIO

import numpy as np
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kaohe.appraisal.inputs import gather
from kaohe.appraisal.models import HOST_SCORE, Score, ScoringGroupMember
from kaohe.appraisal.selectors import rows_for_user
from kaohe.appraisal.selectors_sheets import scoring_progress, sheet_plan
from kaohe.appraisal.services.periods import create_period, start_scoring
from kaohe.appraisal.services.schemes import import_scheme
from kaohe.appraisal.services.scoring import get_or_create_sheet, import_sheet, save_sheet, set_group_members
from kaohe.appraisal.sheet_excel import sheet_template
from kaohe.audit.models import Event
from kaohe.org.models import Secondment
from kaohe.org.services import create_secondment
from kaohe.platform.errors import Refusal
from kaohe.platform.excel import read_workbook, workbook_bytes
from tests.conftest import make_person, make_user
from tests.integration.appraisal import helpers

pytestmark = pytest.mark.django_db

SCHEME = """
scheme: 评分表测试
year: 2025
period: quarter
tracks:
  中层: {identity: [中层干部]}
  一般: {identity: [一般干部]}
  领导: {identity: [班子成员]}
scoring_groups:
  考核小组: {min_assessors: 3, combine: trimmed_mean}
secondment: {host_share: 30%}
components:
  实绩:
    share: 100%
    indicators_by_track:
      中层:
        管理: {points: 70, assessor: leader}
        品行: {points: 30, assessor: "group: 考核小组"}
      一般:
        业务: {points: 50}
        作风: {points: 20, assessor: leader}
        品行: {points: 20, assessor: "group: 考核小组"}
        任务: {points: 10, source: task}
      领导:
        述职: {points: 100, assessor: leader}
grading:
  grades: [优秀, 合格]
"""


@pytest.fixture
def setup(org):
    """Period on the township: a1 (中层) reviews a2 (一般); b1 (一般) has no reviewer; L supervises
    党政办 (A); three members of the scoring group."""
    leader = make_person("L001", "赵领导", org.root, identity="leadership")
    org.unit_a.supervisor = leader
    org.unit_a.save()
    members = [make_person(f"G00{i}", f"组员{i}", org.root, identity="leadership") for i in (1, 2, 3)]
    sch = import_scheme(actor=None, text=SCHEME)
    p = create_period(actor=None, unit=org.root, scheme=sch, kind="quarter", start=helpers.DAY)
    start_scoring(actor=None, period=p)
    return p, leader, members


def _lines(plan, assessor):
    return {pid: [ln.key for ln in lines] for pid, lines in plan.of(assessor).items()}


def test_a_sheet_holds_per_person_only_their_tracks_lines_that_this_assessor_gives(org, setup):
    p, leader, _members = setup
    plan = sheet_plan(p)
    assert _lines(plan, org.a1.pk) == {org.a2.pk: ["实绩/业务"]}  # the reviewer's line only
    assert _lines(plan, leader.pk) == {org.a1.pk: ["实绩/管理"], org.a2.pk: ["实绩/作风"]}
    # 财政所 has no supervising leader and b1 no reviewer: the office takes both; the task leaf is on
    # no sheet; the group's leaf waits for members; the leaders' own 述职 has no leader above them
    office = _lines(plan, None)
    assert office[org.b1.pk] == ["实绩/业务", "实绩/作风"]
    assert office[leader.pk] == ["实绩/述职"]
    assert all("实绩/任务" not in keys for a in plan.lines for keys in _lines(plan, a).values())
    assert plan.unstaffed == ["考核小组"]


def test_submission_is_blocked_only_by_the_cells_this_assessor_must_give(org, setup):
    p, leader, _ = setup
    sheet = get_or_create_sheet(p, org.a1)
    save_sheet(actor=None, sheet=sheet, entries=[(org.a2.pk, "实绩/业务", 45, "")], submit=True)
    sheet.refresh_from_db()
    assert sheet.status == "submitted"
    lsheet = get_or_create_sheet(p, leader)
    with pytest.raises(Refusal, match="1 score is still missing"):
        save_sheet(actor=None, sheet=lsheet, entries=[(org.a1.pk, "实绩/管理", 60, "")], submit=True)
    assert not Score.objects.filter(sheet=lsheet).exists()  # the refused submission wrote nothing


def test_a_line_of_another_assessor_is_refused_and_nothing_is_written(org, setup):
    p, _leader, _ = setup
    sheet = get_or_create_sheet(p, org.a1)
    with pytest.raises(Refusal, match="实绩/作风 is not an indicator this sheet asks for this person"):
        save_sheet(
            actor=None,
            sheet=sheet,
            entries=[(org.a2.pk, "实绩/业务", 45, ""), (org.a2.pk, "实绩/作风", 15, "")],
        )
    assert not Score.objects.filter(period=p).exists()


def test_saving_again_replaces_only_the_cells_sent(org, setup):
    p, leader, _ = setup
    sheet = get_or_create_sheet(p, leader)
    save_sheet(
        actor=None, sheet=sheet, entries=[(org.a1.pk, "实绩/管理", 60, ""), (org.a2.pk, "实绩/作风", 18, "")]
    )
    save_sheet(actor=None, sheet=sheet, entries=[(org.a1.pk, "实绩/管理", 65, "")])
    save_sheet(actor=None, sheet=sheet, entries=[(org.a2.pk, "实绩/作风", None, "")])
    # one mark per cell however often it is saved (the service is the table's uniqueness)
    assert list(Score.objects.filter(sheet=sheet).values_list("indicator", "value")) == [("实绩/管理", 65)]
    ev = Event.objects.filter(action="appraisal.sheet.save").order_by("-pk").first()
    assert ev.after == {"scores": 0, "cleared": 1, "personal": 0}


def test_a_scoring_groups_marks_are_combined_by_its_rule_and_too_few_are_no_score(org, setup):
    p, _leader, members = setup
    set_group_members(actor=None, period=p, group="考核小组", staff_nos=[m.staff_no for m in members])
    plan = sheet_plan(p)
    assert plan.unstaffed == []
    for m, mark in zip(members, (20, 10, 14), strict=True):
        entries = [(org.a2.pk, "实绩/品行", mark, "材料")]
        if m is not members[2]:
            entries.append((org.b1.pk, "实绩/品行", mark, "材料"))  # b1 gets two marks only
        save_sheet(actor=None, sheet=get_or_create_sheet(p, m), entries=entries)
    data, ids = gather(p, p.scheme.parsed())
    col = data.scores["实绩/品行"]
    assert col[ids.index(org.a2.pk)] == pytest.approx(14)  # 20 and 10 dropped
    assert math.isnan(col[ids.index(org.b1.pk)])  # two marks of the three required: no score, not 0
    progress = {a["assessor"]: (a["filled"], a["expected"]) for a in scoring_progress(p)}
    assert progress["组员1"] == (2, 3) and progress["组员3"] == (1, 3)  # a1, a2, b1 each


def test_a_group_member_is_not_asked_to_mark_themselves(org, setup):
    p, _leader, _members = setup
    set_group_members(actor=None, period=p, group="考核小组", staff_nos=["A001", "A002", "B001"])
    plan = sheet_plan(p)
    assert set(_lines(plan, org.a2.pk)) == {org.a1.pk, org.b1.pk}


def test_naming_members_is_audited_and_an_unknown_staff_number_is_refused(org, setup):
    p, _leader, members = setup
    with pytest.raises(Refusal, match="no active person X999"):
        set_group_members(actor=None, period=p, group="考核小组", staff_nos=["G001", "X999"])
    assert not ScoringGroupMember.objects.exists()
    with pytest.raises(Refusal, match="not a scoring group"):
        set_group_members(actor=None, period=p, group="评审组", staff_nos=["G001"])
    set_group_members(actor=None, period=p, group="考核小组", staff_nos=["G001", "G002"])
    ev = Event.objects.get(action="appraisal.scoring_group.members")
    assert ev.after == {"group": "考核小组", "members": ["G001", "G002"]}


def test_a_seconded_person_gets_the_host_score_on_the_host_assessors_sheet(org, setup):
    p, _leader, _ = setup
    create_secondment(
        actor=None,
        person=org.b1,
        host_unit=org.unit_a,
        start=date(2025, 3, 1),
        home_share=70,
        host_assessor=org.a1,
    )
    plan = sheet_plan(p)
    assert _lines(plan, org.a1.pk) == {org.a2.pk: ["实绩/业务"], org.b1.pk: [HOST_SCORE]}
    sheet = get_or_create_sheet(p, org.a1)
    with pytest.raises(Refusal, match="not seconded"):
        save_sheet(actor=None, sheet=sheet, entries=[(org.a2.pk, HOST_SCORE, 90, "")])
    with pytest.raises(Refusal, match="between 0 and 100"):
        save_sheet(actor=None, sheet=sheet, entries=[(org.b1.pk, HOST_SCORE, 101, "")])
    save_sheet(actor=None, sheet=sheet, entries=[(org.b1.pk, HOST_SCORE, 88, "")])
    data, ids = gather(p, p.scheme.parsed())
    i, j = ids.index(org.b1.pk), ids.index(org.a2.pk)
    assert data.people.numbers["host_score"][i] == 88
    assert data.people.numbers["host_share"][i] == pytest.approx(0.3)
    assert np.isnan(data.people.numbers["host_score"][j]) and np.isnan(data.people.numbers["host_share"][j])


def test_the_host_assessor_defaults_to_the_host_units_supervisor(org, setup):
    p, leader, _ = setup
    s = create_secondment(actor=None, person=org.b1, host_unit=org.unit_a, start=date(2025, 1, 1))
    assert s.host_assessor == leader
    Secondment.objects.filter(pk=s.pk).update(host_assessor=None)  # none named: the supervisor still
    assert HOST_SCORE in _lines(sheet_plan(p), leader.pk)[org.b1.pk]


def test_a_secondment_outside_the_period_gives_no_host_line(org, setup):
    p, leader, _ = setup
    create_secondment(
        actor=None, person=org.b1, host_unit=org.unit_a, start=date(2025, 1, 1), end=date(2025, 3, 31)
    )
    assert org.b1.pk not in _lines(sheet_plan(p), leader.pk)


def test_the_host_units_office_sees_the_seconded_persons_result(org):
    p, rs = helpers.computed(org.root, helpers.values(org))
    host_office = make_user("office_a", "office", org.unit_b)
    row = rs.rows.get(person=org.a2)
    assert not rows_for_user(host_office).filter(pk=row.pk).exists()
    create_secondment(actor=None, person=org.a2, host_unit=org.unit_b, start=date(2025, 5, 1))
    assert rows_for_user(host_office).filter(pk=row.pk).count() == 1


# --- Excel --------------------------------------------------------------------------------------------


def _rows(wb):
    return next(iter(read_workbook(workbook_bytes(wb), max_rows=100, max_cols=20).values()))


def test_a_sheet_round_trips_through_its_excel_template(org, setup):
    p, leader, _ = setup
    sheet = get_or_create_sheet(p, leader)
    wb = sheet_template(sheet)
    ws = wb.active
    header = [c.value for c in ws[1]]
    assert header == ["工号", "姓名", "管理", "管理·说明", "作风", "作风·说明"]
    ws["C2"], ws["E3"], ws["F3"] = 66, 5, "多次迟到"  # a1 管理, a2 作风 (low: with a comment)
    n = import_sheet(actor=None, sheet=sheet, rows=_rows(wb), sheet_name="评分")
    assert n == 2
    got = dict(Score.objects.filter(sheet=sheet).values_list("indicator", "value"))
    assert got == {"实绩/管理": 66, "实绩/作风": 5}


def test_a_bad_excel_sheet_names_sheet_row_and_column_and_writes_nothing(org, setup):
    p, leader, _ = setup
    sheet = get_or_create_sheet(p, leader)
    wb = sheet_template(sheet)
    ws = wb.active
    ws["C2"] = 90  # over 管理's 70 points
    ws["E2"] = 10  # a1 has no 作风 line
    ws["C3"] = "abc"  # not a number (and a2 has no 管理 line)
    ws.append(["Z999", "某某", 50])
    with pytest.raises(Refusal) as err:
        import_sheet(actor=None, sheet=sheet, rows=_rows(wb), sheet_name="评分")
    text = str(err.value)
    assert (
        "sheet 评分, row 2, column C (管理): 实绩/管理: expected a score between 0 and 70, found 90" in text
    )
    assert "row 2, column E (作风): 实绩/作风 is not an indicator this sheet asks for this person" in text
    assert "row 3, column C (管理): expected a number, found abc" in text
    assert "row 4, column A (工号): no person Z999" in text
    assert not Score.objects.filter(sheet=sheet).exists()


def test_the_sheet_page_shows_each_person_only_their_cells_and_imports_a_workbook(org, setup, login):
    p, _leader, _ = setup
    sheet = get_or_create_sheet(p, org.a1)
    client = helpers.in_english(login("reviewer"))
    page = client.get(f"/appraisal/sheets/{sheet.pk}/")
    form = page.context["form"]
    assert [c.key for c in form.cols] == ["实绩/业务"]
    assert [r["person"].pk for r in form.rows] == [org.a2.pk]
    wb = openpyxl.Workbook()
    wb.active.append(["工号", "姓名", "业务"])
    wb.active.append(["A002", "李二", 41])
    buf = BytesIO()
    wb.save(buf)
    upload = SimpleUploadedFile("s.xlsx", buf.getvalue())
    response = client.post(f"/appraisal/sheets/{sheet.pk}/import/", {"file": upload}, follow=True)
    assert "1 score stored." in response.content.decode()
    assert Score.objects.get(sheet=sheet).value == 41
    download = client.get(f"/appraisal/sheets/{sheet.pk}/sheet.xlsx")
    assert download.status_code == 200
    got = openpyxl.load_workbook(BytesIO(download.content)).active
    assert [c.value for c in got[2]][:3] == ["A002", "李二", 41]


def test_the_office_names_a_groups_members_on_its_page(org, setup, login):
    p, _leader, _ = setup
    client = helpers.in_english(login("office"))
    response = client.post(
        f"/appraisal/periods/{p.pk}/scoring-groups/", {"group": "考核小组", "staff_nos": "G001，G002\nG003"}
    )
    assert response.status_code == 302
    assert set(ScoringGroupMember.objects.values_list("person__staff_no", flat=True)) == {
        "G001",
        "G002",
        "G003",
    }
    page = client.get(f"/appraisal/periods/{p.pk}/")
    assert "Scoring groups without members" not in page.content.decode()


def test_comments_with_tabs_newlines_and_backslashes_are_stored_as_typed(org, setup):
    p, _leader, _ = setup
    sheet = get_or_create_sheet(p, org.a1)
    comment = "材料\t不全\\见附件\n第二行"
    save_sheet(actor=None, sheet=sheet, entries=[(org.a2.pk, "实绩/业务", 10.25, comment)])
    mark = Score.objects.get(sheet=sheet)
    assert (mark.value, mark.comment, mark.period_id) == (10.25, comment, p.pk)


def test_the_api_reads_a_sheets_lines_and_stores_marks_through_the_service(org, setup, login):
    p, _leader, _ = setup
    sheet = get_or_create_sheet(p, org.a1)
    client = helpers.in_english(login("reviewer"))
    got = client.get(f"/api/appraisal/sheets/{sheet.pk}").json()
    assert [(c["person_id"], c["indicator"], c["top"], c["value"]) for c in got["cells"]] == [
        (org.a2.pk, "实绩/业务", 50.0, None)
    ]
    body = {"cells": [{"person_id": org.a2.pk, "indicator": "实绩/业务", "value": 44}], "submit": True}
    response = client.put(f"/api/appraisal/sheets/{sheet.pk}", data=body, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    assert response.json()["cells"][0]["value"] == 44
    bad = {"cells": [{"person_id": org.b1.pk, "indicator": "实绩/业务", "value": 44}]}
    sheet.status = "draft"
    sheet.save()
    response = client.put(f"/api/appraisal/sheets/{sheet.pk}", data=bad, content_type="application/json")
    assert response.status_code == 422 and "not on this sheet" in response.json()["detail"]
