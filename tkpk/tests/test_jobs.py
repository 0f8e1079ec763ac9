"""The job service: claim, progress, finish, fail, cancel and the stale sweep, run in-process."""

from datetime import timedelta

import pytest
from django.utils import timezone

import tests.job_handlers  # noqa: F401 - registers the test job kinds
from tkpk.choices import JobStatus
from tkpk.jobs import job_cancel, job_execute, job_start, jobs_fail_stale
from tkpk.models import Job

pytestmark = pytest.mark.django_db(
    transaction=True, serialized_rollback=True, databases=["default", "jobs"]
)


@pytest.mark.django_db
def test_job_start_enqueues_only_after_the_transaction_commits(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = job_start(kind="test.count", user=cast.secretariat)
    assert len(callbacks) == 1
    assert job.status == JobStatus.QUEUED


def test_an_unknown_job_kind_is_refused(cast):
    with pytest.raises(ValueError, match="Unknown job kind"):
        job_start(kind="no.such.kind", user=cast.secretariat)


def test_executing_a_job_runs_it_once_even_if_the_message_is_delivered_twice(cast):
    job = Job.objects.create(kind="test.count", created_by=cast.secretariat, params={"total": 3})
    assert job_execute(job.pk).status == JobStatus.SUCCEEDED
    assert job_execute(job.pk) is None
    job.refresh_from_db()
    assert (job.status, job.progress_done, job.progress_total) == (JobStatus.SUCCEEDED, 3, 3)
    assert job.percent == 100


def test_a_job_error_becomes_the_failure_message(cast):
    job = Job.objects.create(kind="test.fail", created_by=cast.secretariat)
    job = job_execute(job.pk)
    assert job.status == JobStatus.FAILED
    assert job.message == "Berkas tidak punya kolom NIK."
    assert job.finished_at is not None


def test_a_cancelled_job_is_not_run(cast):
    job = Job.objects.create(kind="test.count", created_by=cast.secretariat)
    assert job_cancel(job)
    assert job_execute(job.pk) is None
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert not job_cancel(job)


def test_stale_sweep_fails_only_running_jobs_whose_heartbeat_stopped(cast):
    long_ago = timezone.now() - timedelta(hours=1)
    stale = Job.objects.create(kind="test.count", status=JobStatus.RUNNING, heartbeat_at=long_ago)
    alive = Job.objects.create(
        kind="test.count", status=JobStatus.RUNNING, heartbeat_at=timezone.now()
    )
    queued = Job.objects.create(kind="test.count")
    assert jobs_fail_stale() == 1
    statuses = dict(Job.objects.values_list("pk", "status"))
    assert statuses == {
        stale.pk: JobStatus.FAILED,
        alive.pk: JobStatus.RUNNING,
        queued.pk: JobStatus.QUEUED,
    }


def test_the_stale_check_of_one_job_leaves_other_jobs_alone(cast):
    long_ago = timezone.now() - timedelta(hours=1)
    mine = Job.objects.create(kind="test.count", status=JobStatus.RUNNING, heartbeat_at=long_ago)
    other = Job.objects.create(kind="test.count", status=JobStatus.RUNNING, heartbeat_at=long_ago)
    assert jobs_fail_stale(job=mine) == 1
    statuses = dict(Job.objects.values_list("pk", "status"))
    assert statuses == {mine.pk: JobStatus.FAILED, other.pk: JobStatus.RUNNING}
