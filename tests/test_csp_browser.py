"""The Content-Security-Policy in a real Chromium: the pages a user goes through (the login page,
the home page, the household list with its htmx search, a meeting and an action) run under the
policy without a single violation or console error, and the behaviour moved out of inline
handlers into static/js/tkpk.js still works."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from playwright.sync_api import expect

from households.tests.factories import HouseholdFactory, PersonFactory
from meetings.models import Attachment
from meetings.services import attachment_add, progress_post
from meetings.tests.factories import ActionFactory, MeetingFactory
from meetings.tests.test_files import PDF, PNG
from tests.browser import login
from tkpk.services import regions_load

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} ` +
      `at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


def _console(found, message):
    # The browser asks for /favicon.ico on its own, and the app has none: not a page's fault.
    if message.type in ("error", "warning") and "favicon.ico" not in message.location["url"]:
        found.append(f"console {message.type}: {message.text} ({message.location['url']})")


@pytest.fixture
def problems(page):
    """Every CSP violation, console error or warning, and uncaught error on the page."""
    found = []
    page.expose_function("reportCspViolation", lambda text: found.append(f"CSP: {text}"))
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", lambda message: _console(found, message))
    page.on("pageerror", lambda error: found.append(f"page error: {error}"))
    return found


def test_the_main_pages_run_under_the_policy_without_a_violation(page, live_server, cast, problems):
    regions_load(within="63.08")
    PersonFactory(household=HouseholdFactory(), name="Siti Contoh")
    PersonFactory(household=HouseholdFactory(), name="Ahmad Fiktif")
    meeting = MeetingFactory(invited=[cast.agency_a], title="Rapat validasi data")
    action = ActionFactory(meeting=meeting, responsible_agency=cast.agency_a)
    attachment_add(
        user=cast.secretariat,
        meeting=meeting,
        kind="invitation",
        upload=SimpleUploadedFile("undangan.pdf", PDF),
    )
    progress_post(
        user=cast.officer_a,
        action=action,
        text="Separuh desa sudah didata",
        percent=50,
        evidence=SimpleUploadedFile("bukti.png", PNG),
    )
    base = live_server.url

    login(page, base, cast.secretariat.username)  # the login page, then the home page
    expect(page.get_by_test_id("home-title")).to_be_visible()

    page.goto(base + reverse("households:household_list"))
    rows = page.locator("#household-table tbody tr")
    expect(rows).to_have_count(2)
    # tkpk.js gives django-filter's selects Bootstrap's classes (an inline script did before).
    expect(page.locator("#household-filters select").first).to_have_class(
        "form-select form-select-sm"
    )
    search = page.get_by_test_id("household-search")
    search.click()
    with page.expect_response(lambda r: "q=siti" in r.url and r.request.headers.get("hx-request")):
        search.press_sequentially("siti")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Siti Contoh")

    page.goto(base + reverse("meetings:meeting_detail", args=[meeting.pk]))
    expect(page.locator("#attachments")).to_contain_text("undangan.pdf")
    remove = page.locator("#attachments form[data-confirm] button")
    # data-confirm (an inline onsubmit before): Cancel keeps the file, OK removes it.
    page.once("dialog", lambda dialog: dialog.dismiss())
    remove.click()
    expect(page.locator("#attachments")).to_contain_text("undangan.pdf")
    assert Attachment.objects.count() == 1
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        remove.click()
    expect(page.locator("#attachments")).not_to_contain_text("undangan.pdf")
    assert Attachment.objects.count() == 0

    page.goto(base + reverse("meetings:action_detail", args=[action.pk]))
    expect(page.get_by_test_id("timeline")).to_contain_text("Separuh desa sudah didata")
    page.goto(base + reverse("meetings:minutes_print", args=[meeting.pk]))
    expect(page.get_by_test_id("printable-minutes")).to_be_visible()

    assert problems == []


def test_the_violation_report_works(page, live_server, problems):
    # The counterpart of the test above: an inline script added to a page is refused, and the
    # refusal reaches `problems`.
    page.goto(live_server.url + reverse("login"))
    page.evaluate(
        """() => {
        const script = document.createElement("script");
        script.textContent = "window.ran = true";
        document.body.append(script);
    }"""
    )
    expect(page.locator("body")).to_be_visible()
    page.wait_for_timeout(200)
    assert page.evaluate("window.ran === undefined")
    assert any(p.startswith("CSP: script-src") for p in problems), problems
