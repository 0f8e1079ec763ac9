"""manage.py indicators_import FILE: import a BPS or RPJMD table (tkpk.indicators.importing).

Every bad cell is printed by row and column and nothing is stored if there is one (exit status
1). --check only checks. The import is audited without a user, and asks for a rollup.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...choices import ObservationSource
from ...importing import ImportRefused, import_apply, import_check


class Command(BaseCommand):
    help = "Import a BPS or RPJMD table (CSV or XLSX: kode_wilayah, indikator, jenis, years)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--source",
            choices=ObservationSource.values,
            default=ObservationSource.BPS,
            help="Source of the actuals of rows without a sumber column (default bps).",
        )
        parser.add_argument("--perda", default="", help="Perda reference of a new RPJMD period.")
        parser.add_argument("--note", default="", help="Note on the figures.")
        parser.add_argument("--check", action="store_true", help="Check only; store nothing.")

    def handle(self, *args, file: Path, source, perda, note, check, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        with file.open("rb") as handle:
            if check:
                result = import_check(fileobj=handle, name=file.name, source=source)
                self._report(result)
                if not result.ok:
                    raise CommandError(f"{result.error_count} errors.")
                self.stdout.write(self._plan(result.plan, result.new_periods))
                return
            try:
                done = import_apply(
                    fileobj=handle,
                    name=file.name,
                    user=None,
                    source=source,
                    perda_reference=perda,
                    note=note,
                )
            except ImportRefused as refused:
                self._report(refused.check)
                raise CommandError(str(refused)) from None
        periods = [(p.region, p.first_year, p.last_year) for p in done.periods_created]
        self.stdout.write(self.style.SUCCESS(f"Imported: {self._plan(done.plan, periods)}"))

    def _report(self, result):
        for error in result.errors:
            where = f"row {error.row}" if error.row else "file"
            if error.column:
                where += f", column {error.column} ({error.heading})"
            elif error.heading:
                where += f" ({error.heading})"
            self.stderr.write(f"{where}: {error.message}")
        if result.error_count > len(result.errors):
            self.stderr.write(f"... {result.error_count - len(result.errors)} more errors.")

    @staticmethod
    def _plan(plan: dict, periods) -> str:
        text = ", ".join(f"{key} {value}" for key, value in plan.items())
        for region, first, last in periods:
            text += f"; new RPJMD period {region.code} {first}-{last}"
        return text
