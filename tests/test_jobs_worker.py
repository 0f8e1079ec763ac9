"""Jobs run by a real Celery worker process on Redis, against the test database."""

from datetime import timedelta

import pytest

import tests.job_handlers  # noqa: F401 - registers the test job kinds in this process
from tests.workers import wait_for
from tkpk.choices import JobStatus
from tkpk.jobs import STALE_MESSAGE, job_start, jobs_fail_stale
from tkpk.models import Job

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(
        transaction=True, serialized_rollback=True, databases=["default", "jobs"]
    ),
]


def finished(job):
    def check():
        job.refresh_from_db()
        return job.is_finished

    return check


def test_worker_runs_a_job_to_the_end_with_progress(celery_worker, cast):
    job = job_start(kind="test.count", user=cast.secretariat, params={"total": 4, "delay": 0.1})
    assert job.status == JobStatus.QUEUED
    wait_for(finished(job))
    assert job.status == JobStatus.SUCCEEDED
    assert job.progress_done == job.progress_total == 4
    assert job.counts == {"counted": 4}
    assert job.message == "4 dihitung."
    assert job.started_at and job.finished_at and job.started_at <= job.finished_at


def test_a_job_error_fails_the_job_with_the_readable_reason(celery_worker, cast):
    job = job_start(kind="test.fail", user=cast.secretariat)
    wait_for(finished(job))
    assert job.status == JobStatus.FAILED
    assert job.message == "Berkas tidak punya kolom NIK."


def test_an_unexpected_exception_fails_the_job_without_a_traceback(celery_worker, cast):
    job = job_start(kind="test.crash", user=cast.secretariat)
    wait_for(finished(job))
    assert job.status == JobStatus.FAILED
    assert f"#{job.pk}" in job.message
    assert "RuntimeError" not in job.message


def test_a_worker_that_dies_leaves_a_stale_job_that_is_failed(celery_worker, cast):
    job = job_start(kind="test.die", user=cast.secretariat)
    wait_for(lambda: Job.objects.filter(pk=job.pk, progress_done=1).exists())
    # The worker process is gone; the job still says running, and nobody will finish it.
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING
    assert jobs_fail_stale(older_than=timedelta(0)) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message == str(STALE_MESSAGE)
    # The pool replaced its dead child: the next job still runs.
    after = job_start(kind="test.count", user=cast.secretariat, params={"total": 1})
    wait_for(finished(after))
    assert after.status == JobStatus.SUCCEEDED


def test_a_worker_killed_mid_job_fails_the_job_when_it_starts_again(cast):
    """`make run` stopped with Ctrl+C or a container killed while an import runs: the job must
    not stay "running" until the stale check, but fail as soon as its worker is back."""
    import os
    import signal
    import uuid

    from tests.workers import start_worker, stop_worker
    from tkpk.celery import app
    from tkpk.jobs import INTERRUPTED_MESSAGE

    queue = f"tkpk-test-{uuid.uuid4().hex[:8]}"
    nodename = f"restart-{uuid.uuid4().hex[:6]}@localhost"
    previous_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    first = start_worker(queue=queue, nodename=nodename)
    try:
        job = job_start(
            kind="test.count", user=cast.secretariat, params={"total": 300, "delay": 0.2}
        )
        wait_for(lambda: Job.objects.filter(pk=job.pk, progress_done__gte=1).exists())
        job.refresh_from_db()
        assert (job.status, job.worker) == (JobStatus.RUNNING, nodename)
        os.killpg(first.pid, signal.SIGKILL)  # the worker and its pool child, without a word
        first.wait()
        job.refresh_from_db()
        assert job.status == JobStatus.RUNNING  # nobody has noticed yet
        again = start_worker(queue=queue, nodename=nodename)
        try:
            wait_for(finished(job), timeout=60)
            assert job.status == JobStatus.FAILED
            assert job.message == str(INTERRUPTED_MESSAGE)
        finally:
            stop_worker(again)
    finally:
        app.conf.task_default_queue = previous_queue
        if first.poll() is None:
            stop_worker(first)
