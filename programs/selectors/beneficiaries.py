"""Reads of a program's beneficiaries: the filtered list, its rows as the user's role may see
them, and the families of the registry that an enrolment search finds, with what the enrolment
checks find against each member."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import django_filters
from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.filters import village_choices
from households.models import Household, Person
from households.privacy import age_in_years, kk_shown, nik_shown, sees_full_identity
from tkpk.models import Region

from ..choices import BeneficiaryStatus, TargetUnit
from ..models import Beneficiary, BeneficiaryGroup, Program
from ..services.beneficiaries import ACCEPTABLE, FINDING_LABELS, REFUSED, enrolment_findings

DIGITS = re.compile(r"^[0-9]+$")

#: How many families an enrolment search shows at most (refine the name to see others).
CANDIDATE_FAMILIES = 20


def _districts(request):
    return Region.objects.filter(level=3).within(settings.HOME_REGION_CODE).order_by("name")


def _villages(request):
    return village_choices()


class BeneficiaryFilter(django_filters.FilterSet):
    """A program's beneficiaries by status, the village or district of the recipient's current
    family, group, and `q`: the beginning of the recipient's name, or (only for the roles that
    see full NIKs, as the household list) a NIK or No. KK."""

    q = django_filters.CharFilter(method="search", label=gettext_lazy("Name, NIK or No. KK"))
    status = django_filters.ChoiceFilter(
        choices=BeneficiaryStatus.choices,
        label=gettext_lazy("Status"),
        empty_label=gettext_lazy("All"),
    )
    kecamatan = django_filters.ModelChoiceFilter(
        queryset=_districts,
        field_name="person__household__village__parent",
        label=gettext_lazy("District"),
        empty_label=gettext_lazy("All"),
    )
    desa = django_filters.ModelChoiceFilter(
        queryset=_villages,
        field_name="person__household__village",
        label=gettext_lazy("Village"),
        empty_label=gettext_lazy("All"),
    )
    group = django_filters.ModelChoiceFilter(
        queryset=BeneficiaryGroup.objects.none(),
        field_name="group",
        label=gettext_lazy("Group"),
        empty_label=gettext_lazy("All"),
    )

    class Meta:
        model = Beneficiary
        fields = ["q", "status", "kecamatan", "desa", "group"]

    def __init__(self, data=None, queryset=None, *, user, program: Program, prefix=None):
        super().__init__(data, queryset, prefix=prefix)
        district = (self.data.get("kecamatan") or "").strip()
        if district.isdigit():
            self.filters["desa"].queryset = village_choices(district=district)
        self.filters["group"].queryset = program.groups.order_by("name")
        self.full_identity = sees_full_identity(user)
        #: Why a search was refused (a number, by a role that may not search by one).
        self.refusal: str = ""
        #: What was wrong with the search itself (a number longer than a NIK).
        self.notice: str = ""

    @property
    def number_searched(self) -> str:
        """The digits searched for, when `q` is a number of at most 16 digits, else ""."""
        value = (self.data.get("q") or "").strip().replace(" ", "")
        return value if DIGITS.match(value) and len(value) <= 16 else ""

    def search(self, queryset, name, value):
        value = value.strip().replace(" ", "")
        if not value:
            return queryset
        if DIGITS.match(value):
            if not self.full_identity:
                # A prefix search is an oracle that recovers a masked NIK digit by digit
                # (households.privacy): the names are searched, never the numbers.
                self.refusal = _(
                    "Your role cannot search by NIK or No. KK. Search by the recipient's name."
                )
                return queryset.none()
            if len(value) > 16:
                self.notice = _(
                    "A NIK or a No. KK has 16 digits; you typed %(n)s. Check the number."
                ) % {"n": len(value)}
                return queryset.none()
            if len(value) == 16:
                return queryset.filter(
                    Q(person__nik=value)
                    | Q(person__household__kk_number=value)
                    | Q(kk_at_enrolment=value)
                )
            return queryset.filter(
                Q(person__nik__startswith=value) | Q(kk_at_enrolment__startswith=value)
            )
        text = self.data.get("q", "").strip()
        return queryset.filter(person__name__istartswith=text)


def beneficiary_list(*, user, program: Program, filters: dict | None = None) -> BeneficiaryFilter:
    """The program's beneficiaries that the user may see (404 is the view's, for the program),
    newest first, with the recipient's current family and village. Returns the bound FilterSet
    (`.qs`)."""
    queryset = (
        Beneficiary.objects.for_user(user)
        .filter(program=program)
        .select_related(
            "person",
            "person__household",
            "person__household__village",
            "person__household__village__parent",
            "group",
        )
        .order_by("-enrolled_on", "-pk")
    )
    return BeneficiaryFilter(filters or {}, queryset=queryset, user=user, program=program)


def beneficiary_rows(*, user, beneficiaries) -> list[dict]:
    """The list's rows as the user's role may see them: the NIK masked (households.privacy), the
    No. KK at enrolment and, when the family was re-keyed since, the current one."""
    full_identity = sees_full_identity(user)
    rows = []
    for beneficiary in beneficiaries:
        person = beneficiary.person
        household = person.household
        current_kk = household.kk_number
        rekeyed = bool(beneficiary.kk_at_enrolment) and current_kk != beneficiary.kk_at_enrolment
        rows.append(
            {
                "beneficiary": beneficiary,
                "name": person.name,
                "nik": nik_shown(person.identity_number, full_identity=full_identity),
                "kk_at_enrolment": kk_shown(
                    beneficiary.kk_at_enrolment, full_identity=full_identity
                ),
                "kk_now": kk_shown(current_kk, full_identity=full_identity) if rekeyed else "",
                "village": household.village,
                "decile": household.decile,
            }
        )
    return rows


# --- The enrolment search ------------------------------------------------------------------


BY_NAME, BY_NIK, BY_KK = "name", "nik", "kk"


@dataclass
class Candidate:
    """A member of a family found by the enrolment search, with the findings against them."""

    person: Person
    nik: str
    age: int | None
    findings: list[str]
    refused: list[str]
    acceptable: list[str]

    @property
    def labels(self) -> list[str]:
        return [str(FINDING_LABELS[kind]) for kind in self.findings]


@dataclass
class CandidateFamily:
    household: Household
    kk: str
    members: list[Candidate]
    #: The kinds of acceptable finding some member has: one box each on the family's form.
    acceptable: list[str] = field(default_factory=list)

    @property
    def enrollable(self) -> list[Candidate]:
        return [member for member in self.members if not member.refused]


def candidate_families(*, user, program: Program, by: str, value: str) -> list[CandidateFamily]:
    """The families the search finds, at most CANDIDATE_FAMILIES, each member with the findings
    of the enrolment checks against `program`: by the beginning of a member's name, a family's
    exact No. KK or a person's exact NIK (`value` already checked; the caller audits a search
    by number and, for a role that does not see full NIKs, counts it against the hourly limit).
    A fixed number of queries, whatever the number of members."""
    households = Household.objects.for_user(user).select_related("village", "village__parent")
    if by == BY_NIK:
        families = Person.objects.for_user(user).filter(Q(nik=value) | Q(temporary_number=value))
        households = households.filter(pk__in=families.values("household_id"))
    elif by == BY_KK:
        households = households.filter(kk_number=value)
    else:
        member = Person.objects.filter(household=OuterRef("pk"), name__istartswith=value)
        households = households.filter(Exists(member))
    households = list(
        households.order_by("kk_number").prefetch_related(
            Prefetch("members", queryset=Person.objects.order_by("relation", "pk"))
        )[:CANDIDATE_FAMILIES]
    )
    people = []
    for household in households:
        for person in household.members.all():
            person.household = household  # the checks read the family; no query per member
            people.append(person)
    findings = enrolment_findings(program=program, people=people)
    full_identity = sees_full_identity(user)
    result = []
    for household in households:
        members = []
        for person in household.members.all():
            found = findings.get(person.pk, [])
            members.append(
                Candidate(
                    person=person,
                    nik=nik_shown(person.identity_number, full_identity=full_identity),
                    age=age_in_years(person.birth_date),
                    findings=found,
                    refused=[kind for kind in found if kind in REFUSED],
                    acceptable=[kind for kind in found if kind in ACCEPTABLE],
                )
            )
        acceptable = [k for k in ACCEPTABLE if any(k in m.acceptable for m in members)]
        result.append(
            CandidateFamily(
                household=household,
                kk=kk_shown(household.kk_number, full_identity=full_identity),
                members=members,
                acceptable=acceptable,
            )
        )
    return result


def program_groups(*, program: Program):
    """The groups of a group program (target unit kelompok), by name; none for other units."""
    if program.target_unit != TargetUnit.GROUP:
        return BeneficiaryGroup.objects.none()
    return program.groups.select_related("village").order_by("name")


# --- The file import's review --------------------------------------------------------------


def import_review(*, user, record) -> dict | None:
    """The last dry run's findings, as this user may see them: the kinds in the order of
    programs.services.imports.REVIEW_ORDER with their counts, and the first rows of each with
    the number masked for the role (the review keeps the numbers of the file)."""
    from ..services.imports import (
        IMPORT_ACCEPTABLE,
        IMPORT_REFUSED,
        KIND_LABELS,
        REVIEW_ORDER,
    )

    review = record.review or {}
    if not review.get("counts") and not review.get("rows"):
        return None
    full_identity = sees_full_identity(user)
    samples = review.get("samples", {})
    kinds = []
    for kind in REVIEW_ORDER:
        count = review.get("counts", {}).get(kind, 0)
        if not count:
            continue
        rows = [
            {
                **row,
                "number": (
                    kk_shown(row["number"], full_identity=full_identity)
                    if row.get("by") == "kk"
                    else nik_shown(row["number"], full_identity=full_identity)
                ),
            }
            for row in samples.get(kind, [])
        ]
        kinds.append(
            {
                "kind": kind,
                "label": KIND_LABELS[kind],
                "count": count,
                "refused": kind in IMPORT_REFUSED,
                "acceptable": kind in IMPORT_ACCEPTABLE,
                "rows": rows,
                "more": count > len(rows),
            }
        )
    return {**review, "kinds": kinds}
