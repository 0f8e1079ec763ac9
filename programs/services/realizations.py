"""Writes of the quarterly reports (realisasi per triwulan): the agency writes and submits, the
cluster's coordinator (the secretariat when the cluster names none) verifies or returns them.
Keyword-only, atomic, audited, with optimistic locking."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tkpk.audit import audit_record, audited_create, model_changes, snapshot
from tkpk.choices import AuditAction
from tkpk.jobs import data_changed
from tkpk.locking import EditConflict, versioned_update
from tkpk.roles import ADMIN, user_role

from ..choices import EDITABLE_REALIZATION, RealizationStatus
from ..models import Program, Realization

REALIZATION_FIELDS = ["spent", "reached", "physical_progress", "note"]


class RealizationConflict(EditConflict):
    """Someone saved the report after this user opened it."""

    template = gettext_lazy(
        "This report was changed by %(user)s at %(time)s while you were editing it. Your "
        "changes have not been saved yet: they are still in the form below. Compare them with "
        "the saved values, then save again to keep yours."
    )


def can_verify(user, realization: Realization) -> bool:
    """The cluster's coordinators verify its reports; a cluster that names none leaves them to
    whoever holds verify_realization (the secretariat). Admin always may."""
    if user_role(user) == ADMIN:
        return True
    if not user.has_perm("programs.verify_realization"):
        return False
    coordinators = realization.program.cluster.coordinators.all()
    return not coordinators or user in coordinators


def rupiah_digits(amount: int) -> str:
    """1250000 -> "1.250.000": Rupiah as Indonesians write them."""
    return f"{amount:,}".replace(",", ".")


def _check_budget(program: Program, quarter: int, spent: int) -> None:
    """The quarters together spend no more than the program's pagu."""
    others = (
        Realization.objects.filter(program=program)
        .exclude(quarter=quarter)
        .aggregate(total=Sum("spent"))["total"]
        or 0
    )
    if others + spent > program.budget:
        raise ValidationError(
            {
                "spent": _(
                    "With the other quarters (Rp%(others)s) this exceeds the budget ceiling of "
                    "Rp%(budget)s."
                )
                % {"others": rupiah_digits(others), "budget": rupiah_digits(program.budget)}
            }
        )


@transaction.atomic
def realization_save(
    *,
    user,
    program: Program,
    quarter: int,
    data: dict,
    expected_version: int | None = None,
    submit: bool = False,
    request=None,
) -> Realization:
    """Write a quarter's report (create it, or change it if nobody saved it since
    `expected_version`; None: the user started from an empty quarter, and a report written
    meanwhile is a conflict); with `submit`, send it to the coordinator. A verified or submitted
    report is not changed: the coordinator returns it first."""
    if not Program.objects.for_user(user).filter(pk=program.pk).exists():
        raise PermissionDenied
    if quarter not in (1, 2, 3, 4):
        raise ValidationError({"quarter": _("A quarter is 1 to 4.")})
    unknown = set(data) - set(REALIZATION_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    _check_budget(program, quarter, data.get("spent") or 0)
    realization = (
        Realization.objects.select_for_update().filter(program=program, quarter=quarter).first()
    )
    status = RealizationStatus.SUBMITTED if submit else None
    if realization is None:
        if expected_version:
            raise ValidationError(_("This report no longer exists."))
        realization = Realization(
            program=program,
            quarter=quarter,
            updated_by=user,
            status=status or RealizationStatus.DRAFT,
            submitted_at=timezone.now() if submit else None,
            **data,
        )
        audited_create(
            user=user, obj=realization, fields=[*REALIZATION_FIELDS, "status"], request=request
        )
        data_changed("programs")
        return realization
    if expected_version is None:
        # The user started from an empty quarter that someone else has written meanwhile.
        raise RealizationConflict(
            Realization.objects.select_related("updated_by").get(pk=realization.pk)
        )
    if realization.status not in EDITABLE_REALIZATION:
        raise ValidationError(
            _("This report is %(status)s: the coordinator must return it before it changes.")
            % {"status": realization.get_status_display().lower()}
        )
    before = snapshot(realization, [*REALIZATION_FIELDS, "status"])
    if status:
        data = {**data, "status": status, "submitted_at": timezone.now()}
    versioned_update(
        realization,
        data=data,
        expected_version=expected_version,
        user=user,
        conflict=RealizationConflict,
    )
    changes = model_changes(before, snapshot(realization, [*REALIZATION_FIELDS, "status"]))
    if changes:
        audit_record(
            actor=user, action=AuditAction.UPDATE, obj=realization, changes=changes, request=request
        )
    data_changed("programs")
    return realization


def _decide(*, user, realization: Realization, status: str, comment: str, allowed, request):
    if not can_verify(user, realization):
        raise PermissionDenied
    updated = Realization.objects.filter(pk=realization.pk, status__in=allowed).update(
        status=status,
        verified_by=user,
        verified_at=timezone.now(),
        verification_comment=comment,
        updated_by=user,
        updated_at=timezone.now(),
        version=F("version") + 1,
    )
    if not updated:
        realization.refresh_from_db()
        raise ValidationError(
            _("This report is %(status)s: it cannot be checked now.")
            % {"status": realization.get_status_display().lower()}
        )
    before = realization.status
    realization.refresh_from_db()
    audit_record(
        actor=user,
        action=AuditAction.UPDATE,
        obj=realization,
        summary=comment[:200],
        changes={"status": [before, status]},
        request=request,
    )
    data_changed("programs")
    return realization


@transaction.atomic
def realization_verify(*, user, realization: Realization, comment: str = "", request=None):
    """The coordinator confirms a submitted report."""
    return _decide(
        user=user,
        realization=realization,
        status=RealizationStatus.VERIFIED,
        comment=comment,
        allowed=[RealizationStatus.SUBMITTED],
        request=request,
    )


@transaction.atomic
def realization_return(*, user, realization: Realization, comment: str, request=None):
    """The coordinator sends a report back to the agency, saying what to correct."""
    if not comment.strip():
        raise ValidationError({"comment": _("Say what the agency must correct.")})
    return _decide(
        user=user,
        realization=realization,
        status=RealizationStatus.RETURNED,
        comment=comment.strip(),
        allowed=[RealizationStatus.SUBMITTED, RealizationStatus.VERIFIED],
        request=request,
    )
