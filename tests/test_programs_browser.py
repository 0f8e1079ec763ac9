"""In Chromium, as an Operator SKPD of Dinas Sosial would: a PKH-like program with its budget,
one family enrolled by a search and one from a file (through a real worker), a quarter's
report submitted; then the secretariat verifies it and the family's page shows its benefit."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from households.tests.factories import HouseholdFactory, PersonFactory
from households.tests.helpers import csv_bytes
from programs.choices import RealizationStatus
from programs.models import Beneficiary, Cluster, NationalProgram, Program, Realization
from tests.browser import login, upload, wait_until_finished
from tkpk.services import regions_load

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.django_db(
        transaction=True, serialized_rollback=True, databases=["default", "jobs"]
    ),
]


@pytest.fixture(scope="module", autouse=True)
def _media(shared_media_root):
    """The worker reads the uploaded file from the same media folder as the live server."""
    return shared_media_root


@pytest.fixture
def families(cast):
    regions_load(within="63.08")
    first = HouseholdFactory(kk_number="6308010101209001", decile=1)
    PersonFactory(household=first, nik="6308010203809001", name="Ahmad Bahagia")
    mother = PersonFactory(
        household=first, nik="6308014504829002", name="Siti Bahagia", sex="P", relation=3
    )
    second = HouseholdFactory(kk_number="6308010101209002", decile=2)
    head = PersonFactory(household=second, nik="6308010203809003", name="Rahmat Sejahtera")
    return {"first": first, "mother": mother, "second": second, "head": head}


def test_an_operator_runs_a_program_from_entry_to_a_verified_quarter(
    page, live_server, cast, families, celery_worker
):
    year = timezone.localdate().year
    login(page, live_server.url, cast.officer_a.username)

    # The program, with its pagu typed the Indonesian way.
    page.goto(f"{live_server.url}/program/tambah/")
    form = page.get_by_test_id("program-form")
    form.locator("#id_name").fill("Bantuan Keluarga Harapan Daerah")
    form.locator("#id_cluster").select_option(str(Cluster.objects.get(number=1).pk))
    form.locator("#id_national_program").select_option(
        str(NationalProgram.objects.get(code="PKH").pk)
    )
    form.locator("#id_fiscal_year").fill(str(year))
    form.locator("#id_funding_source").select_option("apbd_kab")
    form.locator("#id_status").select_option("berjalan")
    form.locator("#id_budget").fill("500.000.000")
    form.locator("#id_target_quantity").fill("100")
    form.locator("#id_target_unit").select_option("kk")
    form.locator("#id_decile_cutoff").fill("4")
    with page.expect_navigation():
        page.get_by_test_id("program-save").click()
    expect(page.get_by_test_id("program-name")).to_contain_text("Bantuan Keluarga Harapan")
    program = Program.objects.get(name="Bantuan Keluarga Harapan Daerah")
    assert (program.agency, program.budget) == (cast.agency_a, 500_000_000)

    # One family by a search of the mother's name: the program pays the mother.
    page.get_by_test_id("beneficiary-link").click()
    page.get_by_test_id("enrol-link").click()
    search = page.get_by_test_id("enrol-search")
    search.locator("input[name=q]").fill("Siti Bah")
    search.locator("button[type=submit]").click()
    candidates = page.get_by_test_id("candidates")
    expect(candidates.get_by_test_id("family")).to_have_count(1)
    candidates.get_by_test_id("member").filter(has_text="Siti Bahagia").locator(
        "input[type=radio]"
    ).check()
    with page.expect_navigation():
        candidates.get_by_test_id("enrol-submit").click()
    assert Beneficiary.objects.filter(program=program, person=families["mother"]).exists()

    # The other from a file with a NIK and a name, as national lists come.
    page.goto(f"{live_server.url}/program/{program.pk}/penerima/impor/")
    content = csv_bytes(
        [{"nik": families["head"].nik, "nama": "Rahmat Sejahtera"}], header=["nik", "nama"]
    )
    upload(page, "penerima.csv", content)
    with page.expect_navigation():
        page.get_by_test_id("dry-run").click()
    wait_until_finished(page.locator(".job-progress").first)
    expect(page.get_by_test_id("review-summary")).to_be_visible()
    assert not Beneficiary.objects.filter(person=families["head"]).exists()  # a dry run
    with page.expect_navigation():
        page.get_by_test_id("apply").click()
    wait_until_finished(page.locator(".job-progress").last)
    assert Beneficiary.objects.filter(program=program, person=families["head"]).exists()

    # The first quarter's report, submitted.
    page.goto(f"{live_server.url}/program/{program.pk}/triwulan/1/")
    report = page.get_by_test_id("report-form")
    report.locator("#id_spent").fill("120.000.000")
    report.locator("#id_reached").fill("2")
    report.locator("#id_physical_progress").fill("25")
    with page.expect_navigation():
        page.get_by_test_id("report-submit").click()
    assert Realization.objects.get(program=program).status == RealizationStatus.SUBMITTED

    # The secretariat verifies it, and sees on the family's page what it receives.
    context = page.context.browser.new_context(
        viewport={"width": 1366, "height": 768}, locale="id-ID"
    )
    try:
        secretariat = context.new_page()
        login(secretariat, live_server.url, cast.secretariat.username)
        secretariat.goto(f"{live_server.url}/program/laporan/")
        secretariat.get_by_role("link", name="Bantuan Keluarga Harapan Daerah").first.click()
        decision = secretariat.get_by_test_id("report-verify-form")
        with secretariat.expect_navigation():
            decision.locator("button[type=submit]").click()
        assert Realization.objects.get(program=program).status == RealizationStatus.VERIFIED
        secretariat.goto(f"{live_server.url}/rumah-tangga/{families['first'].pk}/")
        expect(secretariat.locator("[data-slot-panel]")).to_have_count(0)  # htmx loaded it
        expect(secretariat.get_by_text("Bantuan Keluarga Harapan Daerah")).to_be_visible()
    finally:
        context.close()

    # Another agency's operator cannot reach the program.
    other = page.context.browser.new_context(locale="id-ID")
    try:
        dinkes = other.new_page()
        login(dinkes, live_server.url, cast.officer_b.username)
        response = dinkes.goto(f"{live_server.url}/program/{program.pk}/")
        assert response.status == 404
    finally:
        other.close()
