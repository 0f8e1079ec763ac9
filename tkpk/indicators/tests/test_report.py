"""The annual report (LP2KD): its figures are the dashboard's, in XLSX and PDF, as a job with
progress and from the command line."""

import io
from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from tkpk.choices import AuditAction, JobStatus
from tkpk.indicators.models import Indicator
from tkpk.indicators.rollup import rollup_run
from tkpk.indicators.selectors import dashboard
from tkpk.indicators.services.reports import SECTIONS, annual_report_build, annual_report_data
from tkpk.jobs import job_execute
from tkpk.models import AuditEvent, Job, Region

from . import world
from .factories import RecommendationFactory

pytestmark = pytest.mark.django_db
JOBS = pytest.mark.django_db(
    transaction=True, serialized_rollback=True, databases=["default", "jobs"]
)


@pytest.fixture
def built(cast, hsu):
    world.build(cast)
    RecommendationFactory(year=2026, title="Percepat validasi data", order=1)
    RecommendationFactory(year=2025, title="Tahun lalu")
    return rollup_run()


def sheet_rows(workbook, title_start):
    sheet = next(ws for ws in workbook.worksheets if ws["A1"].value.startswith(title_start[:28]))
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_reports_tables_are_the_dashboards(built, cast):
    home = Region.objects.get(code="63.08")
    report = annual_report_data(user=cast.bappeda, year=2026)
    board = dashboard(user=cast.bappeda, year=2026, area=home, indicator=None)
    assert [table.key for table in report.tables] == list(SECTIONS)
    for table in report.tables:
        assert table.rows == board.table(table.key).rows, table.key
        assert table.footer == board.table(table.key).footer, table.key
    assert [r.title for r in report.recommendations] == ["Percepat validasi data"]
    # The poverty profile: every indicator with an actual, up to the report's year, beside the
    # province and Indonesia where they have figures.
    assert [t.title.split(":")[0] for t in report.profile] == ["Persentase penduduk miskin (P0)"]
    p0 = dashboard(
        user=cast.bappeda, year=2026, area=home, indicator=Indicator.objects.get(code="P0")
    )
    assert report.profile[0].rows == p0.table("series").rows
    assert report.profile[0].values("actual")[5] == D("6.58")


def test_the_xlsx_report_holds_the_dashboards_figures(built, cast):
    content, name, data = annual_report_build(user=cast.bappeda, year=2026, file_format="xlsx")
    assert name == "lp2kd-2026.xlsx"
    workbook = load_workbook(io.BytesIO(content))
    home = Region.objects.get(code="63.08")
    board = dashboard(user=cast.bappeda, year=2026, area=home, indicator=None)
    for key in ("budget_clusters", "budget_agencies", "coverage", "followups", "areas"):
        table = board.table(key)
        rows = sheet_rows(workbook, table.title)
        heading = rows.index([column.label for column in table.columns])
        written = rows[heading + 1 : heading + 1 + len(table.rows) + len(table.footer)]
        expected = [
            [cell.number if cell.number is not None else cell.text for cell in cells]
            for cells in table.body + table.foot
        ]
        assert [[_plain(v) for v in row] for row in written] == [
            [_plain(v) for v in row] for row in expected
        ], key
    summary = [row[:2] for row in workbook.worksheets[0].iter_rows(values_only=True)]
    assert [1, "Percepat validasi data"] in [list(r) for r in summary]
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=cast.bappeda).exists()


def _plain(value):
    """A cell as compared: numbers as floats rounded to 4 places, "—" and None alike."""
    if value in (None, "—", ""):
        return None
    if isinstance(value, str):
        return value
    return round(float(value), 4)


def test_the_pdf_report_carries_the_letterhead_and_is_a_pdf(built, cast):
    content, name, data = annual_report_build(user=cast.secretariat, year=2026, file_format="pdf")
    assert content.startswith(b"%PDF") and name == "lp2kd-2026.pdf"
    assert data.letterhead.government.startswith("PEMERINTAH KABUPATEN HULU SUNGAI UTARA")


def test_without_a_rollup_the_report_says_what_to_do(cast, hsu):
    with pytest.raises(Exception) as error:
        annual_report_build(user=cast.bappeda, year=2026, file_format="xlsx")
    assert "jalankan penghitungan" in str(error.value)


@JOBS
def test_bappeda_makes_the_report_as_a_job_with_progress_and_downloads_it(client, cast, hsu):
    world.build(cast)
    rollup_run()
    client.force_login(cast.bappeda)
    response = client.post(
        reverse("indicators:annual_report"), {"year": "2026", "file_format": "xlsx"}
    )
    job = Job.objects.get(kind="indicators.annual_report")
    assert response["Location"] == job.get_absolute_url()
    job_execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert (job.progress_done, job.progress_total) == (3, 3)
    assert job.result_file.name.endswith("lp2kd-2026.xlsx")
    download = client.get(reverse("tkpk:job_result", args=[job.pk]))
    assert download.status_code == 200
    load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    # Another Bappeda officer does not see the file of this one.
    client.force_login(cast.officer_a)
    assert client.get(reverse("tkpk:job_result", args=[job.pk])).status_code == 404


def test_the_command_writes_the_report(built, tmp_path):
    output = tmp_path / "lp2kd.pdf"
    call_command("annual_report", "--year", "2026", "--format", "pdf", "--output", str(output))
    assert output.read_bytes().startswith(b"%PDF")
    with pytest.raises(CommandError):
        call_command("annual_report", "--year", "2026", "--format", "doc", "--output", "x")
