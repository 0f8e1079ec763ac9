"""Export of a program's filtered beneficiary list to CSV or XLSX: masked for the role as the
page is (households.privacy), formulas escaped, audited; capped for the roles that do not see
full NIKs as the household export is (OPERATOR_EXPORT_MAX_ROWS), and written by a background
job above HOUSEHOLD_EXPORT_INLINE_ROWS."""

from __future__ import annotations

import csv
import io
import tempfile

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.utils import timezone
from django.utils.translation import gettext as _

from households.exporting import ExportTooLarge, export_limit
from households.privacy import sees_full_identity
from tkpk.audit import audit_record
from tkpk.choices import AuditAction
from tkpk.downloads import Download
from tkpk.jobs import job_start
from tkpk.models import Job
from tkpk.spreadsheets import formula_safe

from ..models import Program
from ..selectors.beneficiaries import beneficiary_list, beneficiary_rows

FORMATS = ("xlsx", "csv")
EXPORT_KIND = "programs.beneficiary_export"
#: Rows read from the database at a time.
CHUNK = 2000


def _headers() -> list[str]:
    return [
        _("Recipient"),
        _("NIK"),
        _("No. KK at enrolment"),
        _("No. KK now"),
        _("District"),
        _("Village"),
        _("Decile"),
        _("Benefit (Rp)"),
        _("Benefit in kind"),
        _("Group"),
        _("Status"),
        _("Reason for ending"),
        _("Ended on"),
        _("Enrolled on"),
    ]


def _cells(row: dict) -> list:
    beneficiary = row["beneficiary"]
    village = row["village"]
    return [
        row["name"],
        row["nik"],
        row["kk_at_enrolment"],
        row["kk_now"],
        village.parent.name if village and village.parent else "",
        village.name if village else "",
        row["decile"] if row["decile"] is not None else "",
        beneficiary.benefit_amount if beneficiary.benefit_amount is not None else "",
        beneficiary.benefit_kind,
        beneficiary.group.name if beneficiary.group else "",
        beneficiary.get_status_display(),
        beneficiary.get_end_reason_display() if beneficiary.end_reason else "",
        beneficiary.ended_on.strftime("%d/%m/%Y") if beneficiary.ended_on else "",
        beneficiary.enrolled_on.strftime("%d/%m/%Y"),
    ]


def _queryset(*, user, program: Program, filters: dict):
    filterset = beneficiary_list(user=user, program=program, filters=filters)
    if not filterset.is_valid():
        raise ValidationError(_("The filters are not valid."))
    return filterset.qs


def beneficiary_export(
    *, user, program: Program, filters: dict, file_format: str, request=None
) -> Job | Download:
    """Export the filtered beneficiaries of a program: a list of up to
    HOUSEHOLD_EXPORT_INLINE_ROWS rows now (a Download), a bigger one by a background job. More
    rows than the role may export is refused with a ValidationError saying how to narrow it."""
    if file_format not in FORMATS:
        raise ValueError(file_format)
    if not Program.objects.for_user(user).filter(pk=program.pk).exists():
        raise PermissionDenied
    rows = _queryset(user=user, program=program, filters=filters)
    limit = export_limit(user)
    if limit is not None and rows[limit : limit + 1].exists():
        raise ValidationError(ExportTooLarge(limit).message)
    inline = settings.HOUSEHOLD_EXPORT_INLINE_ROWS
    if rows[inline : inline + 1].exists():
        return job_start(
            kind=EXPORT_KIND,
            user=user,
            params={"program_id": program.pk, "filters": filters, "format": file_format},
        )
    name, file, _count = beneficiaries_write(
        user=user, program=program, filters=filters, file_format=file_format, request=request
    )
    return Download(handle=file, name=name)


def beneficiaries_write(
    *, user, program: Program, filters: dict, file_format: str, request=None, progress=None
) -> tuple[str, File, int]:
    """Write the filtered beneficiaries; returns (file name, file, rows). Audited.
    `progress(done, total)` hears the total first, then every CHUNK rows."""
    if file_format not in FORMATS:
        raise ValueError(file_format)
    queryset = _queryset(user=user, program=program, filters=filters)
    limit = export_limit(user)
    if limit is not None and queryset[limit : limit + 1].exists():
        raise ExportTooLarge(limit)
    total = queryset.count() if progress else None
    if progress:
        progress(0, total)

    def lines():
        batch = []
        for done, beneficiary in enumerate(queryset.iterator(chunk_size=CHUNK), start=1):
            batch.append(beneficiary)
            if len(batch) == CHUNK:
                yield from beneficiary_rows(user=user, beneficiaries=batch)
                batch = []
                if progress:
                    progress(done, total)
        yield from beneficiary_rows(user=user, beneficiaries=batch)

    spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024, mode="w+b")
    if file_format == "csv":
        count = _write_csv(spool, lines())
    else:
        count = _write_xlsx(spool, lines(), title=str(program))
    spool.seek(0)
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        obj=program,
        request=request,
        summary=_("Export of the beneficiaries of %(program)s: %(n)s rows (%(format)s).")
        % {"program": program, "n": count, "format": file_format.upper()},
        changes={
            "filters": {k: v for k, v in filters.items() if v},
            "rows": count,
            "masked": not sees_full_identity(user),
        },
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"penerima-{program.pk}-{stamp}.{file_format}", File(spool), count


def _write_csv(spool, lines) -> int:
    text = io.TextIOWrapper(spool, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow([formula_safe(h) for h in _headers()])
    count = 0
    for row in lines:
        writer.writerow([formula_safe(value) for value in _cells(row)])
        count += 1
    text.flush()
    text.detach()
    return count


def _write_xlsx(spool, lines, *, title: str) -> int:
    """One sheet, streamed: a title line, the bold frozen header with an autofilter, then a row
    a beneficiary. Text is formula-escaped; NIKs and No. KKs stay text, amounts are numbers."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("penerima")
    headers = _headers()
    for column, width in enumerate([28, 20, 20, 20, 18, 20, 7, 14, 20, 18, 10, 18, 11, 11], 1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A3"

    def bold(value, **font):
        cell = WriteOnlyCell(sheet, value=formula_safe(value))
        cell.font = Font(bold=True, **font)
        return cell

    sheet.append([bold(title, size=14)])
    sheet.append([bold(header) for header in headers])
    count = 0
    for row in lines:
        sheet.append(
            [
                value
                if isinstance(value, int) and not isinstance(value, bool)
                else formula_safe(value)
                for value in _cells(row)
            ]
        )
        count += 1
    sheet.auto_filter.ref = f"A2:{get_column_letter(len(headers))}{count + 2}"
    workbook.save(spool)
    return count
