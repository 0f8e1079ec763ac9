"""The one service API for background jobs.

Every long task is a *job kind*: a function registered with `@job_kind(...)` in an app's
`job_handlers.py` (discovered when Django starts). The flow is always the same:

    job = job_start(kind="regions.load", user=request.user, params={...})   # enqueued on commit
    # in the worker: job_execute(job_id) claims the row, calls the handler, which calls
    job_progress(job, done=n, total=m)                                       # heartbeat too
    # and returns a JobOutcome, or raises JobError("a reason the user can read")

The row is the truth the page polls (templates/jobs/_job_progress.html). A worker that dies
leaves a heartbeat that stops moving; `jobs_fail_stale()` (Celery beat, and every poll of the
progress partial) marks such a job failed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .audit import audit_record
from .choices import AuditAction, JobStatus
from .downloads import Download, DownloadGone

# The registry lives in job_kinds, which imports no model; job_kind and the others stay
# importable from here for the apps' job_handlers.
from .job_kinds import (  # noqa: F401
    _KINDS,
    JobKind,
    job_kind,
    job_kind_label,
    kinds_following,
    registered_kinds,
)
from .models import Job
from .retention import job_result_expired

logger = logging.getLogger(__name__)


class JobError(Exception):
    """A failure whose message is written for the user (in their language) and shown as is."""


class JobCancelled(Exception):
    """Raised inside a handler by job_progress when the user cancelled the job."""


@dataclass
class JobOutcome:
    """What a handler returns: counts to show, a closing message and an optional result file."""

    counts: dict = field(default_factory=dict)
    message: str = ""
    result_name: str | None = None
    result_file: File | None = None


def job_start(*, kind: str, user=None, params: dict | None = None, input_file=None) -> Job:
    """Create a queued job and enqueue it once the surrounding transaction commits."""
    if kind not in _KINDS:
        raise ValueError(f"Unknown job kind {kind!r}; registered: {sorted(_KINDS)}")
    job = Job(kind=kind, created_by=user, params=params or {})
    if input_file is not None:
        job.input_file.save(getattr(input_file, "name", "input"), input_file, save=False)
    job.save()
    transaction.on_commit(lambda: _enqueue(job.pk, kind))
    return job


def data_changed(topic: str) -> None:
    """Announce, inside the transaction that changed it, that the data of `topic` changed
    ("registry", "programs", "meetings"): once it commits, each job kind that follows the topic
    is started, unless one of that kind is already waiting in the queue (it has read nothing
    yet, so it will see this change). The apps that change data need not know who follows it."""
    transaction.on_commit(lambda: _start_followers(topic))


def _start_followers(topic: str) -> None:
    for kind in kinds_following(topic):
        if not Job.objects.filter(kind=kind, status=JobStatus.QUEUED).exists():
            job_start(kind=kind, params={"reason": topic})


def _enqueue(job_id: int, kind: str) -> None:
    # By name: tkpk.tasks imports this module, not the other way round.
    limit = _KINDS[kind].time_limit
    current_app.tasks["tkpk.tasks.run_job"].apply_async(
        args=[job_id], soft_time_limit=limit, time_limit=limit + 60
    )


def job_progress(
    job: Job,
    *,
    done: int,
    total: int | None = None,
    counts: dict | None = None,
    message: str | None = None,
) -> None:
    """Record progress and a heartbeat. Raises JobCancelled if the user cancelled the job."""
    fields = {"progress_done": done, "heartbeat_at": timezone.now()}
    if total is not None:
        fields["progress_total"] = total
    if counts is not None:
        fields["counts"] = counts
    if message is not None:
        fields["message"] = message
    # On PostgreSQL progress goes through a second connection, so that the page sees it while the
    # handler's own transaction is still open (an import commits whole or not at all).
    updated = (
        Job.objects.using(_progress_db())
        .filter(pk=job.pk, status=JobStatus.RUNNING)
        .update(**fields)
    )
    for name, value in fields.items():
        setattr(job, name, value)
    if not updated:
        raise JobCancelled()


def _progress_db() -> str:
    return "jobs" if "jobs" in settings.DATABASES else "default"


def job_finish(job: Job, outcome: JobOutcome | None = None) -> Job:
    """Mark a running job succeeded, with its counts, message and result file."""
    outcome = outcome or JobOutcome()
    if outcome.result_file is not None:
        job.result_file.save(outcome.result_name or "result", outcome.result_file, save=False)
    now = timezone.now()
    fields = {
        "status": JobStatus.SUCCEEDED,
        "counts": outcome.counts or job.counts,
        "message": outcome.message,
        "result_file": job.result_file.name or "",
        "finished_at": now,
        "heartbeat_at": now,
    }
    if job.progress_total is not None:
        fields["progress_done"] = job.progress_total
    Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(**fields)
    job.refresh_from_db()
    return job


def job_fail(job: Job, *, message: str) -> Job:
    """Mark a queued or running job failed with a reason the user can read."""
    now = timezone.now()
    Job.objects.filter(pk=job.pk, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).update(
        status=JobStatus.FAILED, message=message, finished_at=now, heartbeat_at=now
    )
    job.refresh_from_db()
    return job


def job_cancel(job: Job) -> bool:
    """Cancel a job that has not finished. A running handler stops at its next progress report."""
    updated = Job.objects.filter(
        pk=job.pk, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
    ).update(status=JobStatus.CANCELLED, finished_at=timezone.now())
    job.refresh_from_db()
    return bool(updated)


def job_execute(job_id: int, *, worker: str = "") -> Job | None:
    """Run one job to its end. Idempotent: a job that is not queued (already claimed, finished,
    cancelled, or delivered twice) is left alone. `worker`: the Celery node claiming it."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, worker=worker[:200]
    )
    if not claimed:
        logger.info("job %s is not queued any more; skipped", job_id)
        return None
    job = Job.objects.get(pk=job_id)
    kind = _KINDS.get(job.kind)
    if kind is None:
        return job_fail(job, message=_("Unknown job kind %(kind)s.") % {"kind": job.kind})
    try:
        outcome = kind.handler(job)
    except JobCancelled:
        logger.info("job %s cancelled by its user", job_id)
        job.refresh_from_db()
        return job
    except JobError as exc:
        return job_fail(job, message=str(exc))
    except Exception as exc:
        from celery.exceptions import SoftTimeLimitExceeded

        if isinstance(exc, SoftTimeLimitExceeded):
            return job_fail(
                job,
                message=_(
                    "The job was stopped because it ran over its time limit of %(minutes)s minutes."
                )
                % {"minutes": kind.time_limit // 60},
            )
        logger.exception("job %s (%s) failed", job_id, job.kind)
        return job_fail(
            job,
            message=_(
                "An unexpected error occurred. Data already stored is unchanged. "
                "Report job number #%(id)s to the admin."
            )
            % {"id": job_id},
        )
    return job_finish(job, outcome)


def job_run_inline(*, kind: str, user=None, params: dict | None = None) -> Job:
    """Create and run a job in this process (management commands), recorded like any other."""
    if kind not in _KINDS:
        raise ValueError(f"Unknown job kind {kind!r}")
    job = Job.objects.create(kind=kind, created_by=user, params=params or {})
    return job_execute(job.pk) or Job.objects.get(pk=job.pk)


STALE_MESSAGE = gettext_lazy(
    "The job stopped without a word (its worker process died or was restarted). "
    "Data already stored is unchanged; please run it again."
)


def job_is_stale(job: Job) -> bool:
    """A running job whose heartbeat is older than the limit (checked without a query)."""
    limit = timezone.now() - timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS)
    return job.status == JobStatus.RUNNING and (
        job.heartbeat_at is None or job.heartbeat_at < limit
    )


def jobs_fail_stale(*, older_than: timedelta | None = None, job: Job | None = None) -> int:
    """Fail every running job (or just `job`) whose heartbeat is older than the limit;
    returns how many."""
    if older_than is None:
        older_than = timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS)
    cutoff = timezone.now() - older_than
    stale = Job.objects.filter(status=JobStatus.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True)
    )
    if job is not None:
        stale = stale.filter(pk=job.pk)
    count = stale.update(
        status=JobStatus.FAILED, message=str(STALE_MESSAGE), finished_at=timezone.now()
    )
    if count:
        logger.warning("marked %s stale running job(s) failed", count)
    return count


INTERRUPTED_MESSAGE = gettext_lazy(
    "The job was interrupted: its worker was stopped or restarted while it ran. Data already "
    "stored is unchanged; please run it again."
)


def jobs_fail_interrupted(*, worker: str) -> int:
    """A worker that starts runs nothing yet: every job still marked running under its name
    died with its previous process (a restart of `make run`, a killed container). Fail them at
    once instead of after JOB_STALE_AFTER_SECONDS; returns how many."""
    if not worker:
        return 0
    count = Job.objects.filter(status=JobStatus.RUNNING, worker=worker).update(
        status=JobStatus.FAILED, message=str(INTERRUPTED_MESSAGE), finished_at=timezone.now()
    )
    if count:
        logger.warning("worker %s restarted: marked %s interrupted job(s) failed", worker, count)
    return count


def job_result_open(*, user, job: Job, request=None) -> Download:
    """Open a job's result file for its user and audit the download (the file is personal
    data). Raises DownloadGone when retention deleted it or storage lost it, Http404 when the
    job never had one."""
    if not job.result_file:
        if job_result_expired(job):
            raise DownloadGone(_result_gone_message(job))
        raise Http404(_("This job has no result file."))
    try:
        handle = job.result_file.open("rb")
    except FileNotFoundError:
        raise DownloadGone(_result_gone_message(job)) from None
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        obj=job,
        summary=_("Downloaded the result of %(job)s.") % {"job": job.title},
        request=request,
    )
    return Download(handle=handle, name=job.result_file.name.rsplit("/", 1)[-1])


def _result_gone_message(job: Job) -> str:
    if job_result_expired(job):
        return _(
            "This job's result file is no longer available: result files are deleted "
            "%(days)d days after the job ends. Run the job again if you still need it."
        ) % {"days": settings.JOB_RESULT_RETENTION_DAYS}
    return _("The result file of this job is no longer stored.")
