"""Writes of the validation pages: people's decisions on findings, and the export of findings
per village. Both audited."""

from __future__ import annotations

import tempfile

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tkpk.audit import audit_record
from tkpk.choices import AuditAction
from tkpk.downloads import Download
from tkpk.jobs import job_start
from tkpk.models import Job
from tkpk.spreadsheets import formula_safe
from tkpk.validation import Severity

from ..choices import FindingStatus
from ..models import Household, Person, ValidationFinding
from ..privacy import sees_full_identity
from .runs import PROBLEM_SEVERITIES
from .selectors import finding_rows, validation_finding_list

EXPORT_KIND = "households.validation_export"
#: Rows read at a time while an export is written.
EXPORT_CHUNK = 2000


@transaction.atomic
def finding_decide(*, user, findings, status: str, reason: str, request=None) -> int:
    """Record a person's decision on findings: resolved (corrected), ignored (not a problem:
    every later run keeps it ignored) or open again. The reason is required. Findings already in
    that status are left as they are. The families' has_problems follow at once. Returns how
    many findings changed."""
    if status not in FindingStatus.values:
        raise ValueError(status)
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("a decision needs its reason")
    ids = [f.pk for f in findings]
    chosen = ValidationFinding.objects.for_user(user).filter(pk__in=ids).exclude(status=status)
    chosen = list(chosen.select_for_update().values_list("pk", "household_id", "other_person_id"))
    if not chosen:
        return 0
    now = timezone.now()
    closing = status != FindingStatus.OPEN
    ValidationFinding.objects.filter(pk__in=[pk for pk, _h, _o in chosen]).update(
        status=status,
        decided_by=user,
        decided_at=now,
        decision_reason=reason,
        closed_at=now if closing else None,
        closed_run=None,
    )
    households = {household for _pk, household, _o in chosen if household}
    others = [other for _pk, _h, other in chosen if other]
    households.update(Person.objects.filter(pk__in=others).values_list("household_id", flat=True))
    households_problems_refresh(household_ids=households)
    audit_record(
        actor=user,
        action=AuditAction.UPDATE,
        request=request,
        summary=_("Validation findings marked %(status)s: %(n)s. Reason: %(reason)s")
        % {"status": FindingStatus(status).label, "n": len(chosen), "reason": reason},
        changes={
            "findings": [pk for pk, _h, _o in chosen],
            "status": status,
            "reason": reason,
        },
    )
    return len(chosen)


def households_problems_refresh(*, household_ids) -> None:
    """has_problems of these families as their open error and warning findings say, written only
    where it changes (households.validation.runs does the same for the whole registry)."""
    problems = ValidationFinding.objects.filter(
        Q(household=OuterRef("pk")) | Q(other_person__household=OuterRef("pk")),
        status=FindingStatus.OPEN,
        severity__in=PROBLEM_SEVERITIES,
    )
    families = Household.objects.filter(pk__in=list(household_ids))
    families.filter(has_problems=False).filter(Exists(problems)).update(has_problems=True)
    families.filter(has_problems=True).exclude(Exists(problems)).update(has_problems=False)


# -- Export -------------------------------------------------------------------------------------


def _export_queryset(user, filters: dict):
    filterset = validation_finding_list(user=user, filters=filters)
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    return filterset, queryset.order_by("village__parent__name", "village__name", "rule", "id")


def validation_findings_export(*, user, filters: dict, request=None) -> Job | Download:
    """The filtered findings as an XLSX file with one sheet per village, for the village
    operators who correct the data at the source: written now up to
    HOUSEHOLD_EXPORT_INLINE_ROWS findings (a Download), by a background job above (the Job)."""
    _filterset, queryset = _export_queryset(user, filters)
    limit = settings.HOUSEHOLD_EXPORT_INLINE_ROWS
    if queryset[limit : limit + 1].exists():
        return job_start(kind=EXPORT_KIND, user=user, params={"filters": filters})
    name, file, _rows = export_findings(user=user, filters=filters, request=request)
    return Download(
        handle=file,
        name=name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def export_findings(*, user, filters: dict, request=None, progress=None) -> tuple[str, File, int]:
    """Write the filtered findings, a sheet per village (kecamatan, then desa, in order); NIK and
    No. KK as the user's role may see them, and no birth date, sex or mother's name. Audited as
    an export. `progress(done)`, if given, hears every EXPORT_CHUNK rows. Returns (file name,
    file, rows)."""
    _filterset, queryset = _export_queryset(user, filters)
    full_identity = sees_full_identity(user)
    now = timezone.localtime()
    workbook = _FindingsWorkbook(
        exported=_("Exported %(when)s by %(user)s")
        % {"when": date_format(now, "j F Y H:i"), "user": user.get_username()}
    )
    batch = []
    for finding in queryset.iterator(chunk_size=EXPORT_CHUNK):
        batch.append(finding)
        if len(batch) == EXPORT_CHUNK:
            workbook.add(finding_rows(user=user, findings=batch))
            batch = []
            if progress:
                progress(workbook.rows)
    workbook.add(finding_rows(user=user, findings=batch))
    spool = workbook.save()
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        request=request,
        summary=_("Export of validation findings: %(n)s findings (XLSX).") % {"n": workbook.rows},
        changes={
            "filters": {k: v for k, v in filters.items() if v},
            "rows": workbook.rows,
            "masked": not full_identity,
        },
    )
    stamp = now.strftime("%Y%m%d-%H%M")
    return f"temuan-validasi-{stamp}.xlsx", File(spool), workbook.rows


class _FindingsWorkbook:
    """The export's XLSX, streamed (openpyxl's write-only mode): a sheet per village, each with
    its title, who exported it and when, then a bold, frozen, filterable header. Every text cell
    is formula-escaped."""

    WIDTHS = (18, 20, 18, 24, 5, 5, 24, 18, 24, 18, 11, 34, 40, 48, 11, 30)

    def __init__(self, *, exported: str):
        from openpyxl import Workbook

        self.workbook = Workbook(write_only=True)
        self.exported = exported
        self.sheet = None
        self.village_id = object()
        self.titles: set[str] = set()
        self.rows = 0
        self.sheet_rows = 0
        self.severities = dict(Severity.choices)
        self.statuses = dict(FindingStatus.choices)

    def header(self) -> list[str]:
        return [
            _("District"),
            _("Village"),
            _("No. KK"),
            _("Address"),
            _("RT"),
            _("RW"),
            _("Name"),
            _("NIK"),
            _("Other person"),
            _("NIK of the other person"),
            _("Severity"),
            _("Rule"),
            _("Detail"),
            _("What to do"),
            _("Status"),
            _("Reason"),
        ]

    def add(self, rows: list[dict]) -> None:
        for row in rows:
            finding = row["finding"]
            if self.sheet is None or finding.village_id != self.village_id:
                self._new_sheet(finding.village)
            household, village = finding.household, finding.village
            person, other = row["person"], row["other"]
            self.sheet.append(
                [
                    formula_safe(value)
                    for value in (
                        village.parent.name if village and village.parent else "",
                        village.name if village else "",
                        row["kk"],
                        household.address if household else "",
                        household.rt if household else "",
                        household.rw if household else "",
                        person.name if person else "",
                        row["nik"],
                        other.name if other else "",
                        row["other_nik"],
                        self.severities.get(finding.severity, finding.severity),
                        row["title"],
                        row["description"],
                        row["advice"],
                        self.statuses.get(finding.status, finding.status),
                        finding.decision_reason,
                    )
                ]
            )
            self.rows += 1
            self.sheet_rows += 1

    def _close_sheet(self) -> None:
        # Written after the rows, so that the filter's range can count them.
        if self.sheet is not None:
            self.sheet.auto_filter.ref = f"A3:P{3 + self.sheet_rows}"

    def _new_sheet(self, village) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        self._close_sheet()
        self.sheet_rows = 0
        self.village_id = village.pk if village else None
        name = village.name if village else _("No village")
        title = "".join(c for c in name if c not in "[]:*?/\\")[:28] or "-"
        while title in self.titles:
            title = f"{title[:26]}~{len(self.titles)}"
        self.titles.add(title)
        sheet = self.sheet = self.workbook.create_sheet(title)
        for column, width in enumerate(self.WIDTHS, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        sheet.freeze_panes = "A4"

        def cell(value, font):
            styled = WriteOnlyCell(sheet, value=formula_safe(value))
            styled.font = font
            return styled

        where = f"{name}, {village.parent.name}" if village and village.parent else name
        sheet.append(
            [cell(_("Validation findings: %(where)s") % {"where": where}, Font(bold=True, size=14))]
        )
        sheet.append([cell(self.exported, Font(italic=True))])
        sheet.append([cell(name, Font(bold=True)) for name in self.header()])

    def save(self):
        if self.sheet is None:
            self._new_sheet(None)
        self._close_sheet()
        spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024, mode="w+b")
        self.workbook.save(spool)
        spool.seek(0)
        return spool
