"""The audit service: every create, update and delete of domain data, every export and every
reveal of a full NIK is written here by the service that does it (UU 27/2022 Pasal 31)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .choices import AuditAction
from .models import AuditEvent


def client_ip(request) -> str | None:
    """The client's address: the first X-Forwarded-For hop behind the proxy, else REMOTE_ADDR."""
    if request is None:
        return None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


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
