"""The secretariat keeps the directory of agencies (SKPD/OPD) in the app: it adds and edits
them. Accounts stay the admin's."""

from django.db import migrations

from tkpk.migration_utils import grant_permissions, revoke_permissions

GRANTS = {"Sekretariat TKPK": ["tkpk.add_agency", "tkpk.change_agency"]}


def forwards(apps, schema_editor):
    grant_permissions(apps, GRANTS)


def backwards(apps, schema_editor):
    revoke_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("tkpk", "0009_user_password_must_change")]

    operations = [migrations.RunPython(forwards, backwards)]
