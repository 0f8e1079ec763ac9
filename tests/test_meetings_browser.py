"""The meetings journey in a real Chromium: the secretariat records a meeting, its attendance
and minutes, and adds two decisions as actions inline (htmx, no page reload); the Operator SKPD
of one agency sees only theirs and posts progress on it with an evidence file."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from meetings.choices import ActionStatus
from meetings.models import FollowUpAction, Meeting
from meetings.tests.factories import ActionFactory, days_from_today
from meetings.tests.test_files import PNG
from tests.browser import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def add_action(page, *, description, agency, due_in_days):
    form = page.get_by_test_id("action-form")
    form.locator("[name=description]").fill(description)
    form.locator("[name=responsible_agency]").select_option(label=agency)
    form.locator("[name=person_in_charge]").fill("Kepala Bidang")
    form.locator("[name=due_date]").fill(days_from_today(due_in_days).isoformat())
    form.locator("button[type=submit]").click()


def test_the_secretariat_records_a_meeting_with_two_actions_and_an_operator_reports_progress(
    page, live_server, cast
):
    # --- The secretariat records a meeting that took place yesterday.
    login(page, live_server.url, cast.secretariat.username)
    page.goto(f"{live_server.url}/rapat/")
    page.get_by_test_id("meeting-add").click()
    form = page.get_by_test_id("meeting-form")
    form.locator("[name=kind]").select_option("kerja")
    form.locator("[name=title]").fill("Rapat Kerja TKPK validasi data")
    form.locator("[name=starts_at]").fill(f"{days_from_today(-1).isoformat()}T09:00")
    form.locator("[name=status]").select_option("held")
    form.locator("[name=place]").fill("Aula Bappelitbang, Amuntai")
    form.get_by_label("Dinsos — Dinas Sosial").check()
    form.get_by_label("Dinkes — Dinas Kesehatan").check()
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    meeting = Meeting.objects.get()
    assert urlsplit(page.url).path == f"/rapat/{meeting.pk}/"
    expect(page.get_by_test_id("meeting-title")).to_have_text("Rapat Kerja TKPK validasi data")
    expect(page.get_by_test_id("meeting-status")).to_have_text("Terlaksana")

    # From here on the page must not reload: a marker on window would be lost if it did.
    page.evaluate("window.__noReload = true")

    attendance = page.get_by_test_id("attendance-form")
    attendance.locator("[name=name]").fill("Ahmad Fauzi")
    attendance.locator("[name=agency]").select_option(label="Dinsos")
    attendance.locator("button[type=submit]").click()
    expect(page.get_by_test_id("attendance-table")).to_contain_text("Ahmad Fauzi")

    add_action(page, description="Selesaikan validasi data DTSEN", agency="Dinsos", due_in_days=7)
    expect(page.get_by_test_id("action-row")).to_have_count(1)
    add_action(page, description="Analisis akar masalah stunting", agency="Dinkes", due_in_days=10)
    expect(page.get_by_test_id("action-row")).to_have_count(2)
    expect(page.get_by_test_id("action-table")).to_contain_text("Analisis akar masalah stunting")
    # the form is empty again, ready for the next decision
    expect(page.get_by_test_id("action-form").locator("[name=description]")).to_have_value("")
    assert page.evaluate("window.__noReload") is True

    # A wrong entry is refused inline, keeping what was typed.
    add_action(page, description="Tenggat keliru", agency="Dinkes", due_in_days=-30)
    expect(page.get_by_test_id("action-form")).to_contain_text("Tenggat tidak boleh sebelum")
    expect(page.get_by_test_id("action-form").locator("[name=description]")).to_have_value(
        "Tenggat keliru"
    )
    assert page.evaluate("window.__noReload") is True
    assert FollowUpAction.objects.count() == 2

    # Minutes, rendered from Markdown.
    page.get_by_test_id("minutes-edit").click()
    page.get_by_test_id("minutes-form").locator("[name=minutes]").fill(
        "## Kesimpulan\n**Dinsos** dan **Dinkes** menindaklanjuti."
    )
    with page.expect_navigation():
        page.get_by_test_id("minutes-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("minutes").locator("strong").first).to_have_text("Dinsos")

    # --- The Operator SKPD of Dinsos sees only Dinsos's action and reports progress.
    page.context.clear_cookies()
    login(page, live_server.url, cast.officer_a.username)
    page.goto(f"{live_server.url}/rapat/tindak-lanjut/saya/")
    rows = page.get_by_test_id("action-row")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Selesaikan validasi data DTSEN")
    expect(page.get_by_test_id("action-table")).not_to_contain_text("stunting")
    rows.get_by_role("link").click()

    progress = page.get_by_test_id("progress-form")
    progress.locator("[name=percent]").fill("60")
    progress.locator("[name=text]").fill("Validasi selesai di 6 dari 10 kecamatan")
    progress.locator("[name=evidence]").set_input_files(
        {"name": "foto-verval.png", "mimeType": "image/png", "buffer": PNG}
    )
    with page.expect_navigation():
        progress.locator("button[type=submit]").click()
    expect(page.locator("main .alert-success")).to_contain_text("Progres disimpan.")
    expect(page.get_by_test_id("action-status")).to_have_text("Dalam proses")
    expect(page.get_by_test_id("action-percent")).to_have_text("60%")
    entry = page.get_by_test_id("timeline-entry").first
    expect(entry).to_contain_text("Validasi selesai di 6 dari 10 kecamatan")
    expect(entry.get_by_role("link", name="foto-verval.png")).to_be_visible()

    # Dinkes's action is out of reach for Dinsos's operator.
    other = FollowUpAction.objects.get(responsible_agency=cast.agency_b)
    assert page.goto(f"{live_server.url}/rapat/tindak-lanjut/{other.pk}/").status == 404
    assert page.goto(f"{live_server.url}/rapat/{meeting.pk}/ubah/").status == 403


def test_the_reason_field_appears_only_when_the_operator_lowers_the_progress(
    page, live_server, cast
):
    action = ActionFactory(
        responsible_agency=cast.agency_a, status=ActionStatus.IN_PROGRESS, percent=80
    )
    login(page, live_server.url, cast.officer_a.username)
    page.goto(f"{live_server.url}/rapat/tindak-lanjut/{action.pk}/")
    progress = page.get_by_test_id("progress-form")
    reason = progress.locator("[name=reason]")
    expect(reason).to_be_hidden()
    progress.locator("[name=percent]").fill("90")
    expect(reason).to_be_hidden()
    progress.locator("[name=percent]").fill("20")
    expect(reason).to_be_visible()
    progress.locator("[name=text]").fill("Dihitung ulang")
    with page.expect_navigation():
        progress.locator("button[type=submit]").click()
    # Refused without a reason: the field stays in sight with its error, nothing is saved.
    progress = page.get_by_test_id("progress-form")
    expect(progress.locator("[name=reason]")).to_be_visible()
    expect(progress.locator(".invalid-feedback")).to_have_count(1)
    assert FollowUpAction.objects.get(pk=action.pk).percent == 80

    progress.locator("[name=reason]").fill("Data 4 kecamatan ditolak Dukcapil")
    with page.expect_navigation():
        progress.locator("button[type=submit]").click()
    expect(page.get_by_test_id("action-percent")).to_have_text("20%")
    expect(page.get_by_test_id("progress-decrease")).to_contain_text(
        "Data 4 kecamatan ditolak Dukcapil"
    )
