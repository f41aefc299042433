"""Browser tests in real Chromium (headless) against pytest-django's live server.

Skipped, with the reason, when Chromium or its driver is not installed. On failure each test leaves
a screenshot in a temporary directory and prints its path.
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("KAOHE_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("KAOHE_CHROMEDRIVER", "/usr/bin/chromedriver")
SHOTS = Path(os.environ.get("KAOHE_E2E_SCREENSHOTS", tempfile.gettempdir())) / "kaohe-e2e-screenshots"


def _missing() -> str | None:
    for label, path in (("Chromium", CHROMIUM), ("chromedriver", CHROMEDRIVER)):
        if not (Path(path).is_file() and os.access(path, os.X_OK)):
            return f"{label} not found at {path} (set KAOHE_CHROMIUM / KAOHE_CHROMEDRIVER)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[dev]')"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _missing()
    if reason and os.environ.get("KAOHE_REQUIRE_BROWSER") == "1":
        # CI sets this: a missing browser there is a failure, not a skip.
        raise pytest.UsageError(f"browser tests required but {reason}")
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        driver = item.funcargs.get("browser")
        if driver is not None:
            SHOTS.mkdir(parents=True, exist_ok=True)
            path = SHOTS / f"{item.name}.png"
            driver.save_screenshot(str(path))
            report.sections.append(("screenshot", str(path)))
            print(f"\nscreenshot saved to {path}")


def make_driver(width=1280, height=900):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="kaohe-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
    ):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_window_size(width, height)
    driver.implicitly_wait(0)
    return driver, profile


@pytest.fixture
def browser():
    driver, profile = make_driver()
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def phone():
    """A phone-sized window (390 × 844, an iPhone 12–15)."""
    driver, profile = make_driver(390, 844)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def world(transactional_db, settings):
    """The shared ``org`` layout, built in a transactional database the live server can see."""
    from tests.conftest import build_org

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return vars(build_org())


def log_in(driver, live_server, username):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from tests.conftest import PASSWORD

    driver.get(live_server.url + "/login/")
    driver.find_element(By.ID, "id_username").send_keys(username)
    driver.find_element(By.ID, "id_password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form[action$='/login/'] button[type=submit]").click()
    WebDriverWait(driver, 10).until(ec.presence_of_element_located((By.ID, "logout")))
