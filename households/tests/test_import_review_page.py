"""The import page shows what a dry run found before anything is stored (issue 8): the changes
with old and new values side by side, the held rows by kind with a box to accept each kind, the
whole change list to download (audited); the import then applies only the accepted kinds."""

import csv
import io

import pytest
from django.urls import reverse

from households.importing.service import ImportOptions, household_import_run
from households.models import Household, HouseholdImport, Person
from households.tests.helpers import csv_bytes, family_rows, person
from tkpk.jobs import job_execute
from tkpk.models import AuditEvent, Job

# Transactional: the job's progress goes through the second connection ("jobs"), as in production.
pytestmark = pytest.mark.django_db(
    transaction=True, serialized_rollback=True, databases=["default", "jobs"]
)


@pytest.fixture(autouse=True)
def _run_jobs_here(monkeypatch):
    """No queue: each test runs the job it started in this process (job_execute)."""
    monkeypatch.setattr("tkpk.jobs._enqueue", lambda job_id, kind: None)


BUDI = "6308010203850001"


@pytest.fixture
def registry(hsu, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    household_import_run(
        fileobj=io.BytesIO(csv_bytes(family_rows())),
        name="awal.csv",
        options=ImportOptions(source="dtks"),
    )


def upload(client, rows, **form):
    data = io.BytesIO(csv_bytes(rows))
    data.name = "perbaikan.csv"
    response = client.post(reverse("households:import"), {"file": data, "source": "dtks"})
    record = HouseholdImport.objects.latest("pk")
    mapping = {f"map_{k}": str(v) for k, v in record.mapping.items()}
    return response.url, record, mapping


def run_action(client, url, data):
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:500]
    job = Job.objects.latest("pk")
    job_execute(job.pk)
    job.refresh_from_db()
    return job


def test_the_dry_run_shows_changes_and_held_rows_and_the_import_applies_the_accepted_kind(
    client, cast, registry
):
    client.force_login(cast.secretariat)
    rows = [person(nama="Eko Fiktif", alamat="Jl. Baru 9"), *family_rows()[1:]]
    url, record, mapping = upload(client, rows)

    dry = run_action(client, url, {**mapping, "action": "dry_run"})
    assert dry.status == "succeeded", dry.message
    assert "Ditahan untuk ditinjau, tidak diterapkan: 1 data (1 perubahan nama)." in dry.message
    page = client.get(url).content.decode()
    assert 'data-testid="changes"' in page and 'data-testid="held"' in page
    assert "Jl. Contoh 1" in page and "Jl. Baru 9" in page
    assert "Eko Fiktif" in page and "Budi Contoh" in page
    changes = page.split('data-testid="changes"')[1].split("</table>")[0]
    assert BUDI not in changes and "6308**********01" in changes  # masked like every page
    assert 'name="accept" value="rename"' in page
    assert Person.objects.get(nik=BUDI).name == "Budi Contoh"  # nothing stored yet

    download = client.get(reverse("households:import_changes", args=[record.pk]))
    listed = list(
        csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig")))
    )
    assert {(r["kind"], r["field"]) for r in listed} == {("update", "address"), ("rename", "name")}
    assert AuditEvent.objects.filter(action="export", object_id=str(record.pk)).exists()

    imported = run_action(client, url, {**mapping, "action": "import"})
    assert imported.status == "succeeded", imported.message
    assert Person.objects.get(nik=BUDI).name == "Budi Contoh"  # held
    assert Household.objects.get().address == "Jl. Baru 9"  # applied
    record.import_job = None
    record.save()
    again = run_action(
        client,
        url,
        {**mapping, "action": "import", "accept": ["rename"]},
    )
    assert again.params["accept"] == ["rename"]
    assert Person.objects.get(nik=BUDI).name == "Eko Fiktif"


def test_the_clear_empty_box_is_kept_and_named_in_the_report(client, cast, registry):
    client.force_login(cast.secretariat)
    url, record, mapping = upload(client, [person(alamat="")])
    dry = run_action(client, url, {**mapping, "action": "dry_run"})
    assert "Sel kosong mempertahankan" in dry.message
    record.refresh_from_db()
    assert record.clear_empty is False and record.review["changes_total"] == 0
    dry = run_action(
        client,
        url,
        {**mapping, "clear_empty": "on", "action": "dry_run"},
    )
    record.refresh_from_db()
    assert record.clear_empty is True
    assert "Sel kosong mengosongkan" in dry.message
    assert record.review["preview"][0]["field"] == "address"


def test_the_change_list_is_the_teams_but_no_operators(client, cast, registry):
    client.force_login(cast.secretariat)
    url, record, mapping = upload(client, [person(alamat="Jl. Lain")])
    run_action(client, url, {**mapping, "action": "dry_run"})
    client.force_login(cast.admin)
    assert client.get(reverse("households:import_changes", args=[record.pk])).status_code == 200
    client.force_login(cast.officer_a)
    assert client.get(reverse("households:import_changes", args=[record.pk])).status_code == 403
