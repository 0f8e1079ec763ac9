"""What people enter: the indicators, the RPJMD periods with their yearly targets, the actual
figures (observations), the recommendations of the annual report, kecamatan boundaries for the
map, and the tables uploaded for import.

Figures are Decimal in storage, never float: a BPS figure has a fixed number of decimals
(`Indicator.decimals`, for display) and is stored with up to 4.

Uniqueness of an observation: **one figure per region, indicator, year and source** (BPS,
local data, estimate). A region may hold its own estimate for last year until BPS publishes,
and keep it beside the BPS figure afterwards; the status reads the BPS figure first, then the
local one, then the estimate (choices.PRECEDENCE). A figure without a region is Indonesia's
(the national comparison of the annual report).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import Direction, ObservationSource
from ..querysets import ObservationQuerySet, ReadByEveryRoleQuerySet, SecretariatQuerySet

FIGURE_DIGITS = 18
FIGURE_PLACES = 4
YEAR_VALIDATORS = [MinValueValidator(1990), MaxValueValidator(2100)]
#: How a region is written in a figure's name when it has none (Indonesia as a whole).
NATIONAL_CODE = "00"


def figure_key(*, indicator_code: str, region_code: str | None, year: int) -> str:
    """The name of one year's figure in the audit trail ("P0 · 63.08 · 2020 · "): observations
    of every source and the target of that year start with it, so that its history is found
    also after a row was deleted and entered again."""
    return f"{indicator_code} · {region_code or NATIONAL_CODE} · {year} · "


class Indicator(models.Model):
    """A poverty indicator that BPS publishes (P0, P1, P2, the poverty line, ...) or the region
    computes, with the direction in which it improves and how many decimals it is shown with.
    Seeded by migration 0002; more can be added in the admin."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    direction = models.CharField(_("direction"), max_length=14, choices=Direction.choices)
    decimals = models.PositiveSmallIntegerField(
        _("decimals"), default=2, validators=[MaxValueValidator(FIGURE_PLACES)]
    )
    source = models.CharField(_("source"), max_length=120, blank=True)
    minimum = models.DecimalField(
        _("lowest possible value"),
        max_digits=FIGURE_DIGITS,
        decimal_places=FIGURE_PLACES,
        null=True,
        blank=True,
    )
    maximum = models.DecimalField(
        _("highest possible value"),
        max_digits=FIGURE_DIGITS,
        decimal_places=FIGURE_PLACES,
        null=True,
        blank=True,
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    #: Shown as a card at the top of the dashboard.
    is_key = models.BooleanField(_("key indicator"), default=False)
    description = models.TextField(_("description"), blank=True)

    objects = ReadByEveryRoleQuerySet.as_manager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        permissions = [
            ("view_dashboard", _("Can view the indicator dashboard")),
            ("import_indicators", _("Can import BPS and RPJMD tables")),
            ("make_annual_report", _("Can make the annual report")),
            ("run_rollup", _("Can run the indicator rollup")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(direction__in=Direction.values),
                name="%(app_label)s_%(class)s_direction_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(decimals__lte=FIGURE_PLACES),
                name="%(app_label)s_%(class)s_decimals_range",
            ),
        ]

    def __str__(self):
        return f"{self.code} — {self.name}"

    @property
    def lower_is_better(self) -> bool:
        return self.direction == Direction.LOWER_BETTER


class RpjmdPeriod(models.Model):
    """A regional medium-term plan (RPJMD) of one region: its years and the Perda that set it.
    Its targets are the path the status rule compares the actuals with; its last year's target
    is the end-of-plan target. Periods of one region do not overlap (checked by the service)."""

    region = models.ForeignKey(
        "tkpk.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="rpjmd_periods",
    )
    first_year = models.PositiveSmallIntegerField(_("first year"), validators=YEAR_VALIDATORS)
    last_year = models.PositiveSmallIntegerField(_("last year"), validators=YEAR_VALIDATORS)
    perda_reference = models.CharField(_("Perda reference"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ReadByEveryRoleQuerySet.as_manager()

    class Meta:
        ordering = ["region__code", "-first_year"]
        verbose_name = _("RPJMD period")
        verbose_name_plural = _("RPJMD periods")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "first_year"],
                name="%(app_label)s_%(class)s_unique_region_first_year",
            ),
            models.CheckConstraint(
                condition=models.Q(first_year__lte=models.F("last_year")),
                name="%(app_label)s_%(class)s_years_ordered",
            ),
        ]

    def __str__(self):
        return f"RPJMD {self.region.name} {self.first_year}–{self.last_year}"

    def get_absolute_url(self):
        return reverse("indicators:period_detail", kwargs={"pk": self.pk})

    def covers(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year


class Target(models.Model):
    """The RPJMD target of one indicator for one year of a period."""

    period = models.ForeignKey(
        RpjmdPeriod,
        verbose_name=_("RPJMD period"),
        on_delete=models.CASCADE,
        related_name="targets",
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    value = models.DecimalField(_("target"), max_digits=FIGURE_DIGITS, decimal_places=FIGURE_PLACES)
    note = models.CharField(_("note"), max_length=255, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)

    objects = ReadByEveryRoleQuerySet.as_manager()

    class Meta:
        ordering = ["period", "indicator__order", "year"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "indicator", "year"],
                name="%(app_label)s_%(class)s_unique_period_indicator_year",
            ),
        ]

    def __str__(self):
        key = figure_key(
            indicator_code=self.indicator.code, region_code=self.period.region.code, year=self.year
        )
        return f"{key}target"

    def get_absolute_url(self):
        return self.period.get_absolute_url()


class Observation(models.Model):
    """An actual figure of an indicator for a region (none: Indonesia) and year, from one
    source. See the module docstring for why the source is part of what is unique."""

    region = models.ForeignKey(
        "tkpk.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicator_observations",
        help_text=_("Empty: Indonesia as a whole."),
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.PROTECT,
        related_name="observations",
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    value = models.DecimalField(_("value"), max_digits=FIGURE_DIGITS, decimal_places=FIGURE_PLACES)
    source = models.CharField(
        _("source"),
        max_length=10,
        choices=ObservationSource.choices,
        default=ObservationSource.BPS,
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)

    objects = ObservationQuerySet.as_manager()

    class Meta:
        ordering = ["indicator__order", "region__code", "year", "source"]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "indicator", "year", "source"],
                condition=models.Q(region__isnull=False),
                name="%(app_label)s_%(class)s_unique_region_indicator_year_source",
            ),
            models.UniqueConstraint(
                fields=["indicator", "year", "source"],
                condition=models.Q(region__isnull=True),
                name="%(app_label)s_%(class)s_unique_national_indicator_year_source",
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=ObservationSource.values),
                name="%(app_label)s_%(class)s_source_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=1990, year__lte=2100),
                name="%(app_label)s_%(class)s_year_range",
            ),
        ]

    def __str__(self):
        key = figure_key(
            indicator_code=self.indicator.code,
            region_code=self.region.code if self.region_id else None,
            year=self.year,
        )
        return f"{key}{self.source}"

    def get_absolute_url(self):
        return reverse("indicators:observation_edit", kwargs={"pk": self.pk})

    @property
    def region_code(self) -> str:
        return self.region.code if self.region_id else NATIONAL_CODE


class Recommendation(models.Model):
    """A recommendation of the TKPK for a year, written by the secretariat: the closing part
    of the annual implementation report (LP2KD)."""

    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("recommendation"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = ReadByEveryRoleQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "order", "id"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")

    def __str__(self):
        return f"{self.year}: {self.title}"

    def get_absolute_url(self):
        return f"{reverse('indicators:recommendation_list')}?year={self.year}"


class KecamatanBoundary(models.Model):
    """The boundary of a kecamatan as GeoJSON (a Feature's geometry), loaded by the admin with
    `manage.py load_boundaries FILE.geojson`; the dashboard draws the map only when some are
    loaded."""

    region = models.OneToOneField(
        "tkpk.Region",
        verbose_name=_("kecamatan"),
        on_delete=models.CASCADE,
        related_name="boundary",
    )
    geometry = models.TextField(_("geometry (GeoJSON)"))
    source_name = models.CharField(_("file"), max_length=255, blank=True)
    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now)

    objects = ReadByEveryRoleQuerySet.as_manager()

    class Meta:
        ordering = ["region__code"]
        verbose_name = _("kecamatan boundary")
        verbose_name_plural = _("kecamatan boundaries")

    def __str__(self):
        return str(self.region)


class IndicatorImport(models.Model):
    """An uploaded BPS or RPJMD table, checked (the preview lists every bad cell) and, if it
    has none, imported. The file holds public statistics, no personal data."""

    file = models.FileField(_("file"), upload_to="indicators/imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    source = models.CharField(
        _("source of the actuals"),
        max_length=10,
        choices=ObservationSource.choices,
        default=ObservationSource.BPS,
    )
    perda_reference = models.CharField(
        _("Perda reference of a new RPJMD period"), max_length=255, blank=True
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    #: What the import stored: counts of new, changed and unchanged figures, periods created.
    result = models.JSONField(_("result"), default=dict, blank=True)

    objects = SecretariatQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("indicator import")
        verbose_name_plural = _("indicator imports")

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("indicators:import_detail", kwargs={"pk": self.pk})
