"""Writes of the registry by hand: correcting a family and its members. Atomic and audited.
Bulk loading is households.importing.service."""

from __future__ import annotations

from django.db import transaction

from tkpk.audit import audit_record, audited_update, model_changes, snapshot
from tkpk.choices import AuditAction

from .identity import check_nik
from .models import Household, Person

HOUSEHOLD_FIELDS = [
    "kk_number",
    "address",
    "rt",
    "rw",
    "dusun",
    "village",
    "decile",
    "source",
    "source_id",
    "status",
]
PERSON_FIELDS = [
    "nik",
    "temporary_number",
    "name",
    "sex",
    "birth_place",
    "birth_date",
    "relation",
    "mother_name",
    "status",
    "household",
]


def _refresh_problems(household: Household) -> None:
    has_problems = household.members.exclude(warnings=[]).exists()
    if household.has_problems != has_problems:
        Household.objects.filter(pk=household.pk).update(has_problems=has_problems)
        household.has_problems = has_problems


def person_warnings(person: Person) -> list[str]:
    """The warning codes of a person's NIK against their recorded birth date and sex."""
    if not person.nik:
        return ["temporary_number"] if person.temporary_number else []
    result = check_nik(person.nik, birth_date=person.birth_date, sex=person.sex or None)
    return sorted(set(result.warnings))


@transaction.atomic
def household_create(*, user, data: dict, request=None) -> Household:
    household = Household(**{k: v for k, v in data.items() if k in HOUSEHOLD_FIELDS})
    household.full_clean()
    household.save()
    audit_record(
        actor=user,
        action=AuditAction.CREATE,
        obj=household,
        request=request,
        changes=model_changes({}, snapshot(household, HOUSEHOLD_FIELDS)),
    )
    return household


@transaction.atomic
def household_update(*, user, household: Household, data: dict, request=None) -> Household:
    return audited_update(
        user=user, obj=household, data=data, fields=HOUSEHOLD_FIELDS, request=request
    )


@transaction.atomic
def person_save(*, user, person: Person, data: dict, request=None) -> Person:
    """Create (person without pk) or correct a member; the warnings are recomputed."""
    creating = person.pk is None
    before = {} if creating else snapshot(person, PERSON_FIELDS)
    for name, value in data.items():
        if name not in PERSON_FIELDS:
            raise ValueError(f"{name} is not an editable person field")
        setattr(person, name, value)
    person.warnings = person_warnings(person)
    person.full_clean()
    person.save()
    changes = model_changes(before, snapshot(person, PERSON_FIELDS))
    if changes:
        audit_record(
            actor=user,
            action=AuditAction.CREATE if creating else AuditAction.UPDATE,
            obj=person,
            changes=_masked(changes),
            request=request,
        )
    _refresh_problems(person.household)
    return person


def _masked(changes: dict) -> dict:
    """The audit trail records that a NIK changed, not the numbers themselves."""
    if "nik" in changes:
        changes["nik"] = ["…" if changes["nik"][0] else None, "…"]
    return changes


def nik_reveal(*, user, person: Person, request=None) -> str:
    """The full NIK, for a role that holds view_full_nik; every reveal is audited."""
    if not user.has_perm("households.view_full_nik"):
        raise PermissionError("view_full_nik required")
    audit_record(
        actor=user,
        action=AuditAction.VIEW_NIK,
        obj=person,
        request=request,
        summary=str(person.household),
    )
    return person.identity_number
