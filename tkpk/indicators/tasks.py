"""Celery entry points of the indicators app."""

from celery import shared_task

from .services.entries import rollup_request


@shared_task(name="indicators.tasks.rollup_nightly", ignore_result=True)
def rollup_nightly() -> int | None:
    """Beat, nightly: start a rollup (skipped when one is already waiting in the queue)."""
    job = rollup_request(reason="nightly")
    return job.pk if job else None
