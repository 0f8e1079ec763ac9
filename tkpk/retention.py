"""Retention of generated files: a job's result file (an export with full NIKs, the rejected
rows of an import) is personal data, kept no longer than needed (UU 27/2022).

The job row stays, as the record that the job ran; only its file goes.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import ngettext

from .audit import audit_record
from .choices import AuditAction
from .models import Job

logger = logging.getLogger(__name__)


def job_results_expire(*, days: int | None = None) -> list[int]:
    """Delete the result files of jobs that finished more than `days` days ago (default
    JOB_RESULT_RETENTION_DAYS; 0 keeps them forever), clear the field, and write one audit
    event naming the jobs. Returns their ids. Idempotent: a file already gone is skipped."""
    days = settings.JOB_RESULT_RETENTION_DAYS if days is None else days
    if days <= 0:
        return []
    cutoff = timezone.now() - timedelta(days=days)
    expired = Job.objects.filter(finished_at__lt=cutoff).exclude(result_file="").order_by("pk")
    return stored_files_expire(
        expired,
        "result_file",
        days=days,
        ids_key="job_ids",
        summary=lambda n: ngettext(
            "Deleted the result file of %(count)d background job finished more than %(days)d "
            "days ago (retention): %(ids)s.",
            "Deleted the result files of %(count)d background jobs finished more than %(days)d "
            "days ago (retention): %(ids)s.",
            n,
        ),
    )


def job_result_expired(job: Job) -> bool:
    """Whether the job finished long enough ago that its result file, if any, has been deleted."""
    days = settings.JOB_RESULT_RETENTION_DAYS
    return bool(
        days > 0 and job.finished_at and job.finished_at < timezone.now() - timedelta(days=days)
    )


def stored_files_expire(queryset, field: str, *, days: int, ids_key: str, summary) -> list[int]:
    """Delete the files of `field` of the queryset's rows (stored_files_delete) and write one
    audit event naming the rows (under `ids_key`); `summary(n)` is the event's message with
    %(count)d, %(days)d and %(ids)s. Returns the ids of the rows whose file went."""
    removed = stored_files_delete(queryset, field)
    if removed:
        audit_record(
            actor=None,
            action=AuditAction.DELETE,
            summary=summary(len(removed))
            % {"count": len(removed), "days": days, "ids": id_list(removed)},
            changes={ids_key: removed, "count": len(removed), "retention_days": days},
        )
    return removed


def stored_files_delete(queryset, field: str) -> list[int]:
    """Delete from storage the file in `field` of every row of the queryset, then clear the
    field; returns the ids of the rows whose file went. Shared by every app's retention task."""
    removed = []
    for row in queryset.only("pk", field).iterator():
        stored = getattr(row, field)
        try:
            # The file goes first: a cleared field over a file left on disk would hide personal
            # data from every later run.
            stored.storage.delete(stored.name)
        except OSError:
            logger.exception("could not delete the %s of %s %s", field, row._meta.label, row.pk)
            continue
        removed.append(row.pk)
    if removed:
        queryset.model.objects.filter(pk__in=removed).update(**{field: ""})
    return removed


def id_list(ids: list[int]) -> str:
    """The ids as #1, #2, ...; the summary is short, the event's changes list them all."""
    return ", ".join(f"#{pk}" for pk in ids[:50]) + (", …" if len(ids) > 50 else "")
