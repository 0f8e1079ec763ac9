"""Job kinds of the programs app: enrolment from a file (its dry run and its apply), and the
export of a long beneficiary list. Thin: they call the services and say what happened."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.exporting import ExportTooLarge
from households.importing.reader import FileProblem
from tkpk.jobs import JobError, JobOutcome, job_kind, job_progress
from tkpk.models import Job, User
from tkpk.roles import SECRETARIAT

from .models import BeneficiaryImport, Program
from .services.beneficiary_export import EXPORT_KIND, beneficiaries_write
from .services.imports import IMPORT_ACCEPTABLE, IMPORT_KIND, PHASES, beneficiary_import_run


def _refusal(error, denied: str) -> str:
    if isinstance(error, PermissionDenied):
        return denied
    return " ".join(getattr(error, "messages", [str(error)]))


# The secretariat reads every agency's imports; an operator sees the jobs they started.
@job_kind(
    IMPORT_KIND,
    label=gettext_lazy("Enrolment of beneficiaries from a file"),
    time_limit=3 * 3600,
    visible_to=[SECRETARIAT],
)
def import_beneficiaries(job: Job) -> JobOutcome:
    record = BeneficiaryImport.objects.get(pk=job.params["import_id"])
    user = User.objects.get(pk=job.created_by_id)
    dry_run = bool(job.params.get("dry_run"))

    def progress(done, total, phase):
        job_progress(job, done=done, total=total, message=str(PHASES[phase]))

    try:
        report = beneficiary_import_run(
            record=record,
            user=user,
            dry_run=dry_run,
            accept=[k for k in job.params.get("accept", []) if k in IMPORT_ACCEPTABLE],
            progress=progress,
        )
    except FileProblem as error:
        raise JobError(str(error)) from None
    except (PermissionDenied, ValidationError) as error:
        raise JobError(
            _refusal(error, _("You may no longer enrol beneficiaries in this program."))
        ) from None
    except IntegrityError:
        # Another enrolment of the same people committed while this one ran: the unique
        # constraint stopped it, and its transaction stored nothing.
        raise JobError(
            _(
                "Some of these people were enrolled in the program by someone else meanwhile, "
                "so nothing was stored. Run the dry run again."
            )
        ) from None
    outcome = JobOutcome(counts=report.job_counts(), message=report.message())
    if report.left_out:
        prefix = "temuan" if dry_run else "ditolak"
        outcome.result_name = f"{prefix}-penerima-{record.pk}.csv"
        outcome.result_file = File(report.rejects)
    return outcome


@job_kind(EXPORT_KIND, label=gettext_lazy("Export of a beneficiary list"), time_limit=3600)
def export_beneficiaries(job: Job) -> JobOutcome:
    user = User.objects.get(pk=job.created_by_id)
    program = Program.objects.get(pk=job.params["program_id"])
    try:
        name, file, rows = beneficiaries_write(
            user=user,
            program=program,
            filters=job.params.get("filters") or {},
            file_format=job.params.get("format", "xlsx"),
            progress=lambda done, total: job_progress(job, done=done, total=total),
        )
    except ExportTooLarge as error:
        raise JobError(error.message) from None
    except (PermissionDenied, ValidationError) as error:
        raise JobError(
            _refusal(error, _("You may no longer read the beneficiaries of this program."))
        ) from None
    return JobOutcome(
        counts={"rows": rows},
        message=_("%(n)s beneficiaries exported.") % {"n": rows},
        result_name=name,
        result_file=file,
    )
