"""In Chromium on a phone-sized window: staff write today's log, the reviewer returns it, staff
correct it, the reviewer approves it, and the rates page reflects it."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from .conftest import log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def team(world):
    from django.utils import timezone

    from kaohe.platform.models import CalendarDay

    # a1 reviews a2 and holds the reviewer account (tests.conftest.build_org);
    # whatever day the test runs on, it is a working day for the township
    CalendarDay.objects.create(unit=world["root"], day=timezone.localdate(), kind="working")
    return world


def _wait(driver):
    return WebDriverWait(driver, 10)


def _log_out(driver):
    driver.delete_all_cookies()


def test_write_return_correct_approve_on_a_phone(phone, live_server, team):
    log_in(phone, live_server, "staff_a")
    phone.get(live_server.url + "/worklog/")
    box = _wait(phone).until(ec.presence_of_element_located((By.ID, "id_content")))
    box.send_keys("走访群众")
    chip = phone.find_element(By.XPATH, "//input[@value='key_task']/following-sibling::span")
    assert chip.size["height"] >= 44
    chip.click()
    submit = phone.find_element(By.ID, "log-submit")
    assert submit.size["height"] >= 44 and submit.rect["x"] + submit.rect["width"] <= 390
    submit.click()
    _wait(phone).until(ec.url_contains("/worklog/mine/"))
    assert "走访群众" in phone.page_source

    _log_out(phone)
    log_in(phone, live_server, "reviewer_a")
    phone.get(live_server.url + "/worklog/review/")
    card = _wait(phone).until(ec.presence_of_element_located((By.CSS_SELECTOR, "article.log-card")))
    card.find_element(By.NAME, "comment").send_keys("请写明走访户数")
    card.find_element(By.CSS_SELECTOR, "button[value=return]").click()
    _wait(phone).until(ec.presence_of_element_located((By.ID, "queue-empty")))

    _log_out(phone)
    log_in(phone, live_server, "staff_a")
    phone.get(live_server.url + "/worklog/")  # today's log is returned: the page opens it for editing
    assert (
        "请写明走访户数"
        in _wait(phone).until(ec.presence_of_element_located((By.ID, "returned-comment"))).text
    )
    box = phone.find_element(By.ID, "id_content")
    box.clear()
    box.send_keys("走访群众5户")
    phone.find_element(By.ID, "log-submit").click()
    _wait(phone).until(ec.url_contains("/worklog/mine/"))

    _log_out(phone)
    log_in(phone, live_server, "reviewer_a")
    phone.get(live_server.url + "/worklog/review/")
    _wait(phone).until(ec.presence_of_element_located((By.CSS_SELECTOR, "input[name=log]"))).click()
    phone.find_element(By.ID, "approve-ticked").click()
    _wait(phone).until(ec.presence_of_element_located((By.ID, "queue-empty")))

    phone.get(live_server.url + "/worklog/rates/?period=month")
    table = _wait(phone).until(ec.presence_of_element_located((By.ID, "person-rates")))
    row = table.find_element(By.XPATH, ".//tr[td[1][text()='李二']]")
    cells = [c.text for c in row.find_elements(By.TAG_NAME, "td")]
    assert cells[4] == "1"  # one log written
