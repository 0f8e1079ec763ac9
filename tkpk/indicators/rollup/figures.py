"""The rollup's steps over the other apps' data: the registry, programs, coverage,
follow-ups and meetings (tkpk.indicators.rollup)."""

# ruff: noqa: S608 - the SQL is assembled from the models' table names; values are parameters.

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, Sum
from django.utils import timezone

from households.choices import HouseholdStatus, PersonStatus
from households.models import Household, Person
from meetings.choices import COMPLETED_STATUSES, OPEN_STATUSES, ActionStatus, MeetingStatus
from meetings.models import FollowUpAction, Meeting
from programs.choices import BeneficiaryStatus, RealizationStatus
from programs.models import Beneficiary, Cluster, Program, Realization
from tkpk.choices import RegionLevel
from tkpk.models import Region

from ..models import (
    CoverageSnapshot,
    FollowUpSnapshot,
    MeetingSnapshot,
    ProgramSnapshot,
    RegistrySnapshot,
    Rollup,
)

#: Rollups kept: the new one and the one before (a page may have just read its id).
KEEP = 2
#: The families that social assistance targets (deciles 1-4) and the poorest (1-2).
POOR_DECILES = 4
POOREST_DECILES = 2
#: Quarters that count as reported realization (programs.selectors.budget.REPORTED).
REPORTED = (RealizationStatus.SUBMITTED, RealizationStatus.VERIFIED)


# --- Registry ----------------------------------------------------------------------------------


def _home_pattern() -> str:
    return f"{settings.HOME_REGION_CODE}.%"


def _db_time(rollup: Rollup):
    return connection.ops.adapt_datetimefield_value(rollup.computed_at)


def _registry(rollup: Rollup) -> int:
    """Families and living people by decile per desa, then per kecamatan from the desa rows."""
    table = RegistrySnapshot._meta.db_table
    region = Region._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (rollup_id, computed_at, region_id, level, decile, families, people)
            SELECT %s, %s, h.village_id, %s, COALESCE(h.decile, 0), COUNT(*),
                   COALESCE(SUM(m.people), 0)
            FROM {Household._meta.db_table} h
            JOIN {region} v ON v.id = h.village_id
            LEFT JOIN (
                SELECT household_id, COUNT(*) AS people FROM {Person._meta.db_table}
                WHERE status = %s GROUP BY household_id
            ) m ON m.household_id = h.id
            WHERE h.status = %s AND v.code LIKE %s
            GROUP BY h.village_id, COALESCE(h.decile, 0)
            """,
            [
                rollup.pk,
                _db_time(rollup),
                RegionLevel.VILLAGE,
                PersonStatus.ALIVE,
                HouseholdStatus.ACTIVE,
                _home_pattern(),
            ],
        )
        villages = cursor.rowcount
        cursor.execute(
            f"""
            INSERT INTO {table} (rollup_id, computed_at, region_id, level, decile, families, people)
            SELECT s.rollup_id, s.computed_at, v.parent_id, %s, s.decile, SUM(s.families),
                   SUM(s.people)
            FROM {table} s JOIN {region} v ON v.id = s.region_id
            WHERE s.rollup_id = %s AND s.level = %s
            GROUP BY s.rollup_id, s.computed_at, v.parent_id, s.decile
            """,
            [RegionLevel.DISTRICT, rollup.pk, RegionLevel.VILLAGE],
        )
        return villages + cursor.rowcount


# --- Programs ----------------------------------------------------------------------------------


def _programs(rollup: Rollup) -> int:
    """Pagu, realization, target, reach and beneficiaries per year, cluster, agency and unit:
    four grouped queries over programs, their quarters and their beneficiaries."""
    programs = list(
        Program.objects.values_list(
            "pk",
            "fiscal_year",
            "cluster_id",
            "agency_id",
            "target_unit",
            "budget",
            "target_quantity",
        )
    )
    spent = defaultdict(lambda: [0, 0])
    for program_id, reported, verified in (
        Realization.objects.values_list("program_id")
        .annotate(
            reported=Sum("spent", filter=Q(status__in=REPORTED)),
            verified=Sum("spent", filter=Q(status=RealizationStatus.VERIFIED)),
        )
        .order_by()
    ):
        spent[program_id] = [reported or 0, verified or 0]
    # The reach reported by the end of the latest reported quarter.
    reached: dict[int, tuple[int, int]] = {}
    for program_id, quarter, value in Realization.objects.filter(status__in=REPORTED).values_list(
        "program_id", "quarter", "reached"
    ):
        if program_id not in reached or quarter > reached[program_id][0]:
            reached[program_id] = (quarter, value)
    named = dict(
        Beneficiary.objects.filter(status=BeneficiaryStatus.ACTIVE)
        .values_list("program_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    groups: dict[tuple, dict] = {}
    for pk, year, cluster_id, agency_id, unit, budget, target in programs:
        row = groups.setdefault(
            (year, cluster_id, agency_id, unit),
            dict.fromkeys(("programs", "budget", "reported", "verified", "target", "reached"), 0)
            | {"beneficiaries": 0},
        )
        row["programs"] += 1
        row["budget"] += budget
        row["reported"] += spent[pk][0]
        row["verified"] += spent[pk][1]
        row["target"] += target
        row["reached"] += reached.get(pk, (0, 0))[1]
        row["beneficiaries"] += named.get(pk, 0)
    ProgramSnapshot.objects.bulk_create(
        [
            ProgramSnapshot(
                rollup=rollup,
                computed_at=rollup.computed_at,
                year=year,
                cluster_id=cluster_id,
                agency_id=agency_id,
                target_unit=unit,
                **figures,
            )
            for (year, cluster_id, agency_id, unit), figures in sorted(groups.items())
        ],
        batch_size=2000,
    )
    return len(groups)


def _coverage(rollup: Rollup) -> int:
    """Decile 1-4 families reached per year, kecamatan and cluster, and by any cluster. The
    families of each kecamatan are the registry snapshot's, written just before."""
    program = Program._meta.db_table
    reach_sql = f"""
        SELECT b.fiscal_year AS year, p.household_id AS household_id, pr.cluster_id AS cluster_id
        FROM {Beneficiary._meta.db_table} b
        JOIN {Person._meta.db_table} p ON p.id = b.person_id
        JOIN {program} pr ON pr.id = b.program_id
        WHERE b.status = %s
        GROUP BY b.fiscal_year, p.household_id, pr.cluster_id
    """
    families_sql = f"""
        FROM ({reach_sql}) r
        JOIN {Household._meta.db_table} h ON h.id = r.household_id
        JOIN {Region._meta.db_table} v ON v.id = h.village_id
        WHERE h.status = %s AND h.decile <= %s AND v.code LIKE %s
    """
    params = [BeneficiaryStatus.ACTIVE, HouseholdStatus.ACTIVE, POOR_DECILES, _home_pattern()]
    reached: dict[tuple, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.year, v.parent_id, r.cluster_id, COUNT(*) {families_sql} "
            "GROUP BY r.year, v.parent_id, r.cluster_id",
            params,
        )
        for year, district_id, cluster_id, count in cursor.fetchall():
            reached[(year, district_id, cluster_id)] = count
        cursor.execute(
            f"SELECT r.year, v.parent_id, COUNT(DISTINCT r.household_id) {families_sql} "
            "GROUP BY r.year, v.parent_id",
            params,
        )
        for year, district_id, count in cursor.fetchall():
            reached[(year, district_id, None)] = count
    families = dict(
        RegistrySnapshot.objects.filter(
            rollup=rollup, level=RegionLevel.DISTRICT, decile__gte=1, decile__lte=POOR_DECILES
        )
        .values_list("region_id")
        .annotate(n=Sum("families"))
        .order_by()
    )
    years = set(Program.objects.order_by().values_list("fiscal_year", flat=True).distinct())
    years |= {year for year, _d, _c in reached}
    clusters = [*Cluster.objects.order_by("number").values_list("pk", flat=True), None]
    districts = set(families) | {district for _y, district, _c in reached}
    rows = [
        CoverageSnapshot(
            rollup=rollup,
            computed_at=rollup.computed_at,
            year=year,
            region_id=district,
            cluster_id=cluster,
            families=families.get(district, 0),
            reached=reached.get((year, district, cluster), 0),
        )
        for year in sorted(years)
        for district in sorted(districts)
        for cluster in clusters
    ]
    CoverageSnapshot.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


# --- Meetings ----------------------------------------------------------------------------------


def _follow_ups(rollup: Rollup) -> int:
    today = timezone.localtime(rollup.computed_at).date()
    counts: dict[tuple, dict] = {}
    status_field = {
        ActionStatus.NOT_STARTED: "not_started",
        ActionStatus.IN_PROGRESS: "in_progress",
        ActionStatus.DONE: "awaiting_verification",
        ActionStatus.VERIFIED: "verified",
    }
    actions = FollowUpAction.objects.exclude(status=ActionStatus.CANCELLED).values_list(
        "meeting__starts_at", "responsible_agency_id", "status", "due_date", "completed_on"
    )
    for starts_at, agency_id, status, due, completed in actions.iterator(chunk_size=5000):
        key = (timezone.localtime(starts_at).year, agency_id)
        row = counts.setdefault(
            key,
            dict.fromkeys(
                ("total", "overdue", "days_late_total", "late", *status_field.values()), 0
            ),
        )
        row["total"] += 1
        row[status_field[status]] += 1
        late = 0
        if status in OPEN_STATUSES and due < today:
            row["overdue"] += 1
            late = (today - due).days
        elif status in COMPLETED_STATUSES and completed and completed > due:
            late = (completed - due).days
        if late:
            row["late"] += 1
            row["days_late_total"] += late
    FollowUpSnapshot.objects.bulk_create(
        [
            FollowUpSnapshot(
                rollup=rollup, computed_at=rollup.computed_at, year=year, agency_id=agency, **row
            )
            for (year, agency), row in sorted(counts.items())
        ]
    )
    return len(counts)


def _meetings(rollup: Rollup) -> int:
    field = {
        MeetingStatus.PLANNED: "planned",
        MeetingStatus.HELD: "held",
        MeetingStatus.CANCELLED: "cancelled",
    }
    counts: dict[tuple, dict] = {}
    for starts_at, kind, status in Meeting.objects.values_list("starts_at", "kind", "status"):
        key = (timezone.localtime(starts_at).year, kind)
        row = counts.setdefault(key, dict.fromkeys(field.values(), 0))
        row[field[status]] += 1
    MeetingSnapshot.objects.bulk_create(
        [
            MeetingSnapshot(
                rollup=rollup, computed_at=rollup.computed_at, year=year, kind=kind, **row
            )
            for (year, kind), row in sorted(counts.items())
        ]
    )
    return len(counts)
