"""Enrolment from a file run by a real Celery worker process on Redis, against the test
database: the dry run stores nothing but its review, the apply enrols the ready rows, and the
rows left out are the job's result file."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from households.choices import Relation, Sex
from households.tests.factories import HouseholdFactory, PersonFactory
from programs.models import Beneficiary
from programs.services.imports import beneficiary_import_create, beneficiary_import_start
from programs.tests.factories import ProgramFactory, national
from tests.workers import wait_for
from tkpk.choices import JobStatus

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(
        transaction=True, serialized_rollback=True, databases=["default", "jobs"]
    ),
]


def finished(job):
    def check():
        job.refresh_from_db()
        return job.is_finished

    return check


def test_the_worker_checks_a_list_then_enrols_its_ready_rows(celery_worker, cast, hsu):
    program = ProgramFactory(
        agency=cast.agency_a, national_program=national("PKH"), decile_cutoff=4
    )
    household = HouseholdFactory(kk_number="6308010101200301", decile=1)
    PersonFactory(household=household, nik="6308010103850301", name="Rahmat")
    mother = PersonFactory(
        household=household,
        nik="6308014103870302",
        name="Rahmah",
        sex=Sex.FEMALE,
        relation=Relation.WIFE,
    )
    rich = PersonFactory(
        household=HouseholdFactory(kk_number="6308010101200302", decile=8),
        nik="6308010103850303",
        name="Sugih",
    )
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerows(
        [
            ["nomor_nik", "nama_penerima"],
            [mother.nik, "Rahmah"],
            [rich.nik, "Sugih"],
            ["6308010103859999", "Tidak Ada"],
        ]
    )
    upload = SimpleUploadedFile("daftar.csv", text.getvalue().encode())
    record = beneficiary_import_create(user=cast.officer_a, program=program, upload=upload)
    try:
        dry = beneficiary_import_start(
            user=cast.officer_a, record=record, mapping=record.mapping, action="dry_run"
        )
        wait_for(finished(dry))
        assert dry.status == JobStatus.SUCCEEDED, dry.message
        assert (dry.counts["rows"], dry.counts["ready"]) == (3, 1)
        assert not Beneficiary.objects.exists()
        record.refresh_from_db()
        assert record.review["counts"]["unknown"] == 1

        applied = beneficiary_import_start(
            user=cast.officer_a, record=record, mapping=record.mapping, action="apply"
        )
        wait_for(finished(applied))
        assert applied.status == JobStatus.SUCCEEDED, applied.message
        assert [b.person for b in Beneficiary.objects.all()] == [mother]
        assert applied.counts["rejected"] == 2 and applied.result_file
        with applied.result_file.open("rb") as handle:
            rejects = handle.read().decode("utf-8-sig")
        assert rich.nik not in rejects and "6308************" in rejects
    finally:
        record.refresh_from_db()
        record.file.delete(save=False)
        for job in (record.dry_run_job, record.import_job):
            if job is not None and job.result_file:
                job.result_file.delete(save=False)
