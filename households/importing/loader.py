"""Set-based loading: clean records go into a temporary staging table (COPY on PostgreSQL,
batched inserts elsewhere), then a few statements compare, count and upsert them.

Everything runs inside the caller's transaction, so an import commits whole or not at all.
"""

# ruff: noqa: S608 - the SQL is assembled from this module's own table and column names; every
# value travels as a query parameter or through COPY.

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.utils import timezone

from .rows import STAGING_COLUMNS

STAGING = "hh_staging"
REVIEW = "hh_review"
# The staged people matched by NIK whose stored row the file would change, with the stored
# values beside the file's (old_<column>): one join of the file with the registry, after which
# review, change list, history and update read only the changed few.
CHANGED = "hh_people_changed"
REPEATS = "hh_repeats"
BULK_MIN_ROWS = 50_000
FAMILIES = "hh_families"

# Column of households_household -> the file field that says it. Only the columns whose field the
# file maps are ever written on an existing family (issue 8): a column that is not in the file
# changes nothing, and an empty cell keeps the stored value unless the import clears.
FAMILY_FIELDS = {
    "address": "address",
    "rt": "rt",
    "rw": "rw",
    "dusun": "dusun",
    "village_id": "village",
    "decile": "decile",
    "source_id": "source_id",
}
# The same for households_person; household_id follows the No. KK, which every file has.
PERSON_FIELDS = {
    "name": "name",
    "sex": "sex",
    "birth_place": "birth_place",
    "birth_date": "birth_date",
    "relation": "relation",
    "mother_name": "mother_name",
}
# Text columns hold '' for an empty cell; the others hold NULL.
TEXT_COLUMNS = {
    "address",
    "rt",
    "rw",
    "dusun",
    "source_id",
    "name",
    "sex",
    "birth_place",
    "mother_name",
}
# A person's NIK warnings compare the NIK with the birth date and the sex: recomputed only when
# the file gives both, else the stored ones stay (with the family's has_problems).
WARNING_FIELDS = {"birth_date", "sex"}
ALL_FIELDS = frozenset(FAMILY_FIELDS.values()) | frozenset(PERSON_FIELDS.values())


class Loader:
    """Stages records and applies them to households_household and households_person.

    `fields` are the file fields the mapping gives (None: all of them); `clear_empty` makes an
    empty cell of a mapped column clear the stored value instead of keeping it."""

    def __init__(self, *, source: str, fields=None, clear_empty: bool = False):
        self.source = source
        self.postgres = connection.vendor == "postgresql"
        self.distinct = "IS DISTINCT FROM" if self.postgres else "IS NOT"
        self.json = ""  # staging holds warnings as jsonb on PostgreSQL, as text elsewhere
        self.empty: set[str] = set()  # tables that were empty, loaded in bulk
        self.fields = ALL_FIELDS if fields is None else frozenset(fields)
        self.clear_empty = clear_empty
        self.family_columns = [c for c, f in FAMILY_FIELDS.items() if f in self.fields]
        self.person_columns = [c for c, f in PERSON_FIELDS.items() if f in self.fields]
        self.fresh_warnings = WARNING_FIELDS <= self.fields

    def new_value(self, existing: str, new: str, column: str) -> str:
        """The SQL value a mapped column takes on an existing row: the file's, unless its cell
        was empty and the import keeps stored values."""
        return self.new_expression(f"{existing}.{column}", f"{new}.{column}", column)

    def new_expression(self, stored: str, given: str, column: str) -> str:
        """new_value for any two expressions: the stored value and the file's."""
        if self.clear_empty:
            return given
        if column in TEXT_COLUMNS:
            given = f"NULLIF({given}, '')"
        return f"COALESCE({given}, {stored})"

    # -- staging ------------------------------------------------------------------------------
    def create_staging(self) -> None:
        with connection.cursor() as cursor:
            if self.postgres:
                # The sorts and hash joins of a million-row file fit in memory, not on disk.
                cursor.execute("SET LOCAL work_mem = '128MB'")
            for table in (STAGING, FAMILIES, REVIEW, CHANGED):
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
            temp = "TEMPORARY"
            cursor.execute(
                f"""CREATE {temp} TABLE {STAGING} (
                    row_no integer, nik varchar(16), temporary_number varchar(16),
                    name varchar(150), sex varchar(1), birth_place varchar(100), birth_date date,
                    relation smallint, mother_name varchar(150), kk varchar(16),
                    address varchar(255), rt varchar(3), rw varchar(3), dusun varchar(100),
                    village_id bigint, decile smallint, source_id varchar(40),
                    warnings {"jsonb" if self.postgres else "text"}
                )"""
            )
            # What needs a person's eye before it is applied (households.importing.changes).
            cursor.execute(
                f"""CREATE {temp} TABLE {REVIEW} (
                    kind varchar(10), kk varchar(16), number varchar(16), row_no integer,
                    field varchar(20), old text, new text, accepted boolean
                )"""
            )

    def write(self, batches: Iterable[list[tuple]]) -> None:
        """Write batches of staging tuples; on PostgreSQL one COPY for the whole stream, so that
        validating the next rows in Python overlaps with the server storing the previous ones."""
        columns = ", ".join(STAGING_COLUMNS)
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {STAGING} ({columns}) FROM STDIN") as copy:
                    for batch in batches:
                        if isinstance(batch, bytes):  # already in COPY text format
                            copy.write(batch)
                            continue
                        for row in batch:
                            copy.write_row(row)
            else:
                placeholders = ", ".join(["%s"] * len(STAGING_COLUMNS))
                sql = f"INSERT INTO {STAGING} ({columns}) VALUES ({placeholders})"
                for batch in batches:
                    cursor.executemany(sql, batch)

    def index_staging(self) -> None:
        """On SQLite, index the staged rows: its planner joins unindexed temporary tables by
        scanning one for every row of the other, which made a file of 120,000 rows with 20,000
        repeated NIKs take four minutes. PostgreSQL hashes these joins and needs none."""
        if self.postgres:
            return
        with connection.cursor() as cursor:
            for column in ("row_no", "nik", "temporary_number", "kk"):
                cursor.execute(f"CREATE INDEX {STAGING}_{column} ON {STAGING} ({column})")
            cursor.execute(f"CREATE INDEX {REVIEW}_row_no ON {REVIEW} (row_no)")
            cursor.execute(f"CREATE INDEX {REVIEW}_kk ON {REVIEW} (kk)")

    def remove_duplicates(self, on_repeat) -> int:
        """Rows whose NIK (or temporary number) already came on an earlier row of the file:
        each is passed to on_repeat(staged values, first row_no) in row order, streamed (a file
        can repeat hundreds of thousands of rows), then removed from staging. Returns how many."""
        self.index_staging()
        repeats = " UNION ALL ".join(
            f"""SELECT s.*, d.first_row FROM {STAGING} s JOIN (
                    SELECT {column} AS number, MIN(row_no) AS first_row FROM {STAGING}
                    WHERE {column} IS NOT NULL GROUP BY {column} HAVING COUNT(*) > 1
                ) d ON s.{column} = d.number WHERE s.row_no <> d.first_row"""
            for column in ("nik", "temporary_number")
        )
        found = 0
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {REPEATS}")
            cursor.execute(f"CREATE TEMPORARY TABLE {REPEATS} AS {repeats}")
        # A server-side cursor on PostgreSQL: a client-side one would hold every repeated row
        # in this process at once (a file with 15 % repeats peaked at 232 MB instead of 126).
        with connection.chunked_cursor() as rows_cursor:
            rows_cursor.execute(
                f"""SELECT x.*, r.code AS village_code FROM {REPEATS} x
                    LEFT JOIN tkpk_region r ON r.id = x.village_id ORDER BY x.row_no"""
            )
            names = None
            while rows := rows_cursor.fetchmany(2000):
                names = names or [c[0] for c in rows_cursor.description]
                for row in rows:
                    values = dict(zip(names, row, strict=True))
                    on_repeat(values, values.pop("first_row"))
                    found += 1
        with connection.cursor() as cursor:
            if found:
                # A semi-join, not a literal list: `row_no IN (1, 2, ...)` compares every staged
                # row with every repeat.
                cursor.execute(
                    f"DELETE FROM {STAGING} WHERE row_no IN (SELECT row_no FROM {REPEATS})"
                )
            cursor.execute(f"DROP TABLE {REPEATS}")
        return found

    def find_changed_people(self) -> None:
        """Fill CHANGED: the staged people whose stored row differs in a mapped column, in their
        family (the new family's id is NULL while it does not exist) or in their warnings."""
        old_columns = ", ".join(f"p.{c} AS old_{c}" for c in PERSON_FIELDS)
        new_columns = ", ".join(f"s.{c}" for c in PERSON_FIELDS)
        changed = self._person_changed("p", "s", "hn.id")
        with connection.cursor() as cursor:
            if self.postgres:
                # Statistics for the joins from here on: without them the planner takes the
                # staged million rows for a tenth of that and sorts them on disk.
                cursor.execute(f"ANALYZE {STAGING} (row_no, kk, nik, temporary_number)")
            for position, key in enumerate(("nik", "temporary_number")):
                select = f"""SELECT s.row_no, s.kk, s.{key} AS number, p.id AS person_id,
                                    p.household_id AS old_household_id, {old_columns},
                                    p.warnings AS old_warnings, {new_columns},
                                    s.warnings{self.json} AS warnings
                             FROM {STAGING} s
                             JOIN households_person p ON p.{key} = s.{key}
                             LEFT JOIN households_household hn ON hn.kk_number = s.kk
                             WHERE s.{key} IS NOT NULL AND ({changed})"""
                if position == 0:
                    cursor.execute(f"CREATE TEMPORARY TABLE {CHANGED} AS {select}")
                else:
                    cursor.execute(f"INSERT INTO {CHANGED} {select}")
            if not self.postgres:
                cursor.execute(f"CREATE INDEX {CHANGED}_row_no ON {CHANGED} (row_no)")

    def changed_people(self) -> str:
        """SQL: CHANGED with the id of each person's family in the file (`household_id`)."""
        return f"""SELECT c.*, h.id AS household_id FROM {CHANGED} c
                   JOIN households_household h ON h.kk_number = c.kk"""

    def build_families(self) -> None:
        """One row per No. KK: the head's row (SHDK 1), else the first row of that family; a
        family has problems when any of its rows has a warning."""
        columns = "kk, address, rt, rw, dusun, village_id, decile, source_id"
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext('households_import'))")
                # A hash aggregate picks each family's row; cheaper than sorting every row.
                cursor.execute(
                    f"""CREATE TEMPORARY TABLE {FAMILIES} AS
                        SELECT {", ".join(f"s.{c.strip()}" for c in columns.split(","))},
                               h.has_problems
                        FROM {STAGING} s JOIN (
                            SELECT COALESCE(MIN(row_no) FILTER (WHERE relation = 1),
                                            MIN(row_no)) AS head,
                                   bool_or(warnings <> '[]') AS has_problems
                            FROM {STAGING} GROUP BY kk
                        ) h ON s.row_no = h.head"""
                )
            else:
                cursor.execute(
                    f"""CREATE TEMPORARY TABLE {FAMILIES} AS
                        SELECT {columns}, 0 AS has_problems FROM (
                            SELECT s.*, ROW_NUMBER() OVER (
                                PARTITION BY kk
                                ORDER BY CASE WHEN relation = 1 THEN 0 ELSE 1 END, row_no
                            ) AS n FROM {STAGING} s
                        ) ranked WHERE n = 1"""
                )
                cursor.execute(f"CREATE UNIQUE INDEX {FAMILIES}_kk ON {FAMILIES} (kk)")
                cursor.execute(
                    f"""UPDATE {FAMILIES} SET has_problems = 1
                        WHERE kk IN (SELECT kk FROM {STAGING} WHERE warnings <> '[]')"""
                )

    # -- comparing and counting ---------------------------------------------------------------
    def _family_changed(self, existing: str, new: str) -> str:
        parts = [
            f"{existing}.{column} {self.distinct} {self.new_value(existing, new, column)}"
            for column in self.family_columns
        ]
        if self.fresh_warnings:
            parts.append(f"{existing}.has_problems {self.distinct} {new}.has_problems")
        return " OR ".join(parts) or "FALSE"

    def _person_changed(self, existing: str, new: str, household: str) -> str:
        parts = [
            f"{existing}.{column} {self.distinct} {self.new_value(existing, new, column)}"
            for column in self.person_columns
        ]
        parts.append(f"{existing}.household_id {self.distinct} {household}")
        if self.fresh_warnings:
            parts.append(f"{existing}.warnings {self.distinct} {new}.warnings{self.json}")
        return " OR ".join(parts)

    def family_not_held(self, family: str) -> str:
        """SQL: the family's row is not held for review (households.importing.changes)."""
        return (
            f"NOT EXISTS (SELECT 1 FROM {REVIEW} r WHERE r.kk = {family}.kk "
            "AND r.field = 'village' AND r.accepted = FALSE)"
        )

    def counts(self) -> dict[str, int]:
        """New, updated and unchanged families and people, as the upsert will find them."""
        changed = self._family_changed("h", "f")
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT
                      COALESCE(SUM(CASE WHEN h.id IS NULL THEN 1 ELSE 0 END), 0),
                      COALESCE(SUM(CASE WHEN h.id IS NOT NULL AND ({changed})
                                   THEN 1 ELSE 0 END), 0),
                      COUNT(*)
                    FROM {FAMILIES} f LEFT JOIN households_household h ON h.kk_number = f.kk
                    WHERE {self.family_not_held("f")}""",
                {"source": self.source},
            )
            families_new, families_updated, families_total = cursor.fetchone()
            people = [0, 0, 0]
            for column in ("nik", "temporary_number"):
                person_changed = self._person_changed("p", "s", "h.id")
                cursor.execute(
                    f"""SELECT
                          COALESCE(SUM(CASE WHEN p.id IS NULL THEN 1 ELSE 0 END), 0),
                          COALESCE(SUM(CASE WHEN p.id IS NOT NULL AND ({person_changed})
                                       THEN 1 ELSE 0 END), 0),
                          COUNT(*)
                        FROM {STAGING} s
                        LEFT JOIN households_person p ON p.{column} = s.{column}
                        LEFT JOIN households_household h ON h.kk_number = s.kk
                        WHERE s.{column} IS NOT NULL"""
                )
                for i, value in enumerate(cursor.fetchone()):
                    people[i] += value
        return {
            "families_new": families_new,
            "families_updated": families_updated,
            "families_unchanged": families_total - families_new - families_updated,
            "people_new": people[0],
            "people_updated": people[1],
            "people_unchanged": people[2] - people[0] - people[1],
        }

    def held_families(self) -> int:
        """Families of the file whose stored row is held for review (their village changes)."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT COUNT(*) FROM {FAMILIES} f WHERE NOT {self.family_not_held("f")}"""
            )
            return cursor.fetchone()[0]

    def totals(self) -> tuple[int, int]:
        """(families, people) staged."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT (SELECT COUNT(*) FROM {FAMILIES}), (SELECT COUNT(*) FROM {STAGING})"
            )
            return cursor.fetchone()

    def _bulk(self, table: str, incoming: int) -> list[str]:
        """For the first import into an empty table, drop the table's non-unique indexes and
        foreign keys and put them back at the end: one index build and one validating join are
        several times faster than maintaining them row by row. Unique indexes stay, and the
        foreign keys are validated in full when they are added back. The table stays locked
        until the import commits; it was empty, so nobody is kept from data."""
        if not self.postgres or incoming < BULK_MIN_ROWS:
            return []
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")
            if cursor.fetchone()[0]:
                return []
            # Only the table's owner may drop its indexes: the application's own database role
            # (issue 7, `manage.py grant_app_role`) owns nothing and loads row by row.
            cursor.execute(
                "SELECT pg_has_role(current_user, relowner, 'USAGE') FROM pg_class "
                "WHERE oid = %s::regclass",
                [table],
            )
            if not cursor.fetchone()[0]:
                return []
            # Every index but those behind a constraint (the primary key): the unique indexes of
            # NIK and No. KK are rebuilt too, and CREATE UNIQUE INDEX checks them again.
            cursor.execute(
                """SELECT i.indexname, i.indexdef FROM pg_indexes i
                   WHERE i.schemaname = current_schema() AND i.tablename = %s
                     AND NOT EXISTS (
                         SELECT 1 FROM pg_constraint c
                         WHERE c.conindid = format('%%I.%%I', i.schemaname, i.indexname)::regclass
                     )""",
                [table],
            )
            indexes = cursor.fetchall()
            cursor.execute(
                """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
                   WHERE conrelid = %s::regclass AND contype = 'f'""",
                [table],
            )
            foreign_keys = cursor.fetchall()
            restore = []
            # Altering a table needs its (and the referenced tables') pending deferred checks run.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for name, definition in foreign_keys:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                restore.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            for name, definition in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
                restore.insert(0, definition)
        self.empty.add(table)
        return restore

    def _rebuild(self, statements: list[str]) -> None:
        if not statements:
            return
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for statement in statements:
                cursor.execute(statement)

    # -- applying -----------------------------------------------------------------------------
    def family_set(self, target: str = "households_household") -> str:
        """The SET list of the family update: the mapped columns only."""
        values = [f"{c} = {self.new_value(target, 'f', c)}" for c in self.family_columns]
        if self.fresh_warnings:
            values.append("has_problems = f.has_problems")
        return ", ".join(values)

    def person_set(self, target: str = "households_person") -> str:
        values = [f"{c} = {self.new_value(target, 'x', c)}" for c in self.person_columns]
        values.append("household_id = x.household_id")
        if self.fresh_warnings:
            values.append("warnings = x.warnings")
        return ", ".join(values)

    def apply(self, *, families: int, people: int, history=None) -> dict[str, int]:
        """New rows are inserted and changed rows updated, each in one statement; unchanged rows
        are not touched. `history` (households.importing.changes.History) records each change
        before it is made. Returns the counts."""
        now = timezone.now()
        counts = {}
        dropped = self._bulk("households_household", families)
        dropped += self._bulk("households_person", people)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO households_household
                        (kk_number, address, rt, rw, dusun, village_id, decile, source,
                         source_id, status, has_problems, created_at, updated_at)
                    SELECT f.kk, f.address, f.rt, f.rw, f.dusun, f.village_id, f.decile,
                           %(source)s, f.source_id, 'aktif', f.has_problems, %(now)s, %(now)s
                    FROM {FAMILIES} f
                    WHERE NOT EXISTS (
                        SELECT 1 FROM households_household h WHERE h.kk_number = f.kk)""",
                {"source": self.source, "now": now},
            )
            counts["families_new"] = cursor.rowcount
            changed = self._family_changed("households_household", "f")
            counts["families_updated"] = 0
            if "households_household" not in self.empty:  # nothing to update in an empty table
                if history is not None:
                    history.families(cursor)
                cursor.execute(
                    f"""UPDATE households_household SET {self.family_set()},
                            updated_at = %(now)s
                        FROM {FAMILIES} f
                        WHERE households_household.kk_number = f.kk AND ({changed})
                          AND {self.family_not_held("f")}""",
                    {"now": now},
                )
                counts["families_updated"] = cursor.rowcount
            counts["people_new"] = counts["people_updated"] = 0
            for column in ("nik", "temporary_number"):
                cursor.execute(
                    f"""INSERT INTO households_person
                            (nik, temporary_number, name, sex, birth_place, birth_date, relation,
                             mother_name, status, household_id, warnings, created_at, updated_at)
                        SELECT s.nik, s.temporary_number, s.name, s.sex, s.birth_place,
                               s.birth_date, s.relation, s.mother_name, 'hidup', h.id,
                               s.warnings{self.json}, %(now)s, %(now)s
                        FROM {STAGING} s JOIN households_household h ON h.kk_number = s.kk
                        WHERE s.{column} IS NOT NULL AND NOT EXISTS (
                            SELECT 1 FROM households_person p WHERE p.{column} = s.{column})""",
                    {"now": now},
                )
                counts["people_new"] += cursor.rowcount
            if "households_person" not in self.empty:
                if history is not None:
                    history.people(cursor)
                cursor.execute(
                    f"""UPDATE households_person SET {self.person_set()}, updated_at = %(now)s
                        FROM ({self.changed_people()}) x
                        WHERE households_person.id = x.person_id""",
                    {"now": now},
                )
                counts["people_updated"] = cursor.rowcount
        self._rebuild(dropped)
        return counts

    def drop(self) -> None:
        with connection.cursor() as cursor:
            for table in (STAGING, FAMILIES, REVIEW, CHANGED):
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
