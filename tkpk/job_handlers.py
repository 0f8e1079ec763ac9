"""Job kinds of the core: loading regions and exporting the audit trail."""

import csv
import io
import json
import tempfile

from django.core.files import File
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .audit import audit_record
from .choices import AuditAction
from .jobs import JobError, JobOutcome, job_kind, job_progress
from .models import Job, User
from .roles import ADMIN
from .selectors import audit_event_list
from .services import RegionCodeUnknown, regions_load
from .spreadsheets import formula_safe


@job_kind(
    "regions.load",
    label=gettext_lazy("Load Kemendagri region data"),
    time_limit=1800,
    # Reference data, no personal data: every Admin follows a load, whoever started it.
    visible_to=[ADMIN],
)
def load_regions(job: Job) -> JobOutcome:
    within = job.params.get("within") or None
    try:
        dataset = regions_load(
            within=within,
            user=job.created_by,
            progress=lambda done, total: job_progress(job, done=done, total=total),
        )
    except RegionCodeUnknown as exc:
        raise JobError(
            _("Region code %(code)s is not in the %(regulation)s data.")
            % {"code": exc.args[0], "regulation": "Kepmendagri 300.2.2-2138 Tahun 2025"}
        ) from None
    counts = {
        "created": dataset.regions_created,
        "updated": dataset.regions_updated,
        "unchanged": dataset.regions_unchanged,
    }
    return JobOutcome(
        counts=counts,
        message=_("Regions loaded: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.")
        % counts,
    )


# Starter-only (the default): the file is one person's export of the audit trail.
@job_kind("audit.export", label=gettext_lazy("Export the audit trail"), time_limit=1800)
def export_audit(job: Job) -> JobOutcome:
    user = User.objects.get(pk=job.created_by_id) if job.created_by_id else None
    if user is None:
        raise JobError(_("An export needs the user who started it."))
    filterset = audit_event_list(user=user, filters=job.params.get("filters") or {})
    if not filterset.is_valid():
        raise JobError(_("The export filters are not valid."))
    queryset = filterset.qs.order_by("at", "id")
    total = queryset.count()
    job_progress(job, done=0, total=total)
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024, mode="w+b")
    text = io.TextIOWrapper(spool, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow(
        [
            _("Time"),
            _("User"),
            _("Action"),
            _("Object type"),
            _("Object ID"),
            _("Object"),
            _("Summary"),
            _("Changes"),
            _("IP address"),
        ]
    )
    done = 0
    for event in queryset.select_related("content_type").iterator(chunk_size=2000):
        writer.writerow(
            [
                timezone.localtime(event.at).isoformat(timespec="seconds"),
                formula_safe(event.actor_username),
                event.get_action_display(),
                event.content_type.model if event.content_type else "",
                event.object_id,
                formula_safe(event.object_repr),
                formula_safe(event.summary),
                formula_safe(
                    json.dumps(event.changes, ensure_ascii=False) if event.changes else ""
                ),
                event.ip_address or "",
            ]
        )
        done += 1
        if done % 5000 == 0:
            job_progress(job, done=done)
    text.flush()
    text.detach()
    spool.seek(0)
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        obj=job,
        summary=_("Exported %(n)s audit trail rows.") % {"n": done},
        changes={"filters": job.params.get("filters") or {}},
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return JobOutcome(
        counts={"rows": done},
        message=_("%(n)s rows exported.") % {"n": done},
        result_name=f"jejak-audit-{stamp}.csv",
        result_file=File(spool),
    )
