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
from django.db import connections

from entrypoints import bootstrap
from tests.conftest import _skip_or_fail

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
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def page() -> Iterator[Any]:
    """A fresh Chromium per test, stopped before the database is flushed.

    While Playwright's sync API runs, this thread has an event loop, so Django refuses ORM calls
    from it unless DJANGO_ALLOW_ASYNC_UNSAFE is set (as Django's documentation says for Playwright);
    it is set only for the test's own duration and never leaks into other tests' subprocesses.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip_or_fail("playwright (pip install -c constraints.txt -e '.[dev]')")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _skip_or_fail(f"Chromium at {CHROMIUM} (apt-get install chromium)")
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport=DESKTOP, locale="en-IN", accept_downloads=True)
            context.set_default_timeout(10_000)
            yield context.new_page()
            # The test's ORM calls ran inside Playwright's sync API (its event loop running), and Django's
            # connections are context-local (asgiref): the connection they opened is not the one the test
            # database's teardown closes, and it kept that database busy ("being accessed by other users").
            # Closed here, in that same state.
            connections.close_all()
            context.close()
            browser.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


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
