from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    """BPS indicators against the RPJMD targets, rolled up into snapshots that dashboards read."""

    name = "tkpk.indicators"
    label = "indicators"
    verbose_name = _("Indicators and targets")
