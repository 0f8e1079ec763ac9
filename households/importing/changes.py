"""What an import changes, record by record (issue 8): the changes held for a person's eye, the
change list of a run, and the per-record history written into the audit trail. All of it runs
set-based inside the import's transaction, on the staging tables of households.importing.loader.

Held for review, unless the import accepts that kind:
- `move`: a person matched by NIK who would go to another family (another No. KK), and a family
  whose village changes;
- `rename`: a person whose name differs beyond IMPORT_RENAME_SIMILARITY (trigram similarity, as
  PostgreSQL's pg_trgm counts it; a change of case or spacing alone is no rename);
- `identity`: a person whose stored birth date or sex would change (filling an empty one is not).
A held person's row is taken out of the import whole; a held family keeps its stored row while its
members are imported as the file says.
"""

# ruff: noqa: S608 - the SQL is assembled from this module's own table and column names; every
# value travels as a query parameter.

from __future__ import annotations

import re
from collections.abc import Iterator

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy

from tkpk.choices import AuditAction

from ..models import Household, Person
from .loader import CHANGED, FAMILIES, REVIEW, STAGING, Loader

KINDS = ("move", "rename", "identity")
# How each kind reads in a sentence ("Apply the 3 changed names") and in the change list.
HELD_LABELS = {
    "move": gettext_lazy("moves to another family or village"),
    "rename": gettext_lazy("changed names"),
    "identity": gettext_lazy("changed birth dates or sexes"),
}
CHANGE_KINDS = {
    "update": gettext_lazy("Change"),
    "move": gettext_lazy("Move (held)"),
    "rename": gettext_lazy("Rename (held)"),
    "identity": gettext_lazy("Birth date or sex (held)"),
}
# The columns of the change list, and of ImportReport.change_preview.
CHANGE_COLUMNS = ("kind", "kk", "number", "field", "old", "new")
_WORDS = re.compile(r"[^\W_]+")


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams: each word lower-cased, padded with two spaces before and one after."""
    grams = set()
    for word in _WORDS.findall(text.lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def name_similarity(a: str, b: str) -> float:
    """Shared trigrams over all trigrams (0 to 1), like pg_trgm's similarity()."""
    left, right = trigrams(a), trigrams(b)
    if not left and not right:
        return 1.0
    return len(left & right) / len(left | right)


def _as_text(expression: str) -> str:
    return f"CAST({expression} AS text)"


class Review:
    """Finds the held changes of a staged file and takes the held people out of staging."""

    def __init__(self, loader: Loader, *, accept: set[str] | frozenset[str] = frozenset()):
        self.loader = loader
        self.accept = set(accept)

    def _accepted(self, kind: str) -> str:
        return "TRUE" if kind in self.accept else "FALSE"

    def people(self) -> None:
        """Moves, identity changes and renames among the changed people (loader CHANGED)."""
        loader = self.loader
        new_family = "(SELECT id FROM households_household WHERE kk_number = c.kk)"
        with connection.cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO {REVIEW} (kind, kk, number, row_no, field, old, new, accepted)
                    SELECT 'move', c.kk, c.number, c.row_no, 'household',
                           (SELECT kk_number FROM households_household
                            WHERE id = c.old_household_id),
                           c.kk, {self._accepted("move")}
                    FROM {CHANGED} c
                    WHERE c.old_household_id {loader.distinct} {new_family}"""
            )
            for field in ("birth_date", "sex"):
                if field not in loader.person_columns:
                    continue
                old = f"c.old_{field}"
                new = loader.new_expression(old, f"c.{field}", field)
                stored = f"{old} IS NOT NULL" + (f" AND {old} <> ''" if field == "sex" else "")
                cursor.execute(
                    f"""INSERT INTO {REVIEW} (kind, kk, number, row_no, field, old, new, accepted)
                        SELECT 'identity', c.kk, c.number, c.row_no, '{field}',
                               {_as_text(old)}, {_as_text(new)}, {self._accepted("identity")}
                        FROM {CHANGED} c WHERE {stored} AND {old} {loader.distinct} {new}"""
                )
            cursor.execute(
                f"""SELECT c.kk, c.number, c.row_no, c.old_name, c.name FROM {CHANGED} c
                    WHERE UPPER(c.old_name) <> UPPER(c.name)"""
            )
            threshold = settings.IMPORT_RENAME_SIMILARITY
            renames = [
                ("rename", kk, number, row_no, "name", old, new, "rename" in self.accept)
                for kk, number, row_no, old, new in cursor.fetchall()
                if name_similarity(old, new) < threshold
            ]
            if renames:
                cursor.executemany(
                    f"""INSERT INTO {REVIEW} (kind, kk, number, row_no, field, old, new, accepted)
                        VALUES (%s, %s, %s, %s, %s, %s, %s, %s)""",
                    renames,
                )

    def take_out_held_people(self) -> None:
        """Held people leave staging; a family that only they would have created is dropped.
        The family row of an existing family stays: its fields are not held with a member."""
        with connection.cursor() as cursor:
            for table in (STAGING, CHANGED):
                cursor.execute(
                    f"""DELETE FROM {table} WHERE row_no IN (
                            SELECT row_no FROM {REVIEW} WHERE accepted = FALSE)"""
                )
            if not cursor.rowcount:
                return  # no held person: every family keeps its members
            cursor.execute(
                f"""DELETE FROM {FAMILIES} WHERE
                        NOT EXISTS (SELECT 1 FROM {STAGING} s WHERE s.kk = {FAMILIES}.kk)
                        AND NOT EXISTS (
                            SELECT 1 FROM households_household h
                            WHERE h.kk_number = {FAMILIES}.kk)"""
            )

    def families(self) -> None:
        """Families whose village changes (call after build_families)."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO {REVIEW} (kind, kk, number, row_no, field, old, new, accepted)
                    SELECT 'move', f.kk, NULL, NULL, 'village',
                           old_village.code || ' ' || old_village.name,
                           new_village.code || ' ' || new_village.name, {self._accepted("move")}
                    FROM {FAMILIES} f
                    JOIN households_household h ON h.kk_number = f.kk
                    JOIN tkpk_region old_village ON old_village.id = h.village_id
                    JOIN tkpk_region new_village ON new_village.id = f.village_id
                    WHERE h.village_id <> f.village_id"""
            )

    def held(self) -> dict[str, int]:
        """Records held (not accepted), by kind; a person with two held changes counts once."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT kind, COUNT(DISTINCT COALESCE(number, kk)) FROM {REVIEW}
                    WHERE accepted = FALSE GROUP BY kind"""
            )
            found = dict(cursor.fetchall())
        return {kind: found.get(kind, 0) for kind in KINDS}

    def held_total(self) -> int:
        """Records held, each once whatever the number of its held changes."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(DISTINCT COALESCE(number, kk)) FROM {REVIEW} WHERE accepted = FALSE"
            )
            return cursor.fetchone()[0]


def change_rows(loader: Loader) -> Iterator[tuple]:
    """Every change the import makes or holds, one row per record and field, as
    CHANGE_COLUMNS: kind `update` (applied), or `move` / `rename` / `identity` (held for review,
    or applied when the import accepts them, then also listed as `update`). New records are only
    counted, not listed. Run it after Review and build_families, before apply."""
    selects = []
    for column in loader.family_columns:
        new = loader.new_value("h", "f", column)
        old_text, new_text = _as_text(f"h.{column}"), _as_text(new)
        if column == "village_id":
            old_text = "(SELECT code || ' ' || name FROM tkpk_region WHERE id = h.village_id)"
            new_text = "(SELECT code || ' ' || name FROM tkpk_region WHERE id = f.village_id)"
        selects.append(
            f"""SELECT 'update', f.kk, NULL, '{column.removesuffix("_id")}', {old_text},
                       {new_text}
                FROM {FAMILIES} f JOIN households_household h ON h.kk_number = f.kk
                WHERE h.{column} {loader.distinct} {new} AND {loader.family_not_held("f")}"""
        )
    for column in loader.person_columns:
        old = f"x.old_{column}"
        new = loader.new_expression(old, f"x.{column}", column)
        selects.append(
            f"""SELECT 'update', x.kk, x.number, '{column}', {_as_text(old)}, {_as_text(new)}
                FROM {CHANGED} x WHERE {old} {loader.distinct} {new}"""
        )
    selects.append(
        f"""SELECT 'update', x.kk, x.number, 'household',
                   (SELECT kk_number FROM households_household WHERE id = x.old_household_id),
                   x.kk
            FROM {CHANGED} x
            WHERE x.old_household_id {loader.distinct}
                  (SELECT id FROM households_household WHERE kk_number = x.kk)"""
    )
    selects.append(f"SELECT kind, kk, number, field, old, new FROM {REVIEW}")
    with connection.chunked_cursor() as cursor:  # server-side on PostgreSQL: lists can be long
        cursor.execute(" UNION ALL ".join(selects) + " ORDER BY 2, 3, 1, 4")
        while rows := cursor.fetchmany(2000):
            yield from rows


class History:
    """Writes one audit event per family and per person that the import changes, with
    {field: [old, new]}, in one INSERT ... SELECT per table, before the UPDATE that changes them.
    The family's page reads them back; the audit view finds them by No. KK or NIK (summary)."""

    def __init__(self, loader: Loader, *, user=None, summary: str):
        self.loader = loader
        self.actor_id = getattr(user, "pk", None)
        self.username = user.get_username() if user is not None else ""
        self.summary = summary[:300]

    def _json(self, pairs: list[tuple]) -> str:
        """SQL for {"field": [old, new]} of the pairs (field, old, new[, differs]) that differ;
        `differs` is the SQL test when it is cheaper than comparing old and new (ids, not the
        names looked up for them)."""
        distinct = self.loader.distinct
        build = "jsonb_build_array" if self.loader.postgres else "json_array"
        items = ", ".join(
            f"'{field}', CASE WHEN {rest[0] if rest else f'{old} {distinct} {new}'} "
            f"THEN {build}({old}, {new}) END"
            for field, old, new, *rest in pairs
        )
        if self.loader.postgres:
            return f"jsonb_strip_nulls(jsonb_build_object({items}))"
        return f"json_patch('{{}}', json_object({items}))"

    def _insert(self, cursor, *, model, select: str, params: dict) -> None:
        cursor.execute(
            f"""INSERT INTO tkpk_auditevent
                    (at, actor_id, actor_username, action, content_type_id, object_id,
                     object_repr, summary, changes, ip_address)
                {select}""",
            {
                **params,
                "at": timezone.now(),
                "actor": self.actor_id,
                "username": self.username,
                "action": AuditAction.UPDATE.value,
                "content_type": ContentType.objects.get_for_model(model).pk,
            },
        )

    def families(self, cursor) -> None:
        loader = self.loader
        pairs = [
            (column, f"h.{column}", loader.new_value("h", "f", column))
            for column in loader.family_columns
            if column != "village_id"
        ]
        village_moved = f"h.village_id {loader.distinct} f.village_id"
        if "village_id" in loader.family_columns:
            pairs.append(
                (
                    "village",
                    "(SELECT name FROM tkpk_region WHERE id = h.village_id)",
                    "(SELECT name FROM tkpk_region WHERE id = f.village_id)",
                    village_moved,
                )
            )
        if not pairs:
            return
        changed = " OR ".join(
            rest[0] if rest else f"{old} {loader.distinct} {new}" for _f, old, new, *rest in pairs
        )
        self._insert(
            cursor,
            model=Household,
            select=f"""SELECT %(at)s, %(actor)s, %(username)s, %(action)s, %(content_type)s,
                              {_as_text("h.id")}, h.kk_number,
                              %(summary)s || ' · No. KK ' || h.kk_number, {self._json(pairs)},
                              NULL
                       FROM {FAMILIES} f JOIN households_household h ON h.kk_number = f.kk
                       WHERE ({changed}) AND {loader.family_not_held("f")}""",
            params={"summary": self.summary},
        )

    def people(self, cursor) -> None:
        loader = self.loader
        pairs = [
            (
                column,
                f"x.old_{column}",
                loader.new_expression(f"x.old_{column}", f"x.{column}", column),
            )
            for column in loader.person_columns
        ]
        pairs.append(
            (
                "household",
                "(SELECT kk_number FROM households_household WHERE id = x.old_household_id)",
                "x.kk",
            )
        )
        changed = " OR ".join(
            [f"{old} {loader.distinct} {new}" for _f, old, new in pairs[:-1]]
            + ["x.old_household_id <> x.household_id"]
        )
        self._insert(
            cursor,
            model=Person,
            select=f"""SELECT %(at)s, %(actor)s, %(username)s, %(action)s, %(content_type)s,
                              {_as_text("x.person_id")}, SUBSTR(x.old_name, 1, 200),
                              %(summary)s || ' · No. KK ' || x.kk || ' · NIK ' || x.number,
                              {self._json(pairs)}, NULL
                       FROM ({loader.changed_people()}) x
                       WHERE {changed}""",
            params={"summary": self.summary},
        )
