"""Fixtures for browser tests: Debian's Chromium driven through Playwright's sync API.

The fixtures are registered in tests/conftest.py; import `login` where you need it.
Tests that use them need `pytest.mark.django_db(transaction=True)`, so that the
`live_server` thread sees the rows they create.
"""

import os
import re
from pathlib import Path

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from tkpk.tests.factories import DEFAULT_PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1366, "height": 768}
LOCALE = "id-ID"
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run. Skipped only when Chromium is not installed at all: a
    Chromium that is there but fails to start is an error, not a skip."""
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API leaves its event loop marked as running in this thread, after which
    # Django (asgiref) hands out a fresh set of connections. Those lack the test database's
    # serialized contents that serialized_rollback restores (the role groups of the data
    # migrations), so carry them over.
    serialized = {
        alias: getattr(connections[alias], "_test_serialized_contents", None)
        for alias in connections
    }
    playwright = sync_playwright().start()
    for alias, contents in serialized.items():
        if contents is not None:
            connections[alias]._test_serialized_contents = contents
    chromium = playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()


@pytest.fixture
def page(browser):
    """A fresh page in a context of its own (own cookies), as an Indonesian desktop browser."""
    context = browser.new_context(viewport=VIEWPORT, locale=LOCALE)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def login(page, live_server_url, username, password=DEFAULT_PASSWORD):
    """Sign in through the login page and wait for the page the form leads to.
    Returns the response of that page."""
    page.goto(f"{live_server_url}/akun/masuk/")
    form = page.locator("main form").filter(has=page.locator("input[name=username]"))
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(password)
    with page.expect_navigation() as navigation:
        form.locator("button[type=submit]").click()
    return navigation.value


JOB_TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def shared_media_root(tmp_path_factory):
    """One media folder for the live server (this process) and the worker process, so that the
    worker reads the uploaded file and the page serves the rejected rows it wrote. Module scope
    and autouse, so that it is in place before the module's `celery_worker` starts."""
    root = tmp_path_factory.mktemp("media")
    previous = os.environ.get("MEDIA_ROOT")
    os.environ["MEDIA_ROOT"] = str(root)
    try:
        with override_settings(MEDIA_ROOT=root):
            yield root
    finally:
        if previous is None:
            os.environ.pop("MEDIA_ROOT", None)
        else:
            os.environ["MEDIA_ROOT"] = previous


def upload(page, name, content):
    """Choose a file (from memory) on the upload page and send it."""
    page.locator("input[type=file][name=file]").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content}
    )
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def wait_until_finished(card):
    """The card polls itself every second and the page reloads when the job ends; wait for the
    final state, and fail with the job's own message when it is not a success."""
    expect(card).to_have_attribute(
        "data-status", re.compile("succeeded|failed|cancelled"), timeout=JOB_TIMEOUT_MS
    )
    if card.get_attribute("data-status") != "succeeded":
        message = card.get_by_test_id("job-message").inner_text()
        raise AssertionError(f"the job did not succeed: {message}")
