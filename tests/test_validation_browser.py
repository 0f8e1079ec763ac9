"""The validation journey in a real Chromium with a real Celery worker (issue 12, "Done when"):
after an import, the secretariat starts a validation and watches its progress, sees the
problems by rule, drills down, corrects one record and ignores one false positive with its
reason, runs again: the corrected finding is closed and the ignored one stays ignored.

The checks use test ids, URLs and numbers, which hold in either language. Screenshots go to
$SCREENSHOT_DIR, else /tmp (validation_summary.png, validation_findings.png, ...)."""

import datetime as dt
import io
import os
import re
import tempfile
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from households.importing.service import ImportOptions, household_import_run
from households.models import Household, Person, ValidationFinding
from households.tests.factories import PersonFactory
from households.tests.helpers import csv_bytes, family_rows
from households.validation.runs import KIND
from tests.browser import login
from tkpk.models import Job
from tkpk.services import regions_load

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.django_db(
        transaction=True, serialized_rollback=True, databases=["default", "jobs"]
    ),
]

JOB_TIMEOUT_MS = 90_000
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", tempfile.gettempdir()))
AHMAD_BROKEN = "6308012207800000"  # serial 0000: came in by hand, the import would refuse it
AHMAD_FIXED = "6308012207800001"


def shot(page, name):
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def registry():
    """The import's family of three (Budi, Siti, Rina), and a second family entered by another
    path: Ahmad with a broken NIK, and a Siti Contoh born the same day as the first one, in the
    same village (two women, a false positive of the duplicate rule)."""
    regions_load(within="63.08")
    household_import_run(
        fileobj=io.BytesIO(csv_bytes(family_rows())),
        name="dtks.csv",
        options=ImportOptions(source="dtks"),
    )
    first = Household.objects.get()
    ahmad = PersonFactory(
        nik=AHMAD_BROKEN,
        name="Ahmad Fiktif",
        birth_date=dt.date(1980, 7, 22),
        household__kk_number="6308010101200002",
        household__village=first.village,
    )
    PersonFactory(
        nik="6308014504870005",
        name="Siti Contoh",
        sex="P",
        relation=3,
        birth_date=dt.date(1987, 4, 5),
        household=ahmad.household,
    )
    return ahmad


def run_and_wait(page, base):
    page.goto(base + reverse("households:validation_summary"))
    with page.expect_navigation():
        page.get_by_test_id("validation-run").click()
    # The run's card polls itself; the page reloads when the run has ended.
    expect(page.get_by_test_id("validation-active")).to_have_count(0, timeout=JOB_TIMEOUT_MS)
    job = Job.objects.filter(kind=KIND).latest("pk")
    assert job.status == "succeeded", job.message
    return job


def test_the_secretariat_validates_corrects_one_record_ignores_one_and_runs_again(
    page, live_server, cast, celery_worker
):
    ahmad = registry()
    base = live_server.url
    login(page, base, cast.secretariat.username)

    # The summary, reached from the menu under "More".
    page.goto(base + reverse("home"))
    page.get_by_test_id("nav-more").click()
    with page.expect_navigation():
        page.get_by_test_id("nav-validation").click()
    assert page.url.endswith(reverse("households:validation_summary"))
    expect(page.get_by_test_id("open-total")).to_have_text("0")

    # Run now: the card shows the run going, and the page shows its findings when it ends.
    page.get_by_test_id("validation-run").click()
    expect(page.get_by_test_id("validation-active")).to_be_visible()
    shot(page, "validation_running")
    expect(page.get_by_test_id("validation-active")).to_have_count(0, timeout=JOB_TIMEOUT_MS)
    first_run = Job.objects.get(kind=KIND)
    assert first_run.status == "succeeded", first_run.message
    expect(page.get_by_test_id("open-nik_serial_zero")).to_have_text("1")
    expect(page.get_by_test_id("open-duplicate_person")).to_have_text("1")
    expect(page.get_by_test_id("validation-runs")).to_contain_text(f"#{first_run.pk}")
    shot(page, "validation_summary")

    # Drill down: the broken NIK, masked, with the way to the family's form.
    with page.expect_navigation():
        page.get_by_test_id("open-nik_serial_zero").click()
    broken = ValidationFinding.objects.get(rule="nik_serial_zero")
    row = page.get_by_test_id(f"finding-{broken.pk}")
    expect(row).to_contain_text("Ahmad Fiktif")
    expect(row).to_contain_text("6308**********00")
    expect(page.locator("main")).not_to_contain_text(AHMAD_BROKEN)
    shot(page, "validation_findings")

    # Correct the record at its source: the family's form.
    with page.expect_navigation():
        row.get_by_test_id(f"correct-{broken.pk}").click()
    assert page.url.endswith(reverse("households:household_edit", args=[ahmad.household_id]))
    member = page.get_by_test_id("member-form").filter(has_text="Ahmad Fiktif")
    member.locator("input[name$='-nik']").fill(AHMAD_FIXED)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith(reverse("households:household_detail", args=[ahmad.household_id]))
    assert Person.objects.get(pk=ahmad.pk).nik == AHMAD_FIXED

    # Ignore the false positive, with the reason.
    page.goto(base + reverse("households:validation_findings") + "?rule=duplicate_person")
    pair = ValidationFinding.objects.get(rule="duplicate_person")
    with page.expect_navigation():
        page.get_by_test_id(f"decide-{pair.pk}").click()
    expect(page.get_by_test_id("decide-findings")).to_contain_text("Siti Contoh")
    expect(page.locator("select[name=status]")).to_have_value("ignored")
    page.get_by_test_id("decision-reason").fill("Dua orang: ibu kandung berbeda")
    with page.expect_navigation():
        page.get_by_test_id("decision-save").click()
    expect(page.get_by_test_id(f"finding-{pair.pk}")).to_have_attribute("data-status", "ignored")
    expect(page.locator(".alert-success")).to_be_visible()
    shot(page, "validation_ignored")

    # Run again: the corrected finding is closed, the ignored one stays ignored.
    second_run = run_and_wait(page, base)
    assert second_run.pk != first_run.pk
    expect(page.get_by_test_id("open-nik_serial_zero")).to_have_text("0")
    expect(page.get_by_test_id("open-duplicate_person")).to_have_text("0")
    expect(page.get_by_test_id("change-nik_serial_zero")).to_have_text(re.compile("^-1$"))
    shot(page, "validation_rerun")
    broken.refresh_from_db()
    pair.refresh_from_db()
    assert (broken.status, broken.closed_run_id) == ("resolved", second_run.pk)
    assert (pair.status, pair.decided_by, pair.decision_reason) == (
        "ignored",
        cast.secretariat,
        "Dua orang: ibu kandung berbeda",
    )
    page.goto(base + reverse("households:validation_findings") + "?status=ignored")
    expect(page.get_by_test_id(f"finding-{pair.pk}")).to_be_visible()
    expect(page.get_by_test_id(f"status-{pair.pk}")).to_contain_text("ibu kandung berbeda")
