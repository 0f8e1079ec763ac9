"""Streaming export of a filtered household list to CSV or XLSX (formulas escaped), used inline
for small lists and by the export job for big ones. Audited by the caller's service.

Two layouts (households.resources): "people", for a person to read (headers and labels in the
user's language; in XLSX a title, the filters in words and the date of export above a bold,
frozen, filterable header, column widths, dates as date cells), and "import", today's DTKS-style
file that `import_households` reads back unchanged."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tkpk.audit import audit_record
from tkpk.choices import AuditAction
from tkpk.downloads import Download
from tkpk.jobs import job_start
from tkpk.models import Job
from tkpk.spreadsheets import formula_safe

from .models import Person
from .privacy import sees_full_identity
from .resources import LAYOUTS, PersonExportResource, export_resource_for
from .selectors import household_list

FORMATS = ("csv", "xlsx")
#: How a birth date reads in the layout for people: as an Indonesian writes it.
XLSX_DATE_FORMAT = "DD/MM/YYYY"
CSV_DATE_FORMAT = "%d/%m/%Y"
#: Every how many rows the export job reports its progress.
PROGRESS_EVERY = 10_000


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


def household_export(
    *, user, filters: dict, file_format: str, request=None, layout: str = "people"
) -> Job | Download:
    """Export the people of the filtered families in a layout of LAYOUTS: a list of up to
    HOUSEHOLD_EXPORT_INLINE_ROWS people is written now (a Download), a bigger one by a background
    job (the Job). More people than the role may export is refused with a ValidationError that
    says how to narrow it."""
    if layout not in LAYOUTS:
        raise ValueError(layout)
    households = household_list(user=user, filters=filters).qs.values("pk")
    if not export_is_within_limit(user=user, households=households):
        raise ValidationError(ExportTooLarge(export_limit(user)).message)
    limit = settings.HOUSEHOLD_EXPORT_INLINE_ROWS
    if Person.objects.filter(household__in=households)[limit : limit + 1].exists():
        return job_start(
            kind="households.export",
            user=user,
            params={"filters": filters, "format": file_format, "layout": layout},
        )
    name, file, _rows = export_households(
        user=user, filters=filters, file_format=file_format, request=request, layout=layout
    )
    return Download(handle=file, name=name)


def export_households(
    *,
    user,
    filters: dict,
    file_format: str,
    layout: str = "people",
    request=None,
    progress=None,
) -> tuple[str, File, int]:
    """Write the people of the filtered households; returns (file name, file, row count).
    `progress(done, total)`, if given, hears the number of people first, then every
    PROGRESS_EVERY rows."""
    if file_format not in FORMATS:
        raise ValueError(file_format)
    if layout not in LAYOUTS:
        raise ValueError(layout)
    filterset = household_list(user=user, filters=filters)
    households = filterset.qs.values("pk") if filterset.is_valid() else filterset.queryset.none()
    if not export_is_within_limit(user=user, households=households):
        raise ExportTooLarge(export_limit(user))
    full_identity = sees_full_identity(user)
    resource = export_resource_for(full_identity=full_identity, layout=layout)
    people = _streamed(PersonExportResource.queryset_for(households), progress)
    now = timezone.localtime()
    spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024, mode="w+b")
    if file_format == "csv":
        rows = _write_csv(spool, resource, people)
    else:
        # The lines above the table are for a person; the import layout's header is its first row.
        heading = _heading(filterset, user=user, now=now) if layout == "people" else []
        rows = _write_xlsx(spool, resource, people, heading=heading)
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
            "layout": layout,
        },
    )
    stamp = now.strftime("%Y%m%d-%H%M")
    kind = "keluarga" if layout == "people" else "keluarga-impor"
    return f"{kind}-{stamp}.{file_format}", File(spool), rows


def _streamed(people, progress):
    """The people, read in chunks, never all at once. With `progress`, they are counted first
    (one COUNT, no dearer than the export that reads every one of them) and the count of those
    written so far is reported every PROGRESS_EVERY rows."""
    total = people.count() if progress else None
    if progress:
        progress(0, total)
    for done, person in enumerate(people.iterator(chunk_size=2000), start=1):
        yield person
        if progress and done % PROGRESS_EVERY == 0:
            progress(done, total)


def _heading(filterset, *, user, now: dt.datetime) -> list[str]:
    """The lines above the table of the layout for people: the title, the filters in words,
    who exported it and when."""
    return [
        _("List of families and members — %(site)s") % {"site": settings.SITE_NAME},
        _filters_in_words(filterset),
        _("Exported %(when)s by %(user)s")
        % {"when": date_format(now, "j F Y H:i"), "user": user.get_username()},
    ]


def _filters_in_words(filterset) -> str:
    """The filters of the list as its labels and the names chosen: "District: Danau Panggang;
    Decile: 1", or "All families"."""
    form = filterset.form
    parts = []
    for name, value in form.cleaned_data.items():
        if value in (None, ""):
            continue
        field = form.fields[name]
        if name == "q":
            label, shown = _("Search text"), f"“{value}”"
        elif isinstance(value, bool):
            label, shown = field.label, _("Yes") if value else _("No")
        elif hasattr(value, "name"):  # a region
            label, shown = field.label, value.name
        else:
            label, shown = field.label, {str(k): v for k, v in field.choices}.get(value, value)
        parts.append(f"{label}: {shown}")
    return _("Filters: %(filters)s") % {"filters": "; ".join(parts)} if parts else _("All families")


def _text(value, *, native: bool) -> str:
    """A value of the layout as CSV text: a date as an Indonesian writes it, formulas escaped."""
    if native and isinstance(value, dt.date):
        return value.strftime(CSV_DATE_FORMAT)
    return formula_safe(value)


def _write_csv(spool, resource, people) -> int:
    """A plain table, UTF-8 with a BOM (so that Excel reads the accents); returns the rows."""
    text = io.TextIOWrapper(spool, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow([formula_safe(header) for header in resource.get_export_headers()])
    native = resource.native_values
    rows = 0
    for person in people:
        writer.writerow([_text(v, native=native) for v in resource.export_resource(person)])
        rows += 1
    text.flush()
    text.detach()
    return rows


def _write_xlsx(spool, resource, people, *, heading: list[str]) -> int:
    """One sheet, streamed (openpyxl's write-only mode): the `heading` lines (the first as the
    title), the bold header row, frozen and with an autofilter, then a row a person. Text is
    formula-escaped and NIKs stay text; with native values, dates are date cells and numbers
    number cells. Returns the rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("keluarga")

    def styled(value, **style):
        cell = WriteOnlyCell(sheet, value=value)
        for name, setting in style.items():
            setattr(cell, name, setting)
        return cell

    def cell(value):
        if not resource.native_values:
            return formula_safe(value)
        if isinstance(value, dt.date):
            return styled(value, number_format=XLSX_DATE_FORMAT)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        return formula_safe(value)

    header = resource.get_export_headers()
    # Widths, panes and row styles must be set before the first row is written.
    for column, width in enumerate(resource.column_widths(), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    header_row = len(heading) + 1
    sheet.freeze_panes = f"A{header_row + 1}"
    for number, line in enumerate(heading):
        font = Font(bold=True, size=14) if number == 0 else Font(italic=True)
        sheet.append([styled(formula_safe(line), font=font)])
    sheet.append([styled(formula_safe(name), font=Font(bold=True)) for name in header])
    rows = 0
    for person in people:
        sheet.append([cell(v) for v in resource.export_resource(person)])
        rows += 1
    # The autofilter is written after the rows, so its range can count them.
    last = get_column_letter(len(header))
    sheet.auto_filter.ref = f"A{header_row}:{last}{header_row + rows}"
    workbook.save(spool)
    return rows
