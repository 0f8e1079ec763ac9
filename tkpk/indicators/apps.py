"""Indicators and RPJMD targets, their rollup and the dashboards: reads every app's figures,
and no app reads it."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    """BPS indicators against the RPJMD targets, rolled up into snapshots that dashboards read."""

    name = "tkpk.indicators"
    label = "indicators"
    verbose_name = _("Indicators and targets")

    def ready(self):
        from tkpk import menu, slots
        from tkpk.roles import ADMIN, OPERATOR, SECRETARIAT

        from . import tasks  # noqa: F401 - registers the nightly task for beat
        from .selectors import home_panel

        # In the bar for the roles that read it most; the secretariat's bar is full (it must
        # fit 1366 pixels), so it finds the dashboard under "More" and on its home page.
        menu.register(
            key="indicators",
            label=_("Indicators"),
            url_name="indicators:dashboard",
            permission="indicators.view_dashboard",
            # Bappeda's home ("Beranda") is the dashboard itself.
            roles=[ADMIN, OPERATOR],
            order=15,
        )
        menu.register(
            key="indicators-more",
            label=_("Indicators"),
            url_name="indicators:dashboard",
            roles=[SECRETARIAT],
            more=True,
            section="indicators",
            order=59,
        )
        menu.register(
            key="indicator-data",
            label=_("Indicator figures and RPJMD targets"),
            url_name="indicators:observation_list",
            permission="indicators.add_observation",
            more=True,
            section="indicators",
            order=60,
        )
        slots.register(
            "home",
            key="indicators-summary",
            template="indicators/_home_panel.html",
            context=lambda request: home_panel(),
            roles=[ADMIN, SECRETARIAT],  # Bappeda's home is the dashboard itself
            order=1,
        )
