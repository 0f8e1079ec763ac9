"""Import of BPS and RPJMD tables (tkpk.indicators.importing) and `manage.py
indicators_import`: every bad cell by row and column, nothing stored from a file with errors,
decimal commas, RPJMD periods for the target years no period covers."""

import io
from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command

from tkpk.choices import AuditAction, JobStatus
from tkpk.indicators.choices import ObservationSource, Status
from tkpk.indicators.importing import (
    ImportRefused,
    column_letter,
    import_apply,
    import_check,
    region_code,
)
from tkpk.indicators.models import Observation, RpjmdPeriod, Target
from tkpk.indicators.rollup import status_series
from tkpk.models import AuditEvent, Job, Region
from tkpk.services import regions_load

from .factories import PeriodFactory, indicator

pytestmark = pytest.mark.django_db

HSU_TABLE = """kode_wilayah;nama_wilayah;indikator;jenis;2019;2020;2021;2022;2023;2024;2025;2026
63.08;Hulu Sungai Utara;P0;realisasi;6,50;6,14;6,58;-;;;;
6308;Hulu Sungai Utara;P0;target;;;6,38;6,34;6,30;6,27;6,23;6,19
63.08;Hulu Sungai Utara;GK;realisasi;412.345;435.210;;;;;;
63;Kalimantan Selatan;P0;realisasi;4,47;4,38;;;;;;
00;Indonesia;P0;realisasi;9,41;9,78;;;;;;
"""


def csv_file(text: str, name="tabel.csv"):
    handle = io.BytesIO(text.encode("utf-8"))
    handle.name = name
    return handle


def run_import(text, **kwargs):
    return import_apply(fileobj=csv_file(text), name="tabel.csv", user=None, **kwargs)


def test_a_bps_table_with_decimal_commas_and_rpjmd_targets_is_imported(
    hsu, django_capture_on_commit_callbacks
):
    events = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        result = run_import(HSU_TABLE, perda_reference="Perda HSU 5/2021")
    home = Region.objects.get(code="63.08")
    p0 = Observation.objects.filter(region=home, indicator=indicator("P0"))
    assert dict(p0.values_list("year", "value")) == {
        2019: D("6.50"),
        2020: D("6.14"),
        2021: D("6.58"),
    }
    assert set(p0.values_list("source", flat=True)) == {ObservationSource.BPS}
    # The poverty line has no decimals: its dots group thousands.
    gk = Observation.objects.get(region=home, indicator=indicator("GK"), year=2019)
    assert gk.value == D("412345")
    assert Observation.objects.get(region__code="63", year=2020).value == D("4.38")
    assert Observation.objects.get(region__isnull=True, year=2020).value == D("9.78")
    period = RpjmdPeriod.objects.get()
    assert (period.region, period.first_year, period.last_year) == (home, 2021, 2026)
    assert period.perda_reference == "Perda HSU 5/2021"
    assert dict(period.targets.values_list("year", "value"))[2026] == D("6.19")
    assert result.plan["observations_new"] == 9
    assert result.plan["targets_new"] == 6
    assert result.plan["periods_new"] == 1
    # Audited one by one, as if entered by hand; a rollup was asked for after the commit.
    assert AuditEvent.objects.count() - events == 9 + 6 + 1
    assert Job.objects.filter(kind="indicators.rollup", status=JobStatus.QUEUED).count() == 1


def test_every_bad_cell_is_reported_by_row_and_column_and_nothing_is_stored(hsu):
    table = """kode_wilayah;indikator;jenis;2020;2021
99.99;P0;realisasi;6,1;6,2
63.08;P9;realisasi;6,1;6,2
63.08;P0;capaian tahunan;6,1;6,2
63.08;P1;realisasi;enam;1,02
63.08;P0;realisasi;150;6,2
00;P0;target;9,0;8,9
63.08;P1;realisasi;1,10;1,05
63.08;GINI;realisasi;0,301;1,2
"""
    events = AuditEvent.objects.count()
    check = import_check(fileobj=csv_file(table), name="tabel.csv")
    cells = {(e.row, e.column) for e in check.errors}
    assert cells == {
        (2, "A"),  # unknown region
        (3, "B"),  # unknown indicator
        (4, "C"),  # kind is neither realisasi nor target
        (5, "D"),  # not a number
        (6, "D"),  # P0 above 100 %
        (7, "C"),  # a target of Indonesia as a whole
        (8, "A"),  # P1 of 63.08 a second time (row 5)
        (9, "E"),  # a Gini ratio above 1
    }
    assert check.error_count == 8 and not check.ok
    by_row = {e.row: e for e in check.errors}
    assert "99.99" in by_row[2].message and by_row[2].heading == "kode_wilayah"
    assert "5" in by_row[8].message  # names the first row with the same key
    with pytest.raises(ImportRefused) as refused:
        run_import(table)
    assert refused.value.check.error_count == 8
    assert not Observation.objects.exists()
    assert not RpjmdPeriod.objects.exists()
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("kode_wilayah;indikator;2020", "jenis"),  # a required column missing
        ("kode_wilayah;indikator;jenis;tahun_2020", "D"),  # an unknown column
        ("kode_wilayah;indikator;jenis;2020;2020", "E"),  # a year twice
    ],
)
def test_a_bad_header_is_reported_on_row_1(hsu, header, column):
    check = import_check(fileobj=csv_file(f"{header}\n63.08;P0;realisasi;6,1;6,1\n"), name="t.csv")
    assert not check.ok
    assert {(e.row, e.column or e.heading) for e in check.errors} >= {(1, column)}


def test_a_file_that_is_not_a_table_is_refused_as_a_whole(hsu):
    pdf = io.BytesIO(b"%PDF-1.4\n" + b"\x00" * 300)
    check = import_check(fileobj=pdf, name="tabel.pdf")
    assert not check.ok and check.errors[0].row == 0


def test_target_years_no_period_covers_get_periods_split_around_an_existing_one(hsu):
    PeriodFactory(first_year=2021, last_year=2025)
    table = "kode_wilayah;indikator;jenis;2019;2020;2023;2026;2027;2028;2030\n"
    table += "63.08;P0;target;6,9;6,8;6,3;6,1;6,0;5,9;5,7\n"
    check = import_check(fileobj=csv_file(table), name="t.csv")
    assert [(r.code, a, b) for r, a, b in check.new_periods] == [
        ("63.08", 2019, 2020),
        ("63.08", 2026, 2030),
    ]
    run_import(table, perda_reference="Perda baru")
    periods = RpjmdPeriod.objects.order_by("first_year")
    assert [(p.first_year, p.last_year) for p in periods] == [
        (2019, 2020),
        (2021, 2025),
        (2026, 2030),
    ]
    assert Target.objects.get(year=2023).period == periods[1]
    assert Target.objects.get(year=2028).period == periods[2]


def test_importing_the_same_table_again_changes_nothing_and_a_changed_cell_is_updated(hsu):
    run_import(HSU_TABLE)
    events = AuditEvent.objects.count()
    again = import_check(fileobj=csv_file(HSU_TABLE), name="t.csv")
    assert again.plan["observations_new"] == again.plan["observations_changed"] == 0
    assert again.plan["observations_unchanged"] == 9
    assert again.plan["targets_unchanged"] == 6 and again.plan["periods_new"] == 0
    run_import(HSU_TABLE)
    assert AuditEvent.objects.count() == events
    run_import(HSU_TABLE.replace("6,58", "6,60"))
    changed = Observation.objects.get(region__code="63.08", indicator__code="P0", year=2021)
    assert changed.value == D("6.60")
    event = AuditEvent.objects.latest("at")
    assert event.action == AuditAction.UPDATE and event.changes["value"] == ["6.5800", "6.60"]


def test_an_xlsx_table_is_read_like_a_csv(hsu):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["kode_wilayah", "indikator", "jenis", 2019, 2020, "2021"])
    sheet.append(["63.08", "P0", "realisasi", 6.5, 6.14, "6,58"])
    sheet.append([6308, "p0", "Target", None, None, 6.38])
    handle = io.BytesIO()
    workbook.save(handle)
    handle.seek(0)
    import_apply(fileobj=handle, name="tabel.xlsx", user=None)
    values = Observation.objects.order_by("year").values_list("year", "value")
    assert list(values) == [(2019, D("6.5")), (2020, D("6.14")), (2021, D("6.58"))]
    assert Target.objects.get().value == D("6.38")


def test_another_regions_bps_table_gets_the_right_status_for_every_year(hsu):
    """Done when: another region's table, imported from a CSV in the published shape, gets the
    right status for every year. Kutai Kartanegara (64.02), by hand: the plan 2022-2026 (created
    by the import), tolerance 10 % of |6,80 − 7,60| = 0,08."""
    regions_load(within="64.02")
    table = """kode_wilayah,indikator,jenis,2019,2020,2021,2022,2023,2024,2025,2026
64.02,P0,realisasi,"7,25","7,31","7,70","7,50","7,55","7,25",,
64.02,P0,target,,,,"7,60","7,40","7,20","7,00","6,80"
"""
    run_import(table)
    kukar = Region.objects.get(code="64.02")
    statuses = {
        item.year: item.status for _region, _indicator, item in status_series(region_ids=[kukar.pk])
    }
    assert statuses == {
        2019: Status.NO_TARGET,
        2020: Status.NO_TARGET,
        2021: Status.NO_TARGET,
        2022: Status.ACHIEVED,  # 7,50 ≤ 7,60
        # 0,15 behind; trend 2019-2023 rises 0,079 a year: 7,857 in 2026 > 6,80.
        2023: Status.OFF_TRACK,
        2024: Status.ON_TRACK,  # 0,05 behind, within 0,08
        2025: Status.NO_DATA,
        2026: Status.NO_DATA,
    }
    out = io.StringIO()
    call_command("indicators_status", region="64.02", indicator="P0", stdout=out)
    import json

    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["status"] for line in lines] == [str(statuses[y]) for y in sorted(statuses)]
    assert lines[4] == {
        "region": "64.02",
        "indicator": "P0",
        "year": 2023,
        "actual": 7.55,
        "target": 7.4,
        "gap": 0.15,
        "status": "off_track",
        "needed_yearly_change": -0.25,  # (6,80 − 7,55) / 3
        "projection": 7.857,
    }


def test_the_command_prints_every_bad_cell_and_stores_nothing(hsu, tmp_path):
    path = tmp_path / "bps.csv"
    path.write_text("kode_wilayah;indikator;jenis;2020\n63.08;P9;realisasi;6,1\n")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("indicators_import", str(path), stderr=err)
    assert "row 2, column B (indikator)" in err.getvalue()
    assert not Observation.objects.exists()
    path.write_text("kode_wilayah;indikator;jenis;2020\n63.08;P0;realisasi;6,14\n")
    out = io.StringIO()
    call_command("indicators_import", str(path), "--source", "local", stdout=out)
    assert Observation.objects.get().source == ObservationSource.LOCAL
    assert "observations_new 1" in out.getvalue()


def test_codes_and_columns_are_read_as_spreadsheets_write_them():
    assert region_code("6308") == "63.08"
    assert region_code(6308.0) == "63.08"
    assert region_code("6308012003") == "63.08.01.2003"
    assert region_code("0") == region_code("0000") == "00"
    assert [column_letter(i) for i in (0, 25, 26, 27, 701)] == ["A", "Z", "AA", "AB", "ZZ"]
