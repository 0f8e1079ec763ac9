"""Uploaded family files are deleted once the retention period after their upload has passed,
unless a dry run or an import still reads them; the import row stays, and the deletion is
audited."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from households.models import HouseholdImport
from households.retention import import_files_expire
from households.tasks import expire_import_files
from tkpk.celery import app
from tkpk.choices import AuditAction, JobStatus
from tkpk.models import AuditEvent
from tkpk.tests.factories import JobFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_FILE_RETENTION_DAYS = 30
    return tmp_path


def upload(user, *, days_ago, **jobs) -> HouseholdImport:
    record = HouseholdImport(
        original_name="keluarga.csv", file_format="csv", uploaded_by=user, **jobs
    )
    record.file.save("keluarga.csv", ContentFile(b"nomor_nik\n6308010203850001\n"), save=False)
    record.save()
    # created_at is auto_now_add: age it in the database.
    HouseholdImport.objects.filter(pk=record.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago)
    )
    return record


def stored(record) -> Path:
    return Path(record.file.path)


def test_old_uploads_are_deleted_and_young_ones_kept(cast, media):
    old = upload(cast.secretariat, days_ago=31)
    young = upload(cast.secretariat, days_ago=29)
    old_path = stored(old)

    assert import_files_expire() == [old.pk]

    assert not old_path.exists()
    old.refresh_from_db()
    assert old.file.name == ""
    assert stored(young).exists()
    assert HouseholdImport.objects.count() == 2


@pytest.mark.parametrize("status", [JobStatus.QUEUED, JobStatus.RUNNING])
@pytest.mark.parametrize("job_field", ["dry_run_job", "import_job"])
def test_an_upload_that_a_run_still_reads_is_kept(cast, media, status, job_field):
    job = JobFactory(kind="households.import", status=status)
    kept = upload(cast.secretariat, days_ago=90, **{job_field: job})
    assert import_files_expire() == []
    assert stored(kept).exists()


def test_an_upload_whose_runs_ended_is_deleted(cast, media):
    done = JobFactory(kind="households.import", status=JobStatus.SUCCEEDED)
    failed = JobFactory(kind="households.import", status=JobStatus.FAILED)
    record = upload(cast.secretariat, days_ago=31, dry_run_job=failed, import_job=done)
    assert import_files_expire() == [record.pk]


def test_one_audit_event_names_the_deleted_uploads(cast, media):
    first = upload(cast.secretariat, days_ago=60)
    second = upload(cast.officer_a, days_ago=31)
    upload(cast.secretariat, days_ago=2)

    import_files_expire()

    event = AuditEvent.objects.get()
    assert event.action == AuditAction.DELETE
    assert event.actor is None
    assert event.changes == {
        "import_ids": [first.pk, second.pk],
        "count": 2,
        "retention_days": 30,
    }
    assert f"#{first.pk}" in event.summary


def test_zero_days_keeps_uploads_forever(cast, media, settings):
    settings.IMPORT_FILE_RETENTION_DAYS = 0
    old = upload(cast.secretariat, days_ago=3650)
    assert import_files_expire() == []
    assert stored(old).exists()
    assert not AuditEvent.objects.exists()


def test_the_nightly_task_runs_the_expiry_and_beat_schedules_it(cast, media, settings):
    upload(cast.secretariat, days_ago=31)
    assert expire_import_files() == 1
    app.loader.import_default_modules()
    entry = settings.CELERY_BEAT_SCHEDULE["households-expire-import-files"]
    assert entry["task"] == expire_import_files.name
    assert entry["task"] in app.tasks


def test_an_import_whose_file_was_deleted_says_so_instead_of_failing(client, cast, hsu):
    record = HouseholdImport.objects.create(
        original_name="lama.csv", file_format="csv", uploaded_by=cast.secretariat, file=""
    )
    client.force_login(cast.secretariat)
    url = reverse("households:import_detail", args=[record.pk])
    for response in (
        client.get(url, follow=True),
        client.post(url, {"action": "dry_run"}, follow=True),
    ):
        assert response.status_code == 200
        assert "lama.csv" in response.content.decode()
    assert record.dry_run_job is None
