"""Choices of the meetings app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    """The kinds of TKPK meeting the secretariat calls."""

    COORDINATION = "koordinasi", _("Coordination meeting")
    WORKING = "kerja", _("Working meeting")
    EVALUATION = "evaluasi", _("Evaluation meeting")
    OTHER = "lainnya", _("Other")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class AttachmentKind(models.TextChoices):
    INVITATION = "invitation", _("Invitation letter")
    ATTENDANCE_SHEET = "attendance", _("Attendance sheet")
    SIGNED_MINUTES = "minutes", _("Signed minutes")
    PHOTO = "photo", _("Photo")
    OTHER = "other", _("Other")


class ActionPriority(models.IntegerChoices):
    """Lower value first: the board sorts high priority to the top."""

    HIGH = 1, _("High")
    MEDIUM = 2, _("Medium")
    LOW = 3, _("Low")


class ActionStatus(models.TextChoices):
    """The life of a follow-up action (tindak lanjut).

    not started -> in progress -> done (awaiting verification) -> verified; the secretariat may
    reopen a done action (back to in progress) or cancel an action that is not verified.
    """

    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done, awaiting verification")
    VERIFIED = "verified", _("Verified")
    CANCELLED = "cancelled", _("Cancelled")


# Statuses in which the responsible agency still owes work: only these can be overdue.
OPEN_STATUSES = (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS)
# Statuses in which the agency reported the work finished.
COMPLETED_STATUSES = (ActionStatus.DONE, ActionStatus.VERIFIED)


class UpdateKind(models.TextChoices):
    """One entry in an action's timeline."""

    PROGRESS = "progress", _("Progress report")
    DONE = "done", _("Marked done")
    VERIFIED = "verified", _("Verified")
    REOPENED = "reopened", _("Reopened")
    CANCELLED = "cancelled", _("Cancelled")


class DigestStatus(models.TextChoices):
    """Delivery state of one agency's reminder digest of one day."""

    CLAIMED = "claimed", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Email failed")
    NO_RECIPIENTS = "no_recipients", _("No recipients")
