"""manage.py import_households FILE [--dry-run] [--valid-only] [--rejects OUT.csv]
[--changes OUT.csv] [--clear-empty] [--accept-moves] [--accept-renames] [--accept-identity-changes]

The same import as the web page, for operators who load national files by schedule. Only the
columns the file has change stored values, and an empty cell keeps one (unless --clear-empty).
An import that stored its rows starts a validation run of the registry (for the worker).
Moves, renames and changes of birth date or sex are held for review unless accepted. Prints the
report and, as its last line, one JSON object with the counts (`held_for_review` among them).
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from households.choices import DataSource
from households.importing.reader import FileProblem
from households.importing.service import ImportOptions, ImportRefused, household_import_run
from households.services import registry_analyze
from households.validation.runs import IMPORT, validation_run_start
from tkpk.jobs import data_changed


class Command(BaseCommand):
    help = "Import a DTKS/P3KE/DTSEN-style family file (CSV or XLSX), upserting people by NIK."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would happen; store nothing."
        )
        parser.add_argument(
            "--valid-only",
            action="store_true",
            help="Import the valid rows and reject the rest (default: all or none).",
        )
        parser.add_argument(
            "--rejects",
            type=Path,
            metavar="OUT.csv",
            help="Write the rejected rows, with row number and reason, here.",
        )
        parser.add_argument(
            "--changes",
            type=Path,
            metavar="OUT.csv",
            help="With --dry-run: write the change list (kind, No. KK, NIK, field, old, new).",
        )
        parser.add_argument(
            "--clear-empty",
            action="store_true",
            help="An empty cell clears the stored value (default: it keeps it).",
        )
        parser.add_argument(
            "--accept-moves",
            action="store_true",
            help="Apply people moving to another family and families changing village.",
        )
        parser.add_argument(
            "--accept-renames",
            action="store_true",
            help="Apply names that differ beyond IMPORT_RENAME_SIMILARITY_PERCENT.",
        )
        parser.add_argument(
            "--accept-identity-changes",
            action="store_true",
            help="Apply changed birth dates and sexes of people already registered.",
        )
        parser.add_argument("--source", choices=DataSource.values, default=DataSource.DTKS)
        parser.add_argument("--sheet", default="", help="XLSX sheet (default: the first).")

    def handle(self, *args, file: Path, dry_run, valid_only, rejects, changes, source, sheet, **o):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        accept = {
            kind
            for kind, flag in (
                ("move", "accept_moves"),
                ("rename", "accept_renames"),
                ("identity", "accept_identity_changes"),
            )
            if o[flag]
        }
        options = ImportOptions(
            source=source,
            sheet=sheet,
            dry_run=dry_run,
            valid_only=valid_only,
            clear_empty=o["clear_empty"],
            accept=frozenset(accept),
        )
        rejects_out = open(rejects, "wb") if rejects else None  # noqa: SIM115
        changes_out = open(changes, "wb") if changes else None  # noqa: SIM115
        try:
            with open(file, "rb") as handle:
                report = household_import_run(
                    fileobj=handle,
                    name=file.name,
                    options=options,
                    rejects_out=rejects_out,
                    changes_out=changes_out,
                    progress=self._progress,
                )
        except FileProblem as exc:
            raise CommandError(str(exc)) from None
        except ImportRefused as exc:
            self._print(exc.report)
            self.stdout.write(str(exc))
            self.stdout.write(json.dumps(exc.report.totals()))
            sys.exit(1)
        finally:
            for out in (rejects_out, changes_out):
                if out:
                    out.close()
        if report.applied:
            registry_analyze()
            # Validate what the import touched: the whole registry, by the worker.
            validation = validation_run_start(reason=IMPORT)
            data_changed("registry")
            self.stdout.write(f"validation run #{validation.pk} {validation.status}")
        self._print(report)
        if report.refused_reason:
            self.stdout.write(report.refused_reason)
        elif dry_run:
            self.stdout.write("Dry run: nothing was stored.")
        self.stdout.write(json.dumps(report.totals()))
        if report.refused_reason and not dry_run:
            sys.exit(1)

    def _progress(self, done, total, phase="reading"):
        if self.stderr.isatty():
            self.stderr.write(f"\r{phase}: {done:,} rows", ending="")

    def _print(self, report):
        self.stdout.write(f"rows read:  {report.rows:>10,}")
        self.stdout.write(
            f"families:   {report.families_new:>10,} new  "
            f"{report.families_updated:>10,} updated  "
            f"{report.families_unchanged:>10,} unchanged"
        )
        self.stdout.write(
            f"people:     {report.people_new:>10,} new  "
            f"{report.people_updated:>10,} updated  "
            f"{report.people_unchanged:>10,} unchanged"
        )
        self.stdout.write(f"rejected:   {report.rejected:>10,}")
        if report.held_total:
            held = ", ".join(f"{kind} {n:,}" for kind, n in report.held.items() if n)
            self.stdout.write(
                f"held for review: {report.held_total:,} ({held}); "
                "see --dry-run --changes, then --accept-moves / --accept-renames / "
                "--accept-identity-changes"
            )
        for error in report.first_errors[:10]:
            self.stdout.write(f"  row {error['row']}: {'; '.join(error['reasons'])}")
