"""The one import of family files, used by the web import (as a job), the management command and
the benchmark alike: read, validate, stage, compare, then upsert by NIK or store nothing."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _

from tkpk.audit import audit_record
from tkpk.choices import AuditAction
from tkpk.spreadsheets import formula_safe

from .changes import CHANGE_COLUMNS, History, Review, change_rows
from .loader import Loader
from .parallel import can_fork, parse_in_parallel, worker_count
from .reader import FileProblem, open_table
from .rows import (
    FIELD_ALIASES,
    FIELD_LABELS,
    STAGING_COLUMNS,
    RegionResolver,
    RowParser,
    detect_mapping,
    missing_fields,
)

BATCH_ROWS = 5000
# Files from this size on are validated by several processes (households.importing.parallel).
PARALLEL_MIN_BYTES = 2 * 1024 * 1024
FIRST_ERRORS = 20
# How many changes a report keeps to show on the page; the change list file has them all.
CHANGE_PREVIEW = 50


@dataclass
class ImportOptions:
    """How to import a file. `clear_empty`: an empty cell of a mapped column clears the stored
    value (else it keeps it). `accept`: the kinds of held change to apply anyway (move, rename,
    identity; households.importing.changes)."""

    source: str
    mapping: dict[str, int] | None = None
    sheet: str = ""
    dry_run: bool = False
    valid_only: bool = False
    clear_empty: bool = False
    accept: frozenset[str] = frozenset()


@dataclass
class ImportReport:
    """What an import did or would do. `applied` is False for a dry run and for a refused import."""

    rows: int = 0
    families_new: int = 0
    families_updated: int = 0
    families_unchanged: int = 0
    people_new: int = 0
    people_updated: int = 0
    people_unchanged: int = 0
    rejected: int = 0
    applied: bool = False
    refused_reason: str = ""
    first_errors: list[dict] = field(default_factory=list)
    held: dict[str, int] = field(default_factory=dict)
    held_total: int = 0
    changes_total: int = 0
    change_preview: list[dict] = field(default_factory=list)

    def totals(self) -> dict[str, int]:
        """The figures of the command's last JSON line."""
        return {
            "families_new": self.families_new,
            "families_updated": self.families_updated,
            "families_unchanged": self.families_unchanged,
            "people_new": self.people_new,
            "people_updated": self.people_updated,
            "people_unchanged": self.people_unchanged,
            "rejected": self.rejected,
            "held_for_review": self.held_total,
            "held_by_kind": self.held,
        }


class ImportRefused(Exception):
    """The whole file is refused; nothing was stored. Carries the report so far."""

    def __init__(self, message: str, report: ImportReport):
        super().__init__(message)
        self.report = report


class _Rollback(Exception):
    pass


def household_import_run(
    *,
    fileobj,
    name: str,
    options: ImportOptions,
    user=None,
    rejects_out=None,
    changes_out=None,
    progress: Callable[[int, int | None], None] | None = None,
) -> ImportReport:
    """Import a family file. Raises FileProblem for a file that cannot be read at all and
    ImportRefused when no row can be stored; both leave the database untouched. A dry run
    writes its change list (CSV, CHANGE_COLUMNS) to `changes_out` when given."""
    table = open_table(fileobj, name=name, sheet=options.sheet)
    try:
        return _run(
            table,
            name=name,
            options=options,
            user=user,
            rejects_out=rejects_out,
            changes_out=changes_out,
            progress=progress,
        )
    finally:
        table.close()


def embedded_size_problem(estimated_rows: int | None) -> str | None:
    """On the embedded SQLite database, one import's writing keeps every other save waiting:
    above EMBEDDED_IMPORT_MAX_ROWS that wait would pass a few seconds (bench/bench_embedded.py),
    so such a file is refused before it starts, with the way to PostgreSQL."""
    limit = settings.EMBEDDED_IMPORT_MAX_ROWS
    if connection.vendor != "sqlite" or not limit or (estimated_rows or 0) <= limit:
        return None
    return _(
        "This file has about %(rows)s rows. The embedded SQLite database imports at most "
        "%(limit)s rows at once, so that other users can keep saving while it runs. Split the "
        "file, or run TKPK on PostgreSQL (set DATABASE_URL; see the README)."
    ) % {"rows": f"{estimated_rows:,}".replace(",", "."), "limit": f"{limit:,}".replace(",", ".")}


def _run(table, *, name, options, user, rejects_out, changes_out, progress) -> ImportReport:
    problem = embedded_size_problem(table.estimated_rows)
    if problem:
        raise FileProblem(problem)
    mapping = options.mapping if options.mapping else detect_mapping(table.header)
    mapping = {
        f: i for f, i in mapping.items() if f in FIELD_ALIASES and 0 <= i < len(table.header)
    }
    missing = missing_fields(mapping)
    if missing:
        raise FileProblem(
            _(
                "These columns were not found: %(columns)s. Check the header row or set the "
                "column mapping."
            )
            % {"columns": ", ".join(str(FIELD_LABELS.get(m, m)) for m in missing)}
        )
    resolver = RegionResolver()
    if not resolver.by_code:
        raise FileProblem(_("No village data is loaded yet: an admin must load the regions first."))
    parser = RowParser(mapping, resolver)
    report = ImportReport()
    rejects = _RejectWriter(rejects_out, table.header, table.delimiter)
    loader = Loader(source=options.source, fields=set(mapping), clear_empty=options.clear_empty)

    def batches():
        batch = []
        row_no = 1  # the header is row 1, as in a spreadsheet
        for cells in table.rows:
            row_no += 1
            if not any(c not in (None, "") for c in cells):
                continue
            report.rows += 1
            record, reasons = parser.parse(row_no, cells)
            if record is None:
                report.rejected += 1
                rejects.write(row_no, cells, reasons)
                if len(report.first_errors) < FIRST_ERRORS:
                    report.first_errors.append({"row": row_no, "reasons": reasons})
                continue
            batch.append(record)
            if len(batch) >= BATCH_ROWS:
                yield batch
                batch = []
                if progress:
                    progress(report.rows, table.estimated_rows)
        if batch:
            yield batch

    def parallel_batches():
        blocks = parse_in_parallel(
            table.raw,
            start=table.header_end,
            encoding=table.encoding,
            delimiter=table.delimiter,
            parser=parser,
            processes=worker_count(),
        )
        for block in blocks:
            report.rows += block.rows
            for row_no, cells, reasons in block.rejects:
                report.rejected += 1
                rejects.write(row_no, cells, reasons)
                if len(report.first_errors) < FIRST_ERRORS:
                    report.first_errors.append({"row": row_no, "reasons": reasons})
            if block.copy_data:
                yield block.copy_data
            if progress:
                progress(report.rows, table.estimated_rows)

    parallel = (
        table.file_format == "csv"
        and loader.postgres
        and table.size >= PARALLEL_MIN_BYTES
        and worker_count() > 1
        and can_fork()
    )
    try:
        _load(
            table,
            report,
            parser,
            loader,
            rejects,
            parallel_batches if parallel else batches,
            mapping,
            options,
            user,
            name,
            changes_out,
            progress,
        )
    except _Rollback:
        pass
    finally:
        rejects.detach()
    return report


def _load(
    table,
    report,
    parser,
    loader,
    rejects,
    batches,
    mapping,
    options,
    user,
    name,
    changes_out,
    progress,
):
    """Stage, compare and (unless refused or a dry run) apply. The changes are written in one
    transaction, all or nothing. On PostgreSQL the whole run is that transaction; on SQLite, which
    lets one connection write at a time, staging and comparing touch only temporary tables
    outside it, so that only the writing keeps other users' saves waiting."""

    def phase(name):
        if progress:
            progress(report.rows, report.rows, name)

    try:
        with transaction.atomic() if loader.postgres else nullcontext():
            _stage_and_apply(
                report, loader, rejects, batches, mapping, options, user, name, changes_out, phase
            )
    finally:
        if not loader.postgres:
            loader.drop()


def _stage_and_apply(
    report, loader, rejects, batches, mapping, options, user, name, changes_out, phase
):
    loader.create_staging()
    loader.write(batches())
    phase("comparing")
    repeats_listed = 0

    def on_repeat(staged, first_row):
        nonlocal repeats_listed
        reason = _("NIK %(nik)s already appears on row %(row)s") % {
            "nik": staged["nik"] or staged["temporary_number"],
            "row": first_row,
        }
        report.rejected += 1
        rejects.write_staged(staged, mapping, [reason])
        # They come in row order: the first few are all the report can show.
        if repeats_listed < FIRST_ERRORS:
            report.first_errors.append({"row": staged["row_no"], "reasons": [reason]})
            repeats_listed += 1

    loader.remove_duplicates(on_repeat)
    report.first_errors.sort(key=lambda e: e["row"])
    del report.first_errors[FIRST_ERRORS:]
    if report.rows == 0:
        raise ImportRefused(_("The file has no data rows."), report)
    if report.rejected >= report.rows:
        raise ImportRefused(_("No row of the file is valid; nothing was stored."), report)
    loader.find_changed_people()
    review = Review(loader, accept=options.accept)
    review.people()
    loader.build_families()
    review.families()
    review.take_out_held_people()
    report.held = review.held()
    report.held_total = review.held_total()
    if options.dry_run or (report.rejected and not options.valid_only):
        for key, value in loader.counts().items():
            setattr(report, key, value)
        _list_changes(loader, report, changes_out)
    if report.rejected and not options.valid_only:
        report.refused_reason = _(
            "%(n)s rows were rejected, so nothing was stored. Correct them, or choose to "
            "import the valid rows and reject the rest."
        ) % {"n": report.rejected}
        raise _Rollback()
    if options.dry_run:
        raise _Rollback()
    phase("writing")
    with transaction.atomic():
        _apply(report, loader, user, name)


def _apply(report, loader, user, name):
    families, people = loader.totals()
    history = History(loader, user=user, summary=_("Import of %(name)s") % {"name": name})
    applied = loader.apply(families=families, people=people, history=history)
    for key, value in applied.items():
        setattr(report, key, value)
    held_families = report.held.get("move", 0) and loader.held_families()
    report.families_unchanged = (
        families - applied["families_new"] - applied["families_updated"] - held_families
    )
    report.people_unchanged = people - applied["people_new"] - applied["people_updated"]
    loader.drop()
    report.applied = True
    audit_record(
        actor=user,
        action=AuditAction.IMPORT,
        summary=_(
            "Imported %(name)s: %(fn)s new and %(fu)s updated families, %(pn)s new "
            "and %(pu)s updated people, %(r)s rows rejected."
        )
        % {
            "name": name,
            "fn": report.families_new,
            "fu": report.families_updated,
            "pn": report.people_new,
            "pu": report.people_updated,
            "r": report.rejected,
        },
        changes={"file": name, **report.totals()},
    )


def _list_changes(loader, report, out) -> None:
    """The change list of a dry run: all of it to `out` (CSV), the first rows into the report."""
    writer = None
    if out is not None:
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
        writer = csv.writer(text)
        writer.writerow(CHANGE_COLUMNS)
    for row in change_rows(loader):
        report.changes_total += 1
        if len(report.change_preview) < CHANGE_PREVIEW:
            report.change_preview.append(dict(zip(CHANGE_COLUMNS, row, strict=True)))
        if writer is not None:
            writer.writerow([formula_safe(value) for value in row])
        elif len(report.change_preview) >= CHANGE_PREVIEW:
            break
    if writer is not None:
        text.flush()
        text.detach()


# Staging columns under the names of the mapping's fields, where they differ.
STAGED_FIELD = {"village": "village_code"}


class _RejectWriter:
    """The rejected rows as CSV: the file's own columns, then the row number and the reason.
    Every cell goes through formula_safe, the header too: it is the uploaded file's own."""

    def __init__(self, out, header: list[str], delimiter: str = ","):
        self.header = header
        self.writer = None
        if out is not None:
            self.text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
            # The delimiter of the uploaded file, so that the user's spreadsheet opens it alike.
            self.writer = csv.writer(self.text, delimiter=delimiter or ",")
            self.writer.writerow([*map(formula_safe, [*header, _("row"), _("reason")])])

    def write(self, row_no: int, cells: list, reasons: list[str]) -> None:
        if self.writer is None:
            return
        values = ["" if c is None else str(c) for c in cells[: len(self.header)]]
        values += [""] * (len(self.header) - len(values))
        # The reasons may quote a cell of the file.
        reason = formula_safe("; ".join(reasons))
        self.writer.writerow([*map(formula_safe, values), row_no, reason])

    def write_staged(self, staged: dict, mapping: dict[str, int], reasons) -> None:
        """A row that was refused after staging (a repeated NIK), written back into the file's
        own columns from its cleaned values."""
        cells = [""] * len(self.header)
        for name, column in mapping.items():
            value = staged.get(STAGED_FIELD.get(name, name))
            if value is not None:
                cells[column] = str(value)
        if "nik" in mapping and not staged.get("nik"):
            cells[mapping["nik"]] = staged.get("temporary_number") or ""
        self.write(staged["row_no"], cells, reasons)

    def detach(self):
        if self.writer is not None:
            self.text.flush()
            self.text.detach()


__all__ = [
    "FileProblem",
    "ImportOptions",
    "ImportRefused",
    "ImportReport",
    "household_import_run",
    "STAGING_COLUMNS",
]
