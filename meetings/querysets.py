"""Access scoping of meetings and follow-up actions: `Model.objects.for_user(user)` is the one
place that decides what a user may reach. An object outside it answers 404 from a view.

- Admin, the secretariat and Bappeda read every meeting and every action (Bappeda read-only:
  the write views need permissions that its group does not hold).
- An Operator SKPD reads the actions given to their own agency, and the meetings their agency
  was invited to or received an action from (read-only, for context).
- Anyone else reaches nothing.

Files (meeting attachments, the evidence of progress reports) are personal data: on top of the
above, only a holder of FILES_PERMISSION opens them. Bappeda, which reads aggregates, does not
hold it (migration 0003), so it reaches no attachment and no evidence file.
"""

from datetime import date, timedelta

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from tkpk.roles import ADMIN, BAPPEDA, OPERATOR, SECRETARIAT, user_role

from .choices import OPEN_STATUSES

READ_ALL_ROLES = (ADMIN, SECRETARIAT, BAPPEDA)
# Who may open the files of meetings and actions: attachments and progress evidence alike.
FILES_PERMISSION = "meetings.view_attachment"


def _related_model(model, name: str):
    """The model at the other end of a relation of `model` (forward or reverse): the querysets
    reach the other models through the relations, so that models.py and querysets.py do not
    import each other."""
    return model._meta.get_field(name).related_model


def _operator_agency_id(user) -> int | None:
    """The agency of an Operator SKPD, or None when the user is not one (or has no agency)."""
    if user_role(user) == OPERATOR and user.agency_id:
        return user.agency_id
    return None


class MeetingQuerySet(models.QuerySet):
    def for_user(self, user):
        role = user_role(user)
        if role in READ_ALL_ROLES:
            return self
        agency_id = _operator_agency_id(user)
        if agency_id is None:
            return self.none()
        Invitation = _related_model(self.model, "invitations")  # noqa: N806
        FollowUpAction = _related_model(self.model, "actions")  # noqa: N806
        invited = Invitation.objects.filter(meeting=OuterRef("pk"), agency_id=agency_id)
        given = FollowUpAction.objects.filter(
            meeting=OuterRef("pk"), responsible_agency_id=agency_id
        )
        return self.filter(Exists(invited) | Exists(given))


class MeetingPartQuerySet(models.QuerySet):
    """Attendance rows and attachments: reachable when their meeting is, by a user who holds
    the view permission of their kind (meetings.view_attachment is FILES_PERMISSION)."""

    def for_user(self, user):
        Meeting = _related_model(self.model, "meeting")  # noqa: N806
        opts = self.model._meta
        if not user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            return self.none()
        return self.filter(meeting__in=Meeting.objects.for_user(user).values("pk"))


class FollowUpActionQuerySet(models.QuerySet):
    def for_user(self, user):
        role = user_role(user)
        if role in READ_ALL_ROLES:
            return self
        agency_id = _operator_agency_id(user)
        if agency_id is None:
            return self.none()
        return self.filter(responsible_agency_id=agency_id)

    def open(self):
        """Actions the agency still owes work on."""
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today: date | None = None):
        """Open actions whose due date has passed."""
        return self.open().filter(due_date__lt=today or timezone.localdate())

    def due_within(self, days: int, today: date | None = None):
        """Open actions due from today up to `days` days ahead (not yet overdue)."""
        today = today or timezone.localdate()
        return self.open().filter(due_date__gte=today, due_date__lte=today + timedelta(days=days))

    def with_overdue(self, today: date | None = None):
        """Annotate `overdue_flag` (a boolean), to filter and sort by it in SQL."""
        today = today or timezone.localdate()
        return self.annotate(
            overdue_flag=models.Case(
                models.When(Q(status__in=OPEN_STATUSES, due_date__lt=today), then=True),
                default=False,
                output_field=models.BooleanField(),
            )
        )


class ProgressUpdateQuerySet(models.QuerySet):
    def for_user(self, user):
        actions = _related_model(self.model, "action").objects.for_user(user)
        return self.filter(action__in=actions.values("pk"))

    def evidence_for_user(self, user):
        """The reports whose evidence file the user may download: reports with a file, on the
        actions the user reaches, for a holder of FILES_PERMISSION."""
        if not user.has_perm(FILES_PERMISSION):
            return self.none()
        return self.for_user(user).exclude(evidence="")


class NotificationQuerySet(models.QuerySet):
    """A notification is read by its recipient only."""

    def for_user(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(is_read=False)


class ReminderDigestQuerySet(models.QuerySet):
    """The log of reminder digests is read by Admin and the secretariat."""

    def for_user(self, user):
        return self if user_role(user) in (ADMIN, SECRETARIAT) else self.none()
