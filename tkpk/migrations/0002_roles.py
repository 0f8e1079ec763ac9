"""The four roles as groups with the permissions of the core models. Later apps grant theirs in
their own data migrations (tkpk.migration_utils.grant_permissions)."""

from django.db import migrations

from tkpk.migration_utils import grant_permissions, revoke_permissions

CORE = ["agency", "user", "region", "regiondataset", "job"]

GRANTS = {
    "Admin": [
        f"tkpk.{action}_{model}" for model in CORE for action in ("add", "change", "delete", "view")
    ]
    + ["tkpk.view_auditevent", "tkpk.load_regions", "auth.view_group"],
    "Sekretariat TKPK": [
        "tkpk.view_agency",
        "tkpk.view_user",
        "tkpk.view_region",
        "tkpk.view_regiondataset",
        "tkpk.view_auditevent",
        "tkpk.view_job",
    ],
    "Operator SKPD": ["tkpk.view_agency", "tkpk.view_region", "tkpk.view_job"],
    "Bappeda": ["tkpk.view_agency", "tkpk.view_region", "tkpk.view_regiondataset", "tkpk.view_job"],
}


def forwards(apps, schema_editor):
    grant_permissions(apps, GRANTS)


def backwards(apps, schema_editor):
    revoke_permissions(apps, GRANTS)
    apps.get_model("auth", "Group").objects.filter(name__in=list(GRANTS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tkpk", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
