"""What an import may overwrite (issue 8): only what the file says, nobody renamed or moved without
a person's eye, every change listed before and recorded after. Each test reproduces a finding of
the review."""

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from households.importing.changes import name_similarity
from households.importing.service import ImportOptions, household_import_run
from households.models import Household, Person
from households.tests.helpers import csv_bytes, family_rows, person
from tkpk.models import AuditEvent, Region

pytestmark = pytest.mark.django_db

KK = "6308010101200001"
BUDI = "6308010203850001"
SITI = "6308014504870002"
FIVE_COLUMNS = ["nomor_kk", "nomor_nik", "nama", "desa_kelurahan", "kecamatan"]


def run(data: bytes, **options):
    changes = io.BytesIO()
    report = household_import_run(
        fileobj=io.BytesIO(data),
        name="keluarga.csv",
        changes_out=changes,
        options=ImportOptions(source="dtks", **options),
    )
    rows = list(csv.DictReader(io.StringIO(changes.getvalue().decode("utf-8-sig"))))
    return report, rows


def snapshot():
    household = Household.objects.values().get(kk_number=KK)
    people = {p["nik"]: p for p in Person.objects.values()}
    for row in (household, *people.values()):
        row.pop("updated_at")
    return household, people


@pytest.fixture
def family(hsu):
    run(csv_bytes(family_rows()))
    return Household.objects.get(kk_number=KK)


def test_a_file_with_five_columns_changes_nothing_else(family):
    before = snapshot()
    data = csv_bytes([person()], header=FIVE_COLUMNS)
    dry, changes = run(data, dry_run=True)
    assert (dry.families_updated, dry.people_updated, changes) == (0, 0, [])
    report, _ = run(data)
    assert (report.families_updated, report.people_updated, report.people_unchanged) == (0, 0, 1)
    assert snapshot() == before


def test_an_empty_cell_keeps_the_stored_value_unless_the_import_clears(family):
    before_household, before_people = snapshot()
    data = csv_bytes([person(alamat="", rt="", desil="", tanggal_lahir="", tempat_lahir="")])
    report, _ = run(data)
    assert report.families_updated == 0 and report.people_updated == 0
    assert snapshot() == (before_household, before_people)

    dry, changes = run(data, dry_run=True, clear_empty=True)
    assert {(c["field"], c["new"]) for c in changes} >= {("address", ""), ("decile", "")}
    report, _ = run(data, clear_empty=True, accept=frozenset({"identity"}))
    household = Household.objects.get(kk_number=KK)
    assert (household.address, household.rt, household.decile) == ("", "", None)
    assert Person.objects.get(nik=BUDI).birth_date is None


def test_a_changed_address_is_listed_in_the_dry_run_and_applied(family):
    data = csv_bytes([person(alamat="Jl. Baru 9", rt="7")])
    dry, changes = run(data, dry_run=True)
    assert {(c["kind"], c["kk"], c["field"], c["old"], c["new"]) for c in changes} == {
        ("update", KK, "address", "Jl. Contoh 1", "Jl. Baru 9"),
        ("update", KK, "rt", "001", "007"),
    }
    assert dry.changes_total == 2 and len(dry.change_preview) == 2
    assert Household.objects.get(kk_number=KK).address == "Jl. Contoh 1"
    run(data)
    assert Household.objects.get(kk_number=KK).address == "Jl. Baru 9"


def test_a_person_renamed_beyond_the_threshold_is_held_until_accepted(family):
    data = csv_bytes([person(nama="Eko Fiktif")])
    report, changes = run(data, dry_run=True)
    assert report.held == {"move": 0, "rename": 1, "identity": 0}
    assert report.held_total == 1
    assert [(c["kind"], c["number"], c["old"], c["new"]) for c in changes] == [
        ("rename", BUDI, "Budi Contoh", "Eko Fiktif")
    ]
    report, _ = run(data)
    assert report.held_total == 1 and report.people_updated == 0
    assert Person.objects.get(nik=BUDI).name == "Budi Contoh"
    report, _ = run(data, accept=frozenset({"rename"}))
    assert report.held_total == 0 and report.people_updated == 1
    assert Person.objects.get(nik=BUDI).name == "Eko Fiktif"


def test_a_small_correction_of_a_name_is_no_rename(family):
    assert name_similarity("Siti Contoh", "Siti Contoh Aminah") >= 0.5
    assert name_similarity("Budi Contoh", "Eko Fiktif") < 0.5
    report, _ = run(csv_bytes([person(nama="BUDI CONTOH"), person(nama="Budi Contohh")][1:]))
    assert report.held_total == 0
    assert Person.objects.get(nik=BUDI).name == "Budi Contohh"


def test_a_person_moving_to_another_family_is_held_and_the_new_family_not_created_empty(family):
    data = csv_bytes([person(nomor_kk="6308010101200099", nama="Budi Contoh")])
    report, changes = run(data, dry_run=True)
    assert report.held["move"] == 1
    assert [(c["kind"], c["field"], c["old"], c["new"]) for c in changes] == [
        ("move", "household", KK, "6308010101200099")
    ]
    report, _ = run(data)
    assert Person.objects.get(nik=BUDI).household.kk_number == KK
    assert not Household.objects.filter(kk_number="6308010101200099").exists()
    run(data, accept=frozenset({"move"}))
    assert Person.objects.get(nik=BUDI).household.kk_number == "6308010101200099"


def test_a_changed_birth_date_or_sex_is_held_but_a_missing_one_is_filled(family):
    Person.objects.filter(nik=SITI).update(birth_date=None)
    rows = [person(tanggal_lahir="03-03-1985"), family_rows()[1]]
    report, changes = run(csv_bytes(rows), dry_run=True)
    assert report.held == {"move": 0, "rename": 0, "identity": 1}
    assert {(c["kind"], c["number"], c["field"]) for c in changes} == {
        ("identity", BUDI, "birth_date"),
        ("update", SITI, "birth_date"),
    }
    run(csv_bytes(rows))
    assert Person.objects.get(nik=BUDI).birth_date == dt.date(1985, 3, 2)
    assert Person.objects.get(nik=SITI).birth_date == dt.date(1987, 4, 5)


def test_a_family_moving_to_another_village_is_held_but_its_members_are_imported(family):
    other = Region.objects.get(code="63.08.02.2001")
    rows = [
        person(kecamatan=other.parent.name, desa_kelurahan=other.name, alamat="Jl. Lain"),
        person(nomor_nik="6308016006100004", nama="Anak Baru", hubungan_keluarga="4"),
    ]
    report, changes = run(csv_bytes(rows), dry_run=True)
    assert report.held["move"] == 1
    assert ("move", "village") in {(c["kind"], c["field"]) for c in changes}
    report, _ = run(csv_bytes(rows))
    household = Household.objects.get(kk_number=KK)
    assert household.village.code == "63.08.01.2003" and household.address == "Jl. Contoh 1"
    assert Person.objects.filter(nik="6308016006100004", household=household).exists()
    run(csv_bytes(rows), accept=frozenset({"move"}))
    household.refresh_from_db()
    assert (household.village, household.address) == (other, "Jl. Lain")


def test_every_applied_change_is_in_the_history_of_its_family_and_person(client, cast, family):
    run(csv_bytes([person(alamat="Jl. Baru 9", nama="Budi Contoh Santoso")]))
    household_event = AuditEvent.objects.get(
        content_type__model="household", object_id=str(family.pk), action="update"
    )
    assert household_event.changes == {"address": ["Jl. Contoh 1", "Jl. Baru 9"]}
    assert KK in household_event.summary and "keluarga.csv" in household_event.summary
    budi = Person.objects.get(nik=BUDI)
    person_event = AuditEvent.objects.get(content_type__model="person", object_id=str(budi.pk))
    assert person_event.changes == {"name": ["Budi Contoh", "Budi Contoh Santoso"]}
    assert BUDI in person_event.summary
    # Unchanged people get no event.
    assert AuditEvent.objects.filter(content_type__model="person").count() == 1

    client.force_login(cast.secretariat)
    for query in (KK, BUDI):
        page = client.get(reverse("tkpk:audit_list"), {"q": query})
        assert person_event in page.context["events"], query
    detail = client.get(reverse("households:household_detail", args=[family.pk]))
    history = detail.content.decode()
    assert "Jl. Baru 9" in history and "Budi Contoh Santoso" in history
    client.force_login(cast.officer_a)
    detail = client.get(reverse("households:household_detail", args=[family.pk]))
    assert 'data-testid="history"' not in detail.content.decode()


def test_history_comes_from_one_statement_per_table_not_one_per_row(family):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rows = [person(alamat="Jl. Baru"), *[r | {"alamat": "Jl. Baru"} for r in family_rows()[1:]]]
    rows = [r | {"nama": r["nama"] + " X"} for r in rows]
    with CaptureQueriesContext(connection) as queries:
        run(csv_bytes(rows))
    inserts = [q for q in queries.captured_queries if "INSERT INTO tkpk_auditevent" in q["sql"]]
    # families, people by NIK, people by temporary number, and the import's own event
    assert len(inserts) <= 4
    assert AuditEvent.objects.filter(content_type__model="person").count() == 3


def test_the_command_takes_the_accept_flags_and_reports_held_rows(family, tmp_path, capsys):
    path = tmp_path / "keluarga.csv"
    path.write_bytes(csv_bytes([person(nama="Eko Fiktif", nomor_kk="6308010101200099")]))
    changes = tmp_path / "changes.csv"
    call_command("import_households", str(path), "--dry-run", "--changes", str(changes))
    last = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert last["held_for_review"] == 1
    assert last["held_by_kind"] == {"move": 1, "rename": 1, "identity": 0}
    assert "Eko Fiktif" in changes.read_text(encoding="utf-8-sig")
    call_command("import_households", str(path), "--accept-moves")
    assert Person.objects.get(nik=BUDI).name == "Budi Contoh"
    call_command("import_households", str(path), "--accept-moves", "--accept-renames")
    budi = Person.objects.get(nik=BUDI)
    assert (budi.name, budi.household.kk_number) == ("Eko Fiktif", "6308010101200099")
