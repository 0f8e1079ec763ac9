"""Poverty-reduction programs: the clusters they belong to, the agencies' programs with their
budget (pagu) and quarterly realization, and their named beneficiaries (by NIK).

A beneficiary is a person of the registry: the recipient whom the program names (PKH pays the
mother, not the head). Their family is recorded as it was at enrolment (the No. KK and the
household), and counted through the person's current family, so that a beneficiary is never lost
when an import re-keys the family (a new KK after a split or a move).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import (
    FAMILY_UNITS,
    QUARTERS,
    BeneficiaryStatus,
    EndReason,
    EnrolmentSource,
    FundingSource,
    ProgramStatus,
    RealizationStatus,
    TargetUnit,
)
from .querysets import (
    BeneficiaryImportQuerySet,
    BeneficiaryQuerySet,
    ProgramPartQuerySet,
    ProgramQuerySet,
    ReferenceQuerySet,
)

# urusan.bidang.program.kegiatan.sub-kegiatan, e.g. 1.06.05.2.02.0003 (sub-kegiatan: 4 digits
# since Kepmendagri 900.1.15.5-1317/2023, 2 before). Validated for shape only: the list of codes
# changes every year, so the code and its name are stored as the agency enters them.
BUDGET_CODE = RegexValidator(
    r"^[0-9X]\.[0-9]{2}\.[0-9]{2}\.[0-9]\.[0-9]{2}\.([0-9]{2}|[0-9]{4})$",
    _("Write the code as urusan.bidang.program.kegiatan.sub-kegiatan, e.g. 1.06.05.2.02.0003."),
)


class Cluster(models.Model):
    """A cluster (klaster) of poverty programs (Perpres 15/2010): data, so that a region adds
    a fourth ("program lainnya") without code. `is_family_aid` marks the cluster of integrated
    family-based social assistance, which the exclusion and inclusion figures look at."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40)
    description = models.TextField(_("description"), blank=True)
    is_family_aid = models.BooleanField(
        _("family-based social assistance"),
        default=False,
        help_text=_("The cluster whose aid the exclusion and inclusion figures look at."),
    )
    # Who verifies the quarterly reports of its programs (Koordinator I, II); nobody named: the
    # secretariat.
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinators"),
        blank=True,
        related_name="coordinated_clusters",
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")

    def __str__(self):
        return self.short_name


class NationalProgram(models.Model):
    """A national program that regional programs deliver (PKH, BPNT/Sembako, PBI-JK, ...), from
    a list the secretariat keeps."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    cluster = models.ForeignKey(
        Cluster,
        verbose_name=_("cluster"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="national_programs",
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("national program")
        verbose_name_plural = _("national programs")

    def __str__(self):
        return self.code


class AllowedOverlap(models.Model):
    """Two national programs that one family may receive together (PKH with BPNT): outside
    these pairs, two programs of one cluster for one family are double aid."""

    first = models.ForeignKey(
        NationalProgram, verbose_name=_("program"), on_delete=models.CASCADE, related_name="+"
    )
    second = models.ForeignKey(
        NationalProgram, verbose_name=_("with program"), on_delete=models.CASCADE, related_name="+"
    )
    note = models.CharField(_("rule or reason"), max_length=255, blank=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["first__code", "second__code"]
        verbose_name = _("allowed overlap")
        verbose_name_plural = _("allowed overlaps")
        constraints = [
            models.UniqueConstraint(
                fields=["first", "second"], name="%(app_label)s_%(class)s_unique_first_second"
            ),
            # One row a pair: the service stores the lower id first.
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")),
                name="%(app_label)s_%(class)s_ordered_pair",
            ),
        ]

    def __str__(self):
        return f"{self.first} + {self.second}"


class Program(models.Model):
    """An agency's poverty program for one fiscal year: its cluster, money and target."""

    agency = models.ForeignKey(
        "tkpk.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="programs"
    )
    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), on_delete=models.PROTECT, related_name="programs"
    )
    national_program = models.ForeignKey(
        NationalProgram,
        verbose_name=_("national program delivered"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programs",
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    funding_source = models.CharField(
        _("funding source"), max_length=12, choices=FundingSource.choices
    )
    budget = models.PositiveBigIntegerField(
        _("budget ceiling (pagu, Rp)"), help_text=_("In whole Rupiah.")
    )
    target_quantity = models.PositiveIntegerField(_("target"))
    target_unit = models.CharField(_("target unit"), max_length=12, choices=TargetUnit.choices)
    decile_cutoff = models.PositiveSmallIntegerField(
        _("decile cut-off"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("Only families up to this decile are eligible (e.g. 4); empty: any."),
    )
    budget_code = models.CharField(
        _("regional budget code"), max_length=24, blank=True, validators=[BUDGET_CODE]
    )
    budget_code_name = models.CharField(_("sub-activity name"), max_length=255, blank=True)
    locations = models.ManyToManyField(
        "tkpk.Region", verbose_name=_("locations"), blank=True, related_name="programs"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ProgramStatus.choices, default=ProgramStatus.PLANNED
    )
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
    )
    # Optimistic locking (tkpk.locking): two people editing one program are told of it.
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["-fiscal_year", "cluster__number", "name"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        permissions = [
            ("view_coverage", _("Can view coverage and targeting")),
            ("view_budget", _("Can view the budget summary")),
        ]
        indexes = [models.Index(fields=["fiscal_year", "cluster"], name="programs_year_cluster")]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "fiscal_year", "name"],
                name="%(app_label)s_%(class)s_unique_agency_year_name",
            ),
            models.CheckConstraint(
                condition=models.Q(fiscal_year__gte=2000, fiscal_year__lte=2100),
                name="%(app_label)s_%(class)s_fiscal_year_range",
            ),
            models.CheckConstraint(
                condition=models.Q(decile_cutoff__isnull=True)
                | models.Q(decile_cutoff__gte=1, decile_cutoff__lte=10),
                name="%(app_label)s_%(class)s_decile_cutoff_1_10",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ProgramStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="%(app_label)s_%(class)s_version_positive"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.fiscal_year})"

    def get_absolute_url(self):
        return reverse("programs:program_detail", kwargs={"pk": self.pk})

    @property
    def for_families(self) -> bool:
        """Whether a beneficiary stands for a family (the person the program pays)."""
        return self.target_unit in FAMILY_UNITS

    @property
    def takes_beneficiaries(self) -> bool:
        return self.status not in (ProgramStatus.COMPLETED, ProgramStatus.CANCELLED)


class Realization(models.Model):
    """One quarter (triwulan) of a program: the money spent in it, the beneficiaries reached and
    the physical progress by its end; verified by the cluster's coordinator, or returned."""

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="realizations"
    )
    quarter = models.PositiveSmallIntegerField(_("quarter"), choices=QUARTERS)
    spent = models.PositiveBigIntegerField(
        _("spent in the quarter (Rp)"), help_text=_("In whole Rupiah.")
    )
    reached = models.PositiveIntegerField(
        _("beneficiaries reached"), help_text=_("By the end of the quarter, in the target unit.")
    )
    physical_progress = models.PositiveSmallIntegerField(
        _("physical progress (%)"), validators=[MaxValueValidator(100)]
    )
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=14,
        choices=RealizationStatus.choices,
        default=RealizationStatus.DRAFT,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    verification_comment = models.TextField(_("coordinator's comment"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = ProgramPartQuerySet.as_manager()

    class Meta:
        ordering = ["program", "quarter"]
        verbose_name = _("realization")
        verbose_name_plural = _("realizations")
        permissions = [("verify_realization", _("Can verify or return a quarterly report"))]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "quarter"], name="%(app_label)s_%(class)s_unique_program_quarter"
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4),
                name="%(app_label)s_%(class)s_quarter_1_4",
            ),
            models.CheckConstraint(
                condition=models.Q(physical_progress__lte=100),
                name="%(app_label)s_%(class)s_progress_percent",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=RealizationStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.program} · {self.get_quarter_display()}"

    def get_absolute_url(self):
        return reverse(
            "programs:realization_edit", kwargs={"pk": self.program_id, "quarter": self.quarter}
        )


class BeneficiaryGroup(models.Model):
    """A group (kelompok) that a group program supports; its members are beneficiaries."""

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="groups"
    )
    name = models.CharField(_("name"), max_length=200)
    village = models.ForeignKey(
        "tkpk.Region",
        verbose_name=_("village"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ProgramPartQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("beneficiary group")
        verbose_name_plural = _("beneficiary groups")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "name"], name="%(app_label)s_%(class)s_unique_program_name"
            ),
        ]

    def __str__(self):
        return self.name


class Beneficiary(models.Model):
    """A person who receives a program in its fiscal year (penerima manfaat), with their family
    as it was at enrolment."""

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="beneficiaries"
    )
    # The program's year, kept here so that the figures of a year read one index.
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    person = models.ForeignKey(
        "households.Person",
        verbose_name=_("recipient"),
        on_delete=models.PROTECT,
        related_name="benefits",
    )
    household_at_enrolment = models.ForeignKey(
        "households.Household",
        verbose_name=_("family at enrolment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kk_at_enrolment = models.CharField(_("No. KK at enrolment"), max_length=16, blank=True)
    group = models.ForeignKey(
        BeneficiaryGroup,
        verbose_name=_("group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    benefit_amount = models.PositiveBigIntegerField(_("benefit (Rp)"), null=True, blank=True)
    benefit_kind = models.CharField(_("benefit in kind"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=BeneficiaryStatus.choices,
        default=BeneficiaryStatus.ACTIVE,
    )
    end_reason = models.CharField(
        _("reason for ending"), max_length=12, choices=EndReason.choices, blank=True
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_note = models.CharField(_("note on ending"), max_length=255, blank=True)
    source = models.CharField(
        _("entered"), max_length=8, choices=EnrolmentSource.choices, default=EnrolmentSource.MANUAL
    )
    enrolled_on = models.DateField(_("enrolled on"), default=timezone.localdate)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enrolled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = BeneficiaryQuerySet.as_manager()

    class Meta:
        ordering = ["program", "kk_at_enrolment", "id"]
        verbose_name = _("beneficiary")
        verbose_name_plural = _("beneficiaries")
        indexes = [
            models.Index(fields=["person", "status"], name="programs_benef_person_status"),
            models.Index(fields=["fiscal_year", "status"], name="programs_benef_year_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "person"], name="%(app_label)s_%(class)s_unique_program_person"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=BeneficiaryStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status=BeneficiaryStatus.ACTIVE, end_reason="")
                | (models.Q(status=BeneficiaryStatus.ENDED) & ~models.Q(end_reason="")),
                name="%(app_label)s_%(class)s_ended_with_a_reason",
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.program}"

    @property
    def is_active(self) -> bool:
        return self.status == BeneficiaryStatus.ACTIVE


class BeneficiaryImport(models.Model):
    """A file of beneficiaries for one program (a national list: NIK or No. KK and a name), its
    column mapping, the last dry run's findings and the jobs that checked and applied it."""

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="imports"
    )
    file = models.FileField(_("file"), upload_to="programs/imports/%Y/%m/", blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    review = models.JSONField(_("findings of the dry run"), default=dict, blank=True)
    dry_run_job = models.ForeignKey(
        "tkpk.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    import_job = models.ForeignKey(
        "tkpk.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = BeneficiaryImportQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("beneficiary import")
        verbose_name_plural = _("beneficiary imports")

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("programs:beneficiary_import_detail", kwargs={"pk": self.pk})
