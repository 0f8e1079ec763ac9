"""Helpers of the validation tests: run rules in this process and read what they found."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from households.models import ValidationFinding
from households.validation.runs import KIND, validation_run
from tkpk.choices import JobStatus
from tkpk.models import Job


def run(*codes: str) -> dict:
    """One validation run of these rules (all when none), as the job handler runs it; returns
    its counts. Called directly, without the job queue or its progress connection."""
    job = Job.objects.create(
        kind=KIND, status=JobStatus.RUNNING, params={"rules": list(codes), "reason": "test"}
    )
    counts = validation_run(job=job)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.SUCCEEDED, counts=counts, finished_at=timezone.now()
    )
    return counts


def open_keys(code: str) -> set[str]:
    """The keys of the open findings of a rule."""
    return set(
        ValidationFinding.objects.filter(rule=code, status="open").values_list("key", flat=True)
    )


def years_ago(years: int, *, days: int = 0) -> dt.date:
    today = timezone.localdate()
    try:
        day = today.replace(year=today.year - years)
    except ValueError:
        day = today.replace(year=today.year - years, day=28)
    return day + dt.timedelta(days=days)
