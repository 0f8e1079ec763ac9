"""In-app notifications and the record of the daily reminder digests."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tkpk.models import Agency

from ..choices import DigestStatus
from ..querysets import NotificationQuerySet, ReminderDigestQuerySet


class ReminderDigest(models.Model):
    """The digest of one agency for one day. The unique (agency, date) pair is the claim: a
    run inserts the row before it sends anything, so a second run that day finds it taken and
    sends nothing (see meetings.services.reminders)."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("regional agency"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("date"))
    status = models.CharField(
        _("status"), max_length=14, choices=DigestStatus.choices, default=DigestStatus.CLAIMED
    )
    run_token = models.CharField(_("run"), max_length=32, db_index=True)
    overdue_count = models.PositiveIntegerField(_("overdue"), default=0)
    due_soon_count = models.PositiveIntegerField(_("due soon"), default=0)
    action_ids = models.JSONField(_("actions"), default=list, blank=True)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ReminderDigestQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "agency__short_name"]
        verbose_name = _("reminder digest")
        verbose_name_plural = _("reminder digests")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "date"], name="%(app_label)s_%(class)s_unique_agency_date"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=DigestStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.agency} {self.date:%Y-%m-%d}"


class Notification(models.Model):
    """A message in a user's in-app inbox, with a link to what it is about."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="meeting_notifications",
    )
    text = models.TextField(_("text"))
    link = models.CharField(_("link"), max_length=300, blank=True)
    is_read = models.BooleanField(_("read"), default=False)
    digest = models.ForeignKey(
        ReminderDigest,
        verbose_name=_("reminder digest"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "is_read"], name="meetings_notif_recipient_read")
        ]

    def __str__(self):
        return self.text[:80]
