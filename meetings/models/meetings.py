"""A TKPK meeting (rapat): its invited agencies, attendance and attachments."""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tkpk.models import Agency

from ..choices import AttachmentKind, MeetingKind, MeetingStatus
from ..querysets import MeetingPartQuerySet, MeetingQuerySet

# Uploaded files hold personal data: they live under a private path that no URL serves; the
# download views check access first (see meetings.views.files).
ATTACHMENT_UPLOAD_TO = "private/meetings/attachments/%Y/%m/"
EVIDENCE_UPLOAD_TO = "private/meetings/evidence/%Y/%m/"


class Meeting(models.Model):
    """A coordination, working or evaluation meeting called by the TKPK secretariat.

    `sequence` is the revision of the calendar invitation (iCalendar SEQUENCE): it goes up when
    the date, time or place changes, so that calendars replace the old event. `minutes_by` is
    who last wrote the minutes: the notulis of the signature block.
    """

    kind = models.CharField(_("kind"), max_length=12, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        default=120,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
    )
    place = models.CharField(_("place"), max_length=200)
    chair = models.CharField(_("chair"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True, help_text=_("Markdown."))
    minutes_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("minutes written by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The minute taker (notulis), who signs the minutes."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    invited_agencies = models.ManyToManyField(
        Agency,
        through="Invitation",
        verbose_name=_("invited agencies"),
        related_name="meeting_invitations",
        blank=True,
    )
    sequence = models.PositiveIntegerField(_("invitation revision"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["starts_at"], name="meetings_meeting_starts_at")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=MeetingKind.values),
                name="%(app_label)s_%(class)s_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=MeetingStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=1, duration_minutes__lte=24 * 60),
                name="%(app_label)s_%(class)s_duration_range",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetings:meeting_detail", args=[self.pk])

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def minutes_author_name(self) -> str:
        """The minute taker as the signature block names them: full name, else username."""
        author = self.minutes_by
        if author is None:
            return ""
        return author.get_full_name() or author.get_username()

    @property
    def is_upcoming(self) -> bool:
        return self.status == MeetingStatus.PLANNED and self.starts_at > timezone.now()


class Invitation(models.Model):
    """An agency invited to a meeting, and whether its users got the current invitation.

    `sent_sequence` is the meeting revision last emailed: an invitation whose value is below the
    meeting's `sequence` (or empty) is still to be sent. The sending task claims these rows.
    """

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="invitations"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("regional agency"), on_delete=models.PROTECT, related_name="+"
    )
    sent_sequence = models.PositiveIntegerField(_("revision sent"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["agency__short_name"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "agency"], name="%(app_label)s_%(class)s_unique_meeting_agency"
            ),
        ]

    def __str__(self):
        return f"{self.meeting} · {self.agency}"

    @property
    def is_current(self) -> bool:
        return self.sent_sequence is not None and self.sent_sequence >= self.meeting.sequence


class Attendance(models.Model):
    """One person on the attendance list (peserta rapat), present or absent."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendance"
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("regional agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for a participant from outside the regional government."),
    )
    name = models.CharField(_("name"), max_length=150)
    position = models.CharField(_("position"), max_length=150, blank=True)
    present = models.BooleanField(_("present"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = MeetingPartQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")

    def __str__(self):
        return self.name


class Attachment(models.Model):
    """A file of the meeting: invitation letter, attendance sheet, signed minutes, photo.

    The type is checked from the content on upload (meetings.files); the stored name is random
    and the original name is kept for the download.
    """

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to=ATTACHMENT_UPLOAD_TO, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = MeetingPartQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=AttachmentKind.values),
                name="%(app_label)s_%(class)s_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(size__gt=0), name="%(app_label)s_%(class)s_size_positive"
            ),
        ]

    def __str__(self):
        return self.original_name
