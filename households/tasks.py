"""Celery entry points of the household registry. They call one service; nothing else."""

from celery import shared_task

from .retention import import_files_expire
from .validation.runs import NIGHTLY, validation_run_start


@shared_task(
    name="households.tasks.expire_import_files",
    ignore_result=True,
    soft_time_limit=840,
    time_limit=900,
)
def expire_import_files() -> int:
    """Beat, daily: delete uploaded family files older than IMPORT_FILE_RETENTION_DAYS."""
    return len(import_files_expire())


@shared_task(name="households.tasks.validate_registry_nightly", ignore_result=True)
def validate_registry_nightly() -> int:
    """Beat, nightly at VALIDATION_NIGHTLY_AT: start a validation run of the whole registry (or
    return the one already going); the run itself is a job, seen by every secretariat user."""
    return validation_run_start(user=None, reason=NIGHTLY).pk
