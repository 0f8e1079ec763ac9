"""Follow-up actions (tindak lanjut) decided in a meeting, and their timeline."""

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tkpk.models import Agency

from ..choices import (
    COMPLETED_STATUSES,
    OPEN_STATUSES,
    ActionPriority,
    ActionStatus,
    UpdateKind,
)
from ..querysets import FollowUpActionQuerySet, ProgressUpdateQuerySet
from .meetings import EVIDENCE_UPLOAD_TO, Meeting


class FollowUpAction(models.Model):
    """A decision of a meeting given to one agency, with a person in charge and a due date.

    `version` goes up on every write; an edit saves only if the version it started from is still
    current (optimistic locking, see meetings.services.actions.action_update). `percent` is the
    latest reported progress; `completed_on` the day the agency reported it done.
    """

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="actions"
    )
    description = models.TextField(_("what is to be done"))
    responsible_agency = models.ForeignKey(
        Agency,
        verbose_name=_("responsible agency"),
        on_delete=models.PROTECT,
        related_name="follow_up_actions",
    )
    person_in_charge = models.CharField(_("person in charge"), max_length=150, blank=True)
    due_date = models.DateField(_("due date"))
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=ActionPriority.choices, default=ActionPriority.MEDIUM
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    percent = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    completed_on = models.DateField(_("reported done on"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = FollowUpActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "priority", "id"]
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        permissions = [
            ("post_progress", _("Can post progress on an action of their agency")),
            ("verify_followupaction", _("Can verify, reopen or cancel an action")),
            ("view_board", _("Can view the action board of every agency")),
        ]
        indexes = [
            models.Index(
                fields=["responsible_agency", "status", "due_date"],
                name="meetings_action_agency_status",
            ),
            models.Index(fields=["status", "due_date"], name="meetings_action_status_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(priority__in=ActionPriority.values),
                name="%(app_label)s_%(class)s_priority_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ActionStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(percent__gte=0, percent__lte=100),
                name="%(app_label)s_%(class)s_percent_range",
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1),
                name="%(app_label)s_%(class)s_version_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=COMPLETED_STATUSES, completed_on__isnull=False)
                | (~models.Q(status__in=COMPLETED_STATUSES) & models.Q(completed_on__isnull=True)),
                name="%(app_label)s_%(class)s_completed_on_iff_done",
            ),
            models.CheckConstraint(
                condition=models.Q(status=ActionStatus.VERIFIED, verified_at__isnull=False)
                | ~models.Q(status=ActionStatus.VERIFIED),
                name="%(app_label)s_%(class)s_verified_has_time",
            ),
        ]

    def __str__(self):
        text = " ".join(self.description.split())
        return text if len(text) <= 80 else f"{text[:79]}…"

    def get_absolute_url(self):
        return reverse("meetings:action_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def overdue_on(self, today: date) -> bool:
        return self.is_open and self.due_date < today

    @property
    def is_overdue(self) -> bool:
        """Open and past its due date (terlambat)."""
        return self.overdue_on(timezone.localdate())

    def days_late_on(self, today: date) -> int:
        """Days past the due date: until today while open, until completion once done; 0 when
        on time or cancelled."""
        if self.status in COMPLETED_STATUSES and self.completed_on:
            return max(0, (self.completed_on - self.due_date).days)
        if self.is_open:
            return max(0, (today - self.due_date).days)
        return 0

    @property
    def days_late(self) -> int:
        return self.days_late_on(timezone.localdate())

    @property
    def days_left(self) -> int:
        """Days until the due date (negative once past)."""
        return (self.due_date - timezone.localdate()).days


class ProgressUpdate(models.Model):
    """One entry in an action's timeline: a progress report (date, text, percent, evidence), the
    agency marking it done, or the secretariat verifying, reopening or cancelling it with a
    comment.

    A report keeps the action's percent before it (`previous_percent`); a report that lowers
    the progress must say why (`reason`), so the secretariat sees the drop and its cause.
    """

    action = models.ForeignKey(
        FollowUpAction, verbose_name=_("action"), on_delete=models.PROTECT, related_name="updates"
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=UpdateKind.choices, default=UpdateKind.PROGRESS
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    text = models.TextField(_("description"), blank=True)
    percent = models.PositiveSmallIntegerField(
        _("progress (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    previous_percent = models.PositiveSmallIntegerField(
        _("progress before (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    reason = models.TextField(_("reason for the decrease"), blank=True)
    evidence = models.FileField(
        _("evidence"), upload_to=EVIDENCE_UPLOAD_TO, blank=True, max_length=200
    )
    evidence_name = models.CharField(_("evidence file name"), max_length=200, blank=True)
    evidence_type = models.CharField(_("evidence file type"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=UpdateKind.values),
                name="%(app_label)s_%(class)s_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(percent__isnull=True)
                | models.Q(percent__gte=0, percent__lte=100),
                name="%(app_label)s_%(class)s_percent_range",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=[UpdateKind.PROGRESS, UpdateKind.DONE])
                | models.Q(percent__isnull=False),
                name="%(app_label)s_%(class)s_progress_has_percent",
            ),
            models.CheckConstraint(
                condition=models.Q(previous_percent__isnull=True)
                | models.Q(percent__isnull=True)
                | models.Q(percent__gte=models.F("previous_percent"))
                | ~models.Q(reason=""),
                name="%(app_label)s_%(class)s_decrease_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date:%Y-%m-%d}"

    @property
    def went_down(self) -> bool:
        """This report lowered the action's progress."""
        return (
            self.percent is not None
            and self.previous_percent is not None
            and self.percent < self.previous_percent
        )
