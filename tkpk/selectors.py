"""Reads of the core, scoped by user. Views and jobs call these, never raw querysets."""

from django.db.models import Count, QuerySet

from .filters import AuditEventFilter
from .models import Agency, AuditEvent, Job, Region, RegionDataset


def audit_event_list(*, user, filters: dict | None = None) -> AuditEventFilter:
    """The audit events the user may read, filtered. Returns the bound FilterSet (use `.qs`)."""
    queryset = AuditEvent.objects.for_user(user).select_related("content_type")
    return AuditEventFilter(filters or {}, queryset=queryset)


def job_list(*, user) -> QuerySet[Job]:
    return Job.objects.for_user(user).select_related("created_by")


def agency_list(*, user) -> QuerySet[Agency]:
    return Agency.objects.for_user(user).active().annotate(user_count=Count("users"))


def region_summary() -> dict:
    """How many regions of each level are loaded, and from which source."""
    counts = dict(
        Region.objects.values_list("level").annotate(n=Count("id")).values_list("level", "n")
    )
    return {
        "provinces": counts.get(1, 0),
        "regencies": counts.get(2, 0),
        "districts": counts.get(3, 0),
        "villages": counts.get(4, 0),
        "latest": RegionDataset.objects.first(),
    }
