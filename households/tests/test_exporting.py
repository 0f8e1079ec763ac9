"""The export of the household list: the layout for people (a title, the filters and the date of
export above a header in the user's language, labels, widths, dates as dates), the import layout
(today's file, unchanged), what an operator's export keeps back in both, and the job's progress.

Service messages are in English here (households/tests/conftest.py); one test reads the file in
Indonesian with the translations the catalogue already has."""

import csv
import datetime as dt
import io

import pytest
from django.conf import settings
from django.utils import timezone, translation
from openpyxl import load_workbook

from households.exporting import export_households, household_export
from households.job_handlers import export_list
from households.privacy import kk_shown
from households.tests.factories import HouseholdFactory, PersonFactory
from tkpk.choices import JobStatus
from tkpk.models import AuditEvent, Job

pytestmark = pytest.mark.django_db

KK = "6308010101200001"
HEAD_NIK = "6308010203850001"  # man, born 2 March 1985
WIFE_NIK = "6308014504870002"  # woman, born 5 April 1987
# 10:15 in Asia/Jakarta (UTC+7), the settings' time zone.
EXPORTED_AT = dt.datetime(2026, 12, 7, 3, 15, tzinfo=dt.UTC)

PEOPLE_HEADERS = [
    "No. KK",
    "NIK",
    "Name",
    "Family relation",
    "SHDK code",
    "Sex",
    "Date of birth",
    "Place of birth",
    "Mother's name",
    "Member status",
    "District",
    "Village",
    "Village code",
    "Address",
    "Dusun",
    "RT",
    "RW",
    "Decile",
    "Family status",
    "Data source",
    "DTKS ID",
]


@pytest.fixture
def family(hsu):
    """A head of family and his wife, each with a birth date, a birthplace and a mother."""
    household = HouseholdFactory(kk_number=KK, source_id="DTKS-0001", dusun="Dusun 1", decile=1)
    for nik, name, sex, relation, born, place, mother in [
        (HEAD_NIK, "Budi Contoh", "L", 1, dt.date(1985, 3, 2), "Amuntai", "Ibu Rahasia"),
        (WIFE_NIK, "Siti Contoh", "P", 3, dt.date(1987, 4, 5), "Alabio", "Ibu Siti"),
    ]:
        PersonFactory(
            household=household,
            nik=nik,
            name=name,
            sex=sex,
            relation=relation,
            birth_date=born,
            birth_place=place,
            mother_name=mother,
        )
    return household


@pytest.fixture
def exported_at(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: EXPORTED_AT)
    return EXPORTED_AT


def export(user, *, file_format="xlsx", layout="people", filters=None):
    name, file, rows = export_households(
        user=user, filters=filters or {}, file_format=file_format, layout=layout
    )
    return name, file.read(), rows


def sheet_of(content: bytes):
    return load_workbook(io.BytesIO(content))["keluarga"]


def values_of(content: bytes) -> list[tuple]:
    """The rows of the sheet, without the empty cells that openpyxl pads them with."""
    rows = []
    for row in sheet_of(content).iter_rows(values_only=True):
        row = list(row)
        while row and row[-1] is None:
            row.pop()
        rows.append(tuple(row))
    return rows


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_readable_xlsx_opens_with_a_title_the_filters_in_words_and_the_export_date(
    cast, family, exported_at
):
    district = family.village.parent
    filters = {"kecamatan": str(district.pk), "decile": "1", "source": "dtks", "q": "budi"}
    name, content, rows = export(cast.secretariat, filters=filters)
    title, described, stamp, header, *people = values_of(content)
    assert title == (f"List of families and members — {settings.SITE_NAME}",)
    assert described == (
        f"Filters: Search text: “budi”; District: {district.name}; Decile: 1; "
        "Source: DTKS (Kemensos)",
    )
    assert stamp == ("Exported 7 December 2026 10:15 by sekretariat",)
    assert list(header) == PEOPLE_HEADERS
    assert rows == len(people) == 2
    assert name == "keluarga-20261207-1015.xlsx"
    event = AuditEvent.objects.get(action="export", actor=cast.secretariat)
    assert event.changes["layout"] == "people" and event.changes["rows"] == 2


def test_an_export_without_filters_says_it_holds_all_families(cast, family):
    assert values_of(export(cast.secretariat)[1])[1] == ("All families",)


def test_the_readable_xlsx_header_is_bold_frozen_filtered_and_the_columns_have_widths(cast, family):
    sheet = sheet_of(export(cast.secretariat)[1])
    assert sheet.freeze_panes == "A5"
    assert sheet.auto_filter.ref == "A4:U6"
    assert all(cell.font.bold for cell in sheet[4])
    assert sheet["A1"].font.bold and sheet["A1"].font.size == 14
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCGN"}
    assert widths == {"A": 19, "B": 19, "C": 28, "G": 13, "N": 32}


def test_the_readable_xlsx_writes_labels_the_shdk_code_dates_as_dates_and_niks_as_text(
    cast, family
):
    sheet = sheet_of(export(cast.secretariat)[1])
    header = [cell.value for cell in sheet[4]]
    head, wife = (
        {name: cell for name, cell in zip(header, row, strict=True)} for row in sheet.iter_rows(5)
    )
    assert (head["Family relation"].value, head["SHDK code"].value) == ("Head of family", 1)
    assert (wife["Family relation"].value, wife["SHDK code"].value) == ("Wife", 3)
    assert (head["Sex"].value, wife["Sex"].value) == ("Male", "Female")
    assert (wife["Member status"].value, wife["Family status"].value) == ("Alive", "Active")
    assert wife["Data source"].value == "DTKS (Kemensos)"
    assert wife["Date of birth"].value.date() == dt.date(1987, 4, 5)
    assert wife["Date of birth"].is_date and wife["Date of birth"].number_format == "DD/MM/YYYY"
    for cell in (wife["NIK"], wife["No. KK"]):
        assert cell.data_type == "s"
    assert (wife["NIK"].value, wife["No. KK"].value) == (WIFE_NIK, KK)
    assert wife["Decile"].value == 1 and wife["DTKS ID"].value == "DTKS-0001"
    assert wife["Village code"].value == family.village.code


def test_the_readable_export_reads_in_indonesian(cast, family, exported_at):
    with translation.override("id"):
        content = export(cast.secretariat)[1]
    _title, _filters, stamp, header, head, wife = values_of(content)
    assert "7 Desember 2026 10:15" in stamp[0]
    for name in ("Nama", "Jenis kelamin", "Tanggal lahir", "Nama ibu kandung", "Desa/Kelurahan"):
        assert name in header
    assert {"Kepala Keluarga", "Laki-laki"} <= set(head)
    assert "Perempuan" in wife


def test_the_readable_csv_is_a_plain_table_with_headers_and_labels(cast, family):
    header, head, wife = csv_rows(export(cast.secretariat, file_format="csv")[1])
    assert header == PEOPLE_HEADERS
    wife = dict(zip(header, wife, strict=True))
    assert (wife["Family relation"], wife["SHDK code"], wife["Sex"]) == ("Wife", "3", "Female")
    assert (wife["NIK"], wife["Date of birth"]) == (WIFE_NIK, "05/04/1987")
    assert dict(zip(header, head, strict=True))["Mother's name"] == "Ibu Rahasia"


def todays_row(family) -> dict:
    """The wife's row of the import layout, column by column, in today's order."""
    return {
        "iddtks": "DTKS-0001",
        "kecamatan": family.village.parent.name,
        "kode_desa": family.village.code,
        "desa_kelurahan": family.village.name,
        "alamat": family.address,
        "dusun": "Dusun 1",
        "rt": "001",
        "rw": "002",
        "nomor_kk": KK,
        "nomor_nik": WIFE_NIK,
        "nama": "Siti Contoh",
        "tanggal_lahir": "1987-04-05",
        "tempat_lahir": "Alabio",
        "jenis_kelamin": "P",
        "nama_ibu_kandung": "Ibu Siti",
        "hubungan_keluarga": "3",
        "desil": "1",
    }


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_import_layout_is_todays_file(cast, family, file_format):
    name, content, _rows = export(cast.secretariat, file_format=file_format, layout="import")
    if file_format == "csv":
        header, *people = csv_rows(content)
    else:
        header, *people = values_of(content)
    expected = todays_row(family)
    assert list(header) == list(expected)
    assert dict(zip(header, people[1], strict=True)) == expected
    assert name.startswith("keluarga-impor-")


def every_text(content: bytes, file_format: str) -> tuple[str, list]:
    """The whole file as text, and its cells (to look for date cells)."""
    if file_format == "csv":
        return content.decode("utf-8-sig"), []
    cells = [value for row in values_of(content) for value in row if value is not None]
    return "\n".join(str(value) for value in cells), cells


@pytest.mark.parametrize("layout", ["people", "import"])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_operators_export_holds_no_full_number_birth_date_or_mothers_name(
    cast, family, layout, file_format
):
    _name, content, rows = export(cast.officer_a, file_format=file_format, layout=layout)
    text, cells = every_text(content, file_format)
    assert rows == 2
    for secret in (HEAD_NIK, WIFE_NIK, KK, "Ibu Rahasia", "Ibu Siti"):
        assert secret not in text
    assert text.count("6308************") == 2
    assert kk_shown(KK, full_identity=False) in text
    for born in (dt.date(1985, 3, 2), dt.date(1987, 4, 5)):
        for spelling in (born.isoformat(), born.strftime("%d/%m/%Y"), born.strftime("%d-%m-%Y")):
            assert spelling not in text
    assert not any(isinstance(value, dt.date) for value in cells)
    assert ("Age" if layout == "people" else "umur") in text
    for withheld in ("Date of birth", "Mother's name", "tanggal_lahir", "nama_ibu_kandung"):
        assert withheld not in text
    event = AuditEvent.objects.get(action="export", actor=cast.officer_a)
    assert event.changes["masked"] is True and event.changes["layout"] == layout


def test_a_formula_looking_value_is_escaped_in_the_readable_xlsx(cast, family):
    family.members.filter(nik=WIFE_NIK).update(
        name='=HYPERLINK("http://x.example","klik")', birth_place="+62 Amuntai"
    )
    rows = values_of(export(cast.secretariat, filters={"q": "=HYPER"})[1])
    wife = dict(zip(rows[3], rows[5], strict=True))
    assert wife["Name"] == '\'=HYPERLINK("http://x.example","klik")'
    assert wife["Place of birth"] == "'+62 Amuntai"
    assert rows[1] == ("Filters: Search text: “=HYPER”",)
    assert not any(
        str(value).startswith(("=", "+", "-", "@")) for row in rows for value in row if value
    )


def running_export(user, **params) -> Job:
    """An export job as the worker hands it to its handler."""
    return Job.objects.create(
        kind="households.export", created_by=user, status=JobStatus.RUNNING, params=params
    )


def test_the_export_job_reports_the_people_to_export_as_its_total(cast, family, monkeypatch):
    monkeypatch.setattr("households.exporting.PROGRESS_EVERY", 1)
    seen = []
    monkeypatch.setattr(
        "households.job_handlers.job_progress",
        lambda job, done, total=None: seen.append((done, total)),
    )
    outcome = export_list(running_export(cast.secretariat, format="xlsx", layout="people"))
    assert seen == [(0, 2), (1, 2), (2, 2)]
    assert outcome.counts == {"rows": 2}


# Progress goes through the second connection ("jobs"), which sees committed rows only.
@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "jobs"])
def test_the_export_job_records_its_total_on_the_job(cast, family):
    job = running_export(cast.secretariat, format="csv", layout="import")
    outcome = export_list(job)
    job.refresh_from_db()
    assert (job.progress_done, job.progress_total) == (0, 2)
    assert csv_rows(outcome.result_file.read())[0] == list(todays_row(family))


def test_a_big_export_job_keeps_the_layout_asked_for(
    cast, family, settings, django_capture_on_commit_callbacks
):
    settings.HOUSEHOLD_EXPORT_INLINE_ROWS = 1
    with django_capture_on_commit_callbacks(execute=False):
        job = household_export(
            user=cast.secretariat, filters={}, file_format="csv", layout="import"
        )
    assert job.params == {"filters": {}, "format": "csv", "layout": "import"}


def test_an_unknown_layout_is_refused_before_a_job_starts(cast, family, settings):
    settings.HOUSEHOLD_EXPORT_INLINE_ROWS = 1
    with pytest.raises(ValueError, match="pretty"):
        household_export(user=cast.secretariat, filters={}, file_format="csv", layout="pretty")
    with pytest.raises(ValueError, match="pretty"):
        export(cast.secretariat, layout="pretty")
    assert not Job.objects.exists()
    assert not AuditEvent.objects.filter(action="export").exists()
