"""The roles' permissions on the registry. Bappeda gets none: it sees aggregates, never names."""

from django.db import migrations

from tkpk.migration_utils import grant_permissions, revoke_permissions

MODELS = ["household", "person", "householdimport"]

GRANTS = {
    "Admin": [
        f"households.{action}_{model}"
        for model in MODELS
        for action in ("add", "change", "delete", "view")
    ]
    + ["households.view_full_nik"],
    "Sekretariat TKPK": [
        f"households.{action}_{model}" for model in MODELS for action in ("add", "change", "view")
    ]
    + ["households.view_full_nik"],
    "Operator SKPD": ["households.view_household", "households.view_person"],
}


def forwards(apps, schema_editor):
    grant_permissions(apps, GRANTS)


def backwards(apps, schema_editor):
    revoke_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("households", "0001_initial"), ("tkpk", "0002_roles")]

    operations = [migrations.RunPython(forwards, backwards)]
