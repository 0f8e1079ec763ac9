"""On PostgreSQL the database also refuses TRUNCATE of the audit trail. TRUNCATE removes rows
without firing the row-level trigger of 0003, so without this one statement by anyone holding the
TRUNCATE privilege (the table's owner, who runs the migrations) would erase the whole history.

The application itself never holds TRUNCATE (see `manage.py grant_app_role`); this trigger guards
the owner against a slip such as `manage.py flush` on a live database.
"""

from django.db import migrations

FORWARDS = """
CREATE OR REPLACE FUNCTION tkpk_auditevent_no_truncate() RETURNS trigger AS $$
BEGIN
    -- A superuser is beyond any guard inside the database (it may drop this trigger, or turn
    -- every trigger off with session_replication_role), so it is let through: that is how the
    -- test suite, which runs as one, empties every table between transactional tests.
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'tkpk_auditevent is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER tkpk_auditevent_no_truncate
    BEFORE TRUNCATE ON tkpk_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION tkpk_auditevent_no_truncate();
"""

BACKWARDS = """
DROP TRIGGER IF EXISTS tkpk_auditevent_no_truncate ON tkpk_auditevent;
DROP FUNCTION IF EXISTS tkpk_auditevent_no_truncate();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARDS, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARDS, params=None)


class Migration(migrations.Migration):
    dependencies = [("tkpk", "0004_english_verbose_names")]

    operations = [migrations.RunPython(forwards, backwards)]
