"""Writes of the registry by hand: correcting a family and its members. Atomic and audited.
Bulk loading is households.importing.service."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from tkpk.audit import audit_record, audited_create, audited_update, model_changes, snapshot
from tkpk.choices import AuditAction
from tkpk.downloads import Download, DownloadGone
from tkpk.jobs import data_changed, job_start
from tkpk.models import AuditEvent, Job

from .identity import check_nik, normalize_rt_rw
from .importing.changes import KINDS
from .importing.reader import FileProblem, open_table
from .importing.rows import detect_mapping
from .importing.service import embedded_size_problem
from .models import Household, HouseholdImport, Person
from .privacy import sees_full_identity

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


def _normalized(data: dict) -> dict:
    """RT and RW with three digits, as the KK and the imports write them."""
    return {
        key: normalize_rt_rw(value) if key in ("rt", "rw") else value for key, value in data.items()
    }


@transaction.atomic
def household_create(*, user, data: dict, request=None) -> Household:
    values = _normalized({k: v for k, v in data.items() if k in HOUSEHOLD_FIELDS})
    household = Household(**values)
    return audited_create(user=user, obj=household, fields=HOUSEHOLD_FIELDS, request=request)


@transaction.atomic
def household_update(*, user, household: Household, data: dict, request=None) -> Household:
    return audited_update(
        user=user, obj=household, data=_normalized(data), fields=HOUSEHOLD_FIELDS, request=request
    )


@transaction.atomic
def household_save(
    *,
    user,
    household: Household | None,
    data: dict,
    members: list[tuple[Person | None, dict]],
    request=None,
) -> Household:
    """Create (household None) or correct a family and, in the same transaction, its members:
    each pair is the stored person (None for a new member) and the values entered. Nothing is
    stored unless everything is valid (a ValidationError names the field)."""
    if household is None:
        household = household_create(user=user, data=data, request=request)
    else:
        household = household_update(user=user, household=household, data=data, request=request)
    for person, values in members:
        person_save(
            user=user,
            person=person or Person(),
            data={**values, "household": household},
            request=request,
        )
    data_changed("registry")
    return household


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


def nik_search_record(*, user, query: str, matches: int, more: bool, request=None) -> None:
    """Audit one search of the registry by NIK or No. KK (exact or prefix): who, what and how
    many families it found on the page shown (`more`: the page was full and there are more)."""
    audit_record(
        actor=user,
        action=AuditAction.SEARCH_NIK,
        request=request,
        summary=f"{query} ({matches}{'+' if more else ''})",
        changes={"query": query, "matches": matches, "more": more},
    )


class NikCheckLimitReached(Exception):
    """The user has checked as many NIKs as the hourly limit allows."""


def nik_checks_left(*, user) -> int:
    """How many NIK checks the user may still make in the current hour."""
    since = timezone.now() - dt.timedelta(hours=1)
    used = AuditEvent.objects.filter(
        actor=user, action=AuditAction.CHECK_NIK, at__gte=since
    ).count()
    return max(settings.NIK_CHECK_PER_HOUR - used, 0)


@transaction.atomic
def nik_check(*, user, nik: str, request=None) -> bool:
    """Whether this exact NIK (or temporary number) is in the registry: the only NIK lookup open
    to roles that do not see full NIKs, answered yes or no, audited and rate-limited so that it
    cannot enumerate the 3.6 million candidates a masked NIK leaves (households.privacy).

    The caller passes a NIK already checked by identity.check_nik."""
    # Serialise a user's checks so that parallel requests cannot pass the limit together.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if nik_checks_left(user=user) <= 0:
        raise NikCheckLimitReached
    found = Person.objects.filter(Q(nik=nik) | Q(temporary_number=nik)).exists()
    audit_record(
        actor=user,
        action=AuditAction.CHECK_NIK,
        request=request,
        summary=nik,
        changes={"nik": nik, "found": found},
    )
    return found


def nik_owner(*, user, nik: str, exclude_pk: int | None = None, request=None) -> Person | None:
    """The person who already holds this NIK (a form's "already registered" check), audited
    as a lookup by NIK. Only a role that sees full NIKs may be told who it is (see
    `nik_owner_message`); for the others the answer is only that it is taken."""
    owner = (
        Person.objects.filter(nik=nik).exclude(pk=exclude_pk).select_related("household").first()
    )
    if owner is not None:
        audit_record(
            actor=user,
            action=AuditAction.SEARCH_NIK,
            obj=owner if sees_full_identity(user) else None,
            request=request,
            summary=f"{nik} (1)",
            changes={"query": nik, "matches": 1, "more": False, "form": True},
        )
    return owner


def registry_analyze() -> None:
    """Fresh planner statistics after an import changed the registry: without them PostgreSQL
    takes a freshly loaded million-row table for an empty one, and the list pages pay for it
    (autovacuum may come late). Run by the import job and command once the import committed;
    about 0.6 s at a million people."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE households_household, households_person")


def import_changes_open(*, user, record: HouseholdImport, request=None) -> Download:
    """The last dry run's whole change list, for download (personal data: audited)."""
    if not record.changes_file:
        raise Http404(_("This import has no change list."))
    try:
        handle = record.changes_file.open("rb")
    except FileNotFoundError:
        raise DownloadGone(_("The change list of this import is no longer stored.")) from None
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        obj=record,
        request=request,
        summary=_("Downloaded the change list of the import of %(name)s.")
        % {"name": record.original_name},
    )
    return Download(handle=handle, name=f"perubahan-{record.pk}.csv", content_type="text/csv")


RUN_ACTIONS = ("dry_run", "import", "import_valid")


class ImportStillRunning(Exception):
    """A dry run or import of this file has not ended yet."""


def household_import_create(*, user, upload, source: str) -> HouseholdImport:
    """Check an uploaded family file (FileProblem says why it cannot be imported) and keep it,
    with the column mapping detected from its header, for its mapping page."""
    table = open_table(upload, name=upload.name)
    header, file_format, sheet = table.header, table.file_format, table.sheet
    table.close()
    problem = embedded_size_problem(table.estimated_rows)
    if problem:
        raise FileProblem(problem)
    upload.seek(0)
    record = HouseholdImport(
        original_name=upload.name[:255],
        file_format=file_format,
        sheet=sheet,
        source=source,
        uploaded_by=user,
        mapping=detect_mapping(header),
    )
    record.file.save(upload.name, upload, save=False)
    record.save()
    return record


@transaction.atomic
def household_import_start(
    *,
    user,
    record: HouseholdImport,
    mapping: dict[str, int],
    sheet: str,
    clear_empty: bool,
    action: str,
    accept=(),
) -> Job | None:
    """Keep the mapping and options of an import; for a dry run or an import (RUN_ACTIONS) start
    its job, enqueued on commit. The row is locked, so that a double submit starts one job and
    the second is told that a run is still going (ImportStillRunning)."""
    record = HouseholdImport.objects.select_for_update().get(pk=record.pk)
    record.mapping, record.sheet, record.clear_empty = mapping, sheet, clear_empty
    if action not in RUN_ACTIONS:
        record.save(update_fields=["mapping", "sheet", "clear_empty"])
        return None
    if any(job and not job.is_finished for job in (record.dry_run_job, record.import_job)):
        raise ImportStillRunning
    job = job_start(
        kind="households.import",
        user=user,
        params={
            "import_id": record.pk,
            "dry_run": action == "dry_run",
            "valid_only": action == "import_valid",
            # The kinds of held change the user ticked to apply anyway.
            "accept": [kind for kind in accept if kind in KINDS],
        },
    )
    if action == "dry_run":
        record.dry_run_job = job
    else:
        record.import_job = job
    record.save()
    return job
