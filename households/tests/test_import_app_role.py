"""The import under the application's own database role (issue 7: the app connects as a role
that owns no table): the first import into empty tables cannot drop and rebuild indexes there,
so it loads row by row instead of failing."""

import io
import uuid

import pytest
from django.core.management import call_command
from django.db import connection

from households.importing import loader
from households.importing.service import ImportOptions, household_import_run
from households.models import Household, Person
from households.tests.helpers import csv_bytes, family_rows

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="roles are PostgreSQL's"),
]


def test_the_first_big_import_works_as_the_app_role_that_owns_no_table(hsu, monkeypatch):
    monkeypatch.setattr(loader, "BULK_MIN_ROWS", 1)  # take the bulk path with three rows
    role = f"tkpk_app_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        # Inside the test's transaction: the role and its grants are rolled back with it.
        cursor.execute(f'CREATE ROLE "{role}"')
        call_command("grant_app_role", role, stdout=io.StringIO())
        cursor.execute(f'SET LOCAL ROLE "{role}"')
    report = household_import_run(
        fileobj=io.BytesIO(csv_bytes(family_rows())),
        name="keluarga.csv",
        options=ImportOptions(source="dtks"),
    )
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
    assert (report.families_new, report.people_new) == (1, 3)
    assert (Household.objects.count(), Person.objects.count()) == (1, 3)
