"""manage.py indicators_rollup: compute the dashboard's figures now, in this process, as a job
recorded like any other (the worker does the same every night and after changes)."""

from django.core.management.base import BaseCommand, CommandError

from tkpk.choices import JobStatus
from tkpk.jobs import job_run_inline

from ...services.entries import ROLLUP_KIND


class Command(BaseCommand):
    help = "Compute every snapshot of the indicator dashboard now."

    def handle(self, *args, **options):
        job = job_run_inline(kind=ROLLUP_KIND, params={"reason": "command"})
        if job.status != JobStatus.SUCCEEDED:
            raise CommandError(job.message)
        self.stdout.write(self.style.SUCCESS(f"{job.message} {job.counts}"))
