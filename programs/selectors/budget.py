"""The budget summary of a fiscal year: per cluster, per agency and per program, the budget
ceiling (pagu) against the realization of each quarter, and per program the cost per
beneficiary. Two aggregate queries, whatever the number of programs: the programs with their
quarters summed (one join on at most four reports a program), and the active beneficiaries
counted per program.

Two realizations are shown side by side, since a quarter's report counts only once the cluster's
coordinator has checked it, yet the agencies want to see what they have reported:

- **reported**: the reports submitted for verification or verified (a draft is not reported
  yet; a returned report is being corrected, and its figure is in question);
- **verified**: the verified reports only.

The quarters are shown as reported; the costs per beneficiary are the reported realization
divided by the program's active beneficiaries (each person once: a person is enrolled in a
program at most once), and the pagu divided by the target.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from tkpk.models import Agency
from tkpk.roles import OPERATOR, user_role

from ..choices import BeneficiaryStatus, RealizationStatus
from ..models import Beneficiary, Cluster, Program

QUARTER_NUMBERS = (1, 2, 3, 4)
REPORTED = (RealizationStatus.SUBMITTED, RealizationStatus.VERIFIED)


def budget_visible(user) -> bool:
    """Who opens the budget summary: the holders of programs.view_budget (Admin, the
    secretariat, Bappeda), and an Operator SKPD of an agency, who sees its own agency's figures
    only (Program.objects.for_user scopes them)."""
    if user.has_perm("programs.view_budget"):
        return True
    return user_role(user) == OPERATOR and bool(user.agency_id)


def _share(part: int, whole: int) -> float | None:
    """Part of whole as a percentage, None when whole is 0."""
    return part * 100 / whole if whole else None


def _per(amount: int, count: int) -> int | None:
    """Amount divided by count in whole Rupiah, None when count is 0 (shown as "—")."""
    return round(amount / count) if count else None


@dataclass
class Figures:
    """Pagu and realization of some programs (one, or a cluster's or an agency's)."""

    budget: int = 0
    #: Reported realization of quarters I..IV.
    quarters: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    reported: int = 0
    verified: int = 0
    programs: int = 0

    def add(self, other: Figures) -> None:
        self.budget += other.budget
        self.quarters = [a + b for a, b in zip(self.quarters, other.quarters, strict=True)]
        self.reported += other.reported
        self.verified += other.verified
        self.programs += other.programs

    @property
    def reported_share(self) -> float | None:
        return _share(self.reported, self.budget)

    @property
    def verified_share(self) -> float | None:
        return _share(self.verified, self.budget)


@dataclass
class ProgramFigures(Figures):
    program: Program | None = None
    active_beneficiaries: int = 0

    @property
    def cost_per_beneficiary(self) -> int | None:
        """Reported realization per active beneficiary (None without beneficiaries)."""
        return _per(self.reported, self.active_beneficiaries)

    @property
    def budget_per_target(self) -> int | None:
        """Pagu per unit of the target (None for a target of 0)."""
        return _per(self.budget, self.program.target_quantity)


@dataclass
class GroupFigures(Figures):
    """A cluster's or an agency's programs together."""

    key: Cluster | Agency | None = None

    @property
    def label(self) -> str:
        """ "Klaster 1: Bantuan sosial terpadu berbasis keluarga", "Dinsos: Dinas Sosial"."""
        return f"{self.key.short_name}: {self.key.name}" if self.key else ""


@dataclass
class BudgetSummary:
    year: int
    cluster: Cluster | None
    agency: Agency | None
    #: The agency an Operator SKPD's figures are limited to (None: every agency the filters let
    #: through).
    scoped_to: Agency | None
    clusters: list[GroupFigures]
    agencies: list[GroupFigures]
    programs: list[ProgramFigures]
    total: Figures


def budget_years(*, user) -> list[int]:
    """The fiscal years that have programs the user reaches, and the current one, newest first."""
    years = set(
        Program.objects.for_user(user).order_by().values_list("fiscal_year", flat=True).distinct()
    )
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


def budget_summary(
    *, user, year: int | None = None, cluster: Cluster | None = None, agency: Agency | None = None
) -> BudgetSummary:
    """The budget summary of `year` (default: the current one) for the programs the user reaches
    (an Operator SKPD: its agency's), optionally of one cluster and one agency."""
    year = year or timezone.localdate().year
    programs = Program.objects.for_user(user).filter(fiscal_year=year)
    if cluster is not None:
        programs = programs.filter(cluster=cluster)
    if agency is not None:
        programs = programs.filter(agency=agency)
    sums = {
        f"q{n}": Coalesce(Sum("realizations__spent", filter=_reported(n)), 0) for n in (1, 2, 3, 4)
    }
    rows = list(
        programs.select_related("agency", "cluster", "national_program")
        .annotate(
            **sums,
            verified=Coalesce(
                Sum(
                    "realizations__spent",
                    filter=Q(realizations__status=RealizationStatus.VERIFIED),
                ),
                0,
            ),
        )
        .order_by("cluster__number", "agency__name", "name", "pk")
    )
    active = dict(
        Beneficiary.objects.filter(
            fiscal_year=year,
            status=BeneficiaryStatus.ACTIVE,
            program__in=programs.order_by().values("pk"),
        )
        .order_by()
        .values_list("program_id")
        .annotate(n=Count("pk"))
    )
    figures = []
    clusters: dict[int, GroupFigures] = {}
    agencies: dict[int, GroupFigures] = {}
    total = Figures()
    for program in rows:
        quarters = [getattr(program, f"q{n}") for n in QUARTER_NUMBERS]
        one = ProgramFigures(
            budget=program.budget,
            quarters=quarters,
            reported=sum(quarters),
            verified=program.verified,
            programs=1,
            program=program,
            active_beneficiaries=active.get(program.pk, 0),
        )
        figures.append(one)
        clusters.setdefault(program.cluster_id, GroupFigures(key=program.cluster)).add(one)
        agencies.setdefault(program.agency_id, GroupFigures(key=program.agency)).add(one)
        total.add(one)
    return BudgetSummary(
        year=year,
        cluster=cluster,
        agency=agency,
        scoped_to=user.agency if user_role(user) == OPERATOR else None,
        clusters=sorted(clusters.values(), key=lambda row: row.key.number),
        agencies=sorted(agencies.values(), key=lambda row: row.key.short_name),
        programs=figures,
        total=total,
    )


def _reported(quarter: int) -> Q:
    return Q(realizations__quarter=quarter, realizations__status__in=REPORTED)
