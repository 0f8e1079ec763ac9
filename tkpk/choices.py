"""Choices of the core models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.IntegerChoices):
    """Kemendagri administrative level; the value is the number of code segments."""

    PROVINCE = 1, _("Provinsi")
    REGENCY = 2, _("Kabupaten/Kota")
    DISTRICT = 3, _("Kecamatan")
    VILLAGE = 4, _("Desa/Kelurahan")


class AgencyKind(models.TextChoices):
    """Kind of regional agency (perangkat daerah)."""

    DINAS = "dinas", _("Dinas")
    BADAN = "badan", _("Badan")
    SEKRETARIAT = "sekretariat", _("Sekretariat")
    INSPEKTORAT = "inspektorat", _("Inspektorat")
    KECAMATAN = "kecamatan", _("Kecamatan")
    OTHER = "lainnya", _("Lainnya")


class JobStatus(models.TextChoices):
    """Life cycle of a background job."""

    QUEUED = "queued", _("Dalam antrean")
    RUNNING = "running", _("Berjalan")
    SUCCEEDED = "succeeded", _("Berhasil")
    FAILED = "failed", _("Gagal")
    CANCELLED = "cancelled", _("Dibatalkan")


class AuditAction(models.TextChoices):
    """What an audit event records."""

    CREATE = "create", _("Buat")
    UPDATE = "update", _("Ubah")
    DELETE = "delete", _("Hapus")
    EXPORT = "export", _("Ekspor")
    VIEW_NIK = "view_nik", _("Lihat NIK lengkap")
    IMPORT = "import", _("Impor")
    LOGIN = "login", _("Masuk")
    LOGOUT = "logout", _("Keluar")
    LOGIN_FAILED = "login_failed", _("Gagal masuk")
