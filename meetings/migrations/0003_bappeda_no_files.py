"""Bappeda no longer opens meeting attachments nor the evidence of progress reports (issue 7):
both are personal data, and Bappeda reads aggregates. meetings.querysets reads
meetings.view_attachment as the permission to open the files of meetings and actions."""

from django.db import migrations

from tkpk.migration_utils import grant_permissions, revoke_permissions

REVOKED = {"Bappeda": ["meetings.view_attachment"]}


def forwards(apps, schema_editor):
    revoke_permissions(apps, REVOKED)


def backwards(apps, schema_editor):
    grant_permissions(apps, REVOKED)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0002_roles")]

    operations = [migrations.RunPython(forwards, backwards)]
