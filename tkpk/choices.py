"""Choices of the core models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.IntegerChoices):
    """Kemendagri administrative level; the value is the number of code segments."""

    PROVINCE = 1, _("Province")
    REGENCY = 2, _("Regency/City")
    DISTRICT = 3, _("District")
    VILLAGE = 4, _("Village")


class AgencyKind(models.TextChoices):
    """Kind of regional agency (perangkat daerah)."""

    DINAS = "dinas", _("Dinas (office)")
    BADAN = "badan", _("Badan (agency)")
    SEKRETARIAT = "sekretariat", _("Secretariat")
    INSPEKTORAT = "inspektorat", _("Inspectorate")
    KECAMATAN = "kecamatan", _("District")
    OTHER = "lainnya", _("Other")


class JobStatus(models.TextChoices):
    """Life cycle of a background job."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class AuditAction(models.TextChoices):
    """What an audit event records."""

    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    DELETE = "delete", _("Delete")
    EXPORT = "export", _("Export")
    VIEW_NIK = "view_nik", _("View full NIK")
    SEARCH_NIK = "search_nik", _("Search by NIK or No. KK")
    CHECK_NIK = "check_nik", _("Check a NIK (yes/no)")
    IMPORT = "import", _("Import")
    LOGIN = "login", _("Sign in")
    LOGOUT = "logout", _("Sign out")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
