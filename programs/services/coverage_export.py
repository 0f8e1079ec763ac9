"""The export of a coverage list (programs.selectors.coverage): the families, or the recipients,
behind one figure, as XLSX or CSV to download now. Masked for the role as on the page, capped for
the roles that do not see full NIKs, and written to the audit log as an export.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from households.exporting import export_limit
from households.privacy import kk_shown, nik_shown, sees_full_identity
from tkpk.audit import audit_record
from tkpk.choices import AuditAction
from tkpk.downloads import Download
from tkpk.spreadsheets import formula_safe

from ..selectors.coverage import (
    GONE,
    GONE_REASONS,
    KIND_TITLES,
    coverage_filter,
    may_see_names,
    programs_held,
    programs_received,
)

FORMATS = ("xlsx", "csv")
EXPORT_CHUNK = 2000


class CoverageExportTooLarge(ValidationError):
    """A role that does not see full NIKs asked for more rows than OPERATOR_EXPORT_MAX_ROWS."""


def coverage_export(*, user, kind: str, filters: dict, file_format: str, request=None) -> Download:
    """The list of `kind` under `filters` as a file to download now (XLSX or CSV), masked for
    the role as on the page, and audited as an export. A role that does not see full NIKs may
    export at most OPERATOR_EXPORT_MAX_ROWS rows (a ValidationError says how to narrow it)."""
    if file_format not in FORMATS:
        raise ValueError(file_format)
    if not may_see_names(user):
        raise PermissionDenied
    filterset = coverage_filter(user=user, filters=filters, kind=kind)
    rows = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    limit = export_limit(user)
    if limit is not None and rows[limit : limit + 1].exists():
        raise CoverageExportTooLarge(
            _(
                "An export by your role may hold at most %(limit)s rows. Choose a district or "
                "a village and export again, or ask the TKPK secretariat."
            )
            % {"limit": f"{limit:,}".replace(",", ".")}
        )
    chosen = filterset.chosen()
    year = chosen["year"]
    full_identity = sees_full_identity(user)
    if kind == GONE:
        header, lines = _recipient_lines(rows, user=user, year=year, full_identity=full_identity)
    else:
        header, lines = _family_lines(rows, user=user, year=year, full_identity=full_identity)
    now = timezone.localtime()
    heading = [
        f"{KIND_TITLES[kind]} — {year}",
        _filters_in_words(chosen),
        _("Exported %(when)s by %(user)s")
        % {"when": date_format(now, "j F Y H:i"), "user": user.get_username()},
    ]
    spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024, mode="w+b")
    if file_format == "csv":
        count = _write_csv(spool, header, lines)
    else:
        count = _write_xlsx(spool, header, lines, heading=heading)
    spool.seek(0)
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        request=request,
        summary=_("Export of a coverage list (%(title)s, %(year)s): %(n)s rows (%(format)s).")
        % {"title": KIND_TITLES[kind], "year": year, "n": count, "format": file_format.upper()},
        changes={
            "kind": kind,
            "filters": {
                "year": year,
                "kecamatan": chosen["district"].pk if chosen["district"] else None,
                "desa": chosen["village"].pk if chosen["village"] else None,
            },
            "rows": count,
            "masked": not full_identity,
        },
    )
    stamp = now.strftime("%Y%m%d-%H%M")
    return Download(handle=spool, name=f"cakupan-{kind}-{year}-{stamp}.{file_format}")


def _filters_in_words(chosen: dict) -> str:
    parts = [_("Fiscal year: %(year)s") % {"year": chosen["year"]}]
    if chosen["district"]:
        parts.append(_("District: %(name)s") % {"name": chosen["district"].name})
    if chosen["village"]:
        parts.append(_("Village: %(name)s") % {"name": chosen["village"].name})
    return "; ".join(parts)


def _chunks(queryset):
    """The rows in chunks of EXPORT_CHUNK, never all at once."""
    chunk = []
    for row in queryset.iterator(chunk_size=EXPORT_CHUNK):
        chunk.append(row)
        if len(chunk) == EXPORT_CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _area(household) -> tuple[str, str]:
    village = household.village
    return (village.parent.name if village.parent else "", village.name)


def _family_lines(families, *, user, year: int, full_identity: bool):
    header = [
        _("No. KK"),
        _("Head of family"),
        _("District"),
        _("Village"),
        _("Address"),
        _("Decile"),
        _("Status"),
        _("Programs received in %(year)s") % {"year": year},
    ]

    def lines():
        for chunk in _chunks(families):
            received = programs_received(user=user, year=year, households=chunk)
            for family in chunk:
                address = " ".join(
                    part
                    for part in (
                        family.address,
                        f"RT {family.rt}/RW {family.rw}" if family.rt else "",
                    )
                    if part
                )
                yield [
                    kk_shown(family.kk_number, full_identity=full_identity),
                    family.head_name or "",
                    *_area(family),
                    address,
                    family.decile,
                    family.get_status_display(),
                    "; ".join(received.get(family.pk, [])),
                ]

    return header, lines()


def _recipient_lines(people, *, user, year: int, full_identity: bool):
    header = [
        _("Recipient"),
        _("NIK"),
        _("No. KK"),
        _("District"),
        _("Village"),
        _("Why"),
        _("Programs still active in %(year)s") % {"year": year},
    ]

    def lines():
        for chunk in _chunks(people):
            held = programs_held(user=user, year=year, people=chunk)
            for person in chunk:
                yield [
                    person.name,
                    nik_shown(person.identity_number, full_identity=full_identity),
                    kk_shown(person.household.kk_number, full_identity=full_identity),
                    *_area(person.household),
                    str(GONE_REASONS[person.gone_reason]),
                    "; ".join(held.get(person.pk, [])),
                ]

    return header, lines()


def _write_csv(spool, header, lines) -> int:
    """UTF-8 with a BOM (so that Excel reads the accents), formulas escaped; returns the rows."""
    text = io.TextIOWrapper(spool, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow([formula_safe(name) for name in header])
    count = 0
    for line in lines:
        writer.writerow(
            [v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else formula_safe(v) for v in line]
        )
        count += 1
    text.flush()
    text.detach()
    return count


def _write_xlsx(spool, header, lines, *, heading: list[str]) -> int:
    """One sheet, streamed (openpyxl's write-only mode): the heading lines, a bold frozen
    header with an autofilter, then a row a line; text formula-escaped, deciles as numbers,
    dates as date cells. Returns the rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("cakupan")

    def styled(value, **style):
        cell = WriteOnlyCell(sheet, value=value)
        for name, setting in style.items():
            setattr(cell, name, setting)
        return cell

    def cell(value):
        if isinstance(value, dt.date):
            return styled(value, number_format="DD/MM/YYYY")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        return formula_safe(value)

    for column in range(1, len(header) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 24
    header_row = len(heading) + 1
    sheet.freeze_panes = f"A{header_row + 1}"
    for number, line in enumerate(heading):
        font = Font(bold=True, size=14) if number == 0 else Font(italic=True)
        sheet.append([styled(formula_safe(line), font=font)])
    sheet.append([styled(formula_safe(name), font=Font(bold=True)) for name in header])
    count = 0
    for line in lines:
        sheet.append([cell(v) for v in line])
        count += 1
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(header))}{header_row + count}"
    workbook.save(spool)
    return count
