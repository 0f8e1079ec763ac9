"""In Chromium, as the admin would: a new agency and its Operator SKPD made in the app, without
the Django admin; the operator signs in with the password shown once, must choose their own,
and lands on their home page."""

import pytest
from playwright.sync_api import expect

from tests.browser import login
from tkpk.models import Agency, User

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_admin_creates_an_agency_and_its_operator_who_then_signs_in(page, live_server, cast):
    login(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/perangkat-daerah/")
    page.get_by_test_id("agency-add").click()
    form = page.get_by_test_id("agency-form")
    form.locator("#id_name").fill("Dinas Perumahan dan Permukiman")
    form.get_by_label("Singkatan").fill("Disperkim")
    form.get_by_label("Jenis").select_option("dinas")
    form.get_by_role("button", name="Simpan").click()
    expect(page.locator("h1")).to_have_text("Dinas Perumahan dan Permukiman")
    agency = Agency.objects.get(short_name="Disperkim")

    # The agency's page offers its first operator, with the role and the agency filled in.
    page.get_by_role("link", name="Tambah operator").click()
    form = page.get_by_test_id("user-form")
    expect(form.get_by_label("Peran *")).to_have_value("Operator SKPD")
    expect(form.get_by_label("Perangkat daerah")).to_have_value(str(agency.pk))
    # Without an agency the form refuses, in Indonesian, and nothing is stored.
    form.get_by_label("Perangkat daerah").select_option("")
    form.get_by_label("Nama pengguna *").fill("operator.perkim")
    form.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("pilih perangkat daerahnya")).to_be_visible()
    assert not User.objects.filter(username="operator.perkim").exists()
    form = page.get_by_test_id("user-form")
    form.get_by_label("Perangkat daerah").select_option(str(agency.pk))
    form.get_by_label("Nama depan").fill("Rahmat")
    form.get_by_role("button", name="Simpan").click()
    password = page.get_by_test_id("generated-password").inner_text()
    assert len(password) == 19
    page.reload()
    expect(page.get_by_test_id("generated-password")).to_have_count(0)

    context = page.context.browser.new_context(
        viewport={"width": 1366, "height": 768}, locale="id-ID"
    )
    try:
        operator = context.new_page()
        login(operator, live_server.url, "operator.perkim", password)
        expect(operator).to_have_url(f"{live_server.url}/akun/kata-sandi/")
        operator.get_by_label("Sandi lama").fill(password)
        operator.get_by_label("Sandi baru", exact=True).fill("Perkim-Amuntai-2026!")
        operator.get_by_label("Konfirmasi sandi baru").fill("Perkim-Amuntai-2026!")
        operator.get_by_role("button", name="Simpan kata sandi baru").click()
        operator.goto(f"{live_server.url}/")
        expect(operator.get_by_test_id("home-title")).to_contain_text("Operator")
        assert User.objects.get(username="operator.perkim").password_must_change is False
    finally:
        context.close()
