"""manage.py load_boundaries FILE.geojson: the kecamatan boundaries of the dashboard's map
(tkpk.indicators.services.boundaries). The map shows once some are loaded."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...services import BoundaryProblem, boundaries_load


class Command(BaseCommand):
    help = "Load kecamatan boundaries of the home region from a GeoJSON FeatureCollection."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--code-property", help="The property holding the Kemendagri code.")
        parser.add_argument("--name-property", help="The property holding the kecamatan name.")

    def handle(self, *args, file: Path, code_property, name_property, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            with file.open("rb") as handle:
                result = boundaries_load(
                    fileobj=handle,
                    name=file.name,
                    code_property=code_property,
                    name_property=name_property,
                )
        except BoundaryProblem as problem:
            raise CommandError(str(problem)) from None
        self.stdout.write(self.style.SUCCESS(f"{len(result.stored)} kecamatan boundaries stored."))
        if result.unmatched:
            self.stdout.write(f"Not matched: {', '.join(result.unmatched)}")
