"""The family-file import: formats, idempotency, all-or-nothing, and every bad file."""

import csv
import io
import json
import tempfile
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from households.importing.reader import FileProblem
from households.importing.service import ImportOptions, ImportRefused, household_import_run
from households.models import Household, Person
from households.tests.helpers import csv_bytes, family_rows, person, xlsx_bytes
from tkpk.models import AuditEvent

pytestmark = pytest.mark.django_db


def run(data: bytes, name="keluarga.csv", **options):
    rejects = io.BytesIO()
    report = household_import_run(
        fileobj=io.BytesIO(data),
        name=name,
        rejects_out=rejects,
        options=ImportOptions(source="dtks", **options),
    )
    return report, rejects.getvalue().decode("utf-8-sig")


def test_a_valid_file_creates_the_family_and_its_members(hsu):
    report, _ = run(csv_bytes(family_rows()))
    assert (report.families_new, report.people_new, report.rejected) == (1, 3, 0)
    household = Household.objects.get()
    assert household.kk_number == "6308010101200001"
    assert household.village.code == "63.08.01.2003"
    assert (household.rt, household.rw, household.decile) == ("001", "002", 2)
    assert sorted(Person.objects.values_list("relation", flat=True)) == [1, 3, 4]
    assert AuditEvent.objects.filter(action="import", changes__file="keluarga.csv").count() == 1


def test_importing_the_same_file_twice_changes_nothing_the_second_time(hsu):
    data = csv_bytes(family_rows())
    run(data)
    stamps = list(Person.objects.order_by("pk").values_list("pk", "updated_at"))
    report, _ = run(data)
    assert report.totals() == {
        "families_new": 0,
        "families_updated": 0,
        "families_unchanged": 1,
        "people_new": 0,
        "people_updated": 0,
        "people_unchanged": 3,
        "rejected": 0,
        "held_for_review": 0,
        "held_by_kind": {"move": 0, "rename": 0, "identity": 0},
    }
    assert list(Person.objects.order_by("pk").values_list("pk", "updated_at")) == stamps


def test_a_changed_row_updates_the_person_found_by_nik(hsu):
    run(csv_bytes(family_rows()))
    rows = family_rows()
    rows[2]["nama"] = "Rina Contoh Baru"
    report, _ = run(csv_bytes(rows))
    assert (report.people_updated, report.people_unchanged) == (1, 2)
    assert Person.objects.get(nik="6308015006100003").name == "Rina Contoh Baru"


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [
        (";", "utf-8"),
        ("|", "utf-8"),
        ("\t", "utf-8"),
        (",", "utf-8-sig"),
        (";", "cp1252"),
    ],
)
def test_delimiters_and_encodings_are_recognised(hsu, delimiter, encoding):
    rows = family_rows()
    rows[0]["alamat"] = "Jl. Café Nº 1"
    report, _ = run(csv_bytes(rows, delimiter=delimiter, encoding=encoding))
    assert (report.people_new, report.rejected) == (3, 0)
    assert Household.objects.get().address == "Jl. Café Nº 1"


def test_villages_given_as_kemendagri_codes_are_found(hsu):
    rows = [person(desa_kelurahan="63.08.01.2004", kecamatan="")]
    report, _ = run(csv_bytes(rows))
    assert report.people_new == 1
    assert Household.objects.get().village.code == "63.08.01.2004"


def test_a_bad_row_makes_the_whole_import_store_nothing(hsu):
    rows = [*family_rows(), person(nomor_nik="6.30801E+15", nama="Rusak")]
    report, rejects = run(csv_bytes(rows))
    assert report.rejected == 1 and not report.applied
    assert "nothing was stored" in report.refused_reason
    assert not Household.objects.exists() and not Person.objects.exists()
    header, row = list(csv.reader(io.StringIO(rejects)))
    assert header[-2:] == ["row", "reason"]
    assert row[0] == "DTKS1" and row[-2] == "5"
    assert row[-1].startswith("NIK: ") and "Text" in row[-1]


def test_valid_only_imports_the_valid_rows_and_rejects_the_rest(hsu):
    rows = [*family_rows(), person(nomor_nik="6308010203850001", nama="Kembar")]
    report, rejects = run(csv_bytes(rows), valid_only=True)
    assert (report.people_new, report.rejected, report.applied) == (3, 1, True)
    assert "already appears on row 2" in rejects


def test_a_dry_run_reports_and_stores_nothing(hsu):
    report, _ = run(csv_bytes(family_rows()), dry_run=True)
    assert (report.families_new, report.people_new, report.applied) == (1, 3, False)
    assert not Person.objects.exists()
    assert not AuditEvent.objects.filter(action="import", changes__file="keluarga.csv").exists()


def test_rows_with_every_kind_of_damage_are_rejected_with_their_reason(hsu):
    rows = [
        person(nomor_nik="630801020385000"),
        person(nomor_nik="6308013503850001"),
        person(nomor_nik="6308010203850000"),
        person(nama=""),
        person(desa_kelurahan="DESA TIDAK ADA"),
        person(desil="12"),
        person(jenis_kelamin="X"),
        person(tanggal_lahir="31-02-1985"),
        person(nomor_kk="12345"),
    ]
    with pytest.raises(ImportRefused) as refused:
        run(csv_bytes(rows))
    errors = {e["row"]: " ".join(e["reasons"]) for e in refused.value.report.first_errors}
    assert "16 digits" in errors[2]
    assert "birth date" in errors[3]
    assert "0000" in errors[4]
    assert "name is empty" in errors[5]
    assert "not found" in errors[6]
    assert "decile" in errors[7]
    assert "sex" in errors[8]
    assert "date of birth" in errors[9]
    assert "No. KK" in errors[10]
    assert not Person.objects.exists()


def test_an_empty_file_is_refused(hsu):
    with pytest.raises(FileProblem, match="empty"):
        run(b"")


def test_a_file_with_a_header_only_is_refused(hsu):
    with pytest.raises(ImportRefused, match="no data rows"):
        run(csv_bytes([]))


def test_a_file_without_the_needed_columns_names_them(hsu):
    with pytest.raises(FileProblem, match="NIK"):
        run(b"nama;alamat\nBudi;Jl. Contoh\n")


def test_a_file_over_the_size_limit_is_refused(hsu, settings):
    settings.HOUSEHOLD_IMPORT_MAX_BYTES = 100
    with pytest.raises(FileProblem, match="limit"):
        run(csv_bytes(family_rows()))


def test_an_xlsx_file_imports_like_a_csv(hsu):
    report, _ = run(xlsx_bytes(family_rows()), name="keluarga.xlsx")
    assert (report.families_new, report.people_new) == (1, 3)


def test_a_wrong_sheet_name_lists_the_sheets(hsu):
    with pytest.raises(FileProblem, match="Data2025"):
        run(xlsx_bytes(family_rows(), sheet="Data2025"), name="k.xlsx", sheet="Lembar1")


def test_a_corrupt_xlsx_is_refused(hsu):
    with pytest.raises(FileProblem, match="damaged"):
        run(b"PK\x03\x04" + b"\x00" * 200, name="rusak.xlsx")


def test_a_zip_bomb_is_refused_before_it_is_unpacked(hsu):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (50 * 1024 * 1024))
    with pytest.raises(FileProblem, match="suspicious"):
        run(out.getvalue(), name="bom.xlsx")


def test_a_nik_typed_as_a_number_in_excel_is_refused(hsu):
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(xlsx_bytes(family_rows())))
    workbook.active["K2"].value = 6308010203850001  # a number: Excel keeps only 15 digits
    out = io.BytesIO()
    workbook.save(out)
    report, _ = run(out.getvalue(), name="angka.xlsx")
    assert report.rejected == 1
    assert "Text" in " ".join(report.first_errors[0]["reasons"])


def test_the_command_prints_the_report_and_a_json_last_line(hsu, tmp_path, capsys):
    path = tmp_path / "keluarga.csv"
    path.write_bytes(csv_bytes(family_rows()))
    call_command("import_households", str(path))
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert json.loads(last) == {
        "families_new": 1,
        "families_updated": 0,
        "families_unchanged": 0,
        "people_new": 3,
        "people_updated": 0,
        "people_unchanged": 0,
        "rejected": 0,
        "held_for_review": 0,
        "held_by_kind": {"move": 0, "rename": 0, "identity": 0},
    }


def test_the_command_dry_run_writes_the_rejects_file(hsu, tmp_path, capsys):
    path = tmp_path / "keluarga.csv"
    path.write_bytes(csv_bytes([*family_rows(), person(nama="", nomor_nik="6308010203850009")]))
    call_command("import_households", str(path), "--dry-run", "--rejects", str(tmp_path / "r.csv"))
    assert "name is empty" in (tmp_path / "r.csv").read_text(encoding="utf-8-sig")
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["rejected"] == 1
    assert not Person.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the parallel path feeds COPY")
def test_the_parallel_path_gives_the_same_result_as_the_sequential_one(hsu, monkeypatch):
    from households.importing import parallel, service
    from households.synthetic import write_csv

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "besar.csv"
        write_csv(path, people=3000, delimiter=";")
        data = path.read_bytes()
    sequential, rejects_one = run(data, dry_run=True, valid_only=True)
    monkeypatch.setattr(service, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "BLOCK_BYTES", 16 * 1024)  # many blocks, many cuts
    parallel_report, rejects_two = run(data, valid_only=True)
    assert parallel_report.totals() == sequential.totals()
    assert parallel_report.first_errors == sequential.first_errors
    assert rejects_two == rejects_one
    assert Person.objects.count() == sequential.people_new


def _schema(table):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s ORDER BY 1", [table])
        indexes = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass ORDER BY 1",
            [table],
        )
        return indexes, cursor.fetchall()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="bulk mode is PostgreSQL's")
def test_a_first_import_in_bulk_puts_every_index_and_foreign_key_back(hsu, monkeypatch):
    from households.importing import loader

    before = {t: _schema(t) for t in ("households_person", "households_household")}
    monkeypatch.setattr(loader, "BULK_MIN_ROWS", 1)
    report, _ = run(csv_bytes(family_rows()))
    assert (report.families_new, report.people_new) == (1, 3)
    assert {t: _schema(t) for t in before} == before
    # The rebuilt unique index still refuses a second person with the same NIK.
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(
            nik="6308010203850001", name="Kembar", household=Household.objects.get()
        )
    again, _ = run(csv_bytes(family_rows()))
    assert (again.people_unchanged, again.families_unchanged) == (3, 1)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the parallel path feeds COPY")
def test_the_parallel_path_keeps_backslashes_and_tabs_in_values(hsu, monkeypatch):
    from households.importing import service

    monkeypatch.setattr(service, "PARALLEL_MIN_BYTES", 0)
    rows = family_rows()
    rows[0]["alamat"] = "Jl. A\\B No. 1"
    rows[0]["tempat_lahir"] = "Amuntai\tUtara"
    report, _ = run(csv_bytes(rows, delimiter=";"))
    assert report.people_new == 3
    assert Household.objects.get().address == "Jl. A\\B No. 1"
    assert Person.objects.get(nik="6308010203850001").birth_place == "Amuntai\tUtara"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics")
def test_the_command_leaves_fresh_planner_statistics(hsu, tmp_path):
    """A freshly loaded table without statistics looks empty to the planner (issue 14)."""
    path = tmp_path / "keluarga.csv"
    path.write_bytes(csv_bytes(family_rows()))
    call_command("import_households", str(path), stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class "
            "WHERE relname IN ('households_household', 'households_person') ORDER BY relname"
        )
        assert cursor.fetchall() == [("households_household", 1.0), ("households_person", 3.0)]
