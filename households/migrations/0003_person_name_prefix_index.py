"""The index behind name search (`name__istartswith`, i.e. UPPER(name) LIKE 'BUDI%'): on PostgreSQL
with varchar_pattern_ops, which LIKE needs under a non-C collation; elsewhere a plain one."""

from django.db import migrations

INDEX = "households_person_name_prefix"


def forwards(apps, schema_editor):
    opclass = " varchar_pattern_ops" if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(
        f'CREATE INDEX {INDEX} ON households_person ((UPPER("name"::text)){opclass})'
        if opclass
        else f'CREATE INDEX {INDEX} ON households_person (UPPER("name"))'
    )


def backwards(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("households", "0002_roles")]

    operations = [migrations.RunPython(forwards, backwards)]
