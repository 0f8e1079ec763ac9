"""Writes of follow-up actions and their timeline. Keyword-only, atomic, audited.

Every write to an action raises its `version` in the same UPDATE that checks the state it
expects, so two people working on one action never overwrite each other silently: an edit
started from an older version is refused (ActionConflict) and the view shows the user their
input beside the values saved meanwhile.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tkpk.audit import audit_record, audited_create, model_changes, snapshot
from tkpk.choices import AuditAction
from tkpk.jobs import data_changed
from tkpk.locking import EditConflict, versioned_update
from tkpk.models import Agency

from ..choices import OPEN_STATUSES, ActionPriority, ActionStatus, MeetingStatus, UpdateKind
from ..files import check_upload
from ..models import FollowUpAction, Meeting, ProgressUpdate

ACTION_FIELDS = ["description", "responsible_agency", "person_in_charge", "due_date", "priority"]
STATE_FIELDS = ["status", "percent", "completed_on"]


class ActionConflict(EditConflict):
    """Someone saved the action after this user opened it. `current` holds the saved action."""

    template = gettext_lazy(
        "This action was changed by %(user)s at %(time)s while you were editing it. Your "
        "changes have not been saved yet: they are still in the form below. Compare them with "
        "the saved values, then save again to keep yours."
    )


class ActionStateError(ValidationError):
    """The action is not in a status that allows this step (e.g. verifying an open action)."""


def decrease_message(*, old: int, new: int) -> str:
    """What a progress report that lowers the percent without a reason is told (the form says
    the same)."""
    return _("Progress went down from %(old)s %% to %(new)s %%: say why.") % {
        "old": old,
        "new": new,
    }


def _actor(user):
    return user if getattr(user, "is_authenticated", False) else None


@transaction.atomic
def action_create(
    *,
    user,
    meeting: Meeting,
    description: str,
    responsible_agency: Agency,
    due_date: date,
    person_in_charge: str = "",
    priority: int = ActionPriority.MEDIUM,
    request=None,
) -> FollowUpAction:
    """Give a decision of the meeting to an agency as a follow-up action."""
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("A cancelled meeting has no follow-up actions."))
    action = FollowUpAction(
        meeting=meeting,
        description=description,
        responsible_agency=responsible_agency,
        person_in_charge=person_in_charge,
        due_date=due_date,
        priority=priority,
        created_by=_actor(user),
        updated_by=_actor(user),
    )
    data_changed("meetings")
    return audited_create(
        user=user,
        obj=action,
        fields=ACTION_FIELDS,
        summary=_("Follow-up action of %(meeting)s.") % {"meeting": meeting},
        request=request,
    )


@transaction.atomic
def action_update(
    *, user, action: FollowUpAction, data: dict, expected_version: int, request=None
) -> FollowUpAction:
    """Change what an action asks, of whom, and by when, if nobody saved it since
    `expected_version`; otherwise raise ActionConflict and change nothing."""
    unknown = set(data) - set(ACTION_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    before = snapshot(action, ACTION_FIELDS)
    versioned_update(
        action,
        data=data,
        expected_version=expected_version,
        user=user,
        conflict=ActionConflict,
        exclude=["meeting"],
    )
    changes = model_changes(before, snapshot(action, ACTION_FIELDS))
    if changes:
        audit_record(
            actor=user, action=AuditAction.UPDATE, obj=action, changes=changes, request=request
        )
    data_changed("meetings")
    return action


def _transition(*, user, action, allowed, fields: dict, refusal: str, request=None):
    """Move the action to a new state in one conditional UPDATE that also bumps its version;
    refused when another step changed the status first."""
    tracked = [*STATE_FIELDS, "verified_at"]
    before = snapshot(action, tracked)
    updated = FollowUpAction.objects.filter(pk=action.pk, status__in=allowed).update(
        **fields, version=F("version") + 1, updated_at=timezone.now(), updated_by=_actor(user)
    )
    if not updated:
        action.refresh_from_db()
        raise ActionStateError(refusal % {"status": action.get_status_display()})
    action.refresh_from_db()
    audit_record(
        actor=user,
        action=AuditAction.UPDATE,
        obj=action,
        changes=model_changes(before, snapshot(action, tracked)),
        request=request,
    )
    data_changed("meetings")
    return action


def _timeline_entry(
    *,
    user,
    action,
    kind,
    text="",
    percent=None,
    previous_percent=None,
    reason="",
    on=None,
    evidence=None,
):
    """Write one timeline entry; an evidence file is checked by content, then stored under a
    random name (and removed again if the row cannot be written)."""
    entry = ProgressUpdate(
        action=action,
        kind=kind,
        date=on or timezone.localdate(),
        text=text,
        percent=percent,
        previous_percent=previous_percent,
        reason=reason,
        created_by=_actor(user),
    )
    checked = check_upload(evidence) if evidence is not None else None
    entry.full_clean(exclude=["evidence"])
    if checked is not None:
        entry.evidence_name = (getattr(evidence, "name", "") or "bukti")[-200:]
        entry.evidence_type = checked.content_type
        entry.evidence.save(f"{uuid.uuid4().hex}.{checked.extension}", evidence, save=False)
    try:
        entry.save()
    except Exception:
        if entry.evidence:
            entry.evidence.delete(save=False)
        raise
    return entry


@transaction.atomic
def progress_post(
    *,
    user,
    action: FollowUpAction,
    text: str,
    percent: int,
    on: date | None = None,
    evidence=None,
    mark_done: bool = False,
    reason: str = "",
    request=None,
) -> ProgressUpdate:
    """Report progress on an open action, with optional evidence; with `mark_done` the agency
    declares it finished, and it waits for the secretariat's verification. A percent below the
    action's current one needs a `reason`: the timeline keeps the drop and why."""
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    if not 0 <= percent <= 100:
        raise ValidationError({"percent": _("Progress is a percentage from 0 to 100.")})
    if mark_done:
        fields = {"status": ActionStatus.DONE, "percent": 100, "completed_on": on}
    else:
        fields = {"status": ActionStatus.IN_PROGRESS, "percent": percent}
    # The percent the drop is measured from is read under a row lock, so that a report saved
    # meanwhile by someone else counts.
    previous, status = (
        FollowUpAction.objects.select_for_update()
        .values_list("percent", "status")
        .get(pk=action.pk)
    )
    reason = (reason or "").strip()
    if status in OPEN_STATUSES and fields["percent"] < previous and not reason:
        raise ValidationError({"reason": decrease_message(old=previous, new=fields["percent"])})
    _transition(
        user=user,
        action=action,
        allowed=OPEN_STATUSES,
        fields=fields,
        refusal=_("Progress can only be posted on an open action; this one is %(status)s."),
        request=request,
    )
    entry = _timeline_entry(
        user=user,
        action=action,
        kind=UpdateKind.DONE if mark_done else UpdateKind.PROGRESS,
        text=text,
        percent=fields["percent"],
        previous_percent=previous,
        reason=reason if fields["percent"] < previous else "",
        on=on,
        evidence=evidence,
    )
    changes = {"evidence": [None, entry.evidence_name]} if entry.evidence_name else {}
    if entry.reason:
        changes["reason"] = [None, entry.reason]
    audit_record(
        actor=user,
        action=AuditAction.CREATE,
        obj=entry,
        summary=_("%(kind)s on %(action)s (%(percent)s%%).")
        % {"kind": entry.get_kind_display(), "action": action, "percent": entry.percent},
        changes=changes,
        request=request,
    )
    return entry


def _comment_required(comment: str) -> str:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Write a comment.")})
    return comment


@transaction.atomic
def action_verify(*, user, action: FollowUpAction, comment: str = "", request=None):
    """The secretariat accepts an action the agency reported done."""
    _transition(
        user=user,
        action=action,
        allowed=[ActionStatus.DONE],
        fields={
            "status": ActionStatus.VERIFIED,
            "verified_at": timezone.now(),
            "verified_by": user,
        },
        refusal=_(
            "Only an action that is done and awaiting verification can be verified; "
            "this one is %(status)s."
        ),
        request=request,
    )
    return _timeline_entry(user=user, action=action, kind=UpdateKind.VERIFIED, text=comment)


@transaction.atomic
def action_reopen(*, user, action: FollowUpAction, comment: str, request=None):
    """The secretariat sends a done action back to the agency, saying what is missing."""
    comment = _comment_required(comment)
    _transition(
        user=user,
        action=action,
        allowed=[ActionStatus.DONE],
        fields={"status": ActionStatus.IN_PROGRESS, "completed_on": None},
        refusal=_(
            "Only an action that is done and awaiting verification can be reopened; "
            "this one is %(status)s."
        ),
        request=request,
    )
    return _timeline_entry(user=user, action=action, kind=UpdateKind.REOPENED, text=comment)


@transaction.atomic
def action_cancel(*, user, action: FollowUpAction, comment: str, request=None):
    """The secretariat drops an action that is no longer needed, saying why."""
    comment = _comment_required(comment)
    _transition(
        user=user,
        action=action,
        allowed=[*OPEN_STATUSES, ActionStatus.DONE],
        fields={"status": ActionStatus.CANCELLED, "completed_on": None},
        refusal=_("This action can no longer be cancelled; it is %(status)s."),
        request=request,
    )
    return _timeline_entry(user=user, action=action, kind=UpdateKind.CANCELLED, text=comment)
