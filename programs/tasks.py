"""Celery entry points of the programs app. They call one service; nothing else."""

from celery import shared_task

from .services.imports import beneficiary_import_files_expire


@shared_task(
    name="programs.tasks.expire_import_files",
    ignore_result=True,
    soft_time_limit=840,
    time_limit=900,
)
def expire_import_files() -> int:
    """Beat, daily: delete uploaded beneficiary files (and the rows their review kept) older
    than IMPORT_FILE_RETENTION_DAYS."""
    return len(beneficiary_import_files_expire())
