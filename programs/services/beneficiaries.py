"""Enrolling beneficiaries and ending their benefit. Keyword-only, atomic, audited.

Every enrolment, by hand or from a file, goes through the same checks, set-based over the
people enrolled at once (`enrolment_findings`): what makes a person unfit for the program, and
what the agency may accept knowingly.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.choices import HouseholdStatus, PersonStatus
from households.models import Person
from tkpk.audit import audit_record, audited_update
from tkpk.choices import AuditAction
from tkpk.jobs import data_changed

from ..choices import BeneficiaryStatus, EndReason, EnrolmentSource
from ..models import AllowedOverlap, Beneficiary, Program

# What the checks find. A person with a REFUSED finding is never enrolled; one with an
# ACCEPTABLE finding only when the user accepts that kind.
DECEASED = "deceased"
MOVED = "moved"
ALREADY_ENROLLED = "already_enrolled"
FAMILY_ENROLLED = "family_enrolled"
ABOVE_CUTOFF = "above_cutoff"
NO_DECILE = "no_decile"
SAME_CLUSTER = "same_cluster"

REFUSED = (DECEASED, MOVED, ALREADY_ENROLLED, FAMILY_ENROLLED)
ACCEPTABLE = (ABOVE_CUTOFF, NO_DECILE, SAME_CLUSTER)

FINDING_LABELS = {
    DECEASED: gettext_lazy("deceased"),
    MOVED: gettext_lazy("moved away, or the family no longer in the registry"),
    ALREADY_ENROLLED: gettext_lazy("already enrolled in this program"),
    FAMILY_ENROLLED: gettext_lazy("another member of the family is already enrolled"),
    ABOVE_CUTOFF: gettext_lazy("the family's decile is above the program's cut-off"),
    NO_DECILE: gettext_lazy("the family has no decile yet"),
    SAME_CLUSTER: gettext_lazy("already receives another program of the same cluster"),
}


@dataclass
class EnrolmentResult:
    """What an enrolment did: the beneficiaries created and the people left out, by finding."""

    enrolled: list[Beneficiary] = field(default_factory=list)
    skipped: dict[str, list[int]] = field(default_factory=dict)

    @property
    def skipped_count(self) -> int:
        return sum(len(ids) for ids in self.skipped.values())


def allowed_pairs() -> set[frozenset[int]]:
    """The pairs of national programs (by id) that one family may receive together."""
    return {frozenset(pair) for pair in AllowedOverlap.objects.values_list("first", "second")}


def enrolment_findings(*, program: Program, people: list[Person]) -> dict[int, list[str]]:
    """For each person (by id), what the enrolment checks find against `program`: a few
    queries for any number of people, none per person. `people` carry their household."""
    ids = [p.pk for p in people]
    families = {p.pk: p.household_id for p in people}
    findings: dict[int, list[str]] = defaultdict(list)
    enrolled = set(
        Beneficiary.objects.filter(program=program, person_id__in=ids).values_list(
            "person_id", flat=True
        )
    )
    family_taken = set()
    if program.for_families:
        family_taken = set(
            Beneficiary.objects.active()
            .filter(program=program, person__household_id__in=set(families.values()))
            .exclude(person_id__in=ids)
            .values_list("person__household_id", flat=True)
        )
    other_aid = _same_cluster_families(program, set(families.values()))
    for person in people:
        household = person.household
        found = findings[person.pk]
        if person.status == PersonStatus.DECEASED:
            found.append(DECEASED)
        if person.status == PersonStatus.MOVED or household.status != HouseholdStatus.ACTIVE:
            found.append(MOVED)
        if person.pk in enrolled:
            found.append(ALREADY_ENROLLED)
        if household.pk in family_taken:
            found.append(FAMILY_ENROLLED)
        if program.decile_cutoff:
            if household.decile is None:
                found.append(NO_DECILE)
            elif household.decile > program.decile_cutoff:
                found.append(ABOVE_CUTOFF)
        if household.pk in other_aid:
            found.append(SAME_CLUSTER)
    return dict(findings)


def _same_cluster_families(program: Program, households: set[int]) -> set[int]:
    """The families that already receive, in the program's year, another program of its
    cluster whose national program is not an allowed pair with this one's (double aid)."""
    if not households:
        return set()
    others = (
        Beneficiary.objects.active()
        .filter(
            fiscal_year=program.fiscal_year,
            program__cluster_id=program.cluster_id,
            person__household_id__in=households,
        )
        .exclude(program=program)
        .values_list("person__household_id", "program__national_program_id")
        .distinct()
    )
    pairs = allowed_pairs()
    mine = program.national_program_id
    return {
        household
        for household, theirs in others
        if not (mine and theirs and frozenset((mine, theirs)) in pairs)
    }


def _check_can_enrol(*, user, program: Program) -> None:
    if not Program.objects.for_user(user).filter(pk=program.pk).exists():
        raise PermissionDenied
    if not program.takes_beneficiaries:
        raise ValidationError(
            _("The program is %(status)s: it takes no new beneficiaries.")
            % {"status": program.get_status_display().lower()}
        )


@transaction.atomic
def beneficiaries_enrol(
    *,
    user,
    program: Program,
    people,
    accept=(),
    source: str = EnrolmentSource.MANUAL,
    benefit_amount: int | None = None,
    benefit_kind: str = "",
    group=None,
    request=None,
) -> EnrolmentResult:
    """Enrol people (Person rows or their ids) in a program: each person the checks find
    nothing against, or only
    findings of the kinds in `accept` (ACCEPTABLE kinds). The people left out are returned by
    finding. One audit event records the enrolment (the rows record who enrolled whom)."""
    _check_can_enrol(user=user, program=program)
    accepted = set(accept) & set(ACCEPTABLE)
    # Read again, with their families, as far as the user may reach them.
    ids = {getattr(p, "pk", p) for p in people}
    people = list(Person.objects.for_user(user).filter(pk__in=ids).select_related("household"))
    findings = enrolment_findings(program=program, people=people)
    result = EnrolmentResult()
    chosen = []
    taken_families: set[int] = set()
    for person in people:
        blocking = [kind for kind in findings.get(person.pk, []) if kind not in accepted]
        if program.for_families and person.household_id in taken_families:
            blocking.append(FAMILY_ENROLLED)
        if blocking:
            result.skipped.setdefault(blocking[0], []).append(person.pk)
            continue
        taken_families.add(person.household_id)
        chosen.append(person)
    today = timezone.localdate()
    result.enrolled = Beneficiary.objects.bulk_create(
        [
            Beneficiary(
                program=program,
                fiscal_year=program.fiscal_year,
                person=person,
                household_at_enrolment_id=person.household_id,
                kk_at_enrolment=person.household.kk_number,
                group=group,
                benefit_amount=benefit_amount,
                benefit_kind=benefit_kind,
                source=source,
                enrolled_on=today,
                enrolled_by=user if getattr(user, "is_authenticated", False) else None,
            )
            for person in chosen
        ],
        batch_size=2000,
    )
    if result.enrolled or result.skipped:
        audit_record(
            actor=user,
            action=AuditAction.CREATE,
            obj=program,
            summary=_("Enrolled %(n)s beneficiaries; %(skipped)s left out.")
            % {"n": len(result.enrolled), "skipped": result.skipped_count},
            changes={
                "enrolled": len(result.enrolled),
                "skipped": {kind: len(ids) for kind, ids in result.skipped.items()},
                "accepted": sorted(accepted),
                "source": source,
            },
            request=request,
        )
        data_changed("programs")
    return result


BENEFIT_FIELDS = ["benefit_amount", "benefit_kind", "group"]


@transaction.atomic
def beneficiary_update(*, user, beneficiary: Beneficiary, data: dict, request=None):
    """Change what a beneficiary receives, or their group."""
    return audited_update(
        user=user, obj=beneficiary, data=data, fields=BENEFIT_FIELDS, request=request
    )


@transaction.atomic
def beneficiary_end(
    *, user, beneficiary: Beneficiary, reason: str, on=None, note: str = "", request=None
) -> Beneficiary:
    """End a benefit, with the reason (deceased, moved, no longer eligible, duplicate,
    graduated, other). The row stays: it is the record that the person received."""
    if reason not in EndReason.values:
        raise ValidationError({"end_reason": _("Choose why the benefit ends.")})
    if beneficiary.status == BeneficiaryStatus.ENDED:
        raise ValidationError(_("This benefit has already ended."))
    on = on or timezone.localdate()
    if on < beneficiary.enrolled_on:
        raise ValidationError({"ended_on": _("The end cannot be before the enrolment.")})
    beneficiary.status = BeneficiaryStatus.ENDED
    beneficiary.end_reason, beneficiary.ended_on, beneficiary.end_note = reason, on, note
    beneficiary.full_clean()
    beneficiary.save(update_fields=["status", "end_reason", "ended_on", "end_note"])
    audit_record(
        actor=user,
        action=AuditAction.UPDATE,
        obj=beneficiary,
        summary=_("Benefit ended: %(reason)s.") % {"reason": beneficiary.get_end_reason_display()},
        changes={"status": [BeneficiaryStatus.ACTIVE, BeneficiaryStatus.ENDED], "reason": reason},
        request=request,
    )
    data_changed("programs")
    return beneficiary
