"""Celery entry points. They take ids, claim their job row and call the service; nothing else."""

from celery import shared_task

from .jobs import job_execute, jobs_fail_stale
from .retention import job_results_expire


@shared_task(name="tkpk.tasks.run_job", ignore_result=True, bind=True)
def run_job(self, job_id: int) -> None:
    """Run the job with this id (idempotent: a job already claimed is skipped)."""
    job_execute(job_id, worker=self.request.hostname or "")


@shared_task(name="tkpk.tasks.jobs_fail_stale", ignore_result=True)
def fail_stale_jobs() -> int:
    """Beat: fail running jobs whose worker stopped reporting."""
    return jobs_fail_stale()


@shared_task(
    name="tkpk.tasks.expire_job_results", ignore_result=True, soft_time_limit=840, time_limit=900
)
def expire_job_results() -> int:
    """Beat, daily: delete result files older than JOB_RESULT_RETENTION_DAYS."""
    return len(job_results_expire())
