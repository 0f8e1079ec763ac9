"""A validation run through a real Celery worker on Redis, against the test database: started as
the summary page starts it, it reports its progress, opens the findings and marks the family,
and a colleague in the secretariat sees the run."""

import datetime as dt

import pytest

from households.models import Household, ValidationFinding
from households.tests.factories import PersonFactory
from households.validation.runs import KIND, validation_run_start
from tests.workers import wait_for
from tkpk.choices import JobStatus
from tkpk.models import Job
from tkpk.roles import SECRETARIAT
from tkpk.tests.factories import UserFactory

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(
        transaction=True, serialized_rollback=True, databases=["default", "jobs"]
    ),
]


def test_a_validation_run_goes_through_the_worker_to_its_findings(celery_worker, cast, hsu):
    broken = PersonFactory(nik="6308010103850000", birth_date=dt.date(1985, 3, 1))
    job = validation_run_start(user=cast.secretariat)
    assert job.started_now and job.status == JobStatus.QUEUED
    # A second click while it is queued or running is shown the same run.
    assert validation_run_start(user=cast.admin).pk == job.pk

    def finished():
        job.refresh_from_db()
        return job.is_finished

    wait_for(finished, timeout=90)
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.progress_done == job.progress_total > 20  # a step per rule, and two more
    assert job.counts["rules"]["nik_serial_zero"]["new"] == 1
    assert job.counts["findings_open"] == job.counts["findings_new"] >= 1
    finding = ValidationFinding.objects.get(rule="nik_serial_zero")
    assert finding.person == broken and finding.first_seen_run == job
    assert Household.objects.get(pk=broken.household_id).has_problems is True
    colleague = UserFactory(username="sekretariat2", role=SECRETARIAT)
    assert Job.objects.for_user(colleague).filter(pk=job.pk, kind=KIND).exists()
