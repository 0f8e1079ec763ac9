from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HouseholdsConfig(AppConfig):
    """Household registry: families and people by NIK, imported from DTKS/P3KE/DTSEN files."""

    name = "households"
    verbose_name = _("Household registry")

    def ready(self):
        from tkpk import home
        from tkpk.roles import ADMIN, BAPPEDA, OPERATOR, SECRETARIAT

        from .selectors import registry_summary

        home.register(
            roles=[ADMIN, SECRETARIAT],
            template="households/_home_registry.html",
            context=lambda user: {"registry": registry_summary(user=user)},
            order=10,
        )
        home.register(
            roles=[OPERATOR],
            template="households/_home_operator.html",
            context=lambda user: {"registry": registry_summary(user=user)},
            order=10,
        )
        home.register(
            roles=[BAPPEDA],
            template="households/_home_aggregates.html",
            context=lambda user: {"registry": registry_summary(user=user)},
            order=10,
        )
