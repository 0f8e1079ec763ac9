"""Writes of the meetings app: keyword-only, atomic, audited. Split by subject:

- meetings: meetings, invitations, attendance, minutes and attachments
- invitations: the invitation emails (run by a Celery task)
- actions: follow-up actions and their timeline, with optimistic locking
- reminders: the daily digest and in-app notifications
"""

from .actions import (
    ActionConflict,
    ActionStateError,
    action_cancel,
    action_create,
    action_reopen,
    action_update,
    action_verify,
    progress_post,
)
from .documents import attachment_open, evidence_open, minutes_pdf_export
from .invitations import invitations_send
from .meetings import (
    attachment_add,
    attachment_delete,
    attendance_add,
    attendance_delete,
    attendance_set_present,
    meeting_create,
    meeting_minutes_update,
    meeting_update,
)
from .reminders import (
    ReminderRun,
    notification_mark_read,
    notifications_mark_all_read,
    reminders_send,
)

__all__ = [
    "ActionConflict",
    "ActionStateError",
    "ReminderRun",
    "action_cancel",
    "action_create",
    "action_reopen",
    "action_update",
    "action_verify",
    "attachment_add",
    "attachment_delete",
    "attachment_open",
    "attendance_add",
    "attendance_delete",
    "attendance_set_present",
    "evidence_open",
    "invitations_send",
    "meeting_create",
    "meeting_minutes_update",
    "meeting_update",
    "minutes_pdf_export",
    "notification_mark_read",
    "notifications_mark_all_read",
    "progress_post",
    "reminders_send",
]
