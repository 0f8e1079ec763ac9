"""Choices of the programs app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FundingSource(models.TextChoices):
    """Where a program's money comes from."""

    APBD_REGENCY = "apbd_kab", _("APBD kabupaten/kota")
    APBD_PROVINCE = "apbd_prov", _("APBD provinsi")
    APBN = "apbn", _("APBN")
    DANA_DESA = "dana_desa", _("Dana Desa")
    OTHER = "lainnya", _("Other")


class TargetUnit(models.TextChoices):
    """What a program's target counts; it decides who a beneficiary is (BENEFICIARY_OF)."""

    FAMILY = "kk", _("families (KK)")
    PERSON = "jiwa", _("people (jiwa)")
    GROUP = "kelompok", _("groups (kelompok)")
    BUSINESS = "unit_usaha", _("businesses (unit usaha)")
    HOUSE = "rumah", _("houses (rumah)")


#: Units whose beneficiary is a family, named by the person the program pays (PKH: the mother).
FAMILY_UNITS = (TargetUnit.FAMILY, TargetUnit.HOUSE)


class ProgramStatus(models.TextChoices):
    PLANNED = "rencana", _("Planned")
    RUNNING = "berjalan", _("Running")
    COMPLETED = "selesai", _("Completed")
    CANCELLED = "batal", _("Cancelled")


#: A program in these takes no new beneficiaries.
CLOSED_STATUSES = (ProgramStatus.COMPLETED, ProgramStatus.CANCELLED)


class RealizationStatus(models.TextChoices):
    """A quarter's report: written by the agency, verified by the cluster's coordinator."""

    DRAFT = "draf", _("Draft")
    SUBMITTED = "diajukan", _("Submitted for verification")
    VERIFIED = "terverifikasi", _("Verified")
    RETURNED = "dikembalikan", _("Returned for correction")


#: The agency may still change a report in these.
EDITABLE_REALIZATION = (RealizationStatus.DRAFT, RealizationStatus.RETURNED)


class BeneficiaryStatus(models.TextChoices):
    ACTIVE = "aktif", _("Active")
    ENDED = "berhenti", _("Ended")


class EndReason(models.TextChoices):
    """Why a beneficiary stopped receiving."""

    DECEASED = "meninggal", _("Deceased")
    MOVED = "pindah", _("Moved away")
    NOT_ELIGIBLE = "tidak_layak", _("No longer eligible")
    DUPLICATE = "ganda", _("Duplicate")
    GRADUATED = "graduasi", _("Graduated (no longer needs it)")
    OTHER = "lainnya", _("Other")


class EnrolmentSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    IMPORT = "impor", _("Imported from a file")
    COPY = "salin", _("Copied from the previous year")


QUARTERS = [(1, _("Quarter I")), (2, _("Quarter II")), (3, _("Quarter III")), (4, _("Quarter IV"))]
