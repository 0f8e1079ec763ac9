"""Writes of programs: create, change (with optimistic locking), copy to the next fiscal year.
Keyword-only, atomic, audited."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tkpk.audit import audit_record, audited_create, model_changes, snapshot
from tkpk.choices import AuditAction
from tkpk.jobs import data_changed
from tkpk.locking import EditConflict, versioned_update
from tkpk.roles import OPERATOR, user_role

from ..choices import EnrolmentSource, ProgramStatus
from ..models import Program
from .beneficiaries import beneficiaries_enrol

PROGRAM_FIELDS = [
    "cluster",
    "national_program",
    "name",
    "description",
    "fiscal_year",
    "funding_source",
    "budget",
    "target_quantity",
    "target_unit",
    "decile_cutoff",
    "budget_code",
    "budget_code_name",
    "status",
]


class ProgramConflict(EditConflict):
    """Someone saved the program after this user opened it."""

    template = gettext_lazy(
        "This program was changed by %(user)s at %(time)s while you were editing it. Your "
        "changes have not been saved yet: they are still in the form below. Compare them with "
        "the saved values, then save again to keep yours."
    )


def _checked(data: dict, *, agency) -> None:
    """Rules a program's values must meet beyond each field's own: a national program of its
    cluster, a budget code with the sub-activity digits of its fiscal year."""
    errors = {}
    national, cluster = data.get("national_program"), data.get("cluster")
    if national and cluster and national.cluster_id and national.cluster_id != cluster.pk:
        errors["national_program"] = _("%(program)s belongs to %(cluster)s.") % {
            "program": national.code,
            "cluster": national.cluster,
        }
    code, year = data.get("budget_code") or "", data.get("fiscal_year")
    if code and year:
        four = year >= settings.BUDGET_CODE_FOUR_DIGITS_FROM
        last = code.rsplit(".", 1)[-1]
        if four and len(last) != 4 or not four and len(last) != 2:
            errors["budget_code"] = _(
                "For fiscal year %(year)s the sub-activity has %(n)s digits (e.g. %(example)s)."
            ) % {
                "year": year,
                "n": 4 if four else 2,
                "example": "1.06.05.2.02.0003" if four else "1.06.05.2.02.03",
            }
    if errors:
        raise ValidationError(errors)


def _agency_for(user, agency):
    """An Operator SKPD enters programs for their own agency only."""
    if user_role(user) == OPERATOR:
        if agency is not None and agency.pk != user.agency_id:
            raise PermissionDenied
        return user.agency
    if agency is None:
        raise ValidationError({"agency": _("Choose the agency that runs the program.")})
    return agency


@transaction.atomic
def program_create(*, user, data: dict, locations=(), agency=None, request=None) -> Program:
    """Create a program of the user's agency (an operator) or of `agency` (the secretariat)."""
    agency = _agency_for(user, agency)
    _checked(data, agency=agency)
    program = Program(
        agency=agency,
        created_by=user,
        updated_by=user,
        **{k: v for k, v in data.items() if k in PROGRAM_FIELDS},
    )
    audited_create(
        user=user,
        obj=program,
        fields=["agency", *PROGRAM_FIELDS],
        extra={"locations": [None, sorted(str(r) for r in locations)]} if locations else None,
        request=request,
    )
    program.locations.set(locations)
    data_changed("programs")
    return program


@transaction.atomic
def program_update(
    *, user, program: Program, data: dict, locations=None, expected_version: int, request=None
) -> Program:
    """Change a program if nobody saved it since `expected_version` (else ProgramConflict)."""
    unknown = set(data) - set(PROGRAM_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    _checked({**snapshot(program, PROGRAM_FIELDS), **data}, agency=program.agency)
    before = snapshot(program, PROGRAM_FIELDS)
    old_locations = sorted(str(r) for r in program.locations.all())
    versioned_update(
        program, data=data, expected_version=expected_version, user=user, conflict=ProgramConflict
    )
    changes = model_changes(before, snapshot(program, PROGRAM_FIELDS))
    if locations is not None:
        program.locations.set(locations)
        new_locations = sorted(str(r) for r in locations)
        if new_locations != old_locations:
            changes["locations"] = [old_locations, new_locations]
    if changes:
        audit_record(
            actor=user, action=AuditAction.UPDATE, obj=program, changes=changes, request=request
        )
    data_changed("programs")
    return program


@transaction.atomic
def program_copy(
    *, user, program: Program, with_beneficiaries: bool = False, request=None
) -> Program:
    """The same program for the next fiscal year, planned; with `with_beneficiaries`, its
    active beneficiaries enrolled again (the checks of enrolment run on them in the new year)."""
    year = program.fiscal_year + 1
    if Program.objects.filter(agency=program.agency, fiscal_year=year, name=program.name).exists():
        raise ValidationError(
            _("%(agency)s already has “%(name)s” in %(year)s.")
            % {"agency": program.agency, "name": program.name, "year": year}
        )
    data = {**snapshot(program, PROGRAM_FIELDS), "fiscal_year": year}
    data["status"] = ProgramStatus.PLANNED
    copy = program_create(
        user=user,
        data=data,
        locations=list(program.locations.all()),
        agency=program.agency,
        request=request,
    )
    Program.objects.filter(pk=copy.pk).update(copied_from=program)
    copy.copied_from = program
    if with_beneficiaries:
        people = [b.person for b in program.beneficiaries.active().select_related("person")]
        beneficiaries_enrol(
            user=user, program=copy, people=people, source=EnrolmentSource.COPY, request=request
        )
    return copy
