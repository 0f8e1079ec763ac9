"""Enrolment from a file (issue 11): a national list of NIKs or No. KKs and names, each row
reported by kind in a dry run that stores nothing, then enrolled all or nothing with the kinds
the user accepts; the rows left out as a CSV masked for the role and formula-escaped."""

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from households.choices import PersonStatus, Relation, Sex
from households.importing.reader import FileProblem
from households.tests.factories import HouseholdFactory, PersonFactory
from programs.models import Beneficiary, BeneficiaryImport
from programs.services import imports
from programs.services.imports import (
    beneficiary_import_create,
    beneficiary_import_run,
    beneficiary_import_start,
    detect_columns,
)
from programs.tests.factories import BeneficiaryFactory, ProgramFactory, national
from tkpk.choices import JobStatus
from tkpk.jobs import job_execute
from tkpk.models import AuditEvent, Job

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def nik(serial: int, *, woman: bool = False) -> str:
    """A valid NIK of Danau Panggang: born 1 March 1985 (day + 40 for a woman)."""
    return f"630801{'41' if woman else '01'}0385{serial:04d}"


def kk(serial: int) -> str:
    return f"6308010101200{serial:03d}"


def csv_upload(rows, *, header=("nik", "no_kk", "nama"), name="daftar-pkh.csv"):
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, text.getvalue().encode("utf-8"), content_type="text/csv")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Service messages are asserted on their English msgids; pages (through the test client)
    still render in Indonesian, as users see them."""
    with translation.override("en"):
        yield


@pytest.fixture
def pkh(cast):
    return ProgramFactory(
        agency=cast.agency_a, name="PKH Daerah", national_program=national("PKH"), decile_cutoff=4
    )


def family(serial: int, *, decile=1, members=(("Kepala", Relation.HEAD),), **person):
    """A family with members named as given, NIKs from `serial * 10`."""
    household = HouseholdFactory(kk_number=kk(serial), decile=decile)
    people = []
    for n, (name, relation) in enumerate(members):
        woman = relation == Relation.WIFE
        people.append(
            PersonFactory(
                household=household,
                nik=nik(serial * 10 + n, woman=woman),
                name=name,
                relation=relation,
                sex=Sex.FEMALE if woman else Sex.MALE,
                **person,
            )
        )
    return household, people


@pytest.fixture
def registry(cast, hsu, pkh):
    """One family per kind of row, and the enrolments that make some of them."""
    r = {}
    r["ready"] = family(1, members=[("Ahmad Fauzi", Relation.HEAD)])[1][0]
    r["enrolled"] = family(2, members=[("Bahrul Ilmi", Relation.HEAD)])[1][0]
    BeneficiaryFactory(program=pkh, person=r["enrolled"])
    r["deceased"] = family(
        3, members=[("Cecep Supriadi", Relation.HEAD)], status=PersonStatus.DECEASED
    )[1][0]
    r["rich"] = family(4, decile=7, members=[("Dedi Kurnia", Relation.HEAD)])[1][0]
    r["double"] = family(5, members=[("Eko Prasetyo", Relation.HEAD)])[1][0]
    other = ProgramFactory(agency=cast.agency_b, name="Bantuan Daerah")
    BeneficiaryFactory(program=other, person=r["double"])
    head6, wife6 = family(6, members=[("Fajar", Relation.HEAD), ("Fitri", Relation.WIFE)])[1]
    BeneficiaryFactory(program=pkh, person=head6)
    r["family_taken"] = wife6
    r["kk_head"], _ = family(7, members=[("Gani", Relation.HEAD), ("Gita", Relation.WIFE)])[1]
    _, r["kk_named"] = family(
        8, members=[("Hadi", Relation.HEAD), ("Hana Lestari", Relation.WIFE)]
    )[1]
    r["renamed"] = family(9, members=[("Indra Wijaya", Relation.HEAD)])[1][0]
    return r


def rows_of(r):
    """The list: (NIK, No. KK, name) a row; row numbers 2, 3, ... as in a spreadsheet."""
    return [
        (r["ready"].nik, "", "AHMAD  fauzi"),  # 2 ready (case and spaces do not matter)
        (nik(999), "", "Tidak Dikenal"),  # 3 unknown NIK
        ("12345", "", "Salah Ketik"),  # 4 malformed
        (r["enrolled"].nik, "", "Bahrul Ilmi"),  # 5 already enrolled
        (r["deceased"].nik, "", "Cecep Supriadi"),  # 6 deceased
        (r["rich"].nik, "", "Dedi Kurnia"),  # 7 above the cut-off
        (r["double"].nik, "", "Eko Prasetyo"),  # 8 same cluster
        (r["family_taken"].nik, "", "Fitri"),  # 9 family already enrolled
        ("", kk(7), ""),  # 10 No. KK only: the head
        ("", kk(8), "hana lestari"),  # 11 No. KK and a member's name: that member
        (r["renamed"].nik, "", "Joko Susilo"),  # 12 name differs
        (r["ready"].nik, "", "Ahmad Fauzi"),  # 13 the same person again
        ("", kk(99), "Keluarga Lain"),  # 14 unknown No. KK
    ]


@pytest.fixture
def record(cast, pkh, registry):
    return beneficiary_import_create(
        user=cast.officer_a, program=pkh, upload=csv_upload(rows_of(registry))
    )


def run(record, user, *, dry_run=True, accept=()):
    record.refresh_from_db()
    return beneficiary_import_run(record=record, user=user, dry_run=dry_run, accept=accept)


def sample_rows(report, kind):
    return [row["row"] for row in report.samples.get(kind, [])]


# --- Upload --------------------------------------------------------------------------------


def test_the_columns_are_found_by_their_names():
    assert detect_columns(["No", "NOMOR NIK", "Nomor KK", "Nama Penerima"]) == {
        "nik": 1,
        "kk": 2,
        "name": 3,
    }
    assert detect_columns(["no_kk", "nama"]) == {"kk": 0, "name": 1}


def test_the_upload_page_refuses_an_image_in_indonesian_and_stores_nothing(client, cast, pkh):
    client.force_login(cast.officer_a)
    upload = SimpleUploadedFile("daftar.csv", PNG)
    response = client.post(reverse("programs:beneficiary_import", args=[pkh.pk]), {"file": upload})
    assert response.status_code == 400
    assert "bukan berkas CSV atau XLSX" in response.content.decode()
    assert not BeneficiaryImport.objects.exists()


def test_an_upload_goes_to_its_mapping_page(client, cast, pkh, registry):
    client.force_login(cast.officer_a)
    url = reverse("programs:beneficiary_import", args=[pkh.pk])
    response = client.post(url, {"file": csv_upload(rows_of(registry))})
    record = BeneficiaryImport.objects.get()
    assert response.status_code == 302 and response.url == record.get_absolute_url()
    assert (record.program, record.mapping) == (pkh, {"nik": 0, "kk": 1, "name": 2})
    page = client.get(response.url)
    assert page.status_code == 200
    body = page.content.decode()
    # The preview masks the numbers for a role that does not see full NIKs.
    assert registry["ready"].nik not in body and "6308************" in body
    assert 'data-testid="review"' not in body


def test_an_operator_imports_into_no_other_agencys_program(cast, pkh, registry):
    with pytest.raises(PermissionDenied):
        beneficiary_import_create(user=cast.officer_b, program=pkh, upload=csv_upload([]))
    with pytest.raises(FileProblem):
        beneficiary_import_create(
            user=cast.officer_a, program=pkh, upload=SimpleUploadedFile("x.csv", PNG)
        )


# --- The dry run ---------------------------------------------------------------------------


@pytest.mark.parametrize("batch", [2000, 2])
def test_the_dry_run_reports_each_kind_of_row_and_stores_nothing(
    cast, pkh, record, batch, monkeypatch
):
    monkeypatch.setattr(imports, "BATCH_ROWS", batch)  # across batches, the same findings
    before = Beneficiary.objects.count()
    report = run(record, cast.officer_a)
    assert Beneficiary.objects.count() == before
    assert (report.rows, report.ready) == (13, 3)
    assert report.counts == {
        "ready": 3,
        "unknown": 2,
        "malformed": 1,
        "already_enrolled": 1,
        "deceased": 1,
        "above_cutoff": 1,
        "same_cluster": 1,
        "family_enrolled": 1,
        "kk_head": 1,
        "name_differs": 1,
        "duplicate_row": 1,
    }
    assert sample_rows(report, "ready") == [2, 10, 11]
    assert sample_rows(report, "unknown") == [3, 14]
    assert sample_rows(report, "already_enrolled") == [5]
    assert sample_rows(report, "deceased") == [6]
    assert sample_rows(report, "above_cutoff") == [7]
    assert sample_rows(report, "same_cluster") == [8]
    assert sample_rows(report, "family_enrolled") == [9]
    assert sample_rows(report, "kk_head") == [10]
    assert sample_rows(report, "name_differs") == [12]
    assert sample_rows(report, "duplicate_row") == [13]
    (malformed,) = report.samples["malformed"]
    assert malformed["message"] == "Row 4, NIK: The number must have exactly 16 digits."
    # The job card names the row itself: its reasons do not repeat it.
    assert report.first_errors == [
        {"row": 4, "reasons": ["NIK: The number must have exactly 16 digits."]}
    ]
    # The No. KK only row enrols the head; the row naming a member, that member.
    names = {row["row"]: row["registry_name"] for row in report.samples["ready"]}
    assert names == {2: "Ahmad Fauzi", 10: "Gani", 11: "Hana Lestari"}
    assert report.samples["duplicate_row"][0]["registry_name"] == "Ahmad Fauzi"
    record.refresh_from_db()
    assert record.review["counts"] == report.counts and record.review["rows"] == 13


def test_each_run_of_a_file_is_one_audited_search_by_nik(cast, pkh, record):
    """A file of NIKs is a search of the registry by NIK in bulk: the dry run writes one audited
    search, the apply one import, each naming the file and how many rows found a person."""
    run(record, cast.officer_a)
    (search,) = AuditEvent.objects.filter(action="search_nik", actor=cast.officer_a)
    assert search.object_id == str(record.pk)
    assert (search.changes["rows"], search.changes["found"], search.changes["dry_run"]) == (
        13,
        9,  # the people found, each once (row 13 repeats row 2)
        True,
    )
    run(record, cast.officer_a, dry_run=False, accept=["above_cutoff"])
    (applied,) = AuditEvent.objects.filter(action="import", actor=cast.officer_a)
    assert (applied.changes["enrolled"], applied.changes["accepted"]) == (4, ["above_cutoff"])


@pytest.mark.parametrize("people", [3, 30])
def test_the_dry_run_takes_a_fixed_number_of_queries_whatever_the_rows(
    cast, hsu, pkh, people, django_assert_num_queries
):
    rows = []
    for n in range(people):
        household, (head,) = family(100 + n, members=[(f"Warga {n}", Relation.HEAD)])
        rows += [(head.nik, "", head.name), ("", household.kk_number, head.name)]
    record = beneficiary_import_create(user=cast.officer_a, program=pkh, upload=csv_upload(rows))
    record.refresh_from_db()
    # Program, access (role, program), the batch's NIKs (1), its No. KKs and their members (2),
    # the enrolment checks (3), the audit event (1) and the review (1).
    with django_assert_num_queries(11):
        report = beneficiary_import_run(record=record, user=cast.officer_a, dry_run=True)
    assert (report.rows, report.ready) == (2 * people, people)
    assert report.counts["duplicate_row"] == people


def test_a_family_program_takes_one_row_of_a_family_and_a_later_row_waits(cast, hsu, pkh):
    household, (head, wife) = family(
        20, members=[("Joni", Relation.HEAD), ("Juwita", Relation.WIFE)]
    )
    upload = csv_upload([(wife.nik, "", "Juwita"), (head.nik, "", "Joni")])
    record = beneficiary_import_create(user=cast.officer_a, program=pkh, upload=upload)
    report = run(record, cast.officer_a)
    assert sample_rows(report, "ready") == [2] and sample_rows(report, "family_enrolled") == [3]


def test_a_malformed_no_kk_and_an_excel_number_are_told_with_their_row(cast, hsu, pkh):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["NIK", "Nama"])
    sheet.append([6308010103850001, "Angka Excel"])
    sheet.append(["6308010103850000", "Nomor urut nol"])
    data = io.BytesIO()
    workbook.save(data)
    upload = SimpleUploadedFile("daftar.xlsx", data.getvalue())
    record = beneficiary_import_create(user=cast.officer_a, program=pkh, upload=upload)
    report = run(record, cast.officer_a)
    messages = [row["message"] for row in report.samples["malformed"]]
    assert messages[0].startswith("Row 2, NIK: the cell is a number in Excel")
    assert messages[1] == "Row 3, NIK: The serial number (digits 13-16) cannot be 0000."

    upload = csv_upload([("", "630801010120", "Keluarga")], header=("nik", "kk", "nama"))
    record = beneficiary_import_create(user=cast.officer_a, program=pkh, upload=upload)
    (row,) = run(record, cast.officer_a).samples["malformed"]
    assert row["message"] == "Row 2, No. KK: The number must have exactly 16 digits."


# --- The apply -----------------------------------------------------------------------------


@pytest.mark.parametrize("batch", [2000, 2])
def test_the_apply_enrols_the_ready_rows_and_the_accepted_kinds_only(
    cast, pkh, record, registry, batch, monkeypatch
):
    # Enrolled batch by batch in one transaction: small batches enrol the same people.
    monkeypatch.setattr(imports, "BATCH_ROWS", batch)
    before = set(Beneficiary.objects.values_list("pk", flat=True))
    report = run(record, cast.officer_a, dry_run=False, accept=["above_cutoff"])
    new = Beneficiary.objects.exclude(pk__in=before)
    assert sorted(b.person.name for b in new) == [
        "Ahmad Fauzi",
        "Dedi Kurnia",
        "Gani",
        "Hana Lestari",
    ]
    assert {b.source for b in new} == {"impor"}
    assert (report.enrolled, report.left_out) == (4, 9)
    assert all(b.kk_at_enrolment == b.person.household.kk_number for b in new)

    # Accepting a refused kind changes nothing; the rows already enrolled are left out again.
    again = run(record, cast.officer_a, dry_run=False, accept=["same_cluster", "deceased"])
    assert sorted(b.person.name for b in Beneficiary.objects.exclude(pk__in=before)) == [
        "Ahmad Fauzi",
        "Dedi Kurnia",
        "Eko Prasetyo",
        "Gani",
        "Hana Lestari",
    ]
    assert again.enrolled == 1


def test_the_apply_stores_all_or_nothing(cast, pkh, record, monkeypatch):
    before = Beneficiary.objects.count()
    calls = []
    enrol = imports.beneficiaries_enrol

    def failing(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return enrol(**kwargs)

    monkeypatch.setattr(imports, "ENROL_BATCH", 1)
    monkeypatch.setattr(imports, "beneficiaries_enrol", failing)
    with pytest.raises(RuntimeError):
        run(record, cast.officer_a, dry_run=False)
    assert len(calls) == 2 and Beneficiary.objects.count() == before


def test_an_apply_stopped_by_a_concurrent_enrolment_fails_with_a_reason(
    cast, pkh, record, monkeypatch
):
    """Two files enrolling the same person at once: the unique constraint stops the second,
    whose job fails with a reason the user can act on, and stores nothing."""
    from django.db import IntegrityError

    from programs.job_handlers import import_beneficiaries
    from tkpk.jobs import JobError

    def racing(**kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(imports, "beneficiaries_enrol", racing)
    monkeypatch.setattr("programs.job_handlers.job_progress", lambda job, **kw: None)
    job = Job.objects.create(
        kind="programs.beneficiary_import",
        created_by=cast.officer_a,
        params={"import_id": record.pk, "dry_run": False, "accept": []},
    )
    before = Beneficiary.objects.count()
    with pytest.raises(JobError, match="enrolled in the program by someone else meanwhile"):
        import_beneficiaries(job)
    assert Beneficiary.objects.count() == before


def test_the_rows_left_out_are_masked_for_the_role_and_formula_escaped(cast, pkh, registry):
    rows = [*rows_of(registry), (nik(998), "", '=HYPERLINK("http://x")'), ("@SUM(1)", "", "")]
    upload = csv_upload(rows)
    record = beneficiary_import_create(user=cast.officer_a, program=pkh, upload=upload)
    report = run(record, cast.officer_a, dry_run=False)
    lines = list(csv.reader(io.TextIOWrapper(report.rejects, encoding="utf-8-sig")))
    header, body = lines[0], lines[1:]
    assert header == ["Row", "NIK / No. KK", "Name", "Reason"]
    text = "\n".join(",".join(line) for line in body)
    for person in registry.values():
        assert person.nik not in text
    assert kk(99) not in text
    by_row = {line[0]: line for line in body}
    assert by_row["3"][1] == "6308************"
    assert by_row["14"][1] == "6308**********99"
    assert by_row["15"][2] == '\'=HYPERLINK("http://x")'
    assert by_row["16"][1].startswith("'@SUM")
    assert by_row["7"][3] == "the family's decile is above the program's cut-off"
    assert len(body) == report.left_out == 12


def test_the_apply_needs_a_dry_run_of_the_same_mapping(cast, record):
    with pytest.raises(ValidationError):
        beneficiary_import_start(
            user=cast.officer_a, record=record, mapping=record.mapping, action="apply"
        )
    with pytest.raises(ValidationError):
        beneficiary_import_start(
            user=cast.officer_a, record=record, mapping={"nik": 0}, action="dry_run"
        )


# --- The pages and the job, end to end -----------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "jobs"])
def test_the_dry_run_and_the_apply_run_as_jobs_from_the_import_page(
    client, cast, pkh, registry, monkeypatch
):
    monkeypatch.setattr("tkpk.jobs._enqueue", lambda job_id, kind: None)
    client.force_login(cast.officer_a)
    response = client.post(
        reverse("programs:beneficiary_import", args=[pkh.pk]),
        {"file": csv_upload(rows_of(registry))},
    )
    url = response.url
    mapping = {"map_nik": "0", "map_kk": "1", "map_name": "2"}
    before = Beneficiary.objects.count()

    assert client.post(url, {**mapping, "action": "apply"}).status_code == 400  # no dry run yet
    assert client.post(url, {**mapping, "action": "dry_run"}).status_code == 302
    dry = Job.objects.get(kind="programs.beneficiary_import")
    assert dry.params == {
        "import_id": BeneficiaryImport.objects.get().pk,
        "dry_run": True,
        "accept": [],
    }
    job_execute(dry.pk)
    dry.refresh_from_db()
    assert dry.status == JobStatus.SUCCEEDED, dry.message
    assert (dry.counts["rows"], dry.counts["ready"]) == (13, 3)
    assert Beneficiary.objects.count() == before

    body = client.get(url).content.decode()
    assert 'data-testid="review"' in body and 'data-testid="kind-unknown"' in body
    assert (
        'data-testid="accept-above_cutoff"' in body and 'data-testid="accept-deceased"' not in body
    )
    review = body.split('data-testid="review"')[1]
    assert registry["ready"].nik not in review and "6308************" in review

    client.post(url, {**mapping, "action": "apply", "accept": ["above_cutoff", "deceased"]})
    applied = Job.objects.filter(kind="programs.beneficiary_import").latest("pk")
    assert applied.params["accept"] == ["above_cutoff"]
    job_execute(applied.pk)
    applied.refresh_from_db()
    assert applied.status == JobStatus.SUCCEEDED, applied.message
    assert Beneficiary.objects.count() == before + 4
    assert applied.counts["rejected"] == 9 and applied.progress_done == applied.progress_total

    download = client.get(reverse("tkpk:job_result", args=[applied.pk]))
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    assert registry["deceased"].nik not in text and "6308************" in text
    # Once applied, the file is not enrolled twice.
    assert client.post(url, {**mapping, "action": "apply"}).status_code == 400


@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "jobs"])
def test_another_agency_reaches_neither_the_import_nor_its_job(
    client, cast, pkh, registry, monkeypatch
):
    monkeypatch.setattr("tkpk.jobs._enqueue", lambda job_id, kind: None)
    record = beneficiary_import_create(
        user=cast.officer_a, program=pkh, upload=csv_upload(rows_of(registry))
    )
    job = beneficiary_import_start(
        user=cast.officer_a, record=record, mapping=record.mapping, action="dry_run"
    )
    job_execute(job.pk)
    client.force_login(cast.officer_b)
    assert client.get(record.get_absolute_url()).status_code == 404
    assert client.post(record.get_absolute_url(), {"action": "dry_run"}).status_code == 404
    assert client.get(reverse("tkpk:job_result", args=[job.pk])).status_code == 404
    client.force_login(cast.secretariat)  # reads every import, starts none
    assert client.get(record.get_absolute_url()).status_code == 200
    assert client.post(record.get_absolute_url(), {"action": "dry_run"}).status_code == 403
    with translation.override("en"):
        assert "Enrolment of beneficiaries from a file" in str(job.title)


# --- Retention -----------------------------------------------------------------------------


def test_old_uploads_lose_their_file_and_the_rows_of_their_review(cast, pkh, record, settings):
    settings.IMPORT_FILE_RETENTION_DAYS = 30
    run(record, cast.officer_a)
    fresh = beneficiary_import_create(user=cast.officer_a, program=pkh, upload=csv_upload([]))
    old = timezone.now() - timedelta(days=31)
    BeneficiaryImport.objects.filter(pk=record.pk).update(uploaded_at=old)
    name = BeneficiaryImport.objects.get(pk=record.pk).file.name

    assert imports.beneficiary_import_files_expire() == [record.pk]
    record.refresh_from_db()
    assert not record.file and not record.file.storage.exists(name)
    assert record.review["samples"] == {} and record.review["counts"]["ready"] == 3
    fresh.refresh_from_db()
    assert fresh.file
    assert AuditEvent.objects.filter(action="delete", changes__import_ids=[record.pk]).exists()
    assert imports.beneficiary_import_files_expire() == []
