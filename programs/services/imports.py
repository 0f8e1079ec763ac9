"""Enrolment from a file: a national list (a NIK or a No. KK and a name a row) checked row by row
against the registry and the enrolment checks, reviewed by kind, then enrolled all or nothing.

The flow is the household import's: upload (`beneficiary_import_create`: the file type is
checked, the columns detected from their names), mapping, a dry run and the apply, both
background jobs (`beneficiary_import_start`, then `beneficiary_import_run` in the worker).

Rows are read in batches of BATCH_ROWS: the NIKs of a batch are looked up in one query, its
No. KKs in one (with their members in a second), and the enrolment checks run once per batch
(`enrolment_findings`), never a query per row. Each row is reported by kind:

- refused: a malformed number (with the row and the check's message), an unknown NIK or No. KK,
  a family without a head and without a member of that name, the same person on an earlier row,
  and the refused findings of the checks (deceased or moved, already enrolled, family enrolled);
- acceptable, when the user ticks the kind: a name that differs from the registry's (the first
  words compared, ignoring case and spaces), and the acceptable findings (above the decile
  cut-off, no decile, already receiving another program of the same cluster);
- a note: a row with a No. KK only enrols the member it names, else the family's head;
- ready.

A family program enrols one person a family: a later row of a family already taken by an
earlier row of the file (or whose member in the file is already enrolled) is "family already
enrolled". The dry run counts an earlier row as taking its family unless it is refused; the apply,
knowing which kinds are accepted, only when that row is enrolled.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from households.choices import Relation
from households.identity import check_kk, check_nik, message_for
from households.importing.reader import FileProblem, normalise_header, open_table
from households.importing.service import embedded_size_problem
from households.models import Household, Person
from households.privacy import kk_shown, nik_shown, sees_full_identity
from households.services import ImportStillRunning
from tkpk.audit import audit_record
from tkpk.choices import AuditAction, JobStatus
from tkpk.jobs import job_start
from tkpk.models import Job
from tkpk.retention import stored_files_expire
from tkpk.spreadsheets import formula_safe

from ..choices import EnrolmentSource
from ..models import BeneficiaryImport, Program
from .beneficiaries import (
    ABOVE_CUTOFF,
    ACCEPTABLE,
    ALREADY_ENROLLED,
    DECEASED,
    FAMILY_ENROLLED,
    FINDING_LABELS,
    MOVED,
    NO_DECILE,
    REFUSED,
    SAME_CLUSTER,
    beneficiaries_enrol,
    enrolment_findings,
)

__all__ = [
    "ImportStillRunning",
    "beneficiary_import_create",
    "beneficiary_import_files_expire",
    "beneficiary_import_run",
    "beneficiary_import_start",
]

IMPORT_KIND = "programs.beneficiary_import"
#: Rows checked together: one query for their NIKs, one (plus members) for their No. KKs.
BATCH_ROWS = 2000
#: People enrolled by one call of beneficiaries_enrol when the import is applied.
ENROL_BATCH = 2000
#: Rows of each kind that the review keeps to show.
REVIEW_ROWS = 50
#: Malformed rows listed on the job's card (messages only, no numbers).
FIRST_ERRORS = 20

COLUMN_ALIASES = {
    "nik": ["nik", "nomor_nik", "no_nik", "nik_penerima", "noktp", "no_ktp"],
    "kk": ["no_kk", "nomor_kk", "kk", "nokk", "no_kartu_keluarga", "nomor_kartu_keluarga"],
    "name": ["nama", "nama_penerima", "nama_lengkap", "nama_art", "nama_anggota"],
}
COLUMN_LABELS = {
    "nik": gettext_lazy("NIK"),
    "kk": gettext_lazy("No. KK"),
    "name": gettext_lazy("Name"),
}

# Kinds of the file's rows, besides the findings of the enrolment checks.
MALFORMED = "malformed"
UNKNOWN = "unknown"
NO_HEAD = "no_head"
DUPLICATE = "duplicate_row"
NAME_DIFFERS = "name_differs"
HEAD_CHOSEN = "kk_head"
READY = "ready"

IMPORT_REFUSED = (MALFORMED, UNKNOWN, NO_HEAD, DUPLICATE, *REFUSED)
IMPORT_ACCEPTABLE = (NAME_DIFFERS, *ACCEPTABLE)
#: What the review shows, in this order.
REVIEW_ORDER = (
    MALFORMED,
    UNKNOWN,
    NO_HEAD,
    DUPLICATE,
    DECEASED,
    MOVED,
    ALREADY_ENROLLED,
    FAMILY_ENROLLED,
    NAME_DIFFERS,
    ABOVE_CUTOFF,
    NO_DECILE,
    SAME_CLUSTER,
    HEAD_CHOSEN,
    READY,
)

KIND_LABELS = {
    **FINDING_LABELS,
    MALFORMED: gettext_lazy("the NIK or No. KK is malformed"),
    UNKNOWN: gettext_lazy("the NIK or No. KK is not in the registry"),
    NO_HEAD: gettext_lazy("the family has no head recorded and no member of that name"),
    DUPLICATE: gettext_lazy("the same person is on an earlier row of the file"),
    NAME_DIFFERS: gettext_lazy("the name differs from the registry's"),
    HEAD_CHOSEN: gettext_lazy("No. KK only: the head of the family will be enrolled"),
    READY: gettext_lazy("ready to enrol"),
}

#: What the user says by ticking an acceptable kind (on the enrolment page and the import).
ACCEPT_LABELS = {
    NAME_DIFFERS: gettext_lazy("I know the names in the file differ from the registry's"),
    ABOVE_CUTOFF: gettext_lazy("I know the family's decile is above the program's cut-off"),
    NO_DECILE: gettext_lazy("I know the family has no decile yet"),
    SAME_CLUSTER: gettext_lazy(
        "I know the family already receives another program of the same cluster"
    ),
}

#: The phases of a run, as its job card shows them.
PHASES = {
    "checking": gettext_lazy("Reading and checking the rows"),
    "enrolling": gettext_lazy("Checking and enrolling the rows"),
}


# --- Upload and start ----------------------------------------------------------------------


def detect_columns(header: list[str]) -> dict[str, int]:
    """Column index of the NIK, the No. KK and the name, from the header names."""
    normalised = [normalise_header(name) for name in header]
    mapping: dict[str, int] = {}
    for column, aliases in COLUMN_ALIASES.items():
        for alias in aliases:
            if alias in normalised and normalised.index(alias) not in mapping.values():
                mapping[column] = normalised.index(alias)
                break
    return mapping


def mapping_problems(mapping: dict[str, int]) -> list[str]:
    """What a mapping lacks: a NIK or a No. KK column, and a name column."""
    problems = []
    if "nik" not in mapping and "kk" not in mapping:
        problems.append(_("Choose the column of the NIK or of the No. KK."))
    if "name" not in mapping:
        problems.append(_("Choose the column of the name."))
    if len(set(mapping.values())) != len(mapping):
        problems.append(_("A column can hold only one of them."))
    return problems


def _check_access(*, user, program: Program) -> None:
    if not user.has_perm("programs.add_beneficiaryimport"):
        raise PermissionDenied
    if not Program.objects.for_user(user).filter(pk=program.pk).exists():
        raise PermissionDenied
    if not program.takes_beneficiaries:
        raise ValidationError(
            _("The program is %(status)s: it takes no new beneficiaries.")
            % {"status": program.get_status_display().lower()}
        )


def beneficiary_import_create(*, user, program: Program, upload) -> BeneficiaryImport:
    """Check an uploaded list (FileProblem says why it cannot be read, in the reader's words)
    and keep it, with the columns detected from its header, for its mapping page."""
    _check_access(user=user, program=program)
    table = open_table(upload, name=upload.name)
    header, estimated = table.header, table.estimated_rows
    table.close()
    problem = embedded_size_problem(estimated)
    if problem:
        raise FileProblem(problem)
    upload.seek(0)
    record = BeneficiaryImport(
        program=program,
        original_name=upload.name[:255],
        uploaded_by=user,
        mapping=detect_columns(header),
    )
    record.file.save(upload.name, upload, save=False)
    record.save()
    return record


def import_header(*, record: BeneficiaryImport, rows: int = 10) -> tuple[list[str], list[list]]:
    """The header and the first rows of the file, for its mapping page (FileProblem when the
    file cannot be read)."""
    with record.file.open("rb") as handle:
        table = open_table(handle, name=record.original_name)
        first = []
        for cells in table.rows:
            first.append(["" if cell is None else cell for cell in cells])
            if len(first) >= rows:
                break
        header = table.header
        table.close()
    return header, first


RUN_ACTIONS = ("dry_run", "apply")


@transaction.atomic
def beneficiary_import_start(
    *, user, record: BeneficiaryImport, mapping: dict[str, int], action: str, accept=()
) -> Job | None:
    """Keep the mapping; for "dry_run" or "apply" start the job, enqueued on commit. The row is
    locked, so that a double submit starts one job (ImportStillRunning for the second). The
    apply needs a finished dry run of the same mapping, and runs once."""
    record = (
        BeneficiaryImport.objects.select_for_update().select_related("program").get(pk=record.pk)
    )
    _check_access(user=user, program=record.program)
    problems = mapping_problems(mapping)
    if problems:
        raise ValidationError(problems)
    record.mapping = mapping
    if action not in RUN_ACTIONS:
        record.save(update_fields=["mapping"])
        return None
    if any(job and not job.is_finished for job in (record.dry_run_job, record.import_job)):
        raise ImportStillRunning
    if action == "apply":
        if record.import_job and record.import_job.status == JobStatus.SUCCEEDED:
            raise ValidationError(_("This file has already been enrolled."))
        dry_run = record.dry_run_job
        if not (dry_run and dry_run.status == JobStatus.SUCCEEDED) or (
            record.review.get("mapping") != {k: int(v) for k, v in mapping.items()}
        ):
            raise ValidationError(_("Run a dry run with this column mapping first."))
    job = job_start(
        kind=IMPORT_KIND,
        user=user,
        params={
            "import_id": record.pk,
            "dry_run": action == "dry_run",
            "accept": [kind for kind in IMPORT_ACCEPTABLE if kind in set(accept)],
        },
    )
    if action == "dry_run":
        record.dry_run_job = job
    else:
        record.import_job = job
    record.save(update_fields=["mapping", "dry_run_job", "import_job"])
    return job


# --- Checking the rows ---------------------------------------------------------------------


@dataclass
class Row:
    """One row of the file and what its check found."""

    number: int
    by: str  # "nik" or "kk": which number the row is matched by
    raw: str  # the number as the file has it
    name: str
    value: str = ""  # the checked 16 digits
    kinds: list[str] = field(default_factory=list)
    message: str = ""  # what is wrong with the number, with the row ("Row 4, NIK: ...")
    problem: str = ""  # the same without the row, for the job card that names the row itself
    person: Person | None = None
    registry_name: str = ""  # the name of the person the row names (kept for a repeated row)

    @property
    def findings(self) -> list[str]:
        """The kinds that keep the row from being ready (the note on the head does not)."""
        return [kind for kind in self.kinds if kind != HEAD_CHOSEN]

    @property
    def refused(self) -> bool:
        return any(kind in IMPORT_REFUSED for kind in self.kinds)

    def reason(self) -> str:
        if self.message:
            return self.message
        return "; ".join(str(KIND_LABELS[kind]) for kind in self.findings)


@dataclass
class ImportReport:
    """What a run found and did. `rejects` is the CSV of the rows left out (or, for a dry run,
    of the rows with findings), masked for the user's role."""

    dry_run: bool
    rows: int = 0
    ready: int = 0
    #: The people of the registry that the rows name, each once.
    found: int = 0
    enrolled: int = 0
    left_out: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    samples: dict[str, list[dict]] = field(default_factory=dict)
    first_errors: list[dict] = field(default_factory=list)
    rejects: object = None

    def job_counts(self) -> dict:
        counts = {
            "rows": self.rows,
            "ready": self.ready,
            "kinds": self.counts,
            "first_errors": self.first_errors,
        }
        if self.dry_run:
            # Rows with findings are not rejected yet: the user may still accept their kind.
            counts["with_findings"] = self.left_out
        else:
            counts.update(enrolled=self.enrolled, rejected=self.left_out)
        return counts

    def message(self) -> str:
        if self.dry_run:
            return _(
                "Dry run: nothing was stored. %(rows)s rows read: %(ready)s ready to enrol, "
                "%(findings)s with findings. Review them on the import's page."
            ) % {"rows": self.rows, "ready": self.ready, "findings": self.rows - self.ready}
        return ngettext(
            "Enrolled %(n)s beneficiary from %(rows)s rows; %(left)s rows left out.",
            "Enrolled %(n)s beneficiaries from %(rows)s rows; %(left)s rows left out.",
            self.enrolled,
        ) % {"n": self.enrolled, "rows": self.rows, "left": self.left_out}


def _text(value) -> str:
    if value is None:
        return ""
    return " ".join(str(value).split())


def _first_word(name: str) -> str:
    words = name.split()
    return words[0].casefold() if words else ""


def _same_name(file_name: str, registry_name: str) -> bool:
    """The first words, ignoring case and spaces: enough to catch a row of the wrong person
    without a fuzzy match (a nickname or a title in the file reads as "name differs")."""
    return _first_word(file_name) == _first_word(registry_name)


def _numeric_cell(value) -> bool:
    """An XLSX number cell long enough to be a NIK: Excel kept 15 digits and lost the 16th."""
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 1e14


EXCEL_NUMBER = gettext_lazy(
    "the cell is a number in Excel, which keeps only 15 digits. Format the column as Text and "
    "enter the numbers again."
)


def _parse(number: int, cells: list, mapping: dict[str, int]) -> Row | None:
    """The row's number and name, the number checked; None for an empty row."""

    def cell(column):
        index = mapping.get(column)
        return cells[index] if index is not None and index < len(cells) else None

    nik, kk, name = cell("nik"), cell("kk"), _text(cell("name"))
    if not _text(nik) and not _text(kk) and not name:
        return None
    by, raw = ("nik", nik) if _text(nik) or "kk" not in mapping else ("kk", kk)
    label = "NIK" if by == "nik" else "No. KK"
    row = Row(number=number, by=by, raw=_text(raw), name=name)
    if _numeric_cell(raw):
        reasons = [str(EXCEL_NUMBER)]
    else:
        result = check_nik(raw) if by == "nik" else check_kk(raw)
        reasons = [message_for(code) for code in result.errors]
    if reasons:
        row.kinds.append(MALFORMED)
        row.message = " ".join(
            _("Row %(row)s, %(label)s: %(message)s")
            % {"row": number, "label": label, "message": reason}
            for reason in reasons
        )
        row.problem = " ".join(
            _("%(label)s: %(message)s") % {"label": label, "message": reason} for reason in reasons
        )
        return row
    row.value = result.number
    return row


def _member_named(household: Household, name: str) -> Person | None:
    """The member the row names: the same whole name first, else the same first word (the
    head, then the other members in SHDK order, win a tie)."""
    members = list(household.members.all())
    whole = " ".join(name.split()).casefold()
    for person in members:
        if " ".join(person.name.split()).casefold() == whole:
            return person
    first = _first_word(name)
    for person in members:
        if first and _first_word(person.name) == first:
            return person
    return None


def _head(household: Household) -> Person | None:
    return next((p for p in household.members.all() if p.relation == Relation.HEAD), None)


class _Checker:
    """Checks the rows batch by batch, keeping across batches who and which families the file
    has already named."""

    def __init__(self, *, user, program: Program, accept: frozenset[str], dry_run: bool):
        self.user, self.program = user, program
        self.accept, self.dry_run = accept, dry_run
        self.seen_people: set[int] = set()
        self.taken_families: set[int] = set()

    def check(self, batch: list[Row]) -> None:
        self._resolve(batch)
        people = []
        for row in batch:
            if row.person is None:
                continue
            if row.person.pk in self.seen_people:
                row.kinds.append(DUPLICATE)
                row.person = None
                continue
            self.seen_people.add(row.person.pk)
            people.append(row.person)
        findings = enrolment_findings(program=self.program, people=people)
        for row in batch:
            if row.person is None:
                continue
            for kind in findings.get(row.person.pk, []):
                if kind not in row.kinds:
                    row.kinds.append(kind)
            if self.program.for_families:
                family = row.person.household_id
                if family in self.taken_families and FAMILY_ENROLLED not in row.kinds:
                    row.kinds.append(FAMILY_ENROLLED)
                if self.takes_family(row):
                    self.taken_families.add(family)

    def chosen(self, row: Row) -> bool:
        """Whether the apply enrols the row: a person, no refused kind, every finding accepted."""
        return (
            row.person is not None
            and not row.refused
            and all(kind in self.accept for kind in row.findings)
        )

    def takes_family(self, row: Row) -> bool:
        if ALREADY_ENROLLED in row.kinds:
            return True  # the person is (or was) the family's recipient in this program
        return not row.refused if self.dry_run else self.chosen(row)

    def _resolve(self, batch: list[Row]) -> None:
        """The person of each well-formed row: by NIK, one query for the batch; by No. KK, one
        for the families and one for their members."""
        niks = {row.value for row in batch if row.value and row.by == "nik"}
        kks = {row.value for row in batch if row.value and row.by == "kk"}
        people = {}
        if niks:
            people = {
                p.nik: p
                for p in Person.objects.for_user(self.user)
                .filter(nik__in=niks)
                .select_related("household")
            }
        families = {}
        if kks:
            families = {
                h.kk_number: h
                for h in Household.objects.for_user(self.user)
                .filter(kk_number__in=kks)
                .prefetch_related(
                    Prefetch("members", queryset=Person.objects.order_by("relation", "pk"))
                )
            }
            for household in families.values():
                for member in household.members.all():
                    member.household = household
        for row in batch:
            if not row.value:
                continue
            if row.by == "nik":
                row.person = people.get(row.value)
                if row.person is None:
                    row.kinds.append(UNKNOWN)
                elif row.name and not _same_name(row.name, row.person.name):
                    row.kinds.append(NAME_DIFFERS)
                continue
            household = families.get(row.value)
            if household is None:
                row.kinds.append(UNKNOWN)
                continue
            row.person = _member_named(household, row.name) if row.name else None
            if row.person is None:
                row.person = _head(household)
                if row.person is None:
                    row.kinds.append(NO_HEAD)
                    continue
                row.kinds.append(HEAD_CHOSEN)
                if row.name:
                    row.kinds.append(NAME_DIFFERS)
        for row in batch:
            if row.person is not None:
                row.registry_name = row.person.name


class _Rejects:
    """The CSV of the rows left out: row, number masked for the role, name, reason; UTF-8 with
    a BOM, every cell formula-escaped (tkpk.spreadsheets)."""

    def __init__(self, *, full_identity: bool):
        self.full_identity = full_identity
        self.file = tempfile.TemporaryFile()
        self.text = io.TextIOWrapper(self.file, encoding="utf-8-sig", newline="")
        self.writer = csv.writer(self.text)
        self.writer.writerow(
            [formula_safe(h) for h in (_("Row"), _("NIK / No. KK"), _("Name"), _("Reason"))]
        )
        self.count = 0

    def write(self, row: Row, reason: str | None = None) -> None:
        shown = kk_shown if row.by == "kk" else nik_shown
        number = shown(row.value or row.raw, full_identity=self.full_identity)
        self.writer.writerow(
            [formula_safe(v) for v in (row.number, number, row.name, reason or row.reason())]
        )
        self.count += 1

    def close(self):
        self.text.flush()
        self.text.detach()
        self.file.seek(0)
        return self.file


def _batches(table, mapping) -> Iterator[list[Row]]:
    batch: list[Row] = []
    number = 1  # the header is row 1, as in a spreadsheet
    for cells in table.rows:
        number += 1
        row = _parse(number, cells, mapping)
        if row is None:
            continue
        batch.append(row)
        if len(batch) >= BATCH_ROWS:
            yield batch
            batch = []
    if batch:
        yield batch


def beneficiary_import_run(
    *,
    record: BeneficiaryImport,
    user,
    dry_run: bool,
    accept=(),
    progress: Callable[..., None] | None = None,
) -> ImportReport:
    """Check every row of the file and, unless `dry_run`, enrol the rows chosen (no refused
    kind, every finding of a kind in `accept`) in one transaction: all of them or, on any error,
    none. A dry run stores nothing but the review on the record (counts by kind and the first
    REVIEW_ROWS rows of each). `progress(done, total, phase)` hears every batch."""
    program = Program.objects.get(pk=record.program_id)
    _check_access(user=user, program=program)
    mapping = {k: int(v) for k, v in record.mapping.items()}
    problems = mapping_problems(mapping)
    if problems:
        raise ValidationError(problems)
    if not record.file:
        raise FileProblem(_("The uploaded file is no longer stored. Upload it again."))
    accepted = frozenset(accept) & set(IMPORT_ACCEPTABLE)
    report = ImportReport(dry_run=dry_run)
    rejects = _Rejects(full_identity=sees_full_identity(user))
    checker = _Checker(user=user, program=program, accept=accepted, dry_run=dry_run)

    def enrol(chosen: list[Row]) -> None:
        by_person = {row.person.pk: row for row in chosen}
        ids = list(by_person)
        for start in range(0, len(ids), ENROL_BATCH):
            result = beneficiaries_enrol(
                user=user,
                program=program,
                people=ids[start : start + ENROL_BATCH],
                accept=accepted & set(ACCEPTABLE),
                source=EnrolmentSource.IMPORT,
            )
            report.enrolled += len(result.enrolled)
            for kind, skipped in result.skipped.items():
                for pk in skipped:
                    rejects.write(by_person[pk], reason=str(KIND_LABELS[kind]))

    def run():
        phase = "checking" if dry_run else "enrolling"
        with record.file.open("rb") as handle:
            table = open_table(handle, name=record.original_name)
            total = table.estimated_rows
            try:
                for batch in _batches(table, mapping):
                    checker.check(batch)
                    chosen = []
                    for row in batch:
                        _tally(report, row)
                        if row.person is not None:
                            report.found += 1
                        if dry_run:
                            if row.findings:
                                rejects.write(row)
                        elif checker.chosen(row):
                            chosen.append(row)
                        else:
                            rejects.write(row)
                    # Each batch is enrolled once checked, inside the one transaction: the next
                    # batch's checks see these rows, and memory holds one batch, not the file.
                    if chosen:
                        enrol(chosen)
                    if progress:
                        progress(report.rows, max(total or 0, report.rows), phase)
            finally:
                table.close()

    if dry_run:
        run()
    else:
        with transaction.atomic():
            run()
    report.left_out = rejects.count
    report.rejects = rejects.close()
    # The numbers of a file are looked up in bulk: each run is one audited search by NIK (and
    # the apply also an import), so that the audit trail says who checked which file.
    audit_record(
        actor=user,
        action=AuditAction.SEARCH_NIK if dry_run else AuditAction.IMPORT,
        obj=record,
        summary=(
            _("Dry run of %(name)s: %(rows)s rows checked, %(found)s people found.")
            if dry_run
            else _("Enrolment from %(name)s: %(n)s enrolled from %(rows)s rows, %(left)s left out.")
        )
        % {
            "name": record.original_name,
            "rows": report.rows,
            "found": report.found,
            "n": report.enrolled,
            "left": report.left_out,
        },
        changes={
            "program": program.pk,
            "rows": report.rows,
            "found": report.found,
            "enrolled": report.enrolled,
            "left_out": report.left_out,
            "accepted": sorted(accepted),
            "dry_run": dry_run,
        },
    )
    if dry_run:
        record.review = {
            "mapping": mapping,
            "rows": report.rows,
            "ready": report.ready,
            "counts": report.counts,
            "samples": report.samples,
            "checked_at": timezone.now().isoformat(),
        }
        BeneficiaryImport.objects.filter(pk=record.pk).update(review=record.review)
    return report


def _tally(report: ImportReport, row: Row) -> None:
    report.rows += 1
    kinds = list(row.kinds)
    if not row.findings:
        report.ready += 1
        kinds.append(READY)
    for kind in kinds:
        report.counts[kind] = report.counts.get(kind, 0) + 1
        shown = report.samples.setdefault(kind, [])
        if len(shown) < REVIEW_ROWS:
            shown.append(
                {
                    "row": row.number,
                    "by": row.by,
                    "number": row.value or row.raw,
                    "name": row.name,
                    "registry_name": row.registry_name,
                    "message": row.message,
                }
            )
    if MALFORMED in row.kinds and len(report.first_errors) < FIRST_ERRORS:
        report.first_errors.append({"row": row.number, "reasons": [row.problem]})


# --- Retention -----------------------------------------------------------------------------


def beneficiary_import_files_expire(*, days: int | None = None) -> list[int]:
    """Delete the files of beneficiary imports uploaded more than `days` days ago (default
    IMPORT_FILE_RETENTION_DAYS; 0 keeps them forever), except those a queued or running job
    still reads, and the rows of the file kept in their review; one audit event names them.
    Returns their ids. For a daily beat task of the programs app (as households' one)."""
    days = settings.IMPORT_FILE_RETENTION_DAYS if days is None else days
    if days <= 0:
        return []
    active = [JobStatus.QUEUED, JobStatus.RUNNING]
    expired = (
        BeneficiaryImport.objects.filter(uploaded_at__lt=timezone.now() - timedelta(days=days))
        .exclude(file="")
        .exclude(Q(dry_run_job__status__in=active) | Q(import_job__status__in=active))
        .order_by("pk")
    )
    removed = stored_files_expire(
        expired,
        "file",
        days=days,
        ids_key="import_ids",
        summary=lambda n: ngettext(
            "Deleted the uploaded file of %(count)d beneficiary import older than %(days)d days "
            "(retention): %(ids)s.",
            "Deleted the uploaded files of %(count)d beneficiary imports older than %(days)d "
            "days (retention): %(ids)s.",
            n,
        ),
    )
    # The review keeps the file's first rows of each kind (numbers and names): they go with it.
    for record in BeneficiaryImport.objects.filter(pk__in=removed).only("pk", "review"):
        if record.review.get("samples"):
            record.review["samples"] = {}
            BeneficiaryImport.objects.filter(pk=record.pk).update(review=record.review)
    return removed
