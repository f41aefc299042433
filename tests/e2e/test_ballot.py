"""In a real browser on a phone-sized window: a rater votes with a printed code (opened as from its QR
code) and another with their account; the second use of the code is refused; results appear only
after closing, and only for rater groups at or over the minimum."""

import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from .conftest import log_in

pytestmark = pytest.mark.e2e


def _wait(driver):
    return WebDriverWait(driver, 10)


def _click(driver, element):
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()


def _mark_everyone(driver, choice: int) -> int:
    people = driver.find_elements(By.CSS_SELECTOR, ".ballot-person")
    for person in people:
        _click(driver, person.find_elements(By.CSS_SELECTOR, "label.ballot-option")[choice])
    return len(people)


def _submit(driver):
    _click(driver, driver.find_element(By.ID, "ballot-submit"))
    return _wait(driver).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, "#ballot-thanks, #ballot-error, #code-error"))
    )


def _log_out(driver):
    _click(driver, driver.find_element(By.ID, "logout"))
    _wait(driver).until(ec.presence_of_element_located((By.ID, "id_username")))


@pytest.fixture
def campaign(world):
    from kaohe.ballot.services import GroupSpec
    from tests.integration.ballot.helpers import make_campaign

    return make_campaign(
        world["root"],
        name="年度民主测评",
        groups=[GroupSpec("干部", 80), GroupSpec("群众代表", 20, voting="code")],
        min_ballots=2,
    )


def test_code_and_account_votes_then_results_after_closing(phone, live_server, world, campaign):
    driver = phone
    # The office prints ballot sheets with QR codes.
    log_in(driver, live_server, "office")
    driver.get(f"{live_server.url}/ballot/{campaign.pk}/codes/")
    count = driver.find_element(By.ID, "id_count")
    count.clear()
    count.send_keys("2")
    _click(driver, driver.find_element(By.ID, "make-codes"))
    cards = _wait(driver).until(ec.presence_of_all_elements_located((By.CSS_SELECTOR, ".card-print")))
    assert len(cards) == 2 and all(c.find_element(By.TAG_NAME, "svg") for c in cards)
    codes = [c.find_element(By.CSS_SELECTOR, ".card-code").text for c in cards]
    assert all(re.fullmatch(r"[A-Z0-9]{5}-[A-Z0-9]{5}", c) for c in codes)
    driver.get(f"{live_server.url}/")
    _log_out(driver)

    # A rater scans the first code: the QR address carries it after '#', the page opens the ballot.
    driver.get(f"{live_server.url}/ballot/code/#{codes[0].replace('-', '')}")
    _wait(driver).until(ec.presence_of_element_located((By.ID, "ballot-form")))
    assert "#" not in driver.current_url  # the code left the address bar
    assert _mark_everyone(driver, 1) == 3
    assert driver.find_element(By.ID, "ballot-done").text == "3"
    assert _submit(driver).get_attribute("id") == "ballot-thanks"

    # The same code again is refused.
    driver.get(f"{live_server.url}/ballot/code/")
    field = _wait(driver).until(ec.presence_of_element_located((By.ID, "id_code")))
    field.send_keys(codes[0])
    _click(driver, driver.find_element(By.ID, "code-submit"))
    error = _wait(driver).until(ec.presence_of_element_located((By.ID, "code-error")))
    assert "已" in error.text or "already" in error.text

    # The second code, typed by hand; the draft survives a reload before submitting.
    driver.get(f"{live_server.url}/ballot/code/")
    _wait(driver).until(ec.presence_of_element_located((By.ID, "id_code"))).send_keys(codes[1].lower())
    _click(driver, driver.find_element(By.ID, "code-submit"))
    _wait(driver).until(ec.presence_of_element_located((By.ID, "ballot-form")))
    _mark_everyone(driver, 2)
    assert _submit(driver).get_attribute("id") == "ballot-thanks"

    # A rater with an account votes from the home page.
    log_in(driver, live_server, "staff_a")
    _click(driver, driver.find_element(By.CSS_SELECTOR, f"a[href='/ballot/{campaign.pk}/vote/']"))
    _wait(driver).until(ec.presence_of_element_located((By.ID, "ballot-form")))
    assert _mark_everyone(driver, 0) == 2  # not themselves
    driver.refresh()  # the draft is kept on the phone
    _wait(driver).until(ec.presence_of_element_located((By.ID, "ballot-form")))
    assert driver.find_element(By.ID, "ballot-done").text == "2"
    assert _submit(driver).get_attribute("id") == "ballot-thanks"
    _log_out(driver)

    # No results while open; after closing, only the code group (2 ballots) is shown.
    log_in(driver, live_server, "office")
    driver.get(f"{live_server.url}/ballot/{campaign.pk}/results/")
    assert driver.find_elements(By.ID, "no-results")
    driver.get(f"{live_server.url}/ballot/{campaign.pk}/")
    _click(driver, driver.find_element(By.ID, "close-campaign"))
    _click(driver, _wait(driver).until(ec.presence_of_element_located((By.ID, "results"))))
    table = _wait(driver).until(ec.presence_of_element_located((By.ID, "results-table")))
    row = table.find_element(By.CSS_SELECTOR, f"tr[data-person='{world['b1'].staff_no}']")
    public = row.find_element(By.CSS_SELECTOR, "td[data-group='群众代表']").text
    cadres = row.find_element(By.CSS_SELECTOR, "td[data-group='干部']").text
    assert "77.5" in public  # 良好 85 and 一般 70
    assert not re.search(r"\d", cadres)  # one ballot: withheld, not even its count
