"""In a real browser: the office walks the tree to a person; staff are refused another unit's person;
on a phone the menu is a drawer."""

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from .conftest import log_in

pytestmark = pytest.mark.e2e


def _wait(driver):
    return WebDriverWait(driver, 10)


def test_office_walks_the_tree_to_a_person(browser, live_server, world):
    log_in(browser, live_server, "office")
    browser.find_element(By.CSS_SELECTOR, "#nav a[href='/org/']").click()
    _wait(browser).until(ec.presence_of_element_located((By.ID, "org-tree")))
    browser.find_element(By.LINK_TEXT, "党政办").click()
    _wait(browser).until(ec.title_contains("党政办"))
    browser.find_element(By.LINK_TEXT, "李二").click()
    name = _wait(browser).until(ec.presence_of_element_located((By.ID, "person-name")))
    assert "李二" in name.text and "A002" in name.text
    assert "张一" in browser.find_element(By.TAG_NAME, "main").text  # the reviewer is shown


def test_staff_is_refused_a_person_of_another_unit(browser, live_server, world):
    log_in(browser, live_server, "staff_a")
    browser.get(f"{live_server.url}/org/people/{world['b1'].pk}/")
    title = _wait(browser).until(ec.presence_of_element_located((By.ID, "error-title")))
    assert title.text == "未找到"
    assert "王三" not in browser.page_source
    browser.get(f"{live_server.url}/org/people/{world['a2'].pk}/")  # their own record is fine
    assert "李二" in _wait(browser).until(ec.presence_of_element_located((By.ID, "person-name"))).text


def test_phone_shows_the_menu_as_a_drawer(phone, live_server, world):
    log_in(phone, live_server, "office")
    nav = phone.find_element(By.ID, "nav")
    toggle = phone.find_element(By.ID, "menu-toggle")
    assert toggle.is_displayed()
    assert not nav.is_displayed()  # closed drawer: off screen and hidden
    assert toggle.size["height"] >= 44 and toggle.size["width"] >= 44
    toggle.click()
    _wait(phone).until(ec.visibility_of(nav))
    _wait(phone).until(lambda d: nav.rect["x"] >= 0)
    assert toggle.get_attribute("aria-expanded") == "true"
    assert nav.rect["width"] <= 390
    # tap the dimmed page beside the drawer (the backdrop's centre lies under the drawer)
    backdrop = phone.find_element(By.ID, "nav-backdrop")
    ActionChains(phone).move_to_element_with_offset(backdrop, 180, 0).click().perform()
    _wait(phone).until(ec.invisibility_of_element(nav))
    assert toggle.get_attribute("aria-expanded") == "false"
