"""Job kinds of the registry: importing a family file, exporting a big list, validating."""

import tempfile

from django.core.files import File
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tkpk.jobs import JobError, JobOutcome, data_changed, job_kind, job_progress
from tkpk.models import Job, User
from tkpk.roles import SECRETARIAT

from .exporting import ExportTooLarge, export_households
from .importing.changes import HELD_LABELS, KINDS
from .importing.reader import FileProblem
from .importing.service import ImportOptions, ImportRefused, household_import_run
from .models import HouseholdImport
from .services import registry_analyze
from .validation.runs import IMPORT, KIND, UnknownRules, validation_run, validation_run_start
from .validation.services import EXPORT_KIND, export_findings

PHASES = {
    "reading": gettext_lazy("Reading and checking the rows"),
    "comparing": gettext_lazy("Comparing with the registry"),
    "writing": gettext_lazy("Writing the changes"),
}


def report_message(report, *, dry_run: bool, clear_empty: bool = False) -> str:
    def n(value):
        return number_format(value, force_grouping=True)

    figures = _(
        "Families: %(fn)s new, %(fu)s updated, %(fs)s unchanged. People: %(pn)s new, "
        "%(pu)s updated, %(ps)s unchanged. Rejected rows: %(r)s."
    ) % {
        "fn": n(report.families_new),
        "fu": n(report.families_updated),
        "fs": n(report.families_unchanged),
        "pn": n(report.people_new),
        "pu": n(report.people_updated),
        "ps": n(report.people_unchanged),
        "r": n(report.rejected),
    }
    if report.held_total:
        held = ", ".join(
            f"{n(count)} {HELD_LABELS[kind]}" for kind, count in report.held.items() if count
        )
        figures += " " + _("Held for review, not applied: %(n)s records (%(held)s).") % {
            "n": n(report.held_total),
            "held": held,
        }
    figures += " " + (
        _("Empty cells cleared the stored values.")
        if clear_empty
        else _("Empty cells kept the stored values.")
    )
    if dry_run:
        message = _("Dry run: nothing was stored. %(figures)s") % {"figures": figures}
        if report.rejected:
            message += " " + _(
                "Importing all rows would be refused because of the rejected rows: correct them "
                "in the file, or import the valid rows and reject the rest."
            )
        return message
    if report.refused_reason:
        return f"{report.refused_reason} {figures}"
    return _("Imported. %(figures)s") % {"figures": figures}


# An import is the secretariat's: a colleague who opens it follows its progress and rejects.
@job_kind(
    "households.import",
    label=gettext_lazy("Import of a family file"),
    time_limit=3 * 3600,
    visible_to=[SECRETARIAT],
)
def import_households(job: Job) -> JobOutcome:
    upload = HouseholdImport.objects.get(pk=job.params["import_id"])
    dry_run = bool(job.params.get("dry_run"))
    options = ImportOptions(
        source=upload.source,
        mapping={k: int(v) for k, v in upload.mapping.items()},
        sheet=upload.sheet,
        dry_run=dry_run,
        valid_only=bool(job.params.get("valid_only")),
        clear_empty=upload.clear_empty,
        accept=frozenset(k for k in job.params.get("accept", []) if k in KINDS),
    )
    rejects = tempfile.TemporaryFile()
    changes = tempfile.TemporaryFile() if dry_run else None
    user = User.objects.filter(pk=job.created_by_id).first()

    def progress(done, total, phase="reading"):
        job_progress(job, done=done, total=total, message=str(PHASES[phase]))

    try:
        with upload.file.open("rb") as handle:
            report = household_import_run(
                fileobj=handle,
                name=upload.original_name,
                options=options,
                user=user,
                rejects_out=rejects,
                changes_out=changes,
                progress=progress,
            )
    except FileProblem as exc:
        raise JobError(str(exc)) from None
    except ImportRefused as exc:
        _attach_rejects(job, rejects, exc.report.rejected)
        job.counts = _counts(exc.report)
        Job.objects.filter(pk=job.pk).update(counts=job.counts)
        raise JobError(str(exc)) from None
    if dry_run:
        _keep_review(upload, report, changes)
    elif report.applied:
        registry_analyze()
        # Validate what the import touched: a full run (it costs less than the import's own
        # loading; restricting every app's rules to the changed families would not).
        validation_run_start(user=user, reason=IMPORT)
        data_changed("registry")
    outcome = JobOutcome(
        counts=_counts(report),
        message=report_message(report, dry_run=dry_run, clear_empty=options.clear_empty),
    )
    if report.rejected:
        rejects.seek(0)
        outcome.result_name = f"ditolak-{upload.pk}.csv"
        outcome.result_file = File(rejects)
    if report.refused_reason and not dry_run:
        _attach_rejects(job, rejects, report.rejected)
        Job.objects.filter(pk=job.pk).update(counts=outcome.counts)
        raise JobError(outcome.message)
    return outcome


def _keep_review(upload: HouseholdImport, report, changes) -> None:
    """What the dry run found, for the import page: held changes, the first changes, and the
    whole change list as a file (replacing the previous run's)."""
    if upload.changes_file:
        upload.changes_file.delete(save=False)
    if report.changes_total:
        changes.seek(0)
        upload.changes_file.save(f"perubahan-{upload.pk}.csv", File(changes), save=False)
    upload.review = {
        "held": report.held,
        "held_total": report.held_total,
        "changes_total": report.changes_total,
        "preview": report.change_preview,
    }
    upload.save(update_fields=["changes_file", "review"])


def _counts(report) -> dict:
    return {
        **report.totals(),
        "rows": report.rows,
        "applied": report.applied,
        "first_errors": report.first_errors,
    }


def _attach_rejects(job: Job, rejects, count: int) -> None:
    if count:
        rejects.seek(0)
        job.result_file.save(f"ditolak-{job.params['import_id']}.csv", File(rejects), save=False)
        Job.objects.filter(pk=job.pk).update(result_file=job.result_file.name)


@job_kind("households.export", label=gettext_lazy("Export of the household list"), time_limit=3600)
def export_list(job: Job) -> JobOutcome:
    user = User.objects.get(pk=job.created_by_id)
    try:
        name, file, rows = export_households(
            user=user,
            filters=job.params.get("filters") or {},
            file_format=job.params.get("format", "xlsx"),
            # A job queued before layouts existed wrote the import layout.
            layout=job.params.get("layout", "import"),
            progress=lambda done, total: job_progress(job, done=done, total=total),
        )
    except ExportTooLarge as exc:
        raise JobError(exc.message) from None
    return JobOutcome(
        counts={"rows": rows},
        message=_("%(n)s people exported.") % {"n": rows},
        result_name=name,
        result_file=file,
    )


# A run is the secretariat's: a nightly run that beat started shows to each of them.
@job_kind(
    KIND,
    label=gettext_lazy("Validation of the registry"),
    time_limit=3600,
    visible_to=[SECRETARIAT],
)
def validate_registry(job: Job) -> JobOutcome:
    try:
        counts = validation_run(
            job=job,
            progress=lambda done, total, what: job_progress(
                job, done=done, total=total, message=what
            ),
        )
    except UnknownRules as exc:
        raise JobError(_("Unknown validation rules: %(codes)s.") % {"codes": exc}) from None
    return JobOutcome(counts=counts, message=validation_message(counts))


def validation_message(counts: dict) -> str:
    def n(value):
        return number_format(value, force_grouping=True)

    return _(
        "%(open)s findings open: %(new)s new, %(closed)s resolved since the previous run, "
        "%(ignored)s ignored found again and kept ignored."
    ) % {
        "open": n(counts["findings_open"]),
        "new": n(counts["findings_new"]),
        "closed": n(counts["findings_closed"]),
        "ignored": n(counts["ignored_kept"]),
    }


# Starter-only (the default): the file holds the people behind the findings.
@job_kind(EXPORT_KIND, label=gettext_lazy("Export of validation findings"), time_limit=3600)
def export_validation_findings(job: Job) -> JobOutcome:
    user = User.objects.get(pk=job.created_by_id)
    name, file, rows = export_findings(
        user=user,
        filters=job.params.get("filters") or {},
        progress=lambda done: job_progress(job, done=done),
    )
    return JobOutcome(
        counts={"rows": rows},
        message=_("%(n)s findings exported.") % {"n": rows},
        result_name=name,
        result_file=file,
    )
