"""Job kinds of the core: loading regions and exporting the audit trail."""

import csv
import io
import tempfile

from django.core.files import File
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .audit import audit_record
from .choices import AuditAction
from .jobs import JobError, JobOutcome, job_kind, job_progress
from .models import Job, User
from .selectors import audit_event_list
from .services import RegionCodeUnknown, regions_load


@job_kind("regions.load", label=gettext_lazy("Memuat data wilayah Kemendagri"), time_limit=1800)
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
            _("Kode wilayah %(code)s tidak ada dalam data %(regulation)s.")
            % {"code": exc.args[0], "regulation": "Kepmendagri 300.2.2-2138 Tahun 2025"}
        ) from None
    counts = {
        "created": dataset.regions_created,
        "updated": dataset.regions_updated,
        "unchanged": dataset.regions_unchanged,
    }
    return JobOutcome(
        counts=counts,
        message=_("Wilayah dimuat: %(created)s baru, %(updated)s berubah, %(unchanged)s tetap.")
        % counts,
    )


def _csv_safe(value) -> str:
    """Neutralise spreadsheet formulas (CSV injection) in exported text."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


@job_kind("audit.export", label=gettext_lazy("Ekspor jejak audit"), time_limit=1800)
def export_audit(job: Job) -> JobOutcome:
    user = User.objects.get(pk=job.created_by_id) if job.created_by_id else None
    if user is None:
        raise JobError(_("Ekspor membutuhkan pengguna yang memulainya."))
    filterset = audit_event_list(user=user, filters=job.params.get("filters") or {})
    if not filterset.is_valid():
        raise JobError(_("Filter ekspor tidak valid."))
    queryset = filterset.qs.order_by("at", "id")
    total = queryset.count()
    job_progress(job, done=0, total=total)
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024, mode="w+b")
    text = io.TextIOWrapper(spool, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow(
        [_("Waktu"), _("Pengguna"), _("Tindakan"), _("Jenis objek"), _("ID objek"), _("Objek"),
         _("Ringkasan"), _("Perubahan"), _("Alamat IP")]
    )
    done = 0
    for event in queryset.select_related("content_type").iterator(chunk_size=2000):
        writer.writerow(
            [
                timezone.localtime(event.at).isoformat(timespec="seconds"),
                _csv_safe(event.actor_username),
                event.get_action_display(),
                event.content_type.model if event.content_type else "",
                event.object_id,
                _csv_safe(event.object_repr),
                _csv_safe(event.summary),
                _csv_safe(event.changes or ""),
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
        summary=_("Ekspor %(n)s baris jejak audit.") % {"n": done},
        changes={"filters": job.params.get("filters") or {}},
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return JobOutcome(
        counts={"rows": done},
        message=_("%(n)s baris diekspor.") % {"n": done},
        result_name=f"jejak-audit-{stamp}.csv",
        result_file=File(spool),
    )
