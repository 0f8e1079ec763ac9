"""The budget summary as an XLSX file (programs.selectors.budget), audited as an export.

Three sheets, one a table: per cluster, per agency and per program; each with a title, the
year and the filters in words, the date of export, and a bold header row. Rupiah are number
cells with a thousands format (so that the file sums and sorts), shares are percent cells, text
is formula-escaped (tkpk.spreadsheets.formula_safe), and an undefined cost per beneficiary (no
beneficiaries, a target of 0) reads "—" as on the page.
"""

from __future__ import annotations

import tempfile

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tkpk.audit import audit_record
from tkpk.choices import AuditAction
from tkpk.downloads import Download
from tkpk.spreadsheets import formula_safe

from ..selectors.budget import BudgetSummary, Figures, budget_summary

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RUPIAH_FORMAT = "#,##0"
SHARE_FORMAT = "0.0%"
NONE = "—"


def budget_title(summary: BudgetSummary) -> str:
    return _("Budget of the poverty-reduction programs, fiscal year %(year)s") % {
        "year": summary.year
    }


def budget_scope(summary: BudgetSummary) -> str:
    """The filters in words: which cluster and which agency the figures cover."""
    cluster = str(summary.cluster.name) if summary.cluster else _("all clusters")
    agency = summary.agency or summary.scoped_to
    return _("Cluster: %(cluster)s; agency: %(agency)s") % {
        "cluster": cluster,
        "agency": agency.name if agency else _("all agencies"),
    }


def _figure_headers() -> list[str]:
    return [
        _("Budget ceiling (pagu, Rp)"),
        _("Quarter I (Rp)"),
        _("Quarter II (Rp)"),
        _("Quarter III (Rp)"),
        _("Quarter IV (Rp)"),
        _("Realization reported (Rp)"),
        _("Reported, share of pagu"),
        _("Realization verified (Rp)"),
        _("Verified, share of pagu"),
    ]


def group_headers(first: str) -> list[str]:
    """The header of the sheets per cluster and per agency."""
    return [first, _("Programs"), *_figure_headers()]


def program_headers() -> list[str]:
    return [
        _("Program"),
        _("Agency"),
        _("Cluster"),
        _("National program"),
        *_figure_headers(),
        _("Active beneficiaries"),
        _("Target"),
        _("Target unit"),
        _("Realization per beneficiary (Rp)"),
        _("Pagu per target unit (Rp)"),
    ]


def budget_export(
    *, user, year: int | None = None, cluster=None, agency=None, request=None
) -> Download:
    """The budget summary of the year, as the user may see it (budget_summary), as an XLSX file
    written now (a few dozen rows a program list: never a background job). Audited as an
    export, with the filters."""
    summary = budget_summary(user=user, year=year, cluster=cluster, agency=agency)
    spool = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)
    _write_xlsx(spool, summary)
    spool.seek(0)
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        summary=_("Budget summary %(year)s exported (XLSX): %(n)s programs.")
        % {"year": summary.year, "n": len(summary.programs)},
        changes={
            "fiscal_year": summary.year,
            "cluster": summary.cluster.number if summary.cluster else None,
            "agency": str(summary.agency) if summary.agency else None,
            "programs": len(summary.programs),
            "format": "xlsx",
        },
        request=request,
    )
    return Download(
        handle=spool, name=f"anggaran-program-{summary.year}.xlsx", content_type=XLSX_TYPE
    )


def _write_xlsx(spool, summary: BudgetSummary) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    exported = _("Exported on %(date)s") % {"date": date_format(timezone.localtime(), "j F Y H:i")}
    heading = [budget_title(summary), budget_scope(summary), exported]

    def sheet_with(name: str, header: list[str], widths: list[int]):
        sheet = workbook.create_sheet(formula_safe(name)[:31])
        # Widths and panes must be set before the first row is written.
        for column, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        sheet.freeze_panes = f"A{len(heading) + 2}"
        for number, line in enumerate(heading):
            font = Font(bold=True, size=14) if number == 0 else Font(italic=True)
            sheet.append([styled(sheet, formula_safe(line), font=font)])
        sheet.append([styled(sheet, formula_safe(name), font=Font(bold=True)) for name in header])
        return sheet

    def styled(sheet, value, **style):
        cell = WriteOnlyCell(sheet, value=value)
        for name, setting in style.items():
            setattr(cell, name, setting)
        return cell

    def figures(sheet, row: Figures, *, bold: bool = False) -> list:
        font = Font(bold=True) if bold else None

        def money(value):
            cell = styled(sheet, value, number_format=RUPIAH_FORMAT)
            if font:
                cell.font = font
            return cell

        def share(value):
            if value is None:
                return NONE
            return styled(sheet, value / 100, number_format=SHARE_FORMAT)

        return [
            money(row.budget),
            *(money(value) for value in row.quarters),
            money(row.reported),
            share(row.reported_share),
            money(row.verified),
            share(row.verified_share),
        ]

    figure_widths = [18, 15, 15, 15, 15, 18, 11, 18, 11]
    for title, groups, label in (
        (_("Per cluster"), summary.clusters, _("Cluster")),
        (_("Per agency"), summary.agencies, _("Agency")),
    ):
        sheet = sheet_with(title, group_headers(label), [40, 10, *figure_widths])
        for group in groups:
            sheet.append([formula_safe(group.label), group.programs, *figures(sheet, group)])
        total = summary.total
        sheet.append(
            [
                styled(sheet, _("Total"), font=Font(bold=True)),
                total.programs,
                *figures(sheet, total, bold=True),
            ]
        )

    sheet = sheet_with(
        _("Per program"), program_headers(), [40, 14, 12, 12, *figure_widths, 12, 10, 18, 18, 18]
    )
    for row in summary.programs:
        program = row.program
        national = program.national_program.code if program.national_program else ""

        def money_or_none(value):
            if value is None:
                return NONE
            return styled(sheet, value, number_format=RUPIAH_FORMAT)

        sheet.append(
            [
                formula_safe(program.name),
                formula_safe(program.agency.short_name),
                formula_safe(program.cluster.short_name),
                formula_safe(national),
                *figures(sheet, row),
                row.active_beneficiaries,
                program.target_quantity,
                formula_safe(program.get_target_unit_display()),
                money_or_none(row.cost_per_beneficiary),
                money_or_none(row.budget_per_target),
            ]
        )
    workbook.save(spool)
