"""Export then import changes nothing: the export's import layout is a file the import reads
back as is."""

import io

import pytest

from households.exporting import export_households
from households.importing.service import ImportOptions, household_import_run
from households.models import Household, Person
from households.synthetic import write_csv
from tkpk.services import regions_load

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_exporting_and_importing_the_registry_changes_nothing(cast, tmp_path, file_format):
    regions_load(within="63.08")
    source = tmp_path / "dtks.csv"
    write_csv(source, people=400, delimiter=";")
    with open(source, "rb") as handle:
        first = household_import_run(
            fileobj=handle, name="dtks.csv", options=ImportOptions(source="dtks", valid_only=True)
        )
    assert first.people_new > 350
    before = list(Person.objects.order_by("pk").values_list("pk", "updated_at"))

    name, exported, rows = export_households(
        user=cast.secretariat, filters={}, file_format=file_format, layout="import"
    )
    assert rows == Person.objects.count()
    again = household_import_run(
        fileobj=io.BytesIO(exported.read()), name=name, options=ImportOptions(source="dtks")
    )
    assert again.totals() == {
        "families_new": 0,
        "families_updated": 0,
        "families_unchanged": Household.objects.count(),
        "people_new": 0,
        "people_updated": 0,
        "people_unchanged": Person.objects.count(),
        "rejected": 0,
        "held_for_review": 0,
        "held_by_kind": {"move": 0, "rename": 0, "identity": 0},
    }
    assert list(Person.objects.order_by("pk").values_list("pk", "updated_at")) == before
