"""The household registry: families (Kartu Keluarga) and the people in them (by NIK).

A family is keyed by its database id, not by its No. KK: the number changes when a family moves,
splits or its head dies (domain.md), so it is an editable, unique attribute. A person is keyed
by NIK, which never changes; people without a NIK carry a village system's temporary number
instead, never mixed with real NIKs.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tkpk.validation import Severity

from .choices import (
    DECILE_CHOICES,
    DataSource,
    FindingStatus,
    HouseholdStatus,
    PersonStatus,
    Relation,
    Sex,
)
from .querysets import (
    HouseholdImportQuerySet,
    HouseholdQuerySet,
    PersonQuerySet,
    ValidationFindingQuerySet,
)

SIXTEEN_DIGITS = r"^[0-9]{16}$"


class Household(models.Model):
    """A family as on its Kartu Keluarga, with its address and welfare decile."""

    kk_number = models.CharField(_("No. KK"), max_length=16)
    address = models.CharField(_("address"), max_length=255, blank=True)
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    dusun = models.CharField(_("dusun"), max_length=100, blank=True)
    village = models.ForeignKey(
        "tkpk.Region",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="households",
        db_index=False,  # served by the (village, kk_number) index
    )
    decile = models.PositiveSmallIntegerField(
        _("decile"), choices=DECILE_CHOICES, null=True, blank=True
    )
    source = models.CharField(_("data source"), max_length=8, choices=DataSource.choices)
    source_id = models.CharField(_("ID in the source"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=HouseholdStatus.choices, default=HouseholdStatus.ACTIVE
    )
    has_problems = models.BooleanField(_("has problems"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        ordering = ["kk_number"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [
            # One index for equality and for prefix search (LIKE '6308%') on PostgreSQL.
            models.UniqueConstraint(
                fields=["kk_number"],
                name="%(app_label)s_%(class)s_unique_kk_number",
                opclasses=["varchar_pattern_ops"],
            ),
            models.CheckConstraint(
                condition=models.Q(kk_number__regex=SIXTEEN_DIGITS),
                name="%(app_label)s_%(class)s_kk_16_digits",
            ),
            models.CheckConstraint(
                condition=models.Q(decile__isnull=True) | models.Q(decile__gte=1, decile__lte=10),
                name="%(app_label)s_%(class)s_decile_1_10",
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=DataSource.values),
                name="%(app_label)s_%(class)s_source_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=HouseholdStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["village", "kk_number"], name="households_hh_village"),
            models.Index(fields=["decile"], name="households_hh_decile"),
        ]

    def __str__(self):
        return self.kk_number

    def get_absolute_url(self):
        return reverse("households:household_detail", kwargs={"pk": self.pk})

    @property
    def head(self):
        """The head of the family (SHDK 1), if recorded."""
        for person in self.members.all():
            if person.relation == Relation.HEAD:
                return person
        return None


class Person(models.Model):
    """A member of a family, by NIK (or, without one, by a village temporary number)."""

    nik = models.CharField(_("NIK"), max_length=16, null=True, blank=True)
    temporary_number = models.CharField(_("temporary number"), max_length=16, null=True, blank=True)
    name = models.CharField(_("name"), max_length=150)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    birth_place = models.CharField(_("place of birth"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    relation = models.PositiveSmallIntegerField(
        _("relation to the head"), choices=Relation.choices, null=True, blank=True
    )
    mother_name = models.CharField(_("mother's name"), max_length=150, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PersonStatus.choices, default=PersonStatus.ALIVE
    )
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="members"
    )
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["household_id", "relation", "name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        permissions = [("view_full_nik", _("Can view full NIK"))]
        constraints = [
            models.UniqueConstraint(
                fields=["nik"],
                name="%(app_label)s_%(class)s_unique_nik",
                opclasses=["varchar_pattern_ops"],
            ),
            models.UniqueConstraint(
                fields=["temporary_number"],
                name="%(app_label)s_%(class)s_unique_temporary_number",
                condition=models.Q(temporary_number__isnull=False),
            ),
            models.CheckConstraint(
                condition=models.Q(nik__isnull=True) | models.Q(nik__regex=SIXTEEN_DIGITS),
                name="%(app_label)s_%(class)s_nik_16_digits",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(nik__isnull=False, temporary_number__isnull=True)
                    | models.Q(nik__isnull=True, temporary_number__isnull=False)
                ),
                name="%(app_label)s_%(class)s_nik_or_temporary",
            ),
            models.CheckConstraint(
                condition=models.Q(relation__isnull=True)
                | models.Q(relation__gte=1, relation__lte=11),
                name="%(app_label)s_%(class)s_relation_shdk",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=PersonStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
            ),
        ]
        # The name-prefix index (upper(name), with varchar_pattern_ops on PostgreSQL) is made by
        # migration 0003, because its operator class exists on PostgreSQL only.

    def __str__(self):
        return self.name

    @property
    def identity_number(self) -> str:
        return self.nik or self.temporary_number or ""


class HouseholdImport(models.Model):
    """One upload of a family file and its way through mapping, dry run and import."""

    file = models.FileField(_("file"), upload_to="imports/households/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=8)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    source = models.CharField(
        _("data source"), max_length=8, choices=DataSource.choices, default=DataSource.DTKS
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="household_imports"
    )
    clear_empty = models.BooleanField(
        _("empty cells clear the field"),
        default=False,
        help_text=_(
            "Off: an empty cell keeps what is stored. On: it clears the stored value. A column "
            "that is not mapped never changes anything."
        ),
    )
    changes_file = models.FileField(
        _("change list"), upload_to="imports/changes/%Y/%m/", blank=True
    )
    review = models.JSONField(
        _("what the last dry run found"),
        default=dict,
        blank=True,
        help_text=_("Held changes by kind, the number of changes and the first ones."),
    )
    dry_run_job = models.ForeignKey(
        "tkpk.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    import_job = models.ForeignKey(
        "tkpk.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = HouseholdImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("household import")
        verbose_name_plural = _("household imports")

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("households:import_detail", kwargs={"pk": self.pk})


class ValidationFinding(models.Model):
    """What a validation run found wrong with a person, a pair of people or a family (issue 12),
    and what people decided about it. One row per rule and key (the person's or family's id, or
    "smaller:larger" for a pair), kept across runs: a run opens what is new, resolves what is gone
    and leaves human decisions alone (households.validation.runs)."""

    rule = models.CharField(_("rule"), max_length=60)
    key = models.CharField(_("key"), max_length=64)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    # The references of a finding have no database constraint (db_constraint=False): a finding
    # is derived data that every run rewrites, and a first run at a million people writes 68,000
    # of them, for each of which every constraint runs a check at commit (1.4 s of the run's 2.3 s
    # of writing, measured by bench/bench_validate.py). Django still deletes a person's or a
    # family's findings with them (CASCADE) and empties the others (SET_NULL); a finding whose
    # subject went another way is not found again and the next run resolves it.
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="validation_findings",
        db_constraint=False,
    )
    other_person = models.ForeignKey(
        Person,
        verbose_name=_("other person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # nothing looks findings up by the pair's second person
        db_constraint=False,
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="validation_findings",
        db_constraint=False,
    )
    # The family's village when the run saw it, for the summary by kecamatan and desa.
    village = models.ForeignKey(
        "tkpk.Region",
        verbose_name=_("village"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # served by the (village, status) index
        db_constraint=False,
    )
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    first_seen_run = models.ForeignKey(
        "tkpk.Job",
        verbose_name=_("first found by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    closed_run = models.ForeignKey(
        "tkpk.Job",
        verbose_name=_("resolved by the run"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    opened_at = models.DateTimeField(_("open since"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)

    objects = ValidationFindingQuerySet.as_manager()

    class Meta:
        ordering = ["rule", "id"]
        verbose_name = _("validation finding")
        verbose_name_plural = _("validation findings")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "key"], name="%(app_label)s_%(class)s_unique_rule_key"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=FindingStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(severity__in=Severity.values),
                name="%(app_label)s_%(class)s_severity_valid",
            ),
        ]
        indexes = [
            # The list and the counts by rule: WHERE status = .. [AND rule = ..] ORDER BY rule, id.
            models.Index(fields=["status", "rule", "id"], name="households_vf_status_rule"),
            models.Index(fields=["village", "status"], name="households_vf_village"),
        ]

    def __str__(self):
        return f"{self.rule} {self.key}"

    @property
    def is_open(self) -> bool:
        return self.status == FindingStatus.OPEN
