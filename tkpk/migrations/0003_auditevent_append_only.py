"""On PostgreSQL the database itself refuses UPDATE and DELETE on the audit trail, so that not
even a bug or a hand-typed SQL statement through the app's account can rewrite history."""

from django.db import migrations

FORWARDS = """
CREATE OR REPLACE FUNCTION tkpk_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'tkpk_auditevent is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER tkpk_auditevent_append_only
    BEFORE UPDATE OR DELETE ON tkpk_auditevent
    FOR EACH ROW EXECUTE FUNCTION tkpk_auditevent_append_only();
"""

BACKWARDS = """
DROP TRIGGER IF EXISTS tkpk_auditevent_append_only ON tkpk_auditevent;
DROP FUNCTION IF EXISTS tkpk_auditevent_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARDS, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARDS, params=None)


class Migration(migrations.Migration):
    dependencies = [("tkpk", "0002_roles")]

    operations = [migrations.RunPython(forwards, backwards)]
