"""Demo data of the registry: about 5,000 synthetic families (fictitious names) across the
villages of the demo kabupaten, loaded through the same import as real files."""

import io
import tempfile

from django.conf import settings

from .choices import DataSource
from .importing.service import ImportOptions, household_import_run
from .models import Household
from .synthetic import HEADER, generate_rows

DEMO_PEOPLE = 20_000  # about 5,000 families


def seed(*, stdout) -> None:
    if Household.objects.exists():
        return
    import csv

    with tempfile.TemporaryFile() as handle:
        text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
        writer = csv.writer(text, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows(
            generate_rows(people=DEMO_PEOPLE, regency_code=settings.HOME_REGION_CODE, seed=63)
        )
        text.flush()
        text.detach()
        report = household_import_run(
            fileobj=handle,
            name="demo-dtks.csv",
            options=ImportOptions(source=DataSource.DTKS, valid_only=True),
        )
    stdout.write(
        f"Registry: {report.families_new:,} families and {report.people_new:,} people imported "
        f"from a synthetic DTKS file ({report.rejected:,} broken rows rejected on purpose)."
    )
