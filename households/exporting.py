"""Streaming export of a filtered household list to CSV or XLSX (formulas escaped), used inline
for small lists and by the export job for big ones. Audited by the caller's service."""

from __future__ import annotations

import csv
import io
import tempfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils import timezone
from django.utils.translation import gettext as _

from tkpk.audit import audit_record
from tkpk.choices import AuditAction
from tkpk.downloads import Download
from tkpk.jobs import job_start
from tkpk.models import Job
from tkpk.spreadsheets import formula_safe

from .models import Person
from .privacy import sees_full_identity
from .resources import PersonExportResource, export_resource_for
from .selectors import household_list

FORMATS = ("csv", "xlsx")


class ExportTooLarge(Exception):
    """A role without full NIKs asked for more people than OPERATOR_EXPORT_MAX_ROWS."""

    def __init__(self, limit: int):
        super().__init__(limit)
        self.limit = limit
        self.message = _(
            "An export by your role may hold at most %(limit)s people. Narrow the filters "
            "(a village, a decile) and export again, or ask the TKPK secretariat."
        ) % {"limit": f"{limit:,}".replace(",", ".")}


def export_limit(user) -> int | None:
    """The most people this user may export at once (None: no limit)."""
    return None if sees_full_identity(user) else settings.OPERATOR_EXPORT_MAX_ROWS


def export_is_within_limit(*, user, households) -> bool:
    """Whether the people of these households fit the user's export limit (reads at most
    limit + 1 rows, never a full count)."""
    limit = export_limit(user)
    if limit is None:
        return True
    return not Person.objects.filter(household__in=households)[limit : limit + 1].exists()


def household_export(*, user, filters: dict, file_format: str, request=None) -> Job | Download:
    """Export the people of the filtered families: a list of up to HOUSEHOLD_EXPORT_INLINE_ROWS
    people is written now (a Download), a bigger one by a background job (the Job). More people
    than the role may export is refused with a ValidationError that says how to narrow it."""
    households = household_list(user=user, filters=filters).qs.values("pk")
    if not export_is_within_limit(user=user, households=households):
        raise ValidationError(ExportTooLarge(export_limit(user)).message)
    limit = settings.HOUSEHOLD_EXPORT_INLINE_ROWS
    if Person.objects.filter(household__in=households)[limit : limit + 1].exists():
        return job_start(
            kind="households.export",
            user=user,
            params={"filters": filters, "format": file_format},
        )
    name, file, _rows = export_households(
        user=user, filters=filters, file_format=file_format, request=request
    )
    return Download(handle=file, name=name)


def export_households(
    *, user, filters: dict, file_format: str, request=None, progress=None
) -> tuple[str, File, int]:
    """Write the people of the filtered households; returns (file name, file, row count)."""
    if file_format not in FORMATS:
        raise ValueError(file_format)
    filterset = household_list(user=user, filters=filters)
    households = filterset.qs.values("pk") if filterset.is_valid() else filterset.queryset.none()
    if not export_is_within_limit(user=user, households=households):
        raise ExportTooLarge(export_limit(user))
    full_identity = sees_full_identity(user)
    resource = export_resource_for(full_identity=full_identity)
    people = PersonExportResource.queryset_for(households)
    header = resource.get_export_headers()
    spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024, mode="w+b")
    rows = 0
    if file_format == "csv":
        text = io.TextIOWrapper(spool, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow(header)
        for person in people.iterator(chunk_size=2000):
            writer.writerow([formula_safe(v) for v in resource.export_resource(person)])
            rows += 1
            if progress and rows % 10000 == 0:
                progress(rows)
        text.flush()
        text.detach()
    else:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("keluarga")
        sheet.append(header)
        for person in people.iterator(chunk_size=2000):
            # Every cell as text: NIKs must not become numbers, formulas must not run.
            sheet.append([formula_safe(v) for v in resource.export_resource(person)])
            rows += 1
            if progress and rows % 10000 == 0:
                progress(rows)
        workbook.save(spool)
    spool.seek(0)
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        request=request,
        summary=_("Export of the household list: %(n)s people (%(format)s).")
        % {"n": rows, "format": file_format.upper()},
        changes={
            "filters": {k: v for k, v in filters.items() if v},
            "rows": rows,
            "masked": not full_identity,
        },
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"keluarga-{stamp}.{file_format}", File(spool), rows
