"""What the rollup computes (tkpk.indicators.rollup), read by the dashboard and the annual
report, which never aggregate the registry, programs or meetings on a page view.

Every snapshot row belongs to one `Rollup` and carries its `computed_at`. A rollup writes all
its rows and its Rollup row in one transaction; readers take the newest Rollup and read only its
rows, so a page never mixes two rollups nor sees half of one. The rollup keeps the one before it
(a page that read its id a moment earlier still finds its rows) and deletes older ones.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import Status
from .definitions import FIGURE_DIGITS, FIGURE_PLACES, Indicator, RpjmdPeriod


class Rollup(models.Model):
    """One complete computation of every snapshot. `computed_at` is when it read the data."""

    computed_at = models.DateTimeField(_("computed at"), db_index=True)
    seconds = models.DecimalField(_("seconds"), max_digits=10, decimal_places=3, default=0)
    counts = models.JSONField(_("rows written"), default=dict, blank=True)
    job = models.ForeignKey(
        "tkpk.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-computed_at", "-id"]
        verbose_name = _("rollup")
        verbose_name_plural = _("rollups")

    def __str__(self):
        return f"{self.computed_at:%Y-%m-%d %H:%M:%S}"


class SnapshotRow(models.Model):
    """What every snapshot row has: its rollup and when that rollup read the data."""

    rollup = models.ForeignKey(Rollup, on_delete=models.CASCADE, related_name="+")
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        abstract = True


def _figure(verbose_name):
    return models.DecimalField(
        verbose_name,
        max_digits=FIGURE_DIGITS + 2,
        decimal_places=FIGURE_PLACES,
        null=True,
        blank=True,
    )


class IndicatorStatusSnapshot(SnapshotRow):
    """An indicator's year in a region (none: Indonesia): actual against target, gap, status,
    the yearly change still needed and the projection, by the rule of tkpk.indicators.status."""

    region = models.ForeignKey(
        "tkpk.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    actual = _figure(_("actual"))
    actual_source = models.CharField(_("source"), max_length=10, blank=True)
    target = _figure(_("target"))
    gap = _figure(_("gap"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    tolerance = _figure(_("tolerance"))
    needed_yearly_change = _figure(_("yearly change needed"))
    projection = _figure(_("projection"))
    period = models.ForeignKey(
        RpjmdPeriod, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    period_last_year = models.PositiveSmallIntegerField(null=True, blank=True)
    end_target = _figure(_("end-of-plan target"))

    class Meta:
        ordering = ["indicator__order", "region__code", "year"]
        indexes = [
            models.Index(
                fields=["rollup", "indicator", "region", "year"], name="indicators_iss_lookup"
            )
        ]

    def __str__(self):
        return f"{self.indicator_id} {self.region_id} {self.year} {self.status}"


class RegistrySnapshot(SnapshotRow):
    """Active families and their living members of one decile (0: none recorded) in a
    kecamatan (level 3) or desa (level 4) of the home region."""

    region = models.ForeignKey("tkpk.Region", on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(_("level"))
    decile = models.PositiveSmallIntegerField(_("decile"))
    families = models.PositiveIntegerField(_("families"))
    people = models.PositiveIntegerField(_("people"))

    class Meta:
        ordering = ["region__code", "decile"]
        indexes = [models.Index(fields=["rollup", "level"], name="indicators_rs_lookup")]

    def __str__(self):
        return f"{self.region_id} decile {self.decile}: {self.families}"


class ProgramSnapshot(SnapshotRow):
    """The programs of one fiscal year, cluster, agency and target unit: pagu, realization
    (reported: submitted or verified quarters; verified), the target, the reach reported in the
    latest reported quarter, and the active named beneficiaries."""

    year = models.PositiveSmallIntegerField(_("fiscal year"))
    cluster = models.ForeignKey("programs.Cluster", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("tkpk.Agency", on_delete=models.CASCADE, related_name="+")
    target_unit = models.CharField(_("target unit"), max_length=12)
    programs = models.PositiveIntegerField(_("programs"))
    budget = models.PositiveBigIntegerField(_("pagu"))
    reported = models.PositiveBigIntegerField(_("realization reported"))
    verified = models.PositiveBigIntegerField(_("realization verified"))
    target = models.PositiveBigIntegerField(_("target"))
    reached = models.PositiveBigIntegerField(_("reached"))
    beneficiaries = models.PositiveBigIntegerField(_("active beneficiaries"))

    class Meta:
        ordering = ["year", "cluster__number", "agency__name"]
        indexes = [models.Index(fields=["rollup", "year"], name="indicators_ps_lookup")]

    def __str__(self):
        return f"{self.year} {self.cluster_id} {self.agency_id} {self.target_unit}"


class CoverageSnapshot(SnapshotRow):
    """Of the active decile 1-4 families of a kecamatan, how many the fiscal year's programs of
    one cluster (none: of any cluster) reach through an active beneficiary of the family."""

    year = models.PositiveSmallIntegerField(_("fiscal year"))
    region = models.ForeignKey("tkpk.Region", on_delete=models.CASCADE, related_name="+")
    cluster = models.ForeignKey(
        "programs.Cluster", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    families = models.PositiveIntegerField(_("decile 1-4 families"))
    reached = models.PositiveIntegerField(_("reached"))

    class Meta:
        ordering = ["year", "region__code", "cluster__number"]
        indexes = [models.Index(fields=["rollup", "year"], name="indicators_cs_lookup")]

    def __str__(self):
        return f"{self.year} {self.region_id} {self.cluster_id}: {self.reached}"


class FollowUpSnapshot(SnapshotRow):
    """The follow-up actions of the meetings of one year given to one agency (cancelled ones
    left out), as meetings.selectors.action_figures_by_agency counts them on the rollup's day."""

    year = models.PositiveSmallIntegerField(_("year"))
    agency = models.ForeignKey("tkpk.Agency", on_delete=models.CASCADE, related_name="+")
    total = models.PositiveIntegerField(_("actions"))
    not_started = models.PositiveIntegerField(_("not started"))
    in_progress = models.PositiveIntegerField(_("in progress"))
    awaiting_verification = models.PositiveIntegerField(_("done, awaiting verification"))
    verified = models.PositiveIntegerField(_("verified"))
    overdue = models.PositiveIntegerField(_("overdue"))
    days_late_total = models.PositiveIntegerField(_("days late, summed"))
    late = models.PositiveIntegerField(_("actions late"))

    class Meta:
        ordering = ["year", "agency__short_name"]
        indexes = [models.Index(fields=["rollup", "year"], name="indicators_fs_lookup")]

    def __str__(self):
        return f"{self.year} {self.agency_id}: {self.total}"


class MeetingSnapshot(SnapshotRow):
    """How many meetings of one kind a year had, by status."""

    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=12)
    planned = models.PositiveIntegerField(_("planned"))
    held = models.PositiveIntegerField(_("held"))
    cancelled = models.PositiveIntegerField(_("cancelled"))

    class Meta:
        ordering = ["year", "kind"]

    def __str__(self):
        return f"{self.year} {self.kind}"
