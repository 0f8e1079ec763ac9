"""Reads of programs and their quarterly reports, scoped by user: the list with its figures,
a program's quarter table, the report queue and the home page figures.

Money is whole Rupiah (integers); a share of the pagu is a percentage (float) or None when the
pagu is nought.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from tkpk.roles import ADMIN, BAPPEDA, OPERATOR, SECRETARIAT, user_role

from ..choices import (
    EDITABLE_REALIZATION,
    QUARTERS,
    BeneficiaryStatus,
    ProgramStatus,
    RealizationStatus,
)
from ..filters import ProgramFilter, RealizationFilter
from ..models import Beneficiary, Cluster, Program, Realization


def _share(part, whole) -> float | None:
    return part * 100 / whole if whole else None


def program_queryset(*, user) -> QuerySet[Program]:
    """The programs the user may reach, each with what a list row shows: `spent_total` (the
    quarters' spending so far), `spent_share` (% of the pagu), `active_beneficiaries`. The
    figures are subqueries, so one row stays one row whatever its quarters and beneficiaries."""
    spent = (
        Realization.objects.filter(program=OuterRef("pk"))
        .order_by()
        .values("program")
        .annotate(total=Sum("spent"))
        .values("total")[:1]
    )
    active = (
        Beneficiary.objects.filter(program=OuterRef("pk"), status=BeneficiaryStatus.ACTIVE)
        .order_by()
        .values("program")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return (
        Program.objects.for_user(user)
        .select_related("agency", "cluster", "national_program")
        .annotate(
            spent_total=Coalesce(Subquery(spent), Value(0)),
            active_beneficiaries=Coalesce(Subquery(active), Value(0)),
        )
        .annotate(
            spent_share=Case(
                When(budget__gt=0, then=Cast(F("spent_total"), FloatField()) * 100 / F("budget")),
                default=None,
                output_field=FloatField(),
            )
        )
    )


def program_list(*, user, filters: dict | None = None) -> ProgramFilter:
    """The programs the user may reach, filtered (this fiscal year unless the filters name
    another, or none): the bound FilterSet, whose `.qs` is the rows."""
    queryset = program_queryset(user=user).order_by(
        "-fiscal_year", "cluster__number", "agency__short_name", "name", "pk"
    )
    return ProgramFilter(filters, queryset=queryset)


@dataclass(frozen=True)
class QuarterRow:
    """One quarter of a program's table: its report (None before one is written) and the
    running total of spending up to it."""

    quarter: int
    label: str
    report: Realization | None
    cumulative_spent: int
    cumulative_share: float | None
    target: int

    @property
    def spent(self) -> int | None:
        return self.report.spent if self.report else None

    @property
    def reached(self) -> int | None:
        return self.report.reached if self.report else None

    @property
    def reached_share(self) -> float | None:
        return _share(self.report.reached, self.target) if self.report else None


@dataclass(frozen=True)
class QuarterTable:
    """A program's four quarters, what they spent together and what remains of the pagu."""

    rows: list[QuarterRow]
    budget: int
    spent: int

    @property
    def remaining(self) -> int:
        return self.budget - self.spent

    @property
    def share(self) -> float | None:
        return _share(self.spent, self.budget)

    @property
    def next_to_write(self) -> int | None:
        """The first quarter whose report is not written yet, or is still the agency's to
        change (a draft, or returned); None when all four are with the coordinator."""
        for row in self.rows:
            if row.report is None or row.report.status in EDITABLE_REALIZATION:
                return row.quarter
        return None


def program_quarters(*, program: Program) -> QuarterTable:
    """The quarter table of a program (one query): per quarter its report, the spending so far
    and its share of the pagu."""
    reports = {r.quarter: r for r in program.realizations.select_related("verified_by")}
    rows, cumulative = [], 0
    for number, label in QUARTERS:
        report = reports.get(number)
        cumulative += report.spent if report else 0
        rows.append(
            QuarterRow(
                quarter=number,
                label=str(label),
                report=report,
                cumulative_spent=cumulative,
                cumulative_share=_share(cumulative, program.budget),
                target=program.target_quantity,
            )
        )
    return QuarterTable(rows=rows, budget=program.budget, spent=cumulative)


def quarter_budget(*, table: QuarterTable, quarter: int) -> dict:
    """For the report form of one quarter: what the other quarters spent and how much of the
    pagu is left for this one."""
    others = sum(row.spent or 0 for row in table.rows if row.quarter != quarter)
    return {
        "budget": table.budget,
        "others_spent": others,
        "available": table.budget - others,
        "other_rows": [row for row in table.rows if row.quarter != quarter],
    }


def active_beneficiary_count(*, program: Program) -> int:
    """How many beneficiaries the program has now: a figure, which every role that reads the
    program may see."""
    return Beneficiary.objects.filter(program=program, status=BeneficiaryStatus.ACTIVE).count()


def realization_queryset(*, user) -> QuerySet[Realization]:
    """The quarterly reports the user may reach, with their program's agency and cluster."""
    return Realization.objects.for_user(user).select_related(
        "program", "program__agency", "program__cluster", "verified_by"
    )


def realization_list(*, user, filters: dict | None = None) -> RealizationFilter:
    """The report queue: a coordinator's default is the reports awaiting verification, the
    oldest submission first; others (an agency, Bappeda) see every status by default."""
    default = RealizationStatus.SUBMITTED if user.has_perm("programs.verify_realization") else ""
    queryset = realization_queryset(user=user).order_by(
        F("submitted_at").asc(nulls_last=True), "program__name", "quarter", "pk"
    )
    return RealizationFilter(filters, queryset=queryset, default_status=default)


def verifiable_by(user) -> Q:
    """The reports whose cluster `user` coordinates (a cluster that names no coordinator is
    the secretariat's), as programs.services.can_verify decides for one report."""
    if user_role(user) == ADMIN:
        return Q()
    coordinated = Cluster.coordinators.through.objects.filter(
        cluster_id=OuterRef("program__cluster_id")
    )
    return ~Q(Exists(coordinated)) | Q(Exists(coordinated.filter(user_id=user.pk)))


def current_quarter(today=None) -> int:
    today = today or timezone.localdate()
    return (today.month - 1) // 3 + 1


def _operator_figures(user, year: int) -> dict:
    """An agency's year: its programs, the quarters up to this one not yet submitted, and the
    reports the coordinator returned to it."""
    programs = Program.objects.for_user(user).filter(fiscal_year=year)
    reporting = programs.exclude(status=ProgramStatus.CANCELLED)
    quarter = current_quarter()
    counts = programs.aggregate(
        programs=Count("pk"),
        reporting=Count("pk", filter=~Q(status=ProgramStatus.CANCELLED)),
    )
    sent = (
        Realization.objects.filter(program__in=reporting, quarter__lte=quarter)
        .exclude(status=RealizationStatus.DRAFT)
        .count()
    )
    returned = Realization.objects.for_user(user).filter(status=RealizationStatus.RETURNED).count()
    return {
        "year": year,
        "quarter": quarter,
        "programs": counts["programs"],
        "to_write": counts["reporting"] * quarter - sent,
        "returned": returned,
        "returned_status": RealizationStatus.RETURNED,
    }


def _secretariat_figures(user, year: int) -> dict:
    """The reports awaiting the user's verification, in all and per cluster."""
    awaiting = (
        Realization.objects.for_user(user)
        .filter(status=RealizationStatus.SUBMITTED)
        .filter(verifiable_by(user))
    )
    rows = (
        awaiting.order_by("program__cluster__number")
        .values("program__cluster", "program__cluster__short_name")
        .annotate(n=Count("pk"))
    )
    by_cluster = [
        {"pk": row["program__cluster"], "name": row["program__cluster__short_name"], "n": row["n"]}
        for row in rows
    ]
    return {
        "year": year,
        "awaiting": sum(cluster["n"] for cluster in by_cluster),
        "by_cluster": by_cluster,
    }


def _bappeda_figures(user, year: int) -> dict:
    """The year's programs as figures: how many, their pagu, what they spent (and how much of
    it the coordinators verified)."""
    programs = Program.objects.for_user(user).filter(fiscal_year=year)
    totals = programs.aggregate(programs=Count("pk"), budget=Coalesce(Sum("budget"), 0))
    spending = Realization.objects.filter(program__in=programs).aggregate(
        total=Coalesce(Sum("spent"), 0),
        verified=Coalesce(Sum("spent", filter=Q(status=RealizationStatus.VERIFIED)), 0),
    )
    return {
        "year": year,
        **totals,
        "spent": spending["total"],
        "verified": spending["verified"],
        "share": _share(spending["total"], totals["budget"]),
    }


def home_figures(*, user) -> dict:
    """The figures of the programs panel on the user's home page, by role: an agency's
    reports to write and those returned to it, the secretariat's queue, Bappeda's money of the
    year (Admin sees the secretariat's)."""
    year = timezone.localdate().year
    role = user_role(user)
    if role == OPERATOR:
        return _operator_figures(user, year)
    if role in (ADMIN, SECRETARIAT):
        return _secretariat_figures(user, year)
    if role == BAPPEDA:
        return _bappeda_figures(user, year)
    return {"year": year}
