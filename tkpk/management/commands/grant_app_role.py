"""manage.py grant_app_role ROLE: give the database role that web, worker and beat connect as the
rights to read and write the data, and on the audit trail only SELECT and INSERT.

Why a second role: triggers refuse UPDATE, DELETE (migration 0003) and TRUNCATE (0005) of audit
rows, but the owner of tkpk_auditevent may disable or drop them, and a superuser may also
`SET session_replication_role = replica` so that none fires. A role that is neither owner nor
superuser can do none of this, so a bug, an injected statement or a stolen app password cannot
erase history. The owner runs `migrate` and then this command (docker compose's migrate service
does both on every `up`, so that new tables are covered and the audit trail is narrowed again);
the application never gets the owner's password.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from psycopg import sql

from tkpk.models import AuditEvent

# What the application role may not do to the audit trail. UPDATE, DELETE and TRUNCATE also
# meet the triggers; revoked, the privilege system says no first, and would if a trigger were
# gone. REFERENCES and TRIGGER would let the role hang its own constraints or triggers on it.
AUDIT_REVOKED = ["UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"]


class Command(BaseCommand):
    help = (
        "Grant ROLE (the app's database role) read and write rights on every table, and only "
        "SELECT and INSERT on the audit trail. Run as the tables' owner after migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="The role web, worker and beat connect as.")

    def handle(self, *args, role, **options):
        if connection.vendor != "postgresql":
            self.stdout.write(
                f"The database is {connection.vendor}, which has no roles: nothing to do."
            )
            return
        audit_table = AuditEvent._meta.db_table
        with transaction.atomic(), connection.cursor() as cursor:
            schema, database = self._check(cursor, role=role, audit_table=audit_table)
            for statement in grant_statements(
                role=role, database=database, schema=schema, audit_table=audit_table
            ):
                cursor.execute(statement.as_string(connection.connection))
        self.stdout.write(
            self.style.SUCCESS(
                f"{role} may read and write the tables of {database}.{schema}, and only read and "
                f"add to {audit_table}."
            )
        )

    def _check(self, cursor, *, role: str, audit_table: str) -> tuple[str, str]:
        """Refuse a role that the revokes could not hold back; return (schema, database)."""
        cursor.execute(
            """SELECT n.nspname, current_database(), o.rolname FROM pg_class c
               JOIN pg_namespace n ON n.oid = c.relnamespace
               JOIN pg_roles o ON o.oid = c.relowner
               WHERE c.oid = to_regclass(%s)""",
            [audit_table],
        )
        found = cursor.fetchone()
        if found is None:
            raise CommandError(f"There is no table {audit_table}: run `manage.py migrate` first.")
        schema, database, owner = found
        cursor.execute(
            """SELECT
                   EXISTS (SELECT 1 FROM pg_roles s
                           WHERE s.rolsuper AND pg_has_role(r.oid, s.oid, 'MEMBER')),
                   pg_has_role(r.oid, c.relowner, 'MEMBER')
               FROM pg_roles r, pg_class c
               WHERE r.rolname = %s AND c.oid = to_regclass(%s)""",
            [role, audit_table],
        )
        found = cursor.fetchone()
        if found is None:
            raise CommandError(
                f"There is no role {role!r}: create it first (CREATE ROLE ... LOGIN PASSWORD ...)."
            )
        superuser, owner_member = found
        # Membership counts too: a member may SET ROLE to the superuser or to the owner.
        if superuser:
            raise CommandError(
                f"Role {role!r} is a superuser (or may become one): a superuser passes every "
                "privilege check and can switch triggers off, so the app must not connect as "
                "it. Create a role without SUPERUSER for the app."
            )
        if owner_member:
            raise CommandError(
                f"Role {role!r} is the owner of {audit_table} ({owner!r}) or a member of it: the "
                "owner can TRUNCATE the audit trail and disable its triggers. Run migrate and "
                "this command as the owner, and let the app connect as another role."
            )
        return schema, database


def grant_statements(
    *, role: str, database: str, schema: str, audit_table: str
) -> list[sql.Composed]:
    """The statements, in order; each one is idempotent, so the command may run after every
    migrate. The broad grants come first and the audit trail is narrowed last, also undoing an
    earlier `GRANT ALL` by hand."""
    grantee, schema_id = sql.Identifier(role), sql.Identifier(schema)
    table_rights = sql.SQL("SELECT, INSERT, UPDATE, DELETE")
    sequence_rights = sql.SQL("USAGE, SELECT")
    return [
        # TEMPORARY: the household import stages a file in temporary tables.
        sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(
            sql.Identifier(database), grantee
        ),
        sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema_id, grantee),
        sql.SQL("GRANT {} ON ALL TABLES IN SCHEMA {} TO {}").format(
            table_rights, schema_id, grantee
        ),
        sql.SQL("GRANT {} ON ALL SEQUENCES IN SCHEMA {} TO {}").format(
            sequence_rights, schema_id, grantee
        ),
        # Tables and sequences that later migrations create (as the current role, the owner).
        sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT {} ON TABLES TO {}").format(
            schema_id, table_rights, grantee
        ),
        sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT {} ON SEQUENCES TO {}").format(
            schema_id, sequence_rights, grantee
        ),
        sql.SQL("REVOKE {} ON {} FROM {}").format(
            sql.SQL(", ").join(sql.SQL(right) for right in AUDIT_REVOKED),
            sql.Identifier(schema, audit_table),
            grantee,
        ),
    ]
