"""Models of the meetings app: the meeting and what belongs to it, the follow-up actions and
their timeline, and the reminders."""

from .actions import FollowUpAction, ProgressUpdate
from .meetings import Attachment, Attendance, Invitation, Meeting
from .reminders import Notification, ReminderDigest

__all__ = [
    "Attachment",
    "Attendance",
    "FollowUpAction",
    "Invitation",
    "Meeting",
    "Notification",
    "ProgressUpdate",
    "ReminderDigest",
]
