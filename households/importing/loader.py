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
FAMILIES = "hh_families"

FAMILY_FIELDS = [
    "address",
    "rt",
    "rw",
    "dusun",
    "village_id",
    "decile",
    "source",
    "source_id",
    "has_problems",
]
PERSON_FIELDS = [
    "name",
    "sex",
    "birth_place",
    "birth_date",
    "relation",
    "mother_name",
    "household_id",
    "warnings",
]


class Loader:
    """Stages records and applies them to households_household and households_person."""

    def __init__(self, *, source: str):
        self.source = source
        self.postgres = connection.vendor == "postgresql"
        self.distinct = "IS DISTINCT FROM" if self.postgres else "IS NOT"
        self.json = "::jsonb" if self.postgres else ""

    # -- staging ------------------------------------------------------------------------------
    def create_staging(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
            cursor.execute(f"DROP TABLE IF EXISTS {FAMILIES}")
            temp = "TEMPORARY"
            cursor.execute(
                f"""CREATE {temp} TABLE {STAGING} (
                    row_no integer, nik varchar(16), temporary_number varchar(16),
                    name varchar(150), sex varchar(1), birth_place varchar(100), birth_date date,
                    relation smallint, mother_name varchar(150), kk varchar(16),
                    address varchar(255), rt varchar(3), rw varchar(3), dusun varchar(100),
                    village_id bigint, decile smallint, source_id varchar(40), warnings text
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
                        for row in batch:
                            copy.write_row(row)
            else:
                placeholders = ", ".join(["%s"] * len(STAGING_COLUMNS))
                sql = f"INSERT INTO {STAGING} ({columns}) VALUES ({placeholders})"
                for batch in batches:
                    cursor.executemany(sql, batch)

    def remove_duplicates(self) -> list[tuple[int, str, int]]:
        """Rows whose NIK (or temporary number) already came on an earlier row of the file:
        removed from staging and returned as (row_no, number, first row_no)."""
        found = []
        with connection.cursor() as cursor:
            for column in ("nik", "temporary_number"):
                cursor.execute(
                    f"""SELECT row_no, {column}, first_row FROM (
                            SELECT row_no, {column},
                                   MIN(row_no) OVER (PARTITION BY {column}) AS first_row
                            FROM {STAGING} WHERE {column} IS NOT NULL
                        ) d WHERE row_no <> first_row ORDER BY row_no"""
                )
                found.extend(cursor.fetchall())
            if found:
                cursor.execute(
                    f"DELETE FROM {STAGING} WHERE row_no IN "
                    f"({', '.join(str(row[0]) for row in found)})"
                )
        return found

    def build_families(self) -> None:
        """One row per No. KK: the head's row (SHDK 1), else the first row of that family."""
        problems = "(warnings <> '[]')"
        with connection.cursor() as cursor:
            cursor.execute(
                f"""CREATE TEMPORARY TABLE {FAMILIES} AS
                    SELECT kk, address, rt, rw, dusun, village_id, decile, source_id,
                           has_problems
                    FROM (
                        SELECT s.*, ROW_NUMBER() OVER (
                                   PARTITION BY kk
                                   ORDER BY CASE WHEN relation = 1 THEN 0 ELSE 1 END, row_no
                               ) AS n,
                               MAX(CASE WHEN {problems} THEN 1 ELSE 0 END)
                                   OVER (PARTITION BY kk) = 1 AS has_problems
                        FROM {STAGING} s
                    ) ranked WHERE n = 1"""
            )
            if self.postgres:
                cursor.execute(f"ANALYZE {STAGING}")
                cursor.execute(f"ANALYZE {FAMILIES}")

    # -- comparing and counting ---------------------------------------------------------------
    def _family_changed(self, existing: str, new: str) -> str:
        values = {"source": "%(source)s"} if new == "f" else {}
        return " OR ".join(
            f"{existing}.{name} {self.distinct} {values.get(name, f'{new}.{name}')}"
            for name in FAMILY_FIELDS
        )

    def _person_changed(self, existing: str, new: str, household: str) -> str:
        parts = []
        for name in PERSON_FIELDS:
            if name == "household_id":
                parts.append(f"{existing}.household_id {self.distinct} {household}")
            elif name == "warnings":
                parts.append(f"{existing}.warnings {self.distinct} {new}.warnings{self.json}")
            else:
                parts.append(f"{existing}.{name} {self.distinct} {new}.{name}")
        return " OR ".join(parts)

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
                    FROM {FAMILIES} f LEFT JOIN households_household h ON h.kk_number = f.kk""",
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

    # -- applying -----------------------------------------------------------------------------
    def apply(self) -> None:
        now = timezone.now()
        family_updates = ", ".join(f"{name} = excluded.{name}" for name in FAMILY_FIELDS)
        family_changed = self._family_changed("households_household", "excluded")
        with connection.cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO households_household
                        (kk_number, address, rt, rw, dusun, village_id, decile, source,
                         source_id, status, has_problems, created_at, updated_at)
                    SELECT f.kk, f.address, f.rt, f.rw, f.dusun, f.village_id, f.decile,
                           %(source)s, f.source_id, 'aktif', f.has_problems, %(now)s, %(now)s
                    FROM {FAMILIES} f WHERE true
                    ON CONFLICT (kk_number) DO UPDATE SET {family_updates},
                        updated_at = excluded.updated_at
                    WHERE {family_changed}""",
                {"source": self.source, "now": now},
            )
            person_updates = ", ".join(f"{name} = excluded.{name}" for name in PERSON_FIELDS)
            person_changed = self._person_changed(
                "households_person", "excluded", "excluded.household_id"
            )
            person_changed = person_changed.replace(
                f"excluded.warnings{self.json}", "excluded.warnings"
            )
            for column in ("nik", "temporary_number"):
                cursor.execute(
                    f"""INSERT INTO households_person
                            (nik, temporary_number, name, sex, birth_place, birth_date, relation,
                             mother_name, status, household_id, warnings, created_at, updated_at)
                        SELECT s.nik, s.temporary_number, s.name, s.sex, s.birth_place,
                               s.birth_date, s.relation, s.mother_name, 'hidup', h.id,
                               s.warnings{self.json}, %(now)s, %(now)s
                        FROM {STAGING} s JOIN households_household h ON h.kk_number = s.kk
                        WHERE s.{column} IS NOT NULL
                        ON CONFLICT ({column}) DO UPDATE SET {person_updates},
                            updated_at = excluded.updated_at
                        WHERE {person_changed}""",
                    {"now": now},
                )

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
            cursor.execute(f"DROP TABLE IF EXISTS {FAMILIES}")
