"""Reads of the core, scoped by user. Views and jobs call these, never raw querysets."""

from django.conf import settings
from django.db.models import Count, QuerySet

from .filters import AgencyFilter, AuditEventFilter, JobFilter, UserFilter
from .models import Agency, AuditEvent, Job, Region, RegionDataset, User


def audit_event_list(*, user, filters: dict | None = None) -> AuditEventFilter:
    """The audit events the user may read, filtered. Returns the bound FilterSet (use `.qs`)."""
    queryset = AuditEvent.objects.for_user(user).select_related("content_type", "actor")
    return AuditEventFilter(filters or {}, queryset=queryset)


def recent_jobs(*, user) -> QuerySet[Job]:
    """The jobs the user may see (tkpk.querysets.JobQuerySet), newest first, with their starter."""
    return Job.objects.for_user(user).select_related("created_by")


def job_list(*, user, filters: dict | None = None) -> JobFilter:
    """The jobs the user may see, filtered by kind and status. Returns the bound FilterSet."""
    return JobFilter(filters or {}, queryset=recent_jobs(user=user))


def agency_list(*, user, filters: dict | None = None) -> AgencyFilter:
    """The active agencies with their number of accounts, filtered. Returns the bound FilterSet."""
    queryset = Agency.objects.for_user(user).active().annotate(user_count=Count("users"))
    return AgencyFilter(filters or {}, queryset=queryset)


def user_list(*, user, filters: dict | None = None) -> UserFilter:
    """The accounts the user may see (tkpk.querysets.UserQuerySet), with their agency and role,
    filtered. Returns the bound FilterSet."""
    queryset = (
        User.objects.for_user(user)
        .select_related("agency")
        .prefetch_related("groups")
        .order_by("-is_active", "username")
    )
    return UserFilter(filters or {}, queryset=queryset)


def agency_accounts(*, user, agency: Agency) -> QuerySet[User]:
    """The active accounts of an agency that the user may see (tkpk.querysets.UserQuerySet)."""
    return (
        User.objects.for_user(user)
        .filter(agency=agency, is_active=True)
        .prefetch_related("groups")
        .order_by("username")
    )


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


def region_overview(*, user) -> dict:
    """The home region with its districts and their villages, and what region data is loaded,
    as far as the user may read regions (nothing for a user without a role)."""
    regions = Region.objects.for_user(user)
    home = regions.filter(code=settings.HOME_REGION_CODE).first()
    districts = regions.filter(parent=home).prefetch_related("children") if home else regions.none()
    return {"summary": region_summary(), "home": home, "districts": districts}
