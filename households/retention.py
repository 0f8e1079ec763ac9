"""Retention of uploaded family files: an import's file (names, NIKs, No. KK of whole villages)
is personal data, kept no longer than needed (UU 27/2022) once the import is done with it.

The HouseholdImport row stays, as the record of what was uploaded by whom; only its file goes.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import ngettext

from tkpk.choices import JobStatus
from tkpk.retention import stored_files_expire

from .models import HouseholdImport

ACTIVE = [JobStatus.QUEUED, JobStatus.RUNNING]


def import_files_expire(*, days: int | None = None) -> list[int]:
    """Delete the files of imports uploaded more than `days` days ago (default
    IMPORT_FILE_RETENTION_DAYS; 0 keeps them forever), except those a queued or running dry run
    or import still reads; clear the field and write one audit event naming the imports.
    Returns their ids. Idempotent: a file already gone is skipped."""
    days = settings.IMPORT_FILE_RETENTION_DAYS if days is None else days
    if days <= 0:
        return []
    cutoff = timezone.now() - timedelta(days=days)
    expired = (
        HouseholdImport.objects.filter(created_at__lt=cutoff)
        .exclude(file="")
        .exclude(Q(dry_run_job__status__in=ACTIVE) | Q(import_job__status__in=ACTIVE))
        .order_by("pk")
    )
    return stored_files_expire(
        expired,
        "file",
        days=days,
        ids_key="import_ids",
        summary=lambda n: ngettext(
            "Deleted the uploaded file of %(count)d household import older than %(days)d days "
            "(retention): %(ids)s.",
            "Deleted the uploaded files of %(count)d household imports older than %(days)d days "
            "(retention): %(ids)s.",
            n,
        ),
    )
