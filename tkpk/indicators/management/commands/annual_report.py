"""manage.py annual_report --year YYYY --format xlsx|pdf --output FILE: the TKPK's annual
implementation report (LP2KD) from the newest rollup, as the dashboard shows it. Audited."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ...services.reports import FORMATS, annual_report_build


class Command(BaseCommand):
    help = "Write the annual report (LP2KD) of a year as XLSX or PDF."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=FORMATS, required=True, dest="file_format")
        parser.add_argument("--output", type=Path, required=True)

    def handle(self, *args, year, file_format, output: Path, **options):
        try:
            content, _name, data = annual_report_build(
                user=None, year=year, file_format=file_format
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        output.write_bytes(content)
        stamp = f"{data.rollup.computed_at:%Y-%m-%d %H:%M}"
        self.stdout.write(
            self.style.SUCCESS(f"{output}: the {year} report, figures computed at {stamp}.")
        )
