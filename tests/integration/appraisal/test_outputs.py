"""The cycle's outputs: results per track (ranks, grades, quotas), the results workbook, a person's
feedback report, the annual roll-up by the scheme's aggregation rule, and follow-ups."""

from datetime import date
from io import BytesIO

import openpyxl
import pytest
from django.utils import translation

from kaohe.appraisal import annual
from kaohe.appraisal.followups import create_follow_ups
from kaohe.appraisal.models import FollowUp, PersonResult
from kaohe.appraisal.rollups import rollup
from kaohe.appraisal.services.committee import record_decision
from kaohe.appraisal.services.periods import create_period, send_to_committee, start_scoring
from kaohe.appraisal.services.publicity import publish
from kaohe.appraisal.services.results import compute_period
from kaohe.appraisal.services.schemes import import_scheme
from kaohe.audit.models import Event
from tests.conftest import make_person
from tests.integration.appraisal import helpers
from tests.integration.downloads import download_name

pytestmark = pytest.mark.django_db

# a new person (started in the quarter's last week) gets no grade and no rank place
NEWCOMER_SCHEME = (
    helpers.SCHEME
    + """
eligibility:
  新进人员: {{when: {{months_in_unit_below: 1}}, effect: no_grade, reason: 到岗不满1个月}}
"""
)


@pytest.fixture
def five(org):
    """Five people in one track, scored so that the order is a1 > b1 > c1 > a2, plus a newcomer."""
    c1 = make_person("C001", "陈四", org.unit_b)
    new = make_person("N001", "钱新", org.unit_b, start_date=date(2025, 6, 25))
    sch = import_scheme(actor=None, text=NEWCOMER_SCHEME.format(version="out"))
    values = {org.a1: (58, 38), org.b1: (50, 30), c1: (45, 28), org.a2: (30, 20), new: (60, 40)}
    p, rs = helpers.computed(org.root, values, sch)
    return p, rs, c1, new


def test_results_page_lists_the_track_in_rank_order_with_grades_and_quotas(org, login, five):
    p, rs, c1, new = five
    response = login("office").get(f"/appraisal/periods/{p.pk}/results/")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r["person__name"] for r in rows] == ["张一", "王三", "陈四", "李二", "钱新"]
    assert [r["rank"] for r in rows] == [1, 2, 3, 4, 0]  # the newcomer has no rank place, listed last
    assert [r["grade"] or r["status"] for r in rows] == ["优秀", "良好", "良好", "良好", "no_grade"]
    html = response.content.decode()
    assert "<td>不定等次</td>" in html[html.index("钱新") :]  # the stored code, shown by its label
    assert (
        html.index("张一") < html.index("王三") < html.index("陈四") < html.index("李二") < html.index("钱新")
    )
    # 优秀 at most 34% of the 4 graded people, rounded down: 1
    (group,) = response.context["distribution"]
    cells = {c["grade"]: c for c in group["cells"]}
    assert group["people"] == 5 and group["ungraded"] == 1
    assert cells["优秀"]["n"] == 1 and cells["优秀"]["ceiling"] == 1 and not cells["优秀"]["over"]
    assert cells["良好"]["n"] == 3
    assert 'id="distribution"' in html and "≤ 1" in html


def test_api_gives_the_status_code_and_its_label(org, login, five):
    p, rs, c1, new = five
    body = helpers.in_english(login("office")).get(f"/api/appraisal/periods/{p.pk}/results").json()
    got = {r["staff_no"]: (r["grade"], r["status"], r["status_label"]) for r in body}
    assert got["N001"] == ("", "no_grade", "No grade")
    assert got["A001"] == ("优秀", "", "")


def test_results_store_code_names_and_lists_not_labels(org, five):
    p, rs, c1, new = five
    rows = {r.person_id: r for r in rs.rows.all()}
    assert rows[new.pk].status == "no_grade"
    with translation.override("zh-hans"):
        assert rows[new.pk].get_status_display() == "不定等次"
    assert rows[org.a2.pk].tail == ["谈话提醒"] and rows[org.a1.pk].tail == []
    assert all(isinstance(r.outcomes, list) for r in rows.values())


def test_results_workbook_has_one_sheet_per_track_with_ranks_and_grades(org, login, five):
    p, rs, c1, new = five
    response = login("office").get(f"/outcome/periods/{p.pk}/results.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = openpyxl.load_workbook(BytesIO(response.content))
    assert wb.sheetnames == ["全体"]
    rows = list(wb["全体"].iter_rows(values_only=True))
    assert rows[0] == ("排名", "工号", "姓名", "单位", "实绩", "总分", "等次", "末位督考", "结果运用")
    body = [(r[0], r[1], r[2], r[5], r[6]) for r in rows[1:]]
    assert body == [
        ("1/4", "A001", "张一", 96, "优秀"),
        ("2/4", "B001", "王三", 80, "良好"),
        ("3/4", "C001", "陈四", 73, "良好"),
        ("4/4", "A002", "李二", 50, "良好"),
        ("—", "N001", "钱新", 100, "不定等次"),
    ]
    assert rows[4][7] == "谈话提醒"  # the bottom of the track: the tail rule's action
    assert download_name(response) == ("results-2025Q2.xlsx", "示范镇2025年第二季度考核结果.xlsx")


def test_feedback_report_shows_each_indicator_with_rank_strengths_radar_and_trend(org, login):
    sch = helpers.scheme("fb")
    values_q2 = {org.a1: (58, 30), org.a2: (30, 38), org.b1: (50, 20)}
    p2, rs2 = helpers.published(org.root, values_q2, sch=sch)
    # an earlier published quarter for the trend, and a later one not yet published (not shown)
    p1 = helpers.period(org.root, sch, start=date(2025, 1, 1))
    start_scoring(actor=None, period=p1)
    helpers.score_all(p1, {org.a1: (50, 30), org.a2: (40, 30), org.b1: (50, 30)})
    helpers.make_ready(p1)
    compute_period(actor=None, period=p1)
    send_to_committee(actor=None, period=p1)
    record_decision(actor=None, period=p1, members="甲", day=date(2025, 4, 2), decision="同意")
    publish(actor=None, period=p1, today=date(2025, 4, 3))
    p3 = helpers.period(org.root, sch, start=date(2025, 7, 1))
    start_scoring(actor=None, period=p3)
    helpers.score_all(p3, {org.a1: (10, 10), org.a2: (10, 10), org.b1: (10, 10)})
    helpers.make_ready(p3)
    compute_period(actor=None, period=p3)

    row = PersonResult.objects.get(result_set__period=p2, result_set__current=True, person=org.a2)
    response = login("staff").get(f"/outcome/reports/{row.pk}/")
    assert response.status_code == 200
    data = response.context["data"]
    items = {i["name"]: i for i in data["items"]}
    assert items["党建"]["score"] == 30 and items["党建"]["points"] == 60 and items["党建"]["rank"] == 3
    assert items["业务"]["score"] == 38 and items["业务"]["points"] == 40 and items["业务"]["rank"] == 1
    assert items["党建"]["of"] == 3 and items["党建"]["mean"] == pytest.approx(46)
    assert [i["name"] for i in data["strengths"]] == ["业务"]
    assert [i["name"] for i in data["weaknesses"]] == ["党建"]
    # dimensions: each first-level indicator as a percentage of its points
    assert data["radar"] == {"党建": 50.0, "业务": 95.0}
    assert data["trend"] == [["2025Q1", 70.0], ["2025Q2", 68.0]]  # not 2025Q3: unpublished
    html = response.content.decode()
    assert 'id="report-data"' in html and "window.print()" in html and "@media print" in html


def test_feedback_report_of_an_unpublished_period_is_not_shown_to_its_person(org, login):
    p, rs = helpers.computed(org.root, {org.a1: (60, 40), org.a2: (30, 20), org.b1: (50, 30)})
    row = rs.rows.get(person=org.a2)
    assert login("staff").get(f"/outcome/reports/{row.pk}/").status_code == 404
    assert login("office").get(f"/outcome/reports/{row.pk}/").status_code == 200


def _publish_quarter(unit, sch, start, values, today):
    p = helpers.period(unit, sch, start=start)
    start_scoring(actor=None, period=p)
    helpers.score_all(p, values)
    helpers.make_ready(p)
    compute_period(actor=None, period=p)
    send_to_committee(actor=None, period=p)
    record_decision(actor=None, period=p, members="甲", day=today, decision="同意")
    publish(actor=None, period=p, today=today)
    return p


QUARTERS = [
    (date(2025, 1, 1), {"a1": (60, 40), "a2": (30, 20), "b1": (50, 30)}),
    (date(2025, 4, 1), {"a1": (55, 35), "a2": (40, 25), "b1": (50, 31)}),
    (date(2025, 7, 1), {"a1": (50, 30), "a2": (45, 30), "b1": (52, 33)}),
    (date(2025, 10, 1), {"a1": (58, 39), "a2": (35, 28), "b1": (41, 25)}),
]


def test_annual_rollup_is_the_mean_of_the_four_quarters(org, login):
    sch = helpers.scheme("roll")
    people = {"a1": org.a1, "a2": org.a2, "b1": org.b1}
    for start, values in QUARTERS:
        _publish_quarter(org.root, sch, start, {people[k]: v for k, v in values.items()}, start)
    client = login("office")
    client.cookies["django_language"] = "en"  # the wording below is matched in English
    response = client.get(f"/outcome/rollup/?unit={org.root.pk}&year=2025")
    assert response.status_code == 200
    assert response.context["codes"] == ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]
    rows = {r["name"]: r for r in response.context["rows"]}
    # the quarterly scheme has no aggregation rule: the annual figure is the mean of its periods
    assert rows["张一"]["annual"] == (100 + 90 + 80 + 97) / 4 == 91.75
    assert rows["李二"]["annual"] == (50 + 65 + 75 + 63) / 4 == 63.25
    assert rows["王三"]["annual"] == pytest.approx((80 + 81 + 85 + 66) / 4)
    assert [c["total"] for c in rows["李二"]["row"]] == [50, 65, 75, 63]
    assert "mean" in response.context["rule"] and "provisional" in response.content.decode()


YEAR_SCHEME = (
    """
scheme: 年度方案
year: 2025
period: year
"""
    + helpers.SCHEME_BODY
    + """\
aggregation:
  parts:
    四个季度平均: {{from: quarter, share: 100%, how: mean}}
grading:
  grades: [优秀, 良好, 一般]
  thresholds: {{良好: 60}}
"""
)


def test_the_year_reads_its_quarters_by_the_scheme_and_the_rollup_shows_it(org, login):
    sch = helpers.scheme("q")
    people = {"a1": org.a1, "a2": org.a2, "b1": org.b1}
    for start, values in QUARTERS:
        _publish_quarter(org.root, sch, start, {people[k]: v for k, v in values.items()}, start)
    year_scheme = import_scheme(actor=None, text=YEAR_SCHEME.format(version="y1"))
    year = create_period(actor=None, unit=org.root, scheme=year_scheme, kind="year", start=date(2025, 1, 1))
    start_scoring(actor=None, period=year)
    helpers.score_all(year, {org.a1: (1, 1), org.a2: (1, 1), org.b1: (1, 1)})  # not read: 100% quarters
    helpers.make_ready(year)
    rs = compute_period(actor=None, period=year)
    totals = dict(rs.rows.values_list("person__name", "total"))
    assert totals == {"张一": 91.75, "李二": 63.25, "王三": 78.0}
    send_to_committee(actor=None, period=year)
    record_decision(actor=None, period=year, members="甲", day=date(2026, 1, 5), decision="同意")
    publish(actor=None, period=year, today=date(2026, 1, 5))
    codes, rows, rule = rollup(org.root, 2025)
    assert codes == ["2025Q1", "2025Q2", "2025Q3", "2025Q4", "2025"]
    assert {r["name"]: r["annual"] for r in rows} == totals
    assert "Quarter" in rule


def test_annual_total_applies_each_part_of_the_rule():
    parts = [annual.Part("month", 0.4), annual.Part("quarter", 0.6, how="last")]
    assert annual.annual_total(parts, {"month": [80, 90], "quarter": [70, 75]}) == 0.4 * 85 + 0.6 * 75
    assert annual.annual_total(parts, {"month": [80]}) is None  # no quarter yet
    assert annual.annual_total([annual.Part("current", 1.0)], {"quarter": [1]}) is None
    assert annual.annual_total(parts, {"year": [88.5], "month": [1]}) == 88.5
    assert annual.annual_total([annual.Part("quarter", 1.0)], {"quarter": [84.125, 84.125]}) == 84.13


def test_follow_ups_come_from_tail_rules_with_working_day_due_dates_and_owners(org, login):
    # published Friday 26 Sep 2025: 28 Sep is a make-up working day, 1–8 Oct the National Day holiday
    p, rs = helpers.published(
        org.root, {org.a1: (60, 40), org.a2: (30, 20), org.b1: (50, 30)}, today=date(2025, 9, 26)
    )
    (item,) = FollowUp.objects.filter(period=p)
    assert (item.person, item.kind, item.action) == (org.a2, "tail", "谈话提醒")
    assert item.due == date(2025, 10, 16)  # ten working days on the official calendar
    assert item.owner == org.a1  # the person's reviewer
    assert Event.objects.filter(action="outcome.followups.create", object_id=str(p.pk)).count() == 1
    # publishing is the only time they are created; creating again adds nothing
    create_follow_ups(actor=None, period=p, today=date(2025, 9, 26))
    assert FollowUp.objects.filter(period=p).count() == 1

    client = helpers.in_english(login("office"))
    page = client.get("/outcome/follow-ups/")
    assert page.status_code == 200 and "谈话提醒" in page.content.decode()
    response = client.post(f"/outcome/follow-ups/{item.pk}/close/", {"record": " "}, follow=True)
    assert "Write down what was done." in response.content.decode()
    assert FollowUp.objects.get(pk=item.pk).closed_at is None
    client.post(f"/outcome/follow-ups/{item.pk}/close/", {"record": "10月9日已谈话，本人表示整改"})
    item.refresh_from_db()
    assert item.closed_at is not None and item.record == "10月9日已谈话，本人表示整改"
    assert item.closed_by == org.users["office"]
    event = Event.objects.get(action="outcome.followup.close")
    assert event.object_id == str(item.pk)
    page = client.get("/outcome/follow-ups/")
    assert page.context["open"].count() == 0 and list(page.context["closed"]) == [item]


def test_follow_ups_from_consequences(org):
    text = (
        helpers.SCHEME.format(version="c")
        + """
consequences:
  outcomes:
    评先资格: {grades: 优秀, consecutive: 1}
"""
    )
    sch = import_scheme(actor=None, text=text)
    p, rs = helpers.published(org.root, {org.a1: (60, 40), org.a2: (30, 20), org.b1: (50, 30)}, sch=sch)
    got = set(FollowUp.objects.filter(period=p).values_list("person__staff_no", "kind", "action"))
    assert got == {("A001", "outcome", "评先资格"), ("A002", "tail", "谈话提醒")}


def test_the_what_if_preview_does_not_list_someone_ungraded_before_and_after(org, login, five):
    p, rs, c1, new = five
    same = import_scheme(actor=None, text=NEWCOMER_SCHEME.format(version="out-2"))
    response = login("office").get(f"/appraisal/schemes/{same.pk}/preview/?period={p.pk}")
    assert response.context["error"] == ""
    assert response.context["changes"] == []  # 钱新 has no grade under both: not a change
    assert response.context["counts"]["不定等次"] == 1
