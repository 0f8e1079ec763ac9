"""The synthetic families of the demo and the benchmarks (issue 8): what a validator would
accept. They had children born before the head, heads born in 2020, wives aged 8, and every
NIK serial 0001, so that the masked NIKs of a family all looked alike."""

import datetime as dt
from collections import defaultdict

from households.identity import check_nik
from households.synthetic import HEADER, REFERENCE_DATE, generate_rows

COLUMN = {name: i for i, name in enumerate(HEADER)}


def born_on(row) -> dt.date:
    day, month, year = map(int, row[COLUMN["tanggal_lahir"]].split("-"))
    return dt.date(year, month, day)


def families(rows):
    by_kk = defaultdict(list)
    for row in rows:
        born = born_on(row)
        by_kk[row[COLUMN["nomor_kk"]]].append((int(row[COLUMN["hubungan_keluarga"]]), born, row))
    return by_kk


def age(born):
    return (REFERENCE_DATE - born).days / 365.25


def test_every_family_has_plausible_ages():
    rows = list(generate_rows(people=5000, bad_ratio=0))
    for kk, members in families(rows).items():
        heads = [born for relation, born, _ in members if relation == 1]
        assert len(heads) == 1, kk
        head = heads[0]
        assert 17 <= age(head) <= 80, kk
        for relation, born, _row in members:
            assert born < REFERENCE_DATE, kk
            if relation == 3:
                assert age(born) >= 16 and abs(age(born) - age(head)) <= 12, kk
            if relation in (4, 6):
                assert age(head) - age(born) >= 15, kk
            if relation == 7:
                assert age(born) - age(head) >= 15, kk


def test_niks_are_valid_unique_and_their_serials_vary():
    rows = list(generate_rows(people=5000, bad_ratio=0))
    niks = [row[COLUMN["nomor_nik"]] for row in rows]
    assert len(set(niks)) == len(niks)
    for row in rows[:500]:
        born = born_on(row)
        result = check_nik(
            row[COLUMN["nomor_nik"]], birth_date=born, sex=row[COLUMN["jenis_kelamin"]]
        )
        assert result.valid and set(result.warnings) <= {"placeholder_birth_date"}
    serials = [nik[-4:] for nik in niks]
    assert serials.count("0001") < len(serials) / 100
    alike = [
        members
        for members in families(rows).values()
        if len(members) > 1 and len({row[COLUMN["nomor_nik"]][-2:] for *_, row in members}) == 1
    ]
    assert len(alike) < len(families(rows)) / 20
