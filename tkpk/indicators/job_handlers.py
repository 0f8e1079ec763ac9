"""Job kinds of the indicators app: the rollup and the annual report."""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tkpk.choices import JobStatus
from tkpk.jobs import JobError, JobOutcome, job_kind, job_progress
from tkpk.models import Job, User
from tkpk.roles import ADMIN, BAPPEDA, OPERATOR, SECRETARIAT

from .rollup import rollup_run
from .services.entries import ROLLUP_KIND
from .services.reports import REPORT_KIND, annual_report_build

STEP_LABELS = {
    "indicators": gettext_lazy("Indicators against their targets"),
    "registry": gettext_lazy("The registry by area and decile"),
    "programs": gettext_lazy("Pagu and realization of the programs"),
    "coverage": gettext_lazy("Coverage of decile 1-4 families"),
    "follow_ups": gettext_lazy("Follow-up actions by agency"),
    "meetings": gettext_lazy("Coordination meetings"),
    "done": gettext_lazy("Done"),
}


# Figures without names: every role that reads the dashboard follows the rollup, whoever (or
# Celery beat) started it.
@job_kind(
    ROLLUP_KIND,
    label=gettext_lazy("Compute the indicator dashboard"),
    time_limit=3600,
    visible_to=[ADMIN, SECRETARIAT, OPERATOR, BAPPEDA],
    # The apps announce their changes (tkpk.jobs.data_changed); the dashboards follow them.
    follows=["registry", "programs", "meetings"],
)
def rollup(job: Job) -> JobOutcome:
    """Compute every snapshot. A rollup queued after this one reads the same data and more, so
    this one then steps aside: other apps may start rollups as often as their data changes."""
    newer = (
        Job.objects.filter(kind=ROLLUP_KIND, status=JobStatus.QUEUED, pk__gt=job.pk)
        .order_by("pk")
        .first()
    )
    if newer is not None:
        return JobOutcome(
            message=_("Skipped: job #%(id)s, queued after this one, computes the same figures.")
            % {"id": newer.pk}
        )

    def progress(done, total, step):
        job_progress(job, done=done, total=total, message=str(STEP_LABELS.get(step, step)))

    result = rollup_run(job=job, progress=progress)
    return JobOutcome(
        counts=result.counts,
        message=_("The dashboard's figures were computed in %(seconds)s seconds.")
        % {"seconds": result.seconds},
    )


# Starter-only (the default) and Admin: the person who asked downloads the file.
@job_kind(REPORT_KIND, label=gettext_lazy("Annual report (LP2KD)"), time_limit=900)
def annual_report(job: Job) -> JobOutcome:
    user = User.objects.filter(pk=job.created_by_id).first()
    if user is None or not user.has_perm("indicators.make_annual_report"):
        raise JobError(_("The annual report needs the user who asked for it."))
    year, file_format = int(job.params["year"]), job.params["format"]
    try:
        content, name, _data = annual_report_build(
            user=user,
            year=year,
            file_format=file_format,
            progress=lambda done, total, message: job_progress(
                job, done=done, total=total, message=message
            ),
        )
    except ValidationError as error:
        raise JobError(" ".join(error.messages)) from None
    return JobOutcome(
        counts={"year": year},
        message=_("The annual report %(year)s is ready.") % {"year": year},
        result_name=name,
        result_file=ContentFile(content, name=name),
    )
