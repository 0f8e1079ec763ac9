"""Celery entry points. They take ids, claim their job row and call the service; nothing else."""

from celery import shared_task

from .jobs import job_execute, jobs_fail_stale


@shared_task(name="tkpk.tasks.run_job", ignore_result=True)
def run_job(job_id: int) -> None:
    """Run the job with this id (idempotent: a job already claimed is skipped)."""
    job_execute(job_id)


@shared_task(name="tkpk.tasks.jobs_fail_stale", ignore_result=True)
def fail_stale_jobs() -> int:
    """Beat: fail running jobs whose worker stopped reporting."""
    return jobs_fail_stale()
