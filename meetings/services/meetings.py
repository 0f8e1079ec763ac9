"""Writes of meetings and what belongs to them. Keyword-only, atomic, audited."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from celery import current_app
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tkpk.audit import audit_record, audited_create, model_changes, snapshot
from tkpk.choices import AuditAction
from tkpk.jobs import data_changed
from tkpk.models import Agency

from ..choices import MeetingStatus
from ..files import check_upload
from ..models import Attachment, Attendance, Invitation, Meeting

MEETING_FIELDS = [
    "kind",
    "title",
    "starts_at",
    "duration_minutes",
    "place",
    "chair",
    "agenda",
    "status",
]
INVITATIONS_TASK = "meetings.tasks.send_meeting_invitations"
# A change of these means the calendar event changed: invitees get the new revision.
SCHEDULE_FIELDS = {"title", "starts_at", "duration_minutes", "place"}


def _actor(user):
    return user if getattr(user, "is_authenticated", False) else None


def _enqueue_invitations(meeting: Meeting) -> None:
    """Send the invitations of this meeting from the worker, once the data is committed. The task
    is found by its name (meetings.tasks imports the services, not the other way round)."""
    meeting_id = meeting.pk
    transaction.on_commit(lambda: current_app.tasks[INVITATIONS_TASK].delay(meeting_id))


def _needs_sending(meeting: Meeting) -> bool:
    """Invitations go out for a planned meeting still ahead, and as a cancellation notice."""
    return meeting.is_upcoming or meeting.status == MeetingStatus.CANCELLED


@transaction.atomic
def meeting_create(
    *,
    user,
    kind: str,
    title: str,
    starts_at: datetime,
    place: str,
    duration_minutes: int = 120,
    chair: str = "",
    agenda: str = "",
    status: str = MeetingStatus.PLANNED,
    invited_agencies: Iterable[Agency] = (),
    request=None,
) -> Meeting:
    """Plan (or record) a meeting and invite agencies. The invitation emails, with an .ics file,
    go to the invited agencies' users from the worker, only for a planned meeting still ahead."""
    meeting = Meeting(
        kind=kind,
        title=title,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        place=place,
        chair=chair,
        agenda=agenda,
        status=status,
        created_by=_actor(user),
    )
    meeting.full_clean()
    meeting.save()
    agencies = list(invited_agencies)
    Invitation.objects.bulk_create([Invitation(meeting=meeting, agency=a) for a in agencies])
    changes = model_changes({}, snapshot(meeting, MEETING_FIELDS))
    changes["invited_agencies"] = [None, sorted(a.short_name for a in agencies)]
    audit_record(
        actor=user, action=AuditAction.CREATE, obj=meeting, changes=changes, request=request
    )
    if agencies and _needs_sending(meeting):
        _enqueue_invitations(meeting)
    data_changed("meetings")
    return meeting


@transaction.atomic
def meeting_update(
    *,
    user,
    meeting: Meeting,
    data: dict,
    invited_agencies: Iterable[Agency] | None = None,
    request=None,
) -> Meeting:
    """Change a meeting's fields and its invited agencies. A new agency gets the invitation; a
    change of date, time or place sends the new revision to every agency already invited, and
    cancelling sends a cancellation."""
    before = snapshot(meeting, MEETING_FIELDS)
    for name, value in data.items():
        if name not in MEETING_FIELDS:
            raise ValueError(f"{name} is not an editable meeting field")
        setattr(meeting, name, value)
    after = snapshot(meeting, MEETING_FIELDS)
    changes = model_changes(before, after)
    if SCHEDULE_FIELDS & set(changes) or (
        "status" in changes and meeting.status == MeetingStatus.CANCELLED
    ):
        meeting.sequence += 1
    meeting.full_clean()
    meeting.save()

    if invited_agencies is not None:
        wanted = {a.pk: a for a in invited_agencies}
        current = dict(meeting.invitations.values_list("agency_id", "agency__short_name"))
        removed = set(current) - set(wanted)
        added = [wanted[pk] for pk in wanted if pk not in current]
        meeting.invitations.filter(agency_id__in=removed).delete()
        Invitation.objects.bulk_create([Invitation(meeting=meeting, agency=a) for a in added])
        if removed or added:
            changes["invited_agencies"] = [
                sorted(current.values()),
                sorted(a.short_name for a in wanted.values()),
            ]
    if changes:
        audit_record(
            actor=user, action=AuditAction.UPDATE, obj=meeting, changes=changes, request=request
        )
        if _needs_sending(meeting) and meeting.invitations.exists():
            _enqueue_invitations(meeting)
    data_changed("meetings")
    return meeting


@transaction.atomic
def meeting_minutes_update(
    *, user, meeting: Meeting, minutes: str, mark_held: bool = False, request=None
) -> Meeting:
    """Write the minutes (Markdown); optionally record that the meeting took place. Whoever
    changes the text becomes the minute taker (notulis) who signs them; emptied minutes have
    none."""
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("A cancelled meeting has no minutes."))
    fields = ["minutes", "minutes_by", "status"]
    before = snapshot(meeting, fields)
    if minutes != meeting.minutes:
        meeting.minutes_by = _actor(user) if minutes.strip() else None
    meeting.minutes = minutes
    if mark_held:
        meeting.status = MeetingStatus.HELD
    meeting.save(update_fields=["minutes", "minutes_by", "status", "updated_at"])
    changes = model_changes(before, snapshot(meeting, fields))
    if changes:
        audit_record(
            actor=user, action=AuditAction.UPDATE, obj=meeting, changes=changes, request=request
        )
    return meeting


ATTENDANCE_FIELDS = ["agency", "name", "position", "present"]


@transaction.atomic
def attendance_add(
    *,
    user,
    meeting: Meeting,
    name: str,
    agency: Agency | None = None,
    position: str = "",
    present: bool = True,
    request=None,
) -> Attendance:
    """Put one person on the meeting's attendance list."""
    row = Attendance(meeting=meeting, agency=agency, name=name, position=position, present=present)
    return audited_create(
        user=user,
        obj=row,
        fields=ATTENDANCE_FIELDS,
        summary=_("Attendance of %(meeting)s.") % {"meeting": meeting},
        request=request,
    )


@transaction.atomic
def attendance_set_present(*, user, attendance: Attendance, present: bool, request=None):
    """Mark a participant present or absent."""
    if attendance.present == present:
        return attendance
    attendance.present = present
    attendance.save(update_fields=["present"])
    audit_record(
        actor=user,
        action=AuditAction.UPDATE,
        obj=attendance,
        changes={"present": [not present, present]},
        request=request,
    )
    return attendance


@transaction.atomic
def attendance_delete(*, user, attendance: Attendance, request=None) -> None:
    """Take a person off the attendance list (entered by mistake)."""
    audit_record(
        actor=user,
        action=AuditAction.DELETE,
        obj=attendance,
        changes=model_changes(snapshot(attendance, ATTENDANCE_FIELDS), {}),
        request=request,
    )
    attendance.delete()


@transaction.atomic
def attachment_add(
    *, user, meeting: Meeting, kind: str, upload, description: str = "", request=None
) -> Attachment:
    """Store a file of the meeting after checking its type by content and its size."""
    checked = check_upload(upload)
    attachment = Attachment(
        meeting=meeting,
        kind=kind,
        original_name=(getattr(upload, "name", "") or "berkas")[-200:],
        content_type=checked.content_type,
        size=checked.size,
        description=description,
        uploaded_by=user,
    )
    attachment.file.save(f"{uuid.uuid4().hex}.{checked.extension}", upload, save=False)
    try:
        attachment.full_clean(exclude=["file"])
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    audit_record(
        actor=user,
        action=AuditAction.CREATE,
        obj=attachment,
        summary=_("%(kind)s of %(meeting)s.")
        % {"kind": attachment.get_kind_display(), "meeting": meeting},
        changes={"kind": [None, kind], "size": [None, checked.size]},
        request=request,
    )
    return attachment


@transaction.atomic
def attachment_delete(*, user, attachment: Attachment, request=None) -> None:
    """Remove a file of the meeting; the file goes once the removal is committed."""
    audit_record(
        actor=user,
        action=AuditAction.DELETE,
        obj=attachment,
        summary=_("%(kind)s of %(meeting)s.")
        % {"kind": attachment.get_kind_display(), "meeting": attachment.meeting},
        request=request,
    )
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))
