"""Enrolment by hand: the search of the registry for the person to enrol (audited, and for a role
that does not see full NIKs counted against the hourly NIK-check limit), the groups of a group
program, and the enrolment of the person picked. The checks are those of `beneficiaries`."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from households.models import Household
from households.privacy import sees_full_identity
from households.services import (
    NikCheckLimitReached,
    nik_check,
    nik_checks_left,
    nik_search_record,
)
from tkpk.audit import audit_record, audited_create
from tkpk.choices import AuditAction

from ..choices import EnrolmentSource, TargetUnit
from ..models import BeneficiaryGroup, Program
from ..selectors.beneficiaries import BY_KK, BY_NAME, BY_NIK, candidate_families
from .beneficiaries import ALREADY_ENROLLED, EnrolmentResult, beneficiaries_enrol

__all__ = [
    "NikCheckLimitReached",
    "beneficiary_enrol_one",
    "beneficiary_group_create",
    "enrolment_search",
    "kk_check",
]


@transaction.atomic
def kk_check(*, user, kk: str, request=None) -> bool:
    """Whether this exact No. KK is in the registry: the No. KK twin of households' `nik_check`,
    counted against the same hourly limit (it writes the same CHECK_NIK audit event that
    `nik_checks_left` counts), so that a role that does not see full numbers cannot enumerate
    them by alternating NIKs and No. KKs. The caller passes a No. KK checked by check_kk."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if nik_checks_left(user=user) <= 0:
        raise NikCheckLimitReached
    found = Household.objects.filter(kk_number=kk).exists()
    audit_record(
        actor=user,
        action=AuditAction.CHECK_NIK,
        request=request,
        summary=f"No. KK {kk}",
        changes={"kk": kk, "found": found},
    )
    return found


def enrolment_search(*, user, program: Program, by: str, value: str, request=None):
    """The families that the enrolment page shows for a search (selectors.candidate_families).

    By name: the beginning of a member's name, for every role that reads the registry. By NIK
    or No. KK (16 digits, already checked): an exact match only. A role that sees full NIKs is
    audited as for any search by number; any other role makes one audited, rate-limited check
    (`nik_check` / `kk_check`; NikCheckLimitReached once the hour's checks are used) and sees
    the family only when the number is in the registry."""
    if not Program.objects.for_user(user).filter(pk=program.pk).exists():
        raise PermissionDenied
    if by == BY_NAME:
        return candidate_families(user=user, program=program, by=by, value=value)
    if by not in (BY_NIK, BY_KK):
        raise ValueError(by)
    if not sees_full_identity(user):
        checked = nik_check if by == BY_NIK else kk_check
        found = checked(user=user, request=request, **{by: value})
        if not found:
            return []
        return candidate_families(user=user, program=program, by=by, value=value)
    families = candidate_families(user=user, program=program, by=by, value=value)
    nik_search_record(user=user, query=value, matches=len(families), more=False, request=request)
    return families


@transaction.atomic
def beneficiary_group_create(
    *, user, program: Program, name: str, village=None, request=None
) -> BeneficiaryGroup:
    """A group (kelompok) of a group program, by name and village; audited."""
    if not Program.objects.for_user(user).filter(pk=program.pk).exists():
        raise PermissionDenied
    if program.target_unit != TargetUnit.GROUP:
        raise ValidationError(_("Only a program for groups (kelompok) has groups."))
    name = " ".join(name.split())
    if BeneficiaryGroup.objects.filter(program=program, name__iexact=name).exists():
        raise ValidationError(
            {"name": _("The program already has a group named %(name)s.") % {"name": name}}
        )
    group = BeneficiaryGroup(program=program, name=name, village=village)
    return audited_create(
        user=user, obj=group, fields=["program", "name", "village"], request=request
    )


def beneficiary_enrol_one(
    *,
    user,
    program: Program,
    person,
    accept=(),
    benefit_amount: int | None = None,
    benefit_kind: str = "",
    group: BeneficiaryGroup | None = None,
    request=None,
) -> EnrolmentResult:
    """Enrol the person picked on the enrolment page. A second submit of the same form enrols
    nobody: the check finds the person already enrolled, and if two submits race, the unique
    constraint stops the second, which is reported the same way."""
    if group is not None and group.program_id != program.pk:
        raise ValidationError(_("The group belongs to another program."))
    try:
        with transaction.atomic():
            return beneficiaries_enrol(
                user=user,
                program=program,
                people=[person],
                accept=accept,
                source=EnrolmentSource.MANUAL,
                benefit_amount=benefit_amount,
                benefit_kind=benefit_kind,
                group=group,
                request=request,
            )
    except IntegrityError:
        return EnrolmentResult(skipped={ALREADY_ENROLLED: [getattr(person, "pk", person)]})
