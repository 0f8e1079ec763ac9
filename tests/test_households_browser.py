"""The household import journey in a real Chromium with a real Celery worker (issue 3, "Done
when"): a secretariat user uploads a messy DTKS-style file, sees the mapping and the preview,
runs a dry run and watches its progress, reads and downloads the rejected rows with their
reasons, imports the valid rows; then finds a family by a member's NIK and corrects it. A big
file shows a progress bar that advances; an empty file is refused and stores nothing.

The UI is Indonesian by default. Where a string may still be untranslated, the checks use test
ids, URLs, numbers and patterns that hold in either language.

Screenshots of the key steps go to $SCREENSHOT_DIR, else /tmp (registry_empty.png,
import_preview.png, import_dryrun.png, ...).
"""

import csv
import io
import os
import re
import tempfile
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from households.importing.service import ImportOptions, household_import_run
from households.models import Household, HouseholdImport, Person
from households.synthetic import HEADER, generate_rows
from households.tests.helpers import csv_bytes, family_rows, person
from tests.browser import login, upload, wait_until_finished
from tkpk.models import Job
from tkpk.services import regions_load

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    # transaction: the live server thread and the worker process see the rows; serialized
    # rollback: the role groups of the data migrations survive the flush after each test.
    pytest.mark.django_db(
        transaction=True, serialized_rollback=True, databases=["default", "jobs"]
    ),
]

# Where the screenshots of the key steps go (/tmp unless told otherwise).
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", tempfile.gettempdir()))

# Family A: the helpers' family of three (Budi, Siti, Rina), decile 2, region names in capitals.
FAMILY_A_KK = "6308010101200001"
SITI_NIK = "6308014504870002"  # the wife, not the head of the family
BUDI_NIK = "6308010203850001"
# Family B, decile 1, written as a clerk would: "Kec." and "DESA" before the names.
FAMILY_B_KK = "6308010101200002"
AHMAD_NIK = "6308012207800011"
DEWI_NIK = "6308015402820012"  # a woman: 40 added to the day of birth (14 + 40)


def family_b(**changes):
    return person(
        iddtks="DTKS2",
        kecamatan="Kec. Danau Panggang",
        desa_kelurahan="DESA PANDAMAAN",
        alamat="Jl. Sampel 7",
        dusun="Dusun 3",
        rt="4",
        rw="1",
        nomor_kk=FAMILY_B_KK,
        nama_ibu_kandung="Aminah Fiktif",
        desil="1",
        **changes,
    )


def messy_rows():
    """Rows 2-4 family A, rows 5-6 family B (all valid); rows 7-10 broken as real files are."""
    return [
        *family_rows(),  # rows 2, 3, 4
        family_b(  # row 5
            nomor_nik=AHMAD_NIK,
            nama="Ahmad Fiktif",
            tanggal_lahir="22-07-1980",
            jenis_kelamin="L",
            hubungan_keluarga="1",
        ),
        family_b(  # row 6
            nomor_nik=DEWI_NIK,
            nama="Dewi Fiktif",
            tanggal_lahir="14-02-1982",
            jenis_kelamin="P",
            hubungan_keluarga="3",
        ),
        family_b(  # row 7: Excel turned the NIK into a number and lost its last digits
            nomor_nik="6.30801E+15",
            nama="Nur Fiktif",
            tanggal_lahir="01-03-2012",
            jenis_kelamin="P",
            hubungan_keluarga="4",
        ),
        family_b(  # row 8: a digit lost
            nomor_nik="630801010105001",
            nama="Rudi Fiktif",
            tanggal_lahir="01-01-2005",
            jenis_kelamin="L",
            hubungan_keluarga="4",
        ),
        family_b(  # row 9: no name
            nomor_nik="6308011505900013",
            nama="",
            tanggal_lahir="15-05-1990",
            jenis_kelamin="L",
            hubungan_keluarga="9",
        ),
        person(nama="Budi Contoh (dobel)"),  # row 10: Budi's NIK again, as on row 2
    ]


REJECTED_ROWS = {7, 8, 9, 10}
# "Families: 2 new, ... People: 5 new, ... Rejected rows: 4." in either language.
MESSY_COUNTS = re.compile(r"\b2\b.*\b5\b.*\b4\b", re.S)
# Big enough that the worker needs several seconds, so that the page polls it while it runs.
BIG_FILE_PEOPLE = 100_000


@pytest.fixture(scope="module", autouse=True)
def _media(shared_media_root):
    """In place before the module's `celery_worker` starts (see shared_media_root)."""
    return shared_media_root


def shot(page, name):
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def row_pattern(number):
    """A list item that starts with "Row 7:" in English, "Baris 7:" in Indonesian."""
    return re.compile(rf"^\s*(Row|Baris) {number}:")


def read_csv(path):
    """The rejected rows come back with the uploaded file's delimiter (here a semicolon), so
    that the user's spreadsheet opens them the same way."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))


def test_the_secretariat_imports_a_messy_file_and_sees_the_preview_progress_and_rejected_rows(
    page, live_server, cast, celery_worker
):
    regions_load(within="63.08")
    base = live_server.url
    login(page, base, cast.secretariat.username)

    # The registry is empty and says how to start.
    page.goto(base + reverse("households:household_list"))
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.locator(".empty-state")).to_be_visible()
    expect(page.get_by_test_id("household-table")).to_have_count(0)
    shot(page, "registry_empty")

    # "Import a file" leads to the upload page.
    with page.expect_navigation():
        page.locator(f"main a[href='{reverse('households:import')}']").click()
    assert page.url.endswith(reverse("households:import"))

    # A semicolon-separated file with region names, as regions receive them.
    upload(page, "dtks_danau_panggang.csv", csv_bytes(messy_rows(), delimiter=";"))
    record = HouseholdImport.objects.get()
    assert page.url.endswith(reverse("households:import_detail", args=[record.pk]))

    # The mapping was recognised from the DTKS headers; the preview shows the first rows as they
    # are in the file, the broken ones included.
    mapping = page.get_by_test_id("mapping")
    expect(mapping).to_be_visible()
    expect(mapping.locator("select[name=map_nik]")).to_have_value(str(HEADER.index("nomor_nik")))
    expect(mapping.locator("select[name=map_village]")).to_have_value(
        str(HEADER.index("desa_kelurahan"))
    )
    preview = page.get_by_test_id("preview")
    expect(preview).to_contain_text("Budi Contoh")
    expect(preview).to_contain_text("DESA PANDAMAAN")
    expect(preview).to_contain_text("6.30801E+15")
    expect(preview.locator("tbody tr")).to_have_count(len(messy_rows()))
    # Nothing can be imported before a dry run has succeeded.
    expect(page.get_by_test_id("import")).to_have_count(0)
    expect(page.get_by_test_id("import-valid")).to_have_count(0)
    shot(page, "import_preview")

    # The dry run goes to the worker; its card shows the progress, then the outcome.
    with page.expect_navigation():
        page.get_by_test_id("dry-run").click()
    card = page.locator(".job-progress").first
    expect(card).to_be_visible()
    if card.get_attribute("data-status") in ("queued", "running"):
        expect(card.get_by_role("progressbar")).to_be_visible()
        shot(page, "import_dryrun_progress")
    wait_until_finished(card)
    shot(page, "import_dryrun")

    expect(card.get_by_test_id("job-message")).to_contain_text(MESSY_COUNTS)
    errors = card.get_by_test_id("job-errors").locator("li")
    expect(errors).to_have_count(len(REJECTED_ROWS))
    for number in REJECTED_ROWS:
        expect(errors.filter(has_text=row_pattern(number))).to_have_count(1)
    scientific = errors.filter(has_text=row_pattern(7))
    expect(scientific).to_contain_text(re.compile(r"\b(Text|Teks)\b"))
    expect(scientific).to_contain_text(re.compile(r"6[.,]30801E\+15"))
    expect(errors.filter(has_text=row_pattern(8))).to_contain_text("16")
    duplicate = errors.filter(has_text=row_pattern(10))
    expect(duplicate).to_contain_text(BUDI_NIK)
    expect(duplicate).to_contain_text(re.compile(r"\b2$"))  # "... already on row 2"
    # A dry run stores nothing.
    assert not Household.objects.exists()
    assert not Person.objects.exists()

    # The rejected rows download as CSV: the file's columns, then row number and reason.
    with page.expect_download() as download_info:
        card.locator("a[href$='/hasil/']").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    header, *rejected = read_csv(download.path())
    assert header[: len(HEADER)] == HEADER
    assert [h.lower() for h in header[len(HEADER) :]] in (["row", "reason"], ["baris", "alasan"])
    by_row = {int(line[-2]): line for line in rejected}
    assert set(by_row) == REJECTED_ROWS
    nik, name = HEADER.index("nomor_nik"), HEADER.index("nama")
    assert re.search(r"\b(Text|Teks)\b", by_row[7][-1])
    assert (by_row[7][nik], by_row[7][name]) == ("6.30801E+15", "Nur Fiktif")
    assert (by_row[8][nik], by_row[8][name]) == ("630801010105001", "Rudi Fiktif")
    assert by_row[9][nik] == "6308011505900013"
    assert by_row[10][nik] == BUDI_NIK
    assert "2" in by_row[10][-1]

    # After a dry run with rejected rows only "import the valid rows" is offered: importing all
    # rows would certainly be refused.
    expect(page.get_by_test_id("import")).to_have_count(0)
    expect(page.get_by_test_id("import-valid")).to_be_visible()
    with page.expect_navigation():
        page.get_by_test_id("import-valid").click()
    import_card = page.locator(".job-progress").nth(1)
    expect(import_card).to_be_visible()
    wait_until_finished(import_card)
    shot(page, "import_done")
    expect(import_card.get_by_test_id("job-message")).to_contain_text(MESSY_COUNTS)
    expect(import_card.get_by_test_id("job-errors").locator("li")).to_have_count(len(REJECTED_ROWS))
    expect(import_card.locator("a[href$='/hasil/']")).to_be_visible()
    assert Household.objects.count() == 2
    assert Person.objects.count() == 5
    assert set(Person.objects.values_list("nik", flat=True)) == {
        BUDI_NIK,
        SITI_NIK,
        "6308015006100003",
        AHMAD_NIK,
        DEWI_NIK,
    }
    assert Household.objects.get(kk_number=FAMILY_B_KK).village.name == "Pandamaan"
    # Done: the page leads on to the registry instead of offering the same import again.
    expect(page.get_by_test_id("to-registry")).to_be_visible()
    expect(page.get_by_test_id("dry-run")).to_have_count(0)
    record.refresh_from_db()
    assert record.import_job.counts["rejected"] == len(REJECTED_ROWS)

    # The registry now lists both families.
    page.goto(base + reverse("households:household_list"))
    expect(page.get_by_test_id("household-table").locator("tbody tr")).to_have_count(2)


def test_the_secretariat_finds_a_family_by_a_members_nik_and_corrects_it(page, live_server, cast):
    regions_load(within="63.08")
    # The messy file imported (valid rows only) through the same service as the web import.
    household_import_run(
        fileobj=io.BytesIO(csv_bytes(messy_rows(), delimiter=";")),
        name="dtks_danau_panggang.csv",
        options=ImportOptions(source="dtks", valid_only=True),
        user=cast.secretariat,
    )
    family = Household.objects.get(kk_number=FAMILY_A_KK)
    base = live_server.url
    login(page, base, cast.secretariat.username)

    # Typing the NIK of Siti (the wife, in a decile-2 family) narrows the list by htmx to her
    # family, without touching any other filter.
    page.goto(base + reverse("households:household_list"))
    households = page.get_by_test_id("household-table")
    expect(households.locator("tbody tr")).to_have_count(2)
    search = page.get_by_test_id("household-search")
    search.click()
    search.press_sequentially(SITI_NIK, delay=20)
    expect(page).to_have_url(re.compile(rf"[?&]q={SITI_NIK}"))
    shot(page, "registry_search")
    expect(
        households.locator("tbody tr"),
        "the NIK of a family member finds exactly her family "
        "(the search request carries the other filters the user never touched)",
    ).to_have_count(1)
    expect(households).to_contain_text(FAMILY_A_KK)
    expect(households).to_contain_text("Budi Contoh")  # the head of the family

    # The family's page lists its members, NIKs masked; the eye shows one in full.
    with page.expect_navigation():
        households.get_by_role("link", name=FAMILY_A_KK).click()
    assert page.url.endswith(reverse("households:household_detail", args=[family.pk]))
    members = page.get_by_test_id("member-table")
    expect(members.locator("tbody tr")).to_have_count(3)
    expect(members).to_contain_text("Rina Contoh")
    expect(members).not_to_contain_text(SITI_NIK)
    siti_row = members.locator("tbody tr").filter(has_text="Siti Contoh")
    page.wait_for_load_state("networkidle")  # htmx has wired the buttons
    with page.expect_response(lambda response: "/nik/" in response.url):
        siti_row.get_by_test_id("nik-reveal").click()
    expect(siti_row.get_by_test_id("nik-full")).to_have_text(SITI_NIK)
    expect(page.locator("main")).to_contain_text("Jl. Contoh 1")

    # Correct it: the address was wrong, and Rina's name lacks a part.
    with page.expect_navigation():
        page.locator(
            f"main a[href='{reverse('households:household_edit', args=[family.pk])}']"
        ).click()
    shot(page, "household_edit")
    page.locator("input[name=address]").fill("Jl. Contoh 11")
    rina = page.get_by_test_id("member-form").filter(has_text="Rina Contoh")
    expect(rina).to_have_count(1)
    # The form prints no NIK: empty keeps it, the placeholder is masked, the eye is audited.
    rina_nik = rina.locator("input[name$='-nik']")
    expect(rina_nik).to_have_value("")
    expect(rina_nik).to_have_attribute("placeholder", "6308**********03")
    expect(page.locator("main")).not_to_contain_text("6308015006100003")
    with page.expect_response(lambda response: "/nik/" in response.url):
        rina.get_by_test_id("form-nik-reveal").click()
    expect(rina.get_by_test_id("nik-full")).to_have_text("6308015006100003")
    rina.locator("input[name$='-name']").fill("Rina Contoh Lestari")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()

    # Back on the family's page, with a confirmation and the corrections.
    assert page.url.endswith(reverse("households:household_detail", args=[family.pk]))
    expect(page.locator(".alert-success")).to_contain_text(FAMILY_A_KK)
    expect(page.locator("main")).to_contain_text("Jl. Contoh 11")
    expect(page.get_by_test_id("member-table")).to_contain_text("Rina Contoh Lestari")
    shot(page, "household_corrected")
    family.refresh_from_db()
    assert family.address == "Jl. Contoh 11"
    assert Person.objects.get(nik="6308015006100003").name == "Rina Contoh Lestari"
    # The other members are untouched.
    assert Person.objects.get(nik=SITI_NIK).name == "Siti Contoh"
    assert Person.objects.get(nik=BUDI_NIK).name == "Budi Contoh"
    assert family.members.count() == 3


# Installed in every page before its scripts run: each job card that htmx swaps in is recorded
# in sessionStorage, which survives the reload at the end of the job.
RECORD_JOB_CARDS = """
document.addEventListener("htmx:load", function (event) {
  var card = event.detail.elt;
  if (!card.matches || !card.matches(".job-progress")) return;
  var bar = card.querySelector("[role=progressbar]");
  var seen = JSON.parse(sessionStorage.getItem("jobCards") || "[]");
  seen.push({
    status: card.dataset.status,
    percent: bar ? bar.getAttribute("aria-valuenow") : null,
    text: card.innerText,
  });
  sessionStorage.setItem("jobCards", JSON.stringify(seen));
});
"""


def test_a_big_file_shows_a_progress_bar_that_advances_while_the_worker_runs(
    page, live_server, cast, celery_worker
):
    regions_load(within="63.08")
    people = BIG_FILE_PEOPLE
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";")
    writer.writerow(HEADER)
    writer.writerows(generate_rows(people=people))
    page.add_init_script(RECORD_JOB_CARDS)
    login(page, live_server.url, cast.secretariat.username)
    page.goto(live_server.url + reverse("households:import"))

    upload(page, "dtks_hsu_besar.csv", text.getvalue().encode())
    with page.expect_navigation():
        page.get_by_test_id("dry-run").click()
    card = page.locator(".job-progress").first
    wait_until_finished(card)
    shot(page, "import_big_dryrun")

    # While it ran, the polled card showed a bar that moved forward, with "N of M processed".
    seen = page.evaluate("JSON.parse(sessionStorage.getItem('jobCards') || '[]')")
    running = [s for s in seen if s["status"] == "running"]
    assert running, f"the card never showed the job running: {seen}"
    percents = [int(s["percent"]) for s in running if s["percent"] is not None]
    assert percents, f"the bar never showed a percentage: {running}"
    assert percents == sorted(percents)
    assert all(0 <= p <= 100 for p in percents)
    assert any(re.search(r"[\d.,]+ (dari|of) [\d.,]+", s["text"]) for s in running)

    # About 2 % of the rows are broken: the first 20 are listed, the rest are in the download.
    expect(card.get_by_test_id("job-errors").locator("li")).to_have_count(20)
    job = Job.objects.get(pk=HouseholdImport.objects.get().dry_run_job_id)
    assert job.counts["rows"] == people
    assert 0.01 * people < job.counts["rejected"] < 0.03 * people
    assert job.counts["people_new"] + job.counts["rejected"] == people
    assert not Person.objects.exists()


def test_an_empty_file_is_refused_with_a_message_and_stores_nothing(page, live_server, cast):
    login(page, live_server.url, cast.secretariat.username)
    page.goto(live_server.url + reverse("households:import"))

    upload(page, "kosong.csv", b"")

    assert page.url.endswith(reverse("households:import"))
    error = page.get_by_test_id("upload-error")
    expect(error).to_be_visible()
    expect(error).not_to_be_empty()
    expect(page.locator("html")).to_have_attribute("lang", "id")
    shot(page, "import_empty")
    assert not HouseholdImport.objects.exists()
    assert not Job.objects.exists()


def test_an_operator_finds_a_family_by_name_and_checks_a_nik_but_cannot_search_by_number(
    page, live_server, cast
):
    """Issue 7: an Operator SKPD searches by name and sees masked numbers; a number typed into
    the search is refused with a way out; the NIK check answers yes or no, nothing more."""
    regions_load(within="63.08")
    household_import_run(
        fileobj=io.BytesIO(csv_bytes(family_rows())),
        name="keluarga.csv",
        options=ImportOptions(source="dtks"),
        user=cast.secretariat,
    )
    base = live_server.url
    login(page, base, cast.officer_a.username)
    page.goto(base + reverse("households:household_list"))
    households = page.get_by_test_id("household-table")
    expect(households).not_to_contain_text(FAMILY_A_KK)

    search = page.get_by_test_id("household-search")
    search.click()
    with page.expect_response(lambda r: "q=63080145" in r.url):
        search.press_sequentially("63080145")
    expect(page.get_by_test_id("search-refused")).to_be_visible()
    expect(page.locator("#household-table tbody tr")).to_have_count(0)

    search.fill("")
    with page.expect_response(lambda r: "q=siti" in r.url):
        search.press_sequentially("siti")
    expect(page.locator("#household-table tbody tr")).to_have_count(1)
    with page.expect_navigation():
        page.locator("#household-table tbody a").first.click()
    members = page.get_by_test_id("member-table")
    expect(members).to_contain_text("Siti Contoh")
    expect(members).not_to_contain_text(SITI_NIK)
    expect(members.get_by_test_id("nik-reveal")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("1987")

    page.goto(base + reverse("households:nik_check"))
    page.locator("input[name=nik]").fill(SITI_NIK)
    page.get_by_test_id("nik-check-form").locator("button[type=submit]").click()
    result = page.get_by_test_id("nik-check-result")
    expect(result.locator(".alert-success")).to_contain_text(SITI_NIK)
    expect(result).not_to_contain_text("Siti")
    page.locator("input[name=nik]").fill("63080145048700")
    page.get_by_test_id("nik-check-form").locator("button[type=submit]").click()
    expect(result.locator(".alert-danger")).to_contain_text("16")


def test_a_five_column_file_changes_nothing_else_and_a_rename_waits_for_review(
    page, live_server, cast, celery_worker
):
    """Issue 8, "Done when": the secretariat imports a file with only five columns for existing
    families and nothing else about them changes; a file that renames and moves people shows
    those rows for review and applies none of them until accepted; the family's page shows what
    each import changed."""
    regions_load(within="63.08")
    household_import_run(
        fileobj=io.BytesIO(csv_bytes(family_rows())),
        name="awal.csv",
        options=ImportOptions(source="dtks"),
        user=cast.secretariat,
    )
    family = Household.objects.get(kk_number=FAMILY_A_KK)
    before = (family.address, family.rt, family.rw, family.dusun, family.decile, family.source_id)
    people_before = list(Person.objects.order_by("pk").values())
    base = live_server.url
    login(page, base, cast.secretariat.username)

    five = ["nomor_kk", "nomor_nik", "nama", "desa_kelurahan", "kecamatan"]
    page.goto(base + reverse("households:import"))
    upload(page, "lima_kolom.csv", csv_bytes(family_rows(), header=five))
    with page.expect_navigation():
        page.get_by_test_id("dry-run").click()
    wait_until_finished(page.locator(".job-progress").first)
    expect(page.get_by_test_id("review")).to_contain_text("0")
    expect(page.get_by_test_id("held")).to_have_count(0)
    with page.expect_navigation():
        page.get_by_test_id("import").click()
    wait_until_finished(page.locator(".job-progress").nth(1))
    family.refresh_from_db()
    assert (
        family.address,
        family.rt,
        family.rw,
        family.dusun,
        family.decile,
        family.source_id,
    ) == before
    after = list(Person.objects.order_by("pk").values())
    for row in (*people_before, *after):
        row.pop("updated_at")
    assert after == people_before

    # Budi renamed beyond recognition and moved to another No. KK; Siti's address corrected.
    changed = [
        person(nama="Eko Fiktif", nomor_kk="6308010101200077"),
        person(
            nomor_nik=SITI_NIK,
            nama="Siti Contoh",
            jenis_kelamin="P",
            hubungan_keluarga="3",
            tanggal_lahir="05-04-1987",
            alamat="Jl. Contoh 11",
        ),
    ]
    page.goto(base + reverse("households:import"))
    upload(page, "perubahan.csv", csv_bytes(changed))
    with page.expect_navigation():
        page.get_by_test_id("dry-run").click()
    wait_until_finished(page.locator(".job-progress").first)
    held = page.get_by_test_id("held")
    expect(held).to_be_visible()
    expect(page.get_by_test_id("accept-move")).to_be_visible()
    expect(page.get_by_test_id("accept-rename")).to_be_visible()
    changes = page.get_by_test_id("changes")
    expect(changes).to_contain_text("Eko Fiktif")
    expect(changes).to_contain_text("Budi Contoh")
    expect(changes).to_contain_text("Jl. Contoh 11")
    expect(changes).not_to_contain_text(BUDI_NIK)
    shot(page, "import_review")
    with page.expect_navigation():
        page.get_by_test_id("import").click()
    wait_until_finished(page.locator(".job-progress").nth(1))
    budi = Person.objects.get(nik=BUDI_NIK)
    assert (budi.name, budi.household.kk_number) == ("Budi Contoh", FAMILY_A_KK)
    family.refresh_from_db()
    assert family.address == "Jl. Contoh 11"
    assert not Household.objects.filter(kk_number="6308010101200077").exists()

    # The family's page tells what the import changed.
    page.goto(base + reverse("households:household_detail", args=[family.pk]))
    history = page.get_by_test_id("history")
    expect(history).to_contain_text("perubahan.csv")
    expect(history).to_contain_text("Jl. Contoh 11")
    shot(page, "household_history")
