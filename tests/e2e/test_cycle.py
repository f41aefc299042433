"""A whole month on the demo township with the Xiacun (002) preset, a monthly scheme, in Chromium: the
office starts from the preset, assessors score, a claim is approved by the section and the committee, the engine
computes, the committee confirms, results are published, a staff member appeals, the appeal is upheld
into a new version, and that version becomes final."""

from datetime import timedelta

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

pytestmark = pytest.mark.e2e
PASSWORD = "kaohe-demo-2025"


def _wait(driver, css):
    return WebDriverWait(driver, 20).until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))


def _click(driver, css):
    el = driver.find_element(By.CSS_SELECTOR, css)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", el)
    el.click()


def _as(driver, live_server, username):
    driver.delete_all_cookies()
    driver.get(live_server.url + "/login/")
    driver.find_element(By.ID, "id_username").send_keys(username)
    driver.find_element(By.ID, "id_password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form[action$='/login/'] button[type=submit]").click()
    _wait(driver, "#logout")


def _messages(driver):
    return " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, ".messages li"))


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    from kaohe.org.demo import load_demo

    load_demo()


def test_a_whole_month(browser, live_server, demo, tmp_path):
    from kaohe.appraisal.inputs import scored_leaves
    from kaohe.appraisal.models import Period, ResultSet, Score, Sheet
    from kaohe.org.demo import DEMO_ROOT_CODE
    from kaohe.org.models import Person, Unit

    d = browser
    root = Unit.objects.get(code=DEMO_ROOT_CODE)
    # The office starts a scheme from the Xiacun preset and attaches it with its unit-kind words.
    _as(d, live_server, "office")
    d.get(live_server.url + "/appraisal/schemes/")
    Select(d.find_element(By.ID, "id_preset")).select_by_value("002_xiacun")
    _click(d, "#import-preset")
    _wait(d, "table.indicators")
    assert "基层党建" in d.page_source
    Select(d.find_element(By.ID, "id_unit")).select_by_value(str(root.pk))
    d.find_element(By.ID, "id_kinds").send_keys("window=机关\ninstitution=机关")
    _click(d, "form[action$='/attach/'] button")
    _wait(d, ".messages")
    # … creates this month's period (the scheme is monthly) and starts scoring.
    d.get(live_server.url + "/appraisal/periods/")
    Select(d.find_element(By.ID, "id_kind")).select_by_value("month")
    Select(d.find_element(By.ID, "id_unit")).select_by_value(str(root.pk))
    today = timezone.localdate()
    d.execute_script("document.getElementById('id_start').value = arguments[0];", today.isoformat())
    _click(d, "form.filters button[type=submit]")
    _wait(d, "#act-scoring").click()
    _wait(d, "#act-compute")
    period = Period.objects.get(unit=root)
    assert period.state == "scoring"

    # The demo reviewer scores their people on the sheet and submits it.
    _as(d, live_server, "reviewer")
    d.get(live_server.url + "/appraisal/sheets/")
    _click(d, "a.sheet-link")
    _wait(d, "table.sheet")
    d.execute_script(
        "document.querySelectorAll('table.sheet input[type=number]').forEach(function (i) {"
        " i.value = Math.round(i.max * 0.9 * 100) / 100; });"
    )
    _click(d, "#sheet-submit")
    _wait(d, ".messages")
    assert Sheet.objects.get(period=period, assessor__user__username="reviewer").status == "submitted"
    # the other assessors' sheets, filled here to keep the test short
    leaves = scored_leaves(period.scheme.parsed())
    done = set(Score.objects.filter(period=period).values_list("person_id", flat=True))
    office_sheet = Sheet.objects.get_or_create(period=period, assessor=None)[0]
    Score.objects.bulk_create(
        [
            Score(
                period=period,
                sheet=office_sheet,
                person=p,
                indicator=k,
                value=0.8 if leaf.node.source == "task" else leaf.node.points * (0.7 + (p.pk % 7) / 30),
            )
            for p in Person.objects.filter(active=True).exclude(pk__in=done)
            for k, leaf in leaves.items()
        ]
    )

    # A staff member claims bonus points with evidence; the section and then the committee approve.
    _as(d, live_server, "staff")
    d.get(live_server.url + "/appraisal/claims/")
    Select(d.find_element(By.ID, "id_category")).select_by_value("改革创新")
    d.find_element(By.ID, "id_points").send_keys("3")
    d.find_element(By.ID, "id_reason").send_keys("推行“一窗受理”改革")
    evidence = tmp_path / "evidence.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% evidence\n")
    d.find_element(By.ID, "id_evidence").send_keys(str(evidence))
    _click(d, "#claim-file")
    _wait(d, "#claim-status")
    claim_url = d.current_url
    for who in ("reviewer", "office"):
        _as(d, live_server, who)
        d.get(claim_url)
        d.find_element(By.ID, "id_note").send_keys("同意")
        _click(d, "#claim-approve")
        _wait(d, ".messages")
    from kaohe.appraisal.models import Claim

    assert Claim.objects.get().status == "approved"

    # The other inputs 002 reads, entered here to keep the test short: task results, a closed
    # campaign that fits the scheme, the pool; the rest recorded as truly empty (readiness).
    from kaohe.appraisal.inputs import people_of
    from kaohe.appraisal.models import TaskResult
    from kaohe.appraisal.services.money import set_amounts
    from kaohe.appraisal.services.periods import link_campaign
    from tests.integration.appraisal import helpers

    people = list(people_of(period))
    TaskResult.objects.bulk_create(
        [TaskResult(period=period, person=p, indicator="工作实绩/督促落实", rate=0.8) for p in people]
    )
    ballot = period.scheme.parsed().components["民主评议"].ballot
    campaign = helpers.closed_campaign(root, people, dict(ballot.options), group="班子成员", mark="良好")
    for i, g in enumerate(list(ballot.rater_groups)[1:], start=1):
        campaign.groups.create(name=g, weight=10, order=i)
    link_campaign(actor=None, period=period, campaign=campaign)
    set_amounts(actor=None, period=period, rows=[{"kind": "pool", "pool": "激励资金", "amount": "20000"}])
    helpers.make_ready(period)

    # The office computes; the committee confirms and records its decision; the office publishes.
    d.get(live_server.url + f"/appraisal/periods/{period.pk}/")
    _click(d, "#act-compute")
    _wait(d, "#act-committee").click()
    _wait(d, "#act-publish")
    d.get(live_server.url + f"/appraisal/periods/{period.pk}/committee/")
    _wait(d, "#ranked")
    d.find_element(By.ID, "id_members").send_keys("党委书记、镇长、纪委书记、组织委员")
    d.find_element(By.ID, "id_decision").send_keys("同意按计算结果确定等次")
    _click(d, "#record-decision")
    _wait(d, ".messages")
    d.get(live_server.url + f"/appraisal/periods/{period.pk}/")
    _click(d, "#confirm-publish")
    _click(d, "#act-publish")
    _wait(d, "#act-finalize")
    staff_person = Person.objects.get(user__username="staff")
    first = ResultSet.objects.get(period=period, current=True)
    before = first.rows.get(person=staff_person)
    assert before.bonus == 3

    # The staff member sees their result with its explanation and appeals.
    _as(d, live_server, "staff")
    _click(d, "#home-my-result")
    assert "工作实绩" in _wait(d, "#explanation").text
    _click(d, "#appeal-link")
    d.find_element(By.ID, "id_reason").send_keys("基层党建得分未计入本人牵头的工作")
    _click(d, "#appeal-file")
    _wait(d, "#appeal-status")
    appeal_url = d.current_url

    # The committee upholds it with a corrected score: a new version, the old one kept.
    _as(d, live_server, "office")
    d.get(appeal_url)
    d.find_element(By.ID, "fix-0").send_keys("12")
    d.find_element(By.ID, "id_decision").send_keys("经复核，基层党建改为 12 分")
    _click(d, "#appeal-uphold")
    _wait(d, ".messages")
    assert ResultSet.objects.filter(period=period).count() == 2
    second = ResultSet.objects.get(period=period, current=True)
    assert second.version == 2 and second.rows.get(person=staff_person).total > before.total

    # After the publicity window (moved into the past rather than waited for) the results are final.
    Period.objects.filter(pk=period.pk).update(publicity_end=today - timedelta(days=1))
    d.get(live_server.url + f"/appraisal/periods/{period.pk}/")
    _click(d, "#act-finalize")
    _wait(d, ".messages")
    period.refresh_from_db()
    assert period.state == "final"
    assert ResultSet.objects.get(period=period, current=True).version == 2
