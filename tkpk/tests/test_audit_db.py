"""The audit trail holds in the database itself: the role the app connects as (after
`manage.py grant_app_role`) may read and add audit events but not rewrite or erase them, and not
even the tables' owner may TRUNCATE them.

The role tests open a second, real connection as a fresh LOGIN role, so what they set up must be
committed (transaction=True); the role has a unique name and is dropped afterwards, so that runs
may repeat and overlap on one PostgreSQL server.
"""

import io
import time
import uuid
from contextlib import contextmanager

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.utils import DatabaseError
from psycopg import errors, sql

from tkpk.audit import audit_record
from tkpk.choices import AuditAction
from tkpk.models import Agency, AuditEvent
from tkpk.tests.factories import AgencyFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="roles and triggers are PostgreSQL's"
)
# Committed, so that the role's own connection sees it; serialized_rollback like every other
# transactional test here, else the content types recreated after the flush would collide with
# the next one's restored rows.
as_the_app = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Refused by the privilege system, not by a trigger: the trigger's message says "append-only".
NOT_ALLOWED = r"permission denied|must be owner"
AUDIT_INSERT = """INSERT INTO tkpk_auditevent
    (at, actor_username, action, object_id, object_repr, summary, changes)
    VALUES (now(), '', 'export', '', '', %s, '{}')"""


def run_sql(statement: sql.Composable) -> None:
    """A statement on Django's own connection: the tables' owner (a superuser) in the tests."""
    with connection.cursor() as cursor:
        cursor.execute(statement.as_string(connection.connection))


def unique_role_name() -> str:
    # Upper case, a space and a double quote: the command must quote the name, not paste it.
    return f'tkpk test "App" {uuid.uuid4().hex[:12]}'


@contextmanager
def connected_as(role: str, password: str):
    """A separate psycopg connection to the test database as `role`, one statement a
    transaction, so that a refused statement leaves the next one free to run."""
    db = settings.DATABASES["default"]
    with psycopg.connect(
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        dbname=db["NAME"],
        user=role,
        password=password,
        autocommit=True,
    ) as conn:
        yield conn


def wait_until_disconnected(role: str, timeout: float = 10) -> None:
    """A closed connection's server process ends a moment later, dropping its temporary tables;
    the role can be dropped only once it has."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE usename = %s", [role])
            if cursor.fetchone() == (0,):
                return
        time.sleep(0.05)


@pytest.fixture
def app_role(transactional_db):
    """(name, password) of a LOGIN role that first got `GRANT ALL` on the audit trail, as a
    hurried administrator might, and then `grant_app_role`, twice (it is idempotent). The
    database is closed to PUBLIC meanwhile, as docker/postgres/init-roles.sh closes it, so that
    the role connects and makes temporary tables only by what the command granted."""
    name, password = unique_role_name(), uuid.uuid4().hex
    role = sql.Identifier(name)
    database = sql.Identifier(settings.DATABASES["default"]["NAME"])
    run_sql(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(role, sql.Literal(password)))
    run_sql(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(database))
    try:
        run_sql(sql.SQL("GRANT ALL ON tkpk_auditevent TO {}").format(role))
        for _ in range(2):
            call_command("grant_app_role", name, stdout=io.StringIO())
        yield name, password
    finally:
        run_sql(sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO PUBLIC").format(database))
        wait_until_disconnected(name)
        # DROP OWNED also revokes its grants here and on the database, and the default privileges.
        run_sql(sql.SQL("DROP OWNED BY {}").format(role))
        run_sql(sql.SQL("DROP ROLE {}").format(role))


# --- What the app role may do ------------------------------------------------------------------


@as_the_app
def test_the_app_role_can_add_and_read_audit_events(app_role):
    with connected_as(*app_role) as conn:
        conn.execute(AUDIT_INSERT, ["written by the app"])
        rows = conn.execute("SELECT summary FROM tkpk_auditevent").fetchall()
    assert rows == [("written by the app",)]
    assert AuditEvent.objects.get().summary == "written by the app"


@as_the_app
def test_the_app_role_reads_and_writes_an_ordinary_table(app_role):
    agency = AgencyFactory(short_name="Dinsos")
    with connected_as(*app_role) as conn:
        conn.execute(
            """INSERT INTO tkpk_agency
                   (name, short_name, kind, email, is_active, created_at, updated_at)
               VALUES ('Dinas Kesehatan', 'Dinkes', 'dinas', '', true, now(), now())"""
        )
        conn.execute("UPDATE tkpk_agency SET email = 'dinsos@hsu.go.id' WHERE id = %s", [agency.pk])
        names = conn.execute("SELECT short_name FROM tkpk_agency ORDER BY short_name").fetchall()
        conn.execute("DELETE FROM tkpk_agency WHERE short_name = 'Dinkes'")
    assert names == [("Dinkes",), ("Dinsos",)]
    assert list(Agency.objects.values_list("short_name", "email")) == [
        ("Dinsos", "dinsos@hsu.go.id")
    ]


@as_the_app
def test_the_app_role_can_stage_an_import_in_a_temporary_table(app_role):
    with connected_as(*app_role) as conn:
        conn.execute("CREATE TEMPORARY TABLE hh_staging (nik varchar(16))")
        conn.execute("INSERT INTO hh_staging VALUES ('6308010101900001')")
        assert conn.execute("SELECT count(*) FROM hh_staging").fetchone() == (1,)
        # Dropped here, not by the server after the session: the role is dropped next.
        conn.execute("DROP TABLE hh_staging")


@as_the_app
def test_a_table_a_later_migration_creates_is_open_to_the_app_role(app_role):
    table = sql.Identifier(f"tkpk_test_later_{uuid.uuid4().hex[:12]}")
    run_sql(sql.SQL("CREATE TABLE {} (id bigserial PRIMARY KEY, note text)").format(table))
    try:
        with connected_as(*app_role) as conn:
            # bigserial: INSERT also needs the new sequence (default privileges on sequences).
            conn.execute(sql.SQL("INSERT INTO {} (note) VALUES ('x')").format(table))
            conn.execute(sql.SQL("UPDATE {} SET note = 'y'").format(table))
            assert conn.execute(sql.SQL("SELECT note FROM {}").format(table)).fetchall() == [("y",)]
            conn.execute(sql.SQL("DELETE FROM {}").format(table))
    finally:
        run_sql(sql.SQL("DROP TABLE {}").format(table))


# --- What it may not do ------------------------------------------------------------------------


@as_the_app
def test_the_app_role_holds_only_select_and_insert_on_the_audit_trail(app_role):
    name, _password = app_role
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT privilege FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE',
                   'TRUNCATE', 'REFERENCES', 'TRIGGER']) AS privilege
               WHERE has_table_privilege(%s, 'tkpk_auditevent', privilege)""",
            [name],
        )
        held = {row[0] for row in cursor.fetchall()}
    assert held == {"SELECT", "INSERT"}


@as_the_app
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE tkpk_auditevent SET summary = 'rewritten'",
        "DELETE FROM tkpk_auditevent",
        "TRUNCATE tkpk_auditevent",
        "ALTER TABLE tkpk_auditevent DISABLE TRIGGER ALL",
        "SET session_replication_role = replica",
    ],
)
def test_the_app_role_cannot_rewrite_or_erase_the_audit_trail(app_role, statement):
    audit_record(actor=None, action=AuditAction.EXPORT, summary="kept")
    with connected_as(*app_role) as conn:
        with pytest.raises(errors.InsufficientPrivilege, match=NOT_ALLOWED):
            conn.execute(statement)
        assert conn.execute("SHOW session_replication_role").fetchone() == ("origin",)
        assert conn.execute("SELECT summary FROM tkpk_auditevent").fetchall() == [("kept",)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgenabled FROM pg_trigger WHERE tgrelid = 'tkpk_auditevent'::regclass "
            "AND NOT tgisinternal"
        )
        assert {row[0] for row in cursor.fetchall()} == {"O"}  # every trigger still enabled


@pytest.mark.django_db
def test_the_owner_cannot_truncate_the_audit_trail():
    # In the tests the owner is the postgres superuser, whom the trigger lets through (a
    # superuser could drop it anyway; see migration 0005). Under docker compose the owner is an
    # ordinary role: this hands the table to one, acts as it, and rolls all of it back.
    audit_record(actor=None, action=AuditAction.EXPORT, summary="kept")
    owner = sql.Identifier(unique_role_name())
    with pytest.raises(DatabaseError, match="append-only: TRUNCATE"):
        with transaction.atomic():
            # The new row's deferred foreign-key checks must run before the table is altered.
            run_sql(sql.SQL("SET CONSTRAINTS ALL IMMEDIATE"))
            run_sql(sql.SQL("CREATE ROLE {}").format(owner))
            run_sql(sql.SQL("ALTER TABLE tkpk_auditevent OWNER TO {}").format(owner))
            run_sql(sql.SQL("SET LOCAL ROLE {}").format(owner))
            run_sql(sql.SQL("TRUNCATE tkpk_auditevent"))
    assert AuditEvent.objects.get().summary == "kept"


# --- What the command refuses ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "make_role, reason",
    [
        (["CREATE ROLE {role} LOGIN SUPERUSER"], "is a superuser"),
        (["CREATE ROLE {role} LOGIN", "GRANT {me} TO {role}"], "is a superuser"),
        (
            ["CREATE ROLE {role} LOGIN", "ALTER TABLE tkpk_auditevent OWNER TO {role}"],
            "is the owner of tkpk_auditevent",
        ),
        (
            [
                "CREATE ROLE {other}",
                "ALTER TABLE tkpk_auditevent OWNER TO {other}",
                "CREATE ROLE {role} LOGIN IN ROLE {other}",
            ],
            "is the owner of tkpk_auditevent",
        ),
    ],
    ids=["superuser", "member-of-a-superuser", "owner", "member-of-the-owner"],
)
def test_the_command_refuses_a_role_that_could_erase_the_audit_trail(make_role, reason):
    # Inside the test's transaction: the roles and the new owner are rolled back with it. The
    # tests connect as a superuser ({me}), so a member of it may become one.
    name = unique_role_name()
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        me = cursor.fetchone()[0]
    names = {"role": name, "other": unique_role_name(), "me": me}
    for statement in make_role:
        run_sql(sql.SQL(statement).format(**{k: sql.Identifier(v) for k, v in names.items()}))
    with pytest.raises(CommandError, match=reason):
        call_command("grant_app_role", name, stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT EXISTS (SELECT 1 FROM pg_class c, aclexplode(c.relacl) a
                              JOIN pg_roles r ON r.oid = a.grantee WHERE r.rolname = %s)""",
            [name],
        )
        assert cursor.fetchone() == (False,)  # refused before granting anything


@pytest.mark.django_db
def test_the_command_refuses_a_role_that_does_not_exist():
    with pytest.raises(CommandError, match="There is no role"):
        call_command("grant_app_role", unique_role_name(), stdout=io.StringIO())


@pytest.mark.django_db
def test_on_sqlite_the_command_has_nothing_to_do(monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")
    out = io.StringIO()
    call_command("grant_app_role", "tkpk_app", stdout=out)
    assert "nothing to do" in out.getvalue()
