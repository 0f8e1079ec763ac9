"""Result files of jobs (exports with full NIKs among them) are deleted once the retention period
after the job ended has passed; the job row stays, the deletion is audited, and the job's pages
say what happened instead of failing."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from tkpk.celery import app
from tkpk.choices import AuditAction, JobStatus
from tkpk.models import AuditEvent, Job
from tkpk.retention import job_results_expire
from tkpk.tasks import expire_job_results
from tkpk.tests.factories import JobFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.JOB_RESULT_RETENTION_DAYS = 30
    return tmp_path


def job_with_result(*, finished_days_ago, user=None, status=JobStatus.SUCCEEDED):
    finished = None
    if finished_days_ago is not None:
        finished = timezone.now() - timedelta(days=finished_days_ago)
    job = JobFactory(status=status, finished_at=finished, **({"created_by": user} if user else {}))
    job.result_file.save("hasil-nik.csv", ContentFile(b"nik\n6308010203850001\n"))
    return job


def stored(job) -> Path:
    return Path(job.result_file.path)


def test_old_result_files_are_deleted_and_young_ones_kept(media):
    old = job_with_result(finished_days_ago=31)
    failed_old = job_with_result(finished_days_ago=45, status=JobStatus.FAILED)
    young = job_with_result(finished_days_ago=29)
    running = job_with_result(finished_days_ago=None, status=JobStatus.RUNNING)
    old_path, failed_path = stored(old), stored(failed_old)

    assert job_results_expire() == [old.pk, failed_old.pk]

    assert not old_path.exists()
    assert not failed_path.exists()
    for job in (old, failed_old):
        job.refresh_from_db()
        assert job.result_file.name == ""
    for job in (young, running):
        job.refresh_from_db()
        assert stored(job).exists()
    assert Job.objects.count() == 4


def test_one_audit_event_names_the_deleted_results(media):
    old = job_with_result(finished_days_ago=40)
    other = job_with_result(finished_days_ago=31)
    job_with_result(finished_days_ago=1)

    job_results_expire()

    event = AuditEvent.objects.get()
    assert event.action == AuditAction.DELETE
    assert event.actor is None
    assert event.changes == {"job_ids": [old.pk, other.pk], "count": 2, "retention_days": 30}
    assert f"#{old.pk}" in event.summary
    assert f"#{other.pk}" in event.summary


def test_a_run_with_nothing_to_delete_writes_no_event(media):
    job_with_result(finished_days_ago=1)
    assert job_results_expire() == []
    assert not AuditEvent.objects.exists()


def test_zero_days_keeps_result_files_forever(media, settings):
    settings.JOB_RESULT_RETENTION_DAYS = 0
    old = job_with_result(finished_days_ago=3650)
    assert job_results_expire() == []
    assert stored(old).exists()
    assert not AuditEvent.objects.exists()


def test_a_result_file_already_gone_from_disk_is_still_cleared(media):
    old = job_with_result(finished_days_ago=31)
    stored(old).unlink()
    assert job_results_expire() == [old.pk]
    old.refresh_from_db()
    assert not old.result_file


def test_the_nightly_task_runs_the_expiry_and_beat_schedules_it(media, settings):
    job_with_result(finished_days_ago=31)
    assert expire_job_results() == 1
    app.loader.import_default_modules()
    entry = settings.CELERY_BEAT_SCHEDULE["jobs-expire-results"]
    assert entry["task"] == expire_job_results.name
    assert entry["task"] in app.tasks


def test_the_result_link_of_an_expired_job_says_the_file_was_deleted(client, cast, media):
    job = job_with_result(finished_days_ago=31, user=cast.secretariat)
    job_results_expire()
    client.force_login(cast.secretariat)

    response = client.get(reverse("tkpk:job_result", args=[job.pk]))
    assert response.status_code == 410
    assert "30" in str(list(response.context["messages"])[0])
    page = client.get(reverse("tkpk:job_detail", args=[job.pk])).content.decode()
    assert reverse("tkpk:job_result", args=[job.pk]) not in page


def test_a_result_missing_from_storage_answers_410_not_500(client, cast, media):
    job = job_with_result(finished_days_ago=1, user=cast.secretariat)
    stored(job).unlink()
    client.force_login(cast.secretariat)
    response = client.get(reverse("tkpk:job_result", args=[job.pk]))
    assert response.status_code == 410
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_a_young_job_without_a_result_still_answers_404(client, cast, media):
    job = JobFactory(created_by=cast.secretariat, status=JobStatus.SUCCEEDED)
    client.force_login(cast.secretariat)
    assert client.get(reverse("tkpk:job_result", args=[job.pk])).status_code == 404


def test_another_users_expired_job_answers_404(client, cast, media):
    job = job_with_result(finished_days_ago=31, user=cast.secretariat)
    job_results_expire()
    client.force_login(cast.officer_a)
    assert client.get(reverse("tkpk:job_result", args=[job.pk])).status_code == 404
