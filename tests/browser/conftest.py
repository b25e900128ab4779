"""Browser tests: Playwright for Python driving the Debian ``chromium`` package against the live server.

No browser is downloaded: ``executable_path`` points at /usr/bin/chromium (or PARTNERPAY_CHROMIUM).
A missing Chromium or Playwright skips these tests locally and fails them in CI
(PARTNERPAY_REQUIRE_SERVICES=1), like the PostgreSQL and Redis tests.

``PARTNERPAY_SCREENSHOTS=1`` also writes a PNG of every page to docs/screenshots/ (``make screenshots``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from entrypoints import bootstrap
from tests.conftest import _skip_or_fail

# Playwright's sync API keeps an event loop in this thread; the ORM calls of the test itself are still
# synchronous, which is what Django's documentation recommends this switch for.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("PARTNERPAY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip_or_fail("playwright (pip install -c constraints.txt -e '.[dev]')")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _skip_or_fail(f"Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=DESKTOP, locale="en-IN", accept_downloads=True)
    context.set_default_timeout(10_000)
    found = context.new_page()
    yield found
    context.close()


@pytest.fixture(autouse=True)
def _browser_settings(settings: Any) -> None:
    settings.SANDBOX_CARD_DELAYS = False
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    settings.WEBHOOK_RETRY_SCHEDULE = "0,0,0"
    bootstrap.reset_container()


def shoot(page: Any, name: str, *, phone: bool = False, full_page: bool = True) -> None:
    """A full-page PNG for docs/screenshots when PARTNERPAY_SCREENSHOTS=1; nothing otherwise."""
    if os.environ.get("PARTNERPAY_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)
    if phone:
        size = page.viewport_size
        page.set_viewport_size(PHONE)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-phone.png"), full_page=True)
        page.set_viewport_size(size)


def log_in(page: Any, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/portal/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
