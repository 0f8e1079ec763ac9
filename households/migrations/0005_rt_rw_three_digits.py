"""RT and RW with three digits, as the KK writes them and the imports store them: a family
corrected by hand before stored "16" beside an imported "015"."""

from django.db import migrations

SQL = {
    "postgresql": "UPDATE households_household SET {f} = lpad({f}, 3, '0') "
    "WHERE {f} ~ '^[0-9]{{1,2}}$'",
    "sqlite": "UPDATE households_household SET {f} = substr('000' || {f}, -3, 3) "
    "WHERE length({f}) BETWEEN 1 AND 2 AND {f} NOT GLOB '*[^0-9]*'",
}


def forwards(apps, schema_editor):
    statement = SQL.get(schema_editor.connection.vendor)
    if statement is None:
        return
    for field in ("rt", "rw"):
        schema_editor.execute(statement.format(f=field))


class Migration(migrations.Migration):
    dependencies = [("households", "0004_import_review")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
