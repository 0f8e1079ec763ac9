"""Celery entry points of the household registry. They call one service; nothing else."""

from celery import shared_task

from .retention import import_files_expire


@shared_task(
    name="households.tasks.expire_import_files",
    ignore_result=True,
    soft_time_limit=840,
    time_limit=900,
)
def expire_import_files() -> int:
    """Beat, daily: delete uploaded family files older than IMPORT_FILE_RETENTION_DAYS."""
    return len(import_files_expire())
