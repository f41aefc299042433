"""The period's own inputs entered by the office (issue 15, items 5, 8, 9): period measures feeding
001's dynamic coefficient, pool amounts and pay bases in fen, unit grades and honours setting quotas,
task results as percentages; through the pages, the workbook and the API, all or nothing."""

from __future__ import annotations

import io
import re
from datetime import date

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaohe.accounts.services import create_api_token
from kaohe.appraisal.inputs import gather, kpi_leaves
from kaohe.appraisal.models import Kpi, PeriodAmount, PeriodMeasure, PersonResult, TaskResult, UnitGrade
from kaohe.appraisal.services.committee import change_grade
from kaohe.appraisal.services.money import set_amounts
from kaohe.appraisal.services.periods import create_period, send_to_committee, start_scoring
from kaohe.appraisal.services.results import compute_period
from kaohe.appraisal.services.schemes import import_scheme
from kaohe.appraisal.services.scoring import get_or_create_sheet
from kaohe.appraisal.services.unit_grades import set_unit_grades
from kaohe.audit.models import Event
from kaohe.engine.numeric import round_half_up_scalar
from kaohe.platform.errors import Refusal
from kaohe.presets import load_preset
from tests.integration.appraisal import helpers

pytestmark = pytest.mark.django_db

COMMON_001 = {"政治思想建设": 14, "基层党建": 13, "生态文明建设": 9, "法治建设": 8, "优化营商环境": 9}


def scheme_001():
    """Preset 001 as shipped, less its static 岗位系数: that reads the person attribute 系数档次, which
    the scheme-defined attributes (another part of issue 15) supply. The dynamic coefficient is kept."""
    text = load_preset("001_xinqu").scheme_text()
    start = text.index("  岗位系数:")
    end = text.index("  月度动态系数:")
    return import_scheme(actor=None, text=text[:start] + text[end:])


def period_001(org):
    p = create_period(
        actor=None,
        unit=org.root,
        scheme=scheme_001(),
        kind="month",
        start=date(2025, 12, 1),
        unit_kinds={"department": "综合服务类", "station": "综合服务类"},
    )
    start_scoring(actor=None, period=p)
    sheet = get_or_create_sheet(p, None)
    for person in (org.a1, org.a2, org.b1):
        for leaf, value in COMMON_001.items():
            p.scores.create(sheet=sheet, person=person, indicator=f"共性指标/{leaf}", value=value)
        # 实绩指标 entered as nothing achieved (0), not left missing: the figures below read 共性指标 only
        for leaf in ("招商引资", "复工复产", "产业项目建设", "解决民生问题"):
            p.scores.create(sheet=sheet, person=person, indicator=f"实绩指标/{leaf}", value=0)
        for key in kpi_leaves(p.scheme.parsed()):
            for measure in ("总量", "增速"):
                Kpi.objects.create(
                    period=p, person=person, indicator=key, measure=measure, actual=0, target=1
                )
    return p


def ready_and_compute(p):
    """What the office does before computing: every sheet submitted, inputs with none recorded as
    truly empty, and a pool and pay base where the scheme needs them and the test set none."""
    from kaohe.appraisal.readiness import MISSING, readiness

    helpers.make_ready(p)
    defaults = {
        "pool": {"kind": "pool", "pool": "激励资金", "amount": "0"},
        "pay_base": {"kind": "pay_base", "amount": "3000"},
    }
    rows = [
        defaults[c.requirement.need.value]
        for c in readiness(p)
        if c.status == MISSING and c.requirement.need.value in defaults
    ]
    if rows:
        set_amounts(actor=None, period=p, rows=rows)
    return compute_period(actor=None, period=p)


def post_measure(client, period, **fields):
    return client.post(reverse("appraisal:measure_set", args=[period.pk]), fields)


def test_preset_001_computes_with_the_measures_entered_on_the_page(org, login):
    p = period_001(org)
    client = login("office")
    assert post_measure(client, p, unit="", name="gdp_growth", value="0.11").status_code == 302
    post_measure(client, p, unit=org.unit_a.code, name="econ_share", value="1.0")
    post_measure(client, p, unit=org.root.code, name="econ_share", value="0.3")  # b1 reads the township's
    rs = ready_and_compute(p)
    totals = dict(rs.rows.values_list("person__staff_no", "total"))
    base = 0.3 * sum(COMMON_001.values()) / 60 * 100  # 共性指标 share 30% of its 60 points, 实绩 left empty
    # a: clip(1 + (11% − 8%) × 1.0 × 2, 0.95, 1.05) = 1.05; b: 1 + 3% × 0.3 × 2 = 1.018
    assert totals["A001"] == pytest.approx(round_half_up_scalar(base * 1.05))
    assert totals["B001"] == pytest.approx(round_half_up_scalar(base * 1.018))
    assert Event.objects.filter(action="appraisal.measures.set").count() == 3


def test_a_measure_not_entered_for_some_people_refuses_the_computation(org, login):
    p = period_001(org)
    client = login("office")
    post_measure(client, p, unit="", name="gdp_growth", value="0.11")
    post_measure(client, p, unit=org.unit_a.code, name="econ_share", value="1.0")  # none for 财政所
    helpers.make_ready(p)
    with pytest.raises(Refusal) as exc:
        compute_period(actor=None, period=p)
    assert "econ_share" in str(exc.value) and "财政所" in str(exc.value)  # the unit whose people lack it
    assert "党政办" not in str(exc.value)
    assert not PersonResult.objects.filter(result_set__period=p).exists()


def test_a_name_the_formulas_do_not_read_is_refused_and_nothing_is_written(org, login):
    p = period_001(org)
    client = login("office")
    response = client.put(
        reverse("api:put_measures", args=[p.pk]),
        {"items": [{"name": "gdp_growth", "value": 0.1}, {"unit": "ZZ", "name": "人口", "value": 1}]},
        content_type="application/json",
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "第 2 项，单位" in detail and "第 2 项，指标名" in detail  # the API answers in Chinese
    assert not PeriodMeasure.objects.exists()


MONEY_SCHEME = """
scheme: 资金方案
year: 2025
period: quarter
version: "{version}"
tracks:
  全体: {{}}
components:
  实绩:
    share: 100%
    indicators:
      党建: {{points: 50}}
      业务: {{points: 30}}
      重点任务: {{points: 20, source: task}}
grading:
  grades: [优秀, 良好, 一般]
  quotas:
    优秀: {{by_unit_grade: {{好: 50%}}, at_most: 0%, by_honour: {{人民满意: 50%}}, unit_at_most: 100%, rounding: half_up}}
  quota_groups: {{by: [unit]}}
consequences:
  pay_factor: {{优秀: 20%, 良好: 10%}}
pool:
  grade_coefficients: {{优秀: 1.5, 良好: 1.0, 一般: 0.5}}
"""


def money_period(org, version="m"):
    sch = import_scheme(actor=None, text=MONEY_SCHEME.format(version=version))
    p = helpers.period(org.root, sch)
    start_scoring(actor=None, period=p)
    helpers.score_all(p, {org.a1: (50, 30), org.a2: (45, 28), org.b1: (40, 25)})
    return p


def rates(client, p, rows):
    return client.put(
        reverse("api:put_task_results", args=[p.pk]), {"items": rows}, content_type="application/json"
    )


def test_pool_and_pay_base_reach_results_page_workbook_api_and_report_to_the_fen(org, login):
    p = money_period(org)
    client = login("office")
    response = client.put(
        reverse("api:put_money", args=[p.pk]),
        {
            "items": [
                {"kind": "pool", "pool": "激励资金", "amount": "1000.01"},
                {"kind": "pay_base", "amount": "3000"},
                {"kind": "pay_base", "unit": org.unit_b.code, "amount": "2500.50"},
            ]
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert PeriodAmount.objects.get(kind="pool").amount_fen == 100001
    rates(client, p, [{"person": s, "indicator": "重点任务", "rate": 100} for s in ("A001", "A002", "B001")])
    set_unit_grades(actor=None, period=p, rows=[{"unit": org.unit_a.code, "grade": "好"}])
    rs = ready_and_compute(p)
    rows = {r.person.staff_no: r for r in rs.rows.select_related("person")}
    assert sum(r.pool_fen for r in rows.values()) == 100001  # preserved to the fen
    assert rs.pool_total_fen == 100001
    assert rows["A001"].grade == "优秀" and rows["A001"].pay_fen == 360000  # 3,000.00 × 1.2
    assert rows["A002"].pay_fen == 330000  # 良好: × 1.1
    assert rows["B001"].pay_fen == round(250050 * (1 + rows["B001"].pay_factor))  # its unit's base
    page = client.get(reverse("appraisal:results", args=[p.pk])).content.decode()
    assert "3,600.00" in page and "+20%" in page
    pool_a = f"{rows['A001'].pool_fen // 100:,}.{rows['A001'].pool_fen % 100:02d}"
    assert pool_a in page
    wb = openpyxl.load_workbook(io.BytesIO(client.get(reverse("outcome:results_xlsx", args=[p.pk])).content))
    cells = [c for row in wb.worksheets[0].iter_rows(values_only=True) for c in row]
    assert "绩效工资（元）" in cells and "3,600.00" in cells and pool_a in cells
    api = client.get(reverse("api:period_results", args=[p.pk])).json()
    mine = next(r for r in api if r["staff_no"] == "A001")
    assert (mine["pay_fen"], mine["pay_yuan"], mine["pool_fen"]) == (
        360000,
        "3,600.00",
        rows["A001"].pool_fen,
    )
    report = client.get(reverse("outcome:report", args=[rows["A001"].pk])).content.decode()
    assert "3,600.00" in report and pool_a in report


def test_without_money_the_computation_is_refused_not_counted_as_zero(org, login):
    p = money_period(org, "n")
    rates(
        login("office"),
        p,
        [{"person": s, "indicator": "重点任务", "rate": 90} for s in ("A001", "A002", "B001")],
    )
    helpers.make_ready(p)
    with pytest.raises(Refusal) as exc:
        compute_period(actor=None, period=p)
    assert "奖金总额" in str(exc.value) and "绩效工资基数" in str(exc.value)  # the pool, the pay base
    assert not PersonResult.objects.filter(result_set__period=p).exists()


def test_an_amount_with_three_decimals_is_refused_naming_the_entry(org):
    p = money_period(org, "d")
    with pytest.raises(Refusal, match="entry 1, amount"):
        set_amounts(actor=None, period=p, rows=[{"kind": "pool", "pool": "激励资金", "amount": "1.005"}])
    assert not PeriodAmount.objects.exists()


def test_unit_grade_and_honour_set_the_units_quota(org):
    p = money_period(org, "g")
    set_unit_grades(
        actor=None, period=p, rows=[{"unit": org.unit_b.code, "honours": "人民满意"}], whole_year=True
    )
    TaskResult.objects.bulk_create(
        [
            TaskResult(period=p, person=x, indicator="实绩/重点任务", rate=1.0)
            for x in (org.a1, org.a2, org.b1)
        ]
    )
    rs = ready_and_compute(p)
    grades = dict(rs.rows.values_list("person__staff_no", "grade"))
    # 党政办 no grade listed: 0% → no 优秀; 财政所 (1 person) 人民满意 +50% → 0.5 → 1 place
    assert grades["B001"] == "优秀" and "优秀" not in (grades["A001"], grades["A002"])
    set_unit_grades(actor=None, period=p, rows=[{"unit": org.unit_a.code, "grade": "好"}])
    rs = ready_and_compute(p)
    assert list(
        rs.rows.filter(grade="优秀").order_by("person__staff_no").values_list("person__staff_no", flat=True)
    ) == [
        "A001",
        "B001",
    ]


def test_a_grade_or_honour_the_scheme_does_not_name_is_refused(org):
    p = money_period(org, "h")
    with pytest.raises(Refusal) as exc:
        set_unit_grades(
            actor=None,
            period=p,
            rows=[{"unit": org.unit_a.code, "grade": "优", "honours": ["人民满意", "文明"]}],
        )
    assert "entry 1, unit grade" in str(exc.value) and "文明" in str(exc.value)
    assert not UnitGrade.objects.exists()


def test_task_rate_typed_as_a_percent_is_stored_0_to_1_and_shown_as_a_percent(org, login):
    p = money_period(org, "t")
    client = login("office")
    url = reverse("appraisal:tasks", args=[p.pk])
    assert client.post(url, {"person": "A002", "indicator": "实绩/重点任务", "rate": "74"}).status_code == 302
    assert TaskResult.objects.get().rate == pytest.approx(0.74)
    assert "74%" in client.get(url).content.decode()
    data, ids = gather(p, p.scheme.parsed())
    rate = data.task_rates["实绩/重点任务"]
    assert rate[ids.index(org.a2.pk)] == pytest.approx(0.74)
    assert rate[ids.index(org.a1.pk)] != rate[ids.index(org.a1.pk)]  # not entered: NaN, not 0


def test_a_task_result_wins_over_a_rate_on_a_sheet(org):
    p = money_period(org, "s")
    sheet = get_or_create_sheet(p, None)
    p.scores.create(sheet=sheet, person=org.a1, indicator="实绩/重点任务", value=0.5)
    p.scores.create(sheet=sheet, person=org.b1, indicator="实绩/重点任务", value=0.6)
    TaskResult.objects.create(period=p, person=org.a1, indicator="实绩/重点任务", rate=0.9)
    data, ids = gather(p, p.scheme.parsed())
    rate = data.task_rates["实绩/重点任务"]
    assert rate[ids.index(org.a1.pk)] == pytest.approx(0.9)
    assert rate[ids.index(org.b1.pk)] == pytest.approx(0.6)  # the sheet's rate where no task result


def workbook(**sheets) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.worksheets[0])
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(client, p, data: bytes):
    f = io.BytesIO(data)
    f.name = "inputs.xlsx"
    return client.post(reverse("appraisal:inputs_import", args=[p.pk]), {"file": f}, follow=True)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_workbook_is_imported_whole_or_not_at_all_with_sheet_row_and_column(org, login):
    p = money_period(org, "w")
    client = login("office")
    bad = workbook(
        资金=[["类别", "资金池", "分项", "单位编码", "金额（元）"], ["激励资金", "激励资金", "", "", "500"]],
        单位等次=[
            ["单位编码", "单位等次", "荣誉", "适用范围"],
            ["A", "好", "", "本期"],
            ["B", "差", "", "全年"],
        ],
        任务完成率=[["工号", "姓名", "任务指标", "完成率（%）"], ["A001", "", "重点任务", "120"]],
    )
    msgs = messages_of(upload(client, p, bad))
    assert any("工作表“单位等次”第 3 行“单位等次”列" in m for m in msgs), msgs
    assert any("工作表“任务完成率”第 2 行“完成率（%）”列" in m for m in msgs), msgs
    assert not PeriodAmount.objects.exists() and not UnitGrade.objects.exists()  # the good sheet too
    good = workbook(
        资金=[["类别", "资金池", "分项", "单位编码", "金额（元）"], ["激励资金", "激励资金", "", "", "500"]],
        任务完成率=[["工号", "姓名", "任务指标", "完成率（%）"], ["A001", "", "重点任务", "74%"]],
    )
    upload(client, p, good)
    assert PeriodAmount.objects.get().amount_fen == 50000
    assert TaskResult.objects.get().rate == pytest.approx(0.74)


def test_the_template_lists_what_the_scheme_reads(org, login):
    p = period_001(org)
    client = login("office")
    post_measure(client, p, unit="", name="gdp_growth", value="0.11")
    response = client.get(reverse("appraisal:inputs_template", args=[p.pk]))
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["期间指标值", "资金", "单位等次", "任务完成率"]
    rows = list(wb["期间指标值"].iter_rows(values_only=True))
    assert rows[0] == ("单位编码", "指标名", "数值")
    assert ("", "gdp_growth", 0.11) in [tuple("" if c is None else c for c in r) for r in rows[1:]]
    assert any(r[1] == "econ_share" for r in rows[1:])
    assert (
        re.search(r"期间数据", response["Content-Disposition"])
        or "period-inputs" in response["Content-Disposition"]
    )


def test_the_inputs_page_shows_what_is_entered_in_yuan(org, login):
    p = money_period(org, "p")
    set_amounts(actor=None, period=p, rows=[{"kind": "pay_base", "amount": "3000.5"}])
    page = login("office").get(reverse("appraisal:period_inputs", args=[p.pk])).content.decode()
    assert "3,000.50" in page and "激励资金" in page


def _queries(client, url) -> int:
    client.get(url)  # the first visit fills per-process caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["appraisal:period_inputs", "appraisal:tasks", "appraisal:inputs_template"])
def test_the_inputs_pages_issue_no_query_per_row(org, login, page):
    p = money_period(org, "q")
    client = login("office")
    url = reverse(page, args=[p.pk])
    set_unit_grades(actor=None, period=p, rows=[{"unit": org.unit_a.code, "grade": "好"}])
    rates(client, p, [{"person": "A001", "indicator": "重点任务", "rate": 50}])
    few = _queries(client, url)
    set_unit_grades(
        actor=None, period=p, rows=[{"unit": u.code, "honours": "人民满意"} for u in (org.root, org.unit_b)]
    )
    set_amounts(
        actor=None,
        period=p,
        rows=[{"kind": "pay_base", "unit": u.code, "amount": "1"} for u in (org.unit_a, org.unit_b)],
    )
    rates(client, p, [{"person": s, "indicator": "重点任务", "rate": 60} for s in ("A002", "B001")])
    assert _queries(client, url) == few


def test_a_committee_grade_change_carries_the_pay_amount_with_it(org, login):
    p = money_period(org, "c")
    set_amounts(actor=None, period=p, rows=[{"kind": "pay_base", "amount": "3000"}])
    rates(
        login("office"),
        p,
        [{"person": s, "indicator": "重点任务", "rate": 100} for s in ("A001", "A002", "B001")],
    )
    rs = ready_and_compute(p)
    send_to_committee(actor=None, period=p)
    row = rs.rows.get(person=org.a2)
    assert (row.grade, row.pay_fen, row.pay_base_fen) == ("良好", 330000, 300000)
    change_grade(actor=None, row=row, grade="一般", reason="复核")
    row.refresh_from_db()
    assert (row.pay_factor, row.pay_fen) == (0.0, 300000)


def test_a_pool_shared_by_unit_takes_one_amount_per_unit_each_kept_to_the_fen(org):
    text = MONEY_SCHEME + "pools:\n  单位奖金: {{by: unit}}\n"
    sch = import_scheme(actor=None, text=text.format(version="u"))
    p = helpers.period(org.root, sch)
    start_scoring(actor=None, period=p)
    helpers.score_all(p, {org.a1: (50, 30), org.a2: (45, 28), org.b1: (40, 25)})
    with pytest.raises(Refusal, match="entry 1, part"):
        set_amounts(actor=None, period=p, rows=[{"kind": "pool", "pool": "单位奖金", "amount": "9"}])
    with pytest.raises(Refusal, match="entry 1, part"):
        set_amounts(
            actor=None,
            period=p,
            rows=[{"kind": "pool", "pool": "单位奖金", "part": "无此单位", "amount": "9"}],
        )
    set_amounts(
        actor=None,
        period=p,
        rows=[
            {"kind": "pool", "pool": "单位奖金", "part": org.unit_a.name, "amount": "100.01"},
            {"kind": "pool", "pool": "单位奖金", "part": org.unit_b.name, "amount": "0.05"},
        ],
    )
    TaskResult.objects.bulk_create(
        [
            TaskResult(period=p, person=x, indicator="实绩/重点任务", rate=1.0)
            for x in (org.a1, org.a2, org.b1)
        ]
    )
    rs = ready_and_compute(p)
    fen = dict(rs.rows.values_list("person__staff_no", "pool_fen"))
    assert fen["A001"] + fen["A002"] == 10001 and fen["B001"] == 5
    assert rs.pool_total_fen == 10006


def test_a_token_writes_and_reads_the_period_inputs_without_a_session(org):
    p = period_001(org)
    _token, raw = create_api_token(actor=None, user=org.users["office"], name="bot")
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {raw}")
    items = [
        {"name": "gdp_growth", "value": 0.11},
        {"unit": org.unit_a.code, "name": "econ_share", "value": 1},
    ]
    put = client.put(
        reverse("api:put_measures", args=[p.pk]), {"items": items}, content_type="application/json"
    )
    assert put.status_code == 200 and put.json() == {"applied": 2}
    got = client.get(reverse("api:get_inputs", args=[p.pk])).json()["measures"]
    assert {(m["unit"], m["name"], m["value"]) for m in got} == {
        ("", "gdp_growth", 0.11),
        ("A", "econ_share", 1.0),
    }
    staff = Client(
        HTTP_AUTHORIZATION=f"Bearer {create_api_token(actor=None, user=org.users['staff'], name='x')[1]}"
    )
    assert staff.get(reverse("api:get_inputs", args=[p.pk])).status_code == 403
