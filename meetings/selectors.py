"""Reads of the meetings app, scoped by user. Views, tasks and the dashboards call these.

The figures at the end (completion rate by agency, overdue count, average days late) are meant
for the dashboards: they take the same `filters` as the action board, so a dashboard can show the
figures of exactly what a board link lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import (
    Avg,
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from tkpk.choices import RegionLevel
from tkpk.models import Agency, Region

from .choices import COMPLETED_STATUSES, OPEN_STATUSES, ActionStatus
from .filters import ActionFilter, MeetingFilter
from .models import FollowUpAction, Meeting, Notification, ProgressUpdate


def meeting_list(*, user, filters: dict | None = None) -> MeetingFilter:
    """The meetings the user may read, filtered, with their action counts (use `.qs`)."""
    queryset = (
        Meeting.objects.for_user(user)
        .select_related("created_by")
        .annotate(
            action_count=Count("actions", distinct=True),
            open_action_count=Count(
                "actions", filter=Q(actions__status__in=OPEN_STATUSES), distinct=True
            ),
            invited_count=Count("invitations", distinct=True),
        )
        .order_by("-starts_at", "-id")
    )  # a GROUP BY query ignores Meta.ordering
    return MeetingFilter(filters or {}, queryset=queryset)


def agency_choices() -> list[tuple[int, str]]:
    """The active agencies as (id, short name), for the filter selects."""
    return list(Agency.objects.active().order_by("short_name").values_list("pk", "short_name"))


def action_queryset(*, user, today: date | None = None) -> QuerySet[FollowUpAction]:
    """The actions the user may read, with what a list row shows."""
    return (
        FollowUpAction.objects.for_user(user)
        .with_overdue(today)
        .select_related("meeting", "responsible_agency")
    )


LIST_ORDER = ("due_date", "priority", "id")


def action_board(*, user, filters: dict | None = None) -> ActionFilter:
    """The action board across meetings, filtered (use `.qs`), the soonest due first."""
    return ActionFilter(filters or {}, queryset=action_queryset(user=user).order_by(*LIST_ORDER))


def my_action_list(*, user, filters: dict | None = None) -> ActionFilter:
    """The actions given to the user's own agency (none without an agency)."""
    queryset = action_queryset(user=user).order_by(*LIST_ORDER)
    queryset = (
        queryset.filter(responsible_agency_id=user.agency_id) if user.agency_id else queryset.none()
    )
    return ActionFilter(filters or {}, queryset=queryset)


def meeting_actions(*, user, meeting: Meeting) -> QuerySet[FollowUpAction]:
    """The actions of one meeting that the user may read, in the order they were decided."""
    return action_queryset(user=user).filter(meeting=meeting).order_by("id")


def meeting_attendance(*, meeting: Meeting) -> dict:
    """The attendance list of a meeting, and how many of them were present and absent: a
    person on the list who did not come is not counted as attending."""
    rows = list(meeting.attendance.select_related("agency"))
    present = sum(1 for row in rows if row.present)
    return {
        "attendance": rows,
        "attendance_present": present,
        "attendance_absent": len(rows) - present,
    }


@dataclass(frozen=True)
class Letterhead:
    """The letterhead (kop surat) of the secretariat's documents: the government of the home
    region, the office, and its address (may be empty)."""

    government: str
    office: str
    address: str


# A name as the region data writes it may start with its kind, in full or short ("Kabupaten
# Hulu Sungai Utara", "KAB. HULU SUNGAI UTARA", "Kota Banjarmasin"); "Kotabaru" does not.
_REGION_KIND = re.compile(r"^(?:KABUPATEN|KOTA|PROVINSI|KAB\.?|PROV\.?)(?:\s+|(?<=\.))")


def government_name(region: Region) -> str:
    """The official name of the region's government, in capitals, as an Indonesian letterhead
    writes it ("PEMERINTAH KABUPATEN HULU SUNGAI UTARA", "PEMERINTAH KOTA BANJARMASIN",
    "PEMERINTAH PROVINSI KALIMANTAN SELATAN"). It is a name, not text of the interface: it is
    the same in every language. A name without its kind takes it from the code (kota 71-99)."""
    name = " ".join(region.name.upper().split())
    kind_in_name = _REGION_KIND.match(name)
    if kind_in_name:
        name = name[kind_in_name.end() :]
    if region.level == RegionLevel.PROVINCE:
        kind = "PROVINSI"
    elif kind_in_name:
        kind = "KOTA" if kind_in_name.group().startswith("KOTA") else "KABUPATEN"
    else:
        kind = "KOTA" if int(region.code.split(".")[1]) >= 71 else "KABUPATEN"
    return f"PEMERINTAH {kind} {name}"


def document_letterhead() -> Letterhead:
    """The letterhead of the home region (HOME_REGION_CODE: its province or kabupaten/kota);
    SITE_NAME while no region data is loaded."""
    code = ".".join(settings.HOME_REGION_CODE.split(".")[:2])
    region = Region.objects.filter(code=code).only("code", "name", "level").first()
    return Letterhead(
        government=government_name(region) if region else settings.SITE_NAME.upper(),
        office=settings.TKPK_OFFICE_NAME.upper(),
        address=settings.TKPK_OFFICE_ADDRESS.strip(),
    )


def minutes_document(*, user, meeting: Meeting) -> dict:
    """What the printable and PDF minutes show: the letterhead, the meeting, who attended, its
    actions, and the signature block (the chair and the minute taker, `meeting.minutes_by`)."""
    return {
        "meeting": meeting,
        **meeting_attendance(meeting=meeting),
        "actions": meeting_actions(user=user, meeting=meeting),
        "letterhead": document_letterhead(),
        "printed_at": timezone.localtime(),
    }


def action_timeline(*, action: FollowUpAction) -> QuerySet[ProgressUpdate]:
    return action.updates.select_related("created_by").order_by("-created_at", "-id")


def unread_notifications(*, user, limit: int = 20) -> list[Notification]:
    return list(Notification.objects.for_user(user).unread()[:limit])


# --- Figures for the dashboards --------------------------------------------------------------


def _days_late_expression(today: date):
    """Days past the due date of one action: until completion for a done or verified action
    finished late, until today for an open overdue action, NULL otherwise (not late)."""
    as_days = DurationField()
    return Case(
        When(
            status__in=COMPLETED_STATUSES,
            completed_on__gt=F("due_date"),
            then=ExpressionWrapper(F("completed_on") - F("due_date"), output_field=as_days),
        ),
        When(
            status__in=OPEN_STATUSES,
            due_date__lt=today,
            then=ExpressionWrapper(Value(today) - F("due_date"), output_field=as_days),
        ),
        default=None,
        output_field=as_days,
    )


def _as_days(value: timedelta | None) -> float | None:
    if value is None:
        return None
    return round(value.total_seconds() / 86400, 1)


def _figure_base(*, user, filters, today=None) -> QuerySet[FollowUpAction]:
    queryset = FollowUpAction.objects.for_user(user)
    if filters:
        queryset = ActionFilter(filters, queryset=queryset).qs
    # A cancelled action is neither done nor owed: it counts nowhere.
    return queryset.exclude(status=ActionStatus.CANCELLED)


def _percent(part: int, total: int) -> float | None:
    return round(100 * part / total, 1) if total else None


@dataclass(frozen=True)
class AgencyActionFigures:
    """The follow-up record of one agency."""

    agency_id: int
    short_name: str
    name: str
    total: int
    not_started: int
    in_progress: int
    awaiting_verification: int
    verified: int
    overdue: int
    average_days_late: float | None

    @property
    def completion_rate(self) -> float | None:
        """Verified actions as a percentage of all its (non-cancelled) actions."""
        return _percent(self.verified, self.total)

    @property
    def reported_done_rate(self) -> float | None:
        """Done (verified or awaiting verification) as a percentage of all its actions."""
        return _percent(self.verified + self.awaiting_verification, self.total)


def action_figures_by_agency(
    *, user, filters: dict | None = None, today: date | None = None
) -> list[AgencyActionFigures]:
    """Per responsible agency: counts by status, overdue, average days late, completion rate.
    One query. Cancelled actions are left out."""
    today = today or timezone.localdate()
    rows = (
        _figure_base(user=user, filters=filters, today=today)
        .values("responsible_agency_id", "responsible_agency__short_name")
        .annotate(
            agency_name=F("responsible_agency__name"),
            total=Count("id"),
            not_started=Count("id", filter=Q(status=ActionStatus.NOT_STARTED)),
            in_progress=Count("id", filter=Q(status=ActionStatus.IN_PROGRESS)),
            awaiting=Count("id", filter=Q(status=ActionStatus.DONE)),
            verified=Count("id", filter=Q(status=ActionStatus.VERIFIED)),
            overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, due_date__lt=today)),
            late=Avg(_days_late_expression(today)),
        )
        .order_by("responsible_agency__short_name")
    )
    return [
        AgencyActionFigures(
            agency_id=row["responsible_agency_id"],
            short_name=row["responsible_agency__short_name"],
            name=row["agency_name"],
            total=row["total"],
            not_started=row["not_started"],
            in_progress=row["in_progress"],
            awaiting_verification=row["awaiting"],
            verified=row["verified"],
            overdue=row["overdue"],
            average_days_late=_as_days(row["late"]),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class ActionSummary:
    """The follow-up record of a set of actions (all of a user's, or a filtered board)."""

    total: int
    verified: int
    overdue: int
    average_days_late: float | None

    @property
    def completion_rate(self) -> float | None:
        """Verified actions as a percentage of all (non-cancelled) actions."""
        return _percent(self.verified, self.total)


def action_summary(
    *, user, filters: dict | None = None, today: date | None = None
) -> ActionSummary:
    """Total, verified, overdue and average days late in one query. Cancelled actions are
    left out."""
    today = today or timezone.localdate()
    row = _figure_base(user=user, filters=filters, today=today).aggregate(
        total=Count("id"),
        verified=Count("id", filter=Q(status=ActionStatus.VERIFIED)),
        overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, due_date__lt=today)),
        late=Avg(_days_late_expression(today)),
    )
    return ActionSummary(
        total=row["total"],
        verified=row["verified"],
        overdue=row["overdue"],
        average_days_late=_as_days(row["late"]),
    )


def action_overdue_count(*, user, filters: dict | None = None, today: date | None = None) -> int:
    """How many open actions are past their due date."""
    return action_summary(user=user, filters=filters, today=today).overdue


def action_average_days_late(
    *, user, filters: dict | None = None, today: date | None = None
) -> float | None:
    """The average number of days late over the actions that are or were late (open and overdue:
    until today; done or verified after the due date: until completion). None if none is late."""
    return action_summary(user=user, filters=filters, today=today).average_days_late


def action_completion_rate(
    *, user, filters: dict | None = None, today: date | None = None
) -> float | None:
    """Verified actions as a percentage of all non-cancelled actions; None when there are none."""
    return action_summary(user=user, filters=filters, today=today).completion_rate
