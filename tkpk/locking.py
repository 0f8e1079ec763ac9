"""Optimistic locking: two people editing the same record never overwrite each other silently.

A record that people edit in forms carries ``version`` (raised on every write), ``updated_at``
and ``updated_by``. A service saves an edit with ``versioned_update``, which writes only if the
version the user started from is still the stored one, in the same UPDATE that raises it; else
it raises ``EditConflict`` with the record as saved meanwhile, and tkpk.generic shows the user
their input beside the saved values (409).
"""

from __future__ import annotations

import copy

from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class EditConflict(Exception):
    """Someone saved the record after this user opened it. ``current``: the record as saved.
    A subclass names its record in ``template`` (with %(user)s and %(time)s)."""

    template = gettext_lazy(
        "This record was changed by %(user)s at %(time)s while you were editing it. Your "
        "changes have not been saved yet: they are still in the form below. Compare them with "
        "the saved values, then save again to keep yours."
    )

    def __init__(self, current: models.Model):
        self.current = current
        when = date_format(timezone.localtime(current.updated_at), "j F Y H:i")
        who = current.updated_by or _("another user")
        super().__init__(str(self.template) % {"user": who, "time": when})


def versioned_update(
    obj: models.Model,
    *,
    data: dict,
    expected_version: int,
    user,
    conflict=EditConflict,
    exclude: list[str] | None = None,
) -> models.Model:
    """Validate `data` on a copy of `obj`, then write it if the stored version is still
    `expected_version`, raising the version; else raise `conflict(current)` and write nothing.
    Returns `obj` refreshed from the database."""
    candidate = copy.copy(obj)
    for name, value in data.items():
        setattr(candidate, name, value)
    candidate.full_clean(exclude=exclude, validate_unique=False)
    values = {name: getattr(candidate, name) for name in data}
    actor = user if getattr(user, "is_authenticated", False) else None
    model = type(obj)
    updated = model._default_manager.filter(pk=obj.pk, version=expected_version).update(
        **values, version=F("version") + 1, updated_at=timezone.now(), updated_by=actor
    )
    if not updated:
        raise conflict(model._default_manager.select_related("updated_by").get(pk=obj.pk))
    obj.refresh_from_db()
    return obj
