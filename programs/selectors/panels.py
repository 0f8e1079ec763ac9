"""What a family receives, for the panel that programs puts on the household page (the
household_detail slot): every benefit of its members, by fiscal year and program."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from households.models import Household
from households.privacy import sees_full_identity
from tkpk.roles import user_role

from ..models import Beneficiary, Program
from ..querysets import NAMES_ROLES, READ_ALL_ROLES


@dataclass
class BenefitRow:
    """One benefit as the panel shows it to one user."""

    beneficiary: Beneficiary
    #: The benefit in Rupiah, or None when there is none or the user may not see it.
    amount: int | None
    #: True when the program pays an amount that this user's role may not see.
    amount_hidden: bool
    #: The recipient has since moved to another family (Person.household is not this one).
    moved_away: bool
    #: The other family's No. KK, for the roles that see full identities; "" for the rest.
    moved_to_kk: str
    #: The recipient was enrolled while in another family, and has since joined this one.
    moved_in: bool
    #: The family was enrolled under another No. KK than today's (re-keyed by an import).
    rekeyed: bool
    #: That earlier No. KK, for the roles that see full identities; "" for the rest.
    earlier_kk: str

    @property
    def program(self):
        return self.beneficiary.program


@dataclass
class ProgramBenefits:
    """One program's benefits in the family (one for a family program, one a member for a
    program for people)."""

    program: Program
    #: The user reaches the program's page (Program.objects.for_user).
    linked: bool
    rows: list[BenefitRow] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return any(row.beneficiary.is_active for row in self.rows)


@dataclass
class BenefitYear:
    year: int
    programs: list[ProgramBenefits] = field(default_factory=list)

    @property
    def rows(self) -> list[BenefitRow]:
        return [row for program in self.programs for row in program.rows]

    @property
    def active(self) -> int:
        return sum(1 for row in self.rows if row.beneficiary.is_active)


def household_benefits(*, user, household: Household) -> list[BenefitYear]:
    """The benefits of a family by fiscal year (the newest first) and program: within a year the
    programs with an active benefit first, then by cluster and name; within a program the
    active benefits first. The family's benefits are those of its current members
    (Person.household is this family, wherever they were enrolled) and those enrolled with this
    family (household_at_enrolment) whose recipient has since moved to another one: a benefit is
    never lost when a family is re-keyed or a member moves. Two queries, whatever the number of
    members and benefits.

    Who sees what. The caller has already checked that the user reaches the family page
    (Household.objects.for_user, the registry's personal-data roles). On that page every such
    role sees every program the family receives, of every agency: the family page is personal
    data they may already read, and coordination needs to see overlaps (an Operator SKPD of Dinas
    Sosial must know that the family already receives Dinas Kesehatan's program before enrolling
    it). What another agency pays, though, stays with the roles that read every beneficiary
    (Admin, the secretariat: querysets.NAMES_ROLES): an Operator SKPD sees the benefit amount of
    its own agency's programs only; of the others it sees that there is an amount, not how much.
    The benefit in kind is shown to all (it says what, not how much). The other family of a
    member who moved is named (its No. KK) only to the roles that see full identities
    (households.privacy); the rest read "moved to another family".
    """
    members = list(household.members.order_by().values_list("pk", flat=True))
    # Two index scans OR-ed (person, household at enrolment) rather than a join on the person's
    # family, which no index serves.
    condition = Q(household_at_enrolment=household)
    if members:
        condition |= Q(person_id__in=members)
    benefits = (
        Beneficiary.objects.filter(condition)
        .select_related(
            "program__agency",
            "program__cluster",
            "program__national_program",
            "person__household",
            "group",
        )
        .order_by(
            "-fiscal_year",
            "program__cluster__number",
            "program__name",
            "program_id",
            "status",  # "aktif" before "berhenti": the active ones first
            "person__relation",
            "person__name",
            "pk",
        )
    )
    full_identity = sees_full_identity(user)
    role = user_role(user)
    all_amounts = role in NAMES_ROLES
    reads_all_programs = role in READ_ALL_ROLES
    own_agency = getattr(user, "agency_id", None)
    years: list[BenefitYear] = []
    for benefit in benefits:
        if not years or years[-1].year != benefit.fiscal_year:
            years.append(BenefitYear(year=benefit.fiscal_year))
        own = bool(own_agency) and benefit.program.agency_id == own_agency
        programs = years[-1].programs
        if not programs or programs[-1].program.pk != benefit.program_id:
            programs.append(
                ProgramBenefits(program=benefit.program, linked=reads_all_programs or own)
            )
        may_see = all_amounts or own
        amount = benefit.benefit_amount if may_see else None
        person = benefit.person
        moved_away = person.household_id != household.pk
        enrolled_here = benefit.household_at_enrolment_id == household.pk
        earlier = benefit.kk_at_enrolment
        rekeyed = bool(enrolled_here and earlier and earlier != household.kk_number)
        programs[-1].rows.append(
            BenefitRow(
                beneficiary=benefit,
                amount=amount,
                amount_hidden=benefit.benefit_amount is not None and amount is None,
                moved_away=moved_away,
                moved_to_kk=person.household.kk_number if moved_away and full_identity else "",
                moved_in=not moved_away and not enrolled_here,
                rekeyed=rekeyed,
                earlier_kk=earlier if rekeyed and full_identity else "",
            )
        )
    for year in years:
        # Stable: the order of the query within each half.
        year.programs.sort(key=lambda program: not program.active)
    return years
