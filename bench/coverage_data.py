"""The data of the coverage benchmark: the synthetic registry of households.synthetic loaded with
COPY straight into the registry tables, and programs of every cluster with their beneficiaries,
all set-based (COPY and INSERT ... SELECT), deterministic (beneficiaries are chosen by a hash of
the NIK, not by database ids or a random generator).

The beneficiaries tell the story the coverage page is for: exclusion (poor families that the
programs miss), inclusion (a few families of decile 6 and above in family-aid programs), double
aid (a local cluster-1 program that pairs with no national program, two cluster-2 programs, KUR
with UMi, two house programs), ended benefits, deceased recipients and moved families.
"""

# ruff: noqa: S608 - the SQL is assembled from this module's own fragments; values are parameters.

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from households.synthetic import HEADER

YEAR = 2026
#: Of every 1,000 people (by a hash of the NIK): deceased, moved away.
DECEASED_PER_MILLE = 4
MOVED_PER_MILLE = 3
#: Of every 1,000 families: moved away as a whole (Household.status "pindah").
FAMILIES_MOVED_PER_MILLE = 4
#: Of every 100 beneficiaries: ended (graduated, no longer eligible, ...).
ENDED_PERCENT = 4


@dataclass(frozen=True)
class ProgramSpec:
    """One program of the benchmark and who it enrols: `share` of the 300,000 beneficiaries
    (at a million people), from families of decile `deciles`; `leak` per mille of the
    families above the range get in too (inclusion errors); family programs enrol one person a
    family (PKH: the wife, else the head), the others any member."""

    agency: str
    cluster: int
    national: str | None
    name: str
    unit: str
    share: int
    deciles: tuple[int, int]
    leak: int = 0
    cutoff: int | None = None


PROGRAMS = [
    ProgramSpec("Dinsos", 1, "PKH", "PKH Daerah", "kk", 45_000, (1, 4), leak=60, cutoff=4),
    ProgramSpec("Dinsos", 1, "BPNT", "Sembako Daerah", "kk", 55_000, (1, 5), leak=40, cutoff=5),
    ProgramSpec("Dinkes", 1, "PBI-JK", "PBI-JK Daerah", "jiwa", 70_000, (1, 4), leak=20, cutoff=4),
    ProgramSpec("Dinsos", 1, None, "Bantuan Sosial Daerah", "kk", 20_000, (1, 6), leak=30),
    ProgramSpec("DPMD", 2, None, "Pemberdayaan Masyarakat Desa", "jiwa", 30_000, (1, 7)),
    ProgramSpec("DPMD", 2, None, "Pelatihan Keterampilan Kelompok", "jiwa", 20_000, (1, 7)),
    ProgramSpec("Diskop", 3, "KUR", "Pendampingan KUR", "unit_usaha", 20_000, (3, 8)),
    ProgramSpec("Diskop", 3, "UMI", "Modal Usaha Ultra Mikro", "unit_usaha", 15_000, (2, 7)),
    ProgramSpec("PUPR", 4, "RTLH", "Bedah Rumah (RTLH)", "rumah", 15_000, (1, 4), leak=20),
    ProgramSpec("PUPR", 4, None, "Sanitasi Rumah Sehat", "rumah", 10_000, (1, 6)),
]
FULL_SHARE = sum(spec.share for spec in PROGRAMS)  # 300,000
AGENCIES = {
    "Dinsos": "Dinas Sosial",
    "Dinkes": "Dinas Kesehatan",
    "DPMD": "Dinas Pemberdayaan Masyarakat dan Desa",
    "Diskop": "Dinas Koperasi dan UKM",
    "PUPR": "Dinas Pekerjaan Umum dan Penataan Ruang",
}


def load_registry(path: Path, *, regency_code: str = "63.08") -> tuple[int, int]:
    """COPY the synthetic file into a staging table and from there, with INSERT ... SELECT,
    into households_household (one row a valid No. KK, its first valid decile and a known
    village) and households_person (one row a valid NIK with a name: the rows that the
    generator broke on purpose are left out, as the import rejects them). Then mark some
    people deceased or moved and some families moved. Returns (families, people)."""
    from django.db import connection

    columns = ", ".join(f"{name} text" for name in HEADER)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_rows")
        cursor.execute(f"CREATE UNLOGGED TABLE bench_rows (line bigserial, {columns})")
    with connection.cursor() as cursor, open(path, "rb") as handle:
        names = ", ".join(HEADER)
        with cursor.cursor.copy(
            f"COPY bench_rows ({names}) FROM STDIN WITH (FORMAT csv, HEADER true)"
        ) as copy:
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE TEMP TABLE bench_villages AS
            SELECT DISTINCT ON (upper(k.name), upper(d.name))
                   d.id, upper(k.name) AS district, upper(d.name) AS village
            FROM tkpk_region d JOIN tkpk_region k ON k.id = d.parent_id
            WHERE d.level = 4 AND d.code LIKE %s
            ORDER BY upper(k.name), upper(d.name), d.code
            """,
            [f"{regency_code}.%"],
        )
        cursor.execute(
            """
            INSERT INTO households_household
                (kk_number, address, rt, rw, dusun, village_id, decile, source, source_id,
                 status, has_problems, created_at, updated_at)
            SELECT DISTINCT ON (r.nomor_kk)
                   r.nomor_kk, r.alamat, r.rt, r.rw, r.dusun, v.id,
                   CASE WHEN r.desil ~ '^([1-9]|10)$' THEN r.desil::smallint END,
                   'dtks', r.iddtks, 'aktif', false, now(), now()
            FROM bench_rows r
            JOIN bench_villages v ON v.district = r.kecamatan AND v.village = r.desa_kelurahan
            WHERE r.nomor_kk ~ '^[0-9]{16}$'
            ORDER BY r.nomor_kk, (r.desil ~ '^([1-9]|10)$') DESC, r.line
            """
        )
        families = cursor.rowcount
        cursor.execute(
            """
            INSERT INTO households_person
                (nik, temporary_number, name, sex, birth_place, birth_date, relation,
                 mother_name, status, household_id, warnings, created_at, updated_at)
            SELECT DISTINCT ON (r.nomor_nik)
                   r.nomor_nik, NULL, r.nama, r.jenis_kelamin, r.tempat_lahir,
                   to_date(r.tanggal_lahir, 'DD-MM-YYYY'), r.hubungan_keluarga::smallint,
                   r.nama_ibu_kandung, 'hidup', h.id, '[]'::jsonb, now(), now()
            FROM bench_rows r JOIN households_household h ON h.kk_number = r.nomor_kk
            WHERE r.nomor_nik ~ '^[0-9]{16}$' AND r.nama <> ''
            ORDER BY r.nomor_nik, r.line
            """
        )
        people = cursor.rowcount
        cursor.execute("DROP TABLE bench_rows")
        cursor.execute(
            """
            UPDATE households_person SET status = CASE
                WHEN (hashtext(nik || 'gone') & 2147483647) %% 1000 < %s THEN 'meninggal'
                ELSE 'pindah' END
            WHERE (hashtext(nik || 'gone') & 2147483647) %% 1000 < %s
            """,
            [DECEASED_PER_MILLE, DECEASED_PER_MILLE + MOVED_PER_MILLE],
        )
        cursor.execute(
            "UPDATE households_household SET status = 'pindah' "
            "WHERE (hashtext(kk_number || 'moved') & 2147483647) %% 1000 < %s",
            [FAMILIES_MOVED_PER_MILLE],
        )
    return families, people


def create_programs(*, year: int = YEAR) -> list:
    """The programs of PROGRAMS (and their agencies), through the ORM: ten rows."""
    from programs.models import Cluster, NationalProgram, Program
    from tkpk.models import Agency

    agencies = {
        short: Agency.objects.get_or_create(
            short_name=short, defaults={"name": name, "kind": "dinas"}
        )[0]
        for short, name in AGENCIES.items()
    }
    clusters = {c.number: c for c in Cluster.objects.all()}
    national = {n.code: n for n in NationalProgram.objects.all()}
    return [
        Program.objects.create(
            agency=agencies[spec.agency],
            cluster=clusters[spec.cluster],
            national_program=national[spec.national] if spec.national else None,
            name=spec.name,
            fiscal_year=year,
            funding_source="apbd_kab",
            budget=spec.share * 1_500_000,
            target_quantity=spec.share,
            target_unit=spec.unit,
            decile_cutoff=spec.cutoff,
            status="berjalan",
        )
        for spec in PROGRAMS
    ]


def enrol_beneficiaries(programs: list, *, people: int, year: int = YEAR) -> int:
    """Enrol each program's share (scaled to the registry's size) with one INSERT ... SELECT:
    the people of the program's decile range and `leak` per mille of the families above it,
    in the order of a hash of their NIK salted by the program; ENDED_PERCENT of them ended.
    Returns the number of beneficiaries."""
    from django.db import connection

    total = 0
    enrolled_on = dt.date(year, 1, 15)
    for spec, program in zip(PROGRAMS, programs, strict=True):
        wanted = round(spec.share * people / 1_000_000)
        low, high = spec.deciles
        family = spec.unit in ("kk", "rumah")
        # Family programs: one person a family, the wife for PKH (it pays the mother), else the
        # head; the others: any member.
        recipient = "p.relation = 3 DESC, p.relation" if spec.national == "PKH" else "p.relation"
        candidates = (
            f"""
            SELECT DISTINCT ON (p.household_id) p.id, p.household_id, p.nik, h.kk_number
            FROM households_person p JOIN households_household h ON h.id = p.household_id
            WHERE {{eligible}}
            ORDER BY p.household_id, {recipient}, p.nik
            """
            if family
            else """
            SELECT p.id, p.household_id, p.nik, h.kk_number
            FROM households_person p JOIN households_household h ON h.id = p.household_id
            WHERE {eligible}
            """
        )
        eligible = (
            "(h.decile BETWEEN %(low)s AND %(high)s OR (h.decile > %(high)s AND "
            "(hashtext(h.kk_number || %(salt)s) & 2147483647) %% 1000 < %(leak)s))"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO programs_beneficiary
                    (program_id, fiscal_year, person_id, household_at_enrolment_id,
                     kk_at_enrolment, benefit_amount, benefit_kind, status, end_reason,
                     ended_on, end_note, source, enrolled_on)
                SELECT %(program)s, %(year)s, c.id, c.household_id, c.kk_number,
                       %(amount)s, '',
                       CASE WHEN c.ends THEN 'berhenti' ELSE 'aktif' END,
                       CASE WHEN c.ends THEN 'graduasi' ELSE '' END,
                       CASE WHEN c.ends THEN %(ended_on)s::date END,
                       '', 'impor', %(enrolled_on)s
                FROM (
                    SELECT e.*,
                           (hashtext(e.nik || %(salt)s || 'end') & 2147483647) %% 100 < %(ended)s
                           AS ends
                    FROM ({candidates.format(eligible=eligible)}) e
                ) c
                ORDER BY hashtext(c.nik || %(salt)s), c.id
                LIMIT %(wanted)s
                """,
                {
                    "program": program.pk,
                    "year": year,
                    "amount": 600_000 if spec.cluster == 1 else None,
                    "salt": spec.name,
                    "ended": ENDED_PERCENT,
                    "ended_on": dt.date(year, 6, 30),
                    "enrolled_on": enrolled_on,
                    "low": low,
                    "high": high,
                    "leak": spec.leak,
                    "wanted": wanted,
                },
            )
            total += cursor.rowcount
    return total


def analyze() -> None:
    """Statistics for the planner after the bulk load (performance.md)."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in (
            "tkpk_region",
            "households_household",
            "households_person",
            "programs_program",
            "programs_beneficiary",
            "programs_allowedoverlap",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")
