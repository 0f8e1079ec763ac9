"""Choices of the indicators app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    """Which way an indicator improves: the status rule reads a target in this direction."""

    LOWER_BETTER = "lower_better", _("Lower is better")
    HIGHER_BETTER = "higher_better", _("Higher is better")


class ObservationSource(models.TextChoices):
    """Where an actual figure comes from. For one region, indicator and year there may be one
    of each; the status reads the first in PRECEDENCE (a BPS figure replaces the region's own
    estimate once it is published)."""

    BPS = "bps", _("BPS")
    LOCAL = "local", _("Local data")
    ESTIMATE = "estimate", _("Estimate")


#: The source whose figure is the actual when several exist for a year: BPS first.
PRECEDENCE = (ObservationSource.BPS, ObservationSource.LOCAL, ObservationSource.ESTIMATE)


class Status(models.TextChoices):
    """Where a year's actual stands against its target (tkpk.indicators.status)."""

    ACHIEVED = "achieved", _("Achieved")
    ON_TRACK = "on_track", _("On track")
    OFF_TRACK = "off_track", _("Off track")
    NO_DATA = "no_data", _("No data")
    #: A year with an actual but no RPJMD target (before the plan, or not targeted).
    NO_TARGET = "no_target", _("No target")


#: The Bootstrap colour of each status on the dashboard and in the report.
STATUS_COLOURS = {
    Status.ACHIEVED: "success",
    Status.ON_TRACK: "info",
    Status.OFF_TRACK: "danger",
    Status.NO_DATA: "secondary",
    Status.NO_TARGET: "light",
}


class RowKind(models.TextChoices):
    """The `jenis` column of an imported table: a row of actuals or of RPJMD targets."""

    ACTUAL = "realisasi", _("actual (realisasi)")
    TARGET = "target", _("target")
