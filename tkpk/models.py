"""Core models: regions, agencies, users, background jobs and the audit trail."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import AgencyKind, AuditAction, JobStatus, RegionLevel
from .job_kinds import job_kind_label
from .querysets import (
    AgencyQuerySet,
    AuditEventQuerySet,
    JobQuerySet,
    RegionQuerySet,
    UserQuerySet,
)


class Region(models.Model):
    """A Kemendagri region (wilayah): province, kabupaten/kota, kecamatan or desa/kelurahan.

    `code` is the dotted Kemendagri code (`63.08.01.2003`); the level follows from its segments.
    """

    code = models.CharField(_("code"), max_length=13, unique=True)
    name = models.CharField(_("name"), max_length=120)
    level = models.PositiveSmallIntegerField(_("level"), choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        permissions = [("load_regions", _("Can load region data"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=4),
                name="%(app_label)s_%(class)s_level_range",
            ),
            models.CheckConstraint(
                condition=models.Q(level=1, parent__isnull=True)
                | models.Q(level__gt=1, parent__isnull=False),
                name="%(app_label)s_%(class)s_parent_by_level",
            ),
        ]
        indexes = [models.Index(fields=["level", "name"], name="tkpk_region_level_name")]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def kemendagri_code(self) -> str:
        """The code without dots, as it appears inside a NIK or a No. KK."""
        return self.code.replace(".", "")


class RegionDataset(models.Model):
    """One load of region data: where it came from, which version, which regulation, and what
    part of the country it covered. Answers "which codes is this instance using?"."""

    source = models.CharField(_("source"), max_length=60)
    source_version = models.CharField(_("source version"), max_length=30)
    regulation = models.CharField(_("legal basis"), max_length=120)
    within = models.CharField(_("scope"), max_length=13, blank=True)
    regions_created = models.PositiveIntegerField(_("regions created"), default=0)
    regions_updated = models.PositiveIntegerField(_("regions updated"), default=0)
    regions_unchanged = models.PositiveIntegerField(_("regions unchanged"), default=0)
    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        ordering = ["-loaded_at"]
        verbose_name = _("region data source")
        verbose_name_plural = _("region data sources")

    def __str__(self):
        scope = self.within or _("all of Indonesia")
        return f"{self.source} {self.source_version} ({scope})"


class Agency(models.Model):
    """A regional agency (SKPD/OPD) that runs programs and answers for follow-up actions."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyKind.choices)
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("regional agency")
        verbose_name_plural = _("regional agencies")

    def __str__(self):
        return self.short_name

    def get_absolute_url(self):
        return reverse("tkpk:agency_detail", kwargs={"pk": self.pk})


class TkpkUserManager(UserManager.from_queryset(UserQuerySet)):
    """The auth manager with `for_user` scoping."""


class User(AbstractUser):
    """A person who signs in. Belongs to at most one agency; the role is a group (tkpk.roles)."""

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("regional agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    position = models.CharField(_("position"), max_length=120, blank=True)
    # Set when an admin gave the account a generated password: the person chooses their own at
    # the next sign-in (tkpk.middleware.PasswordChangeRequiredMiddleware).
    password_must_change = models.BooleanField(_("must change the password"), default=False)

    objects = TkpkUserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.username


class Job(models.Model):
    """A long task run by a Celery worker (an import, an export, a roll-up).

    Its state lives here, not in Celery: pages poll this row, and a dead worker is detected by a
    heartbeat that stops moving (see tkpk.jobs.jobs_fail_stale).
    """

    kind = models.CharField(_("kind"), max_length=60)
    status = models.CharField(
        _("status"), max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    progress_done = models.PositiveBigIntegerField(_("done"), default=0)
    progress_total = models.PositiveBigIntegerField(_("total"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    input_file = models.FileField(_("input file"), upload_to="jobs/input/%Y/%m/", blank=True)
    result_file = models.FileField(_("result file"), upload_to="jobs/result/%Y/%m/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="jobs",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("heartbeat"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The Celery worker (its node name) that claimed the job: when that worker starts again,
    # whatever it was running died with it.
    worker = models.CharField(_("worker"), max_length=200, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="tkpk_job_status_hb")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=JobStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    def get_absolute_url(self):
        return reverse("tkpk:job_detail", kwargs={"pk": self.pk})

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)

    @property
    def percent(self) -> int | None:
        """Progress in whole percent, or None while the total is unknown."""
        if not self.progress_total:
            return 100 if self.status == JobStatus.SUCCEEDED else None
        return min(100, int(self.progress_done * 100 / self.progress_total))

    @property
    def title(self) -> str:
        return job_kind_label(self.kind)


class AuditEvent(models.Model):
    """Append-only record of processing (UU 27/2022 Pasal 31): who did what to which object, when,
    and from where. Written by services; never updated or deleted (a PostgreSQL trigger refuses)."""

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("object type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    object_id = models.CharField(_("Object ID"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="tkpk_audit_object"),
            models.Index(fields=["actor", "at"], name="tkpk_audit_actor_at"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise TypeError("AuditEvent is append-only: it cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("AuditEvent is append-only: it cannot be deleted.")
