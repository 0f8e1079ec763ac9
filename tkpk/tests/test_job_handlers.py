"""The core job kinds, run in-process: the audit export and the region load."""

import csv
import io

import pytest

from tkpk.audit import audit_record
from tkpk.choices import AuditAction, JobStatus
from tkpk.jobs import job_execute
from tkpk.models import AuditEvent, Job, Region

pytestmark = pytest.mark.django_db(
    transaction=True, serialized_rollback=True, databases=["default", "jobs"]
)


def test_audit_export_writes_the_filtered_rows_with_formulas_neutralised(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    audit_record(actor=cast.officer_a, action=AuditAction.UPDATE, summary='=HYPERLINK("x")')
    audit_record(actor=cast.officer_a, action=AuditAction.LOGIN)
    job = Job.objects.create(
        kind="audit.export", created_by=cast.secretariat, params={"filters": {"action": "update"}}
    )
    job = job_execute(job.pk)
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.counts == {"rows": 1}
    rows = list(csv.reader(io.StringIO(job.result_file.read().decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[1][6] == '\'=HYPERLINK("x")'
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, actor=cast.secretariat, object_id=str(job.pk)
    ).exists()


def test_an_officer_cannot_export_the_audit_trail_even_through_a_job(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    audit_record(actor=cast.officer_b, action=AuditAction.LOGIN)
    job = Job.objects.create(kind="audit.export", created_by=cast.officer_a, params={})
    job = job_execute(job.pk)
    assert job.counts == {"rows": 0}


def test_region_load_job_reports_its_counts(cast):
    job = Job.objects.create(kind="regions.load", created_by=cast.admin, params={"within": "63.08"})
    job = job_execute(job.pk)
    assert job.status == JobStatus.SUCCEEDED
    assert job.counts == {"created": 231, "updated": 0, "unchanged": 0}
    assert job.progress_done == job.progress_total == 231
    assert Region.objects.count() == 231


def test_region_load_job_with_an_unknown_code_fails_with_a_readable_reason(cast):
    job = Job.objects.create(kind="regions.load", created_by=cast.admin, params={"within": "99.99"})
    job = job_execute(job.pk)
    assert job.status == JobStatus.FAILED
    assert "99.99" in job.message
    assert not Region.objects.exists()
