"""What every dashboard read starts from: the newest rollup, the home region and its areas,
the years to choose from, and whose program and follow-up figures the reader may see (the
package docstring)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from tkpk.choices import RegionLevel
from tkpk.models import Region
from tkpk.roles import OPERATOR, user_role

from ..models import FollowUpSnapshot, IndicatorStatusSnapshot, ProgramSnapshot, Rollup


def latest_rollup() -> Rollup | None:
    """The newest complete rollup (a rollup is committed whole, with its rows)."""
    return Rollup.objects.order_by("-computed_at", "-id").first()


def home_region() -> Region | None:
    return Region.objects.filter(code=settings.HOME_REGION_CODE).first()


def area_choices() -> list[Region]:
    """The areas the dashboard is filtered by: the home region, then its kecamatan by name."""
    return list(
        Region.objects.filter(
            Q(code=settings.HOME_REGION_CODE)
            | Q(code__startswith=f"{settings.HOME_REGION_CODE}.", level=RegionLevel.DISTRICT)
        ).order_by("level", "name")
    )


def dashboard_years(rollup: Rollup | None) -> list[int]:
    """The years to choose from: those with an actual or a target of the home region, a
    program or a meeting in the rollup, and the current year; newest first."""
    years = {timezone.localdate().year}
    if rollup is not None:
        for model in (IndicatorStatusSnapshot, ProgramSnapshot, FollowUpSnapshot):
            years.update(
                model.objects.filter(rollup=rollup)
                .order_by()
                .values_list("year", flat=True)
                .distinct()
            )
    return sorted(years, reverse=True)


# --- Scoping -----------------------------------------------------------------------------------


def budget_scope(user) -> tuple[bool, int | None]:
    """(visible, agency id it is limited to). `user` None: the server itself (the annual report
    command), which reads everything."""
    if user is None or user.has_perm("programs.view_budget"):
        return True, None
    if user_role(user) == OPERATOR and user.agency_id:
        return True, user.agency_id
    return False, None


def coverage_visible(user) -> bool:
    return user is None or user.has_perm("programs.view_coverage")


def follow_up_scope(user) -> tuple[bool, int | None]:
    if user is None or user.has_perm("meetings.view_board"):
        return True, None
    if user_role(user) == OPERATOR and user.agency_id:
        return True, user.agency_id
    return False, None
