"""The audit service: every create, update and delete of domain data, every export and every
reveal of a full NIK is written here by the service that does it (UU 27/2022 Pasal 31)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models

from .choices import AuditAction
from .client_ip import client_ip  # also imported from here by callers that audit a request
from .models import AuditEvent


def audit_record(
    *,
    actor,
    action: AuditAction | str,
    obj: models.Model | None = None,
    summary: str = "",
    changes: dict | None = None,
    request=None,
    ip_address: str | None = None,
) -> AuditEvent:
    """Append one audit event. `changes` maps a field name to [old, new]."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        actor=user,
        actor_username=user.get_username() if user else "",
        action=action,
        summary=summary[:500],
        changes=changes or {},
        ip_address=ip_address or client_ip(request),
    )
    if obj is not None:
        event.content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        event.object_id = str(obj.pk)
        event.object_repr = str(obj)[:200]
    event.save()
    return event


def audit_login_failed(*, username, request=None) -> AuditEvent:
    """Record a failed sign-in. The name typed is kept only when it is an account's name: people
    type their password into the username box, and the audit trail must not keep it readable."""
    known = _known_username(str(username or "")[:150])
    return audit_record(
        actor=None,
        action=AuditAction.LOGIN_FAILED,
        summary=known or "",
        changes={"username_known": known is not None},
        request=request,
    )


def _known_username(typed: str) -> str | None:
    """The stored name of the account `typed` names (ignoring case, as people type it), or None."""
    if not typed:
        return None
    user_model = get_user_model()
    field = user_model.USERNAME_FIELD
    names = list(
        user_model._default_manager.filter(**{f"{field}__iexact": typed})
        .order_by("pk")
        .values_list(field, flat=True)[:10]
    )
    if typed in names:
        return typed
    return names[0] if names else None


def model_changes(before: dict, after: dict) -> dict:
    """The fields whose value differs between two snapshots, as {field: [old, new]}."""
    return {
        key: [_jsonable(before.get(key)), _jsonable(after.get(key))]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def snapshot(obj: models.Model, fields: list[str]) -> dict:
    """The current values of the named fields, ready for model_changes."""
    return {name: getattr(obj, name) for name in fields}


def _jsonable(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, models.Model):
        return str(value)
    return str(value)


def audited_create(
    *, user, obj: models.Model, fields: list[str], summary: str = "", extra=None, request=None
):
    """Validate and save a new object, then audit it with the listed fields as its changes
    (`extra` adds entries, e.g. related rows saved with it). The caller wraps it in its
    transaction."""
    obj.full_clean()
    obj.save()
    changes = model_changes({}, snapshot(obj, fields))
    changes.update(extra or {})
    audit_record(
        actor=user,
        action=AuditAction.CREATE,
        obj=obj,
        summary=summary,
        changes=changes,
        request=request,
    )
    return obj


def audited_update(*, user, obj: models.Model, data: dict, fields: list[str], request=None):
    """Set the given fields (only those listed as editable), validate, save, and audit what
    actually changed. The caller wraps it in its transaction."""
    before = snapshot(obj, fields)
    for name, value in data.items():
        if name not in fields:
            raise ValueError(f"{name} is not an editable field of {obj._meta.label}")
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    changes = model_changes(before, snapshot(obj, fields))
    if changes:
        audit_record(
            actor=user, action=AuditAction.UPDATE, obj=obj, changes=changes, request=request
        )
    return obj
