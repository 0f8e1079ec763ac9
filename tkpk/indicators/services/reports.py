"""The TKPK's annual implementation report (LP2KD, Laporan Pelaksanaan Penanggulangan
Kemiskinan Daerah) of one year, as XLSX or PDF: the region's poverty profile over time against
its province and Indonesia, the RPJMD targets and their status, budget by cluster and agency,
reach and coverage, the coordination meetings and follow-ups, and the secretariat's
recommendations.

Its figures are the dashboard's: `annual_report_data` builds the very tables of
tkpk.indicators.selectors from the newest rollup, for the home region and the report's year.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.selectors import Letterhead, document_letterhead
from tkpk.audit import audit_record
from tkpk.choices import AuditAction
from tkpk.jobs import job_start
from tkpk.spreadsheets import formula_safe

from ..models import Indicator, IndicatorStatusSnapshot, Rollup
from ..selectors import dashboard, home_region, latest_rollup, recommendation_list, series_table
from ..tables import FIGURE, INT, PERCENT, RUPIAH, Table

REPORT_KIND = "indicators.annual_report"
FORMATS = ("xlsx", "pdf")
#: The order of the dashboard's tables in the report, after the poverty profile.
SECTIONS = (
    "targets",
    "areas",
    "budget_clusters",
    "budget_agencies",
    "reach",
    "coverage",
    "meetings",
    "followups",
)


@dataclass
class ReportData:
    """What the report shows."""

    year: int
    rollup: Rollup
    region_name: str
    letterhead: Letterhead
    title: str
    profile: list[Table] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    recommendations: list = field(default_factory=list)
    printed_at: object = None


def annual_report_data(*, user, year: int) -> ReportData:
    """The report's tables from the newest rollup: the same selectors as the dashboard, for
    the home region and `year` (user None: everything, for the command line)."""
    rollup = latest_rollup()
    home = home_region()
    if rollup is None or home is None:
        raise ValidationError(
            _("There are no computed figures yet: run the rollup first (it runs every night).")
        )
    board = dashboard(user=user, year=year, area=home, indicator=None)
    with_actuals = (
        IndicatorStatusSnapshot.objects.filter(rollup=rollup, region=home, actual__isnull=False)
        .order_by()
        .values_list("indicator_id", flat=True)
        .distinct()
    )
    profile = []
    for indicator in Indicator.objects.filter(pk__in=with_actuals).order_by("order", "code"):
        table = series_table(rollup=rollup, area=home, indicator=indicator, year=year)
        table.rows = [row for row in table.rows if int(row["year"]) <= year]
        profile.append(table)
    return ReportData(
        year=year,
        rollup=rollup,
        region_name=home.name,
        letterhead=document_letterhead(),
        title=_("Regional poverty reduction implementation report (LP2KD) %(year)s")
        % {"year": year},
        profile=profile,
        tables=[board.table(key) for key in SECTIONS if board.table(key) is not None],
        recommendations=list(recommendation_list(user=user, year=year).order_by("order", "id")),
        printed_at=timezone.localtime(),
    )


NUMBER_FORMATS = {INT: "#,##0", RUPIAH: "#,##0", PERCENT: "0.0", FIGURE: "0.00"}


def _xlsx(data: ReportData) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Summary")[:31]
    bold = Font(bold=True)
    for line in (data.letterhead.government, data.letterhead.office, data.letterhead.address):
        if line:
            sheet.append([formula_safe(line)])
    sheet.append([formula_safe(data.title)])
    sheet.append([_("Region"), formula_safe(data.region_name)])
    sheet.append(
        [_("Figures computed at"), timezone.localtime(data.rollup.computed_at).replace(tzinfo=None)]
    )
    sheet.append([])
    sheet.append([_("Recommendations")])
    sheet.cell(row=sheet.max_row, column=1).font = bold
    for number, item in enumerate(data.recommendations, start=1):
        sheet.append([number, formula_safe(item.title), formula_safe(item.text)])
    used = {sheet.title}
    for table in [*data.profile, *data.tables]:
        write_table_sheet(workbook, table, used=used)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def write_table_sheet(workbook, table: Table, *, used: set[str] | None = None, filters: str = ""):
    """One table as a sheet: its title, when computed, the headings, the rows and the total.
    Figures are numbers (with a number format), text passes formula_safe."""
    from openpyxl.styles import Font

    used = used if used is not None else set()
    base = "".join(c for c in table.title if c not in "[]:*?/\\")[:28].strip() or table.key
    name, n = base, 2
    while name in used:
        name, n = f"{base[:26]} {n}", n + 1
    used.add(name)
    sheet = workbook.create_sheet(name)
    bold = Font(bold=True)
    sheet.append([formula_safe(table.title)])
    sheet.cell(row=1, column=1).font = bold
    if table.computed_at:
        sheet.append([_("Computed at"), timezone.localtime(table.computed_at).replace(tzinfo=None)])
    if filters:
        sheet.append([formula_safe(filters)])
    if table.note:
        sheet.append([formula_safe(table.note)])
    sheet.append([])
    sheet.append([formula_safe(column.label) for column in table.columns])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for cells in table.body + table.foot:
        sheet.append(
            [
                cell.number
                if cell.number is not None
                else formula_safe(cell.text if cell.value not in (None, "") else "")
                for cell in cells
            ]
        )
        for position, cell in enumerate(cells, start=1):
            if cell.number is not None and cell.column.kind in NUMBER_FORMATS:
                places = cell.column.decimals
                fmt = NUMBER_FORMATS[cell.column.kind]
                if cell.column.kind == FIGURE:
                    fmt = "0" + ("." + "0" * places if places else "")
                sheet.cell(row=sheet.max_row, column=position).number_format = fmt
    for cell in sheet[sheet.max_row] if table.footer else []:
        cell.font = bold
    return sheet


def _pdf(data: ReportData) -> bytes:
    from xhtml2pdf import pisa

    html = render_to_string("indicators/annual_report_pdf.html", {"report": data})
    output = io.BytesIO()
    if pisa.CreatePDF(html, dest=output, encoding="utf-8").err:
        raise ValidationError(_("The PDF could not be made."))
    return output.getvalue()


def annual_report_build(
    *, user, year: int, file_format: str, progress=None
) -> tuple[bytes, str, ReportData]:
    """The report as (content, file name, its data). `progress(done, total, message)` is told
    of each step. Audits the export (actor: the user, or none from the command line)."""
    if file_format not in FORMATS:
        raise ValidationError(_("The report is made as XLSX or PDF."))
    steps = 3
    if progress:
        progress(0, steps, _("Reading the figures"))
    data = annual_report_data(user=user, year=year)
    if progress:
        progress(1, steps, _("Laying out the report"))
    content = _xlsx(data) if file_format == "xlsx" else _pdf(data)
    if progress:
        progress(2, steps, _("Writing the file"))
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        summary=_("Made the annual report %(year)s as %(format)s.")
        % {"year": year, "format": file_format.upper()},
        changes={"year": year, "format": file_format, "rollup": data.rollup.pk},
    )
    return content, f"lp2kd-{year}.{file_format}", data


def annual_report_start(*, user, year: int, file_format: str):
    """Make the report in the background; its job page shows the progress and the file."""
    if file_format not in FORMATS:
        raise ValidationError(_("The report is made as XLSX or PDF."))
    return job_start(kind=REPORT_KIND, user=user, params={"year": year, "format": file_format})
