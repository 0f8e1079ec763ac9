from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HouseholdsConfig(AppConfig):
    """Household registry: families and people by NIK, imported from DTKS/P3KE/DTSEN files."""

    name = "households"
    verbose_name = _("Household registry")

    def ready(self):
        from tkpk import menu, slots
        from tkpk.roles import ADMIN, BAPPEDA, OPERATOR, SECRETARIAT

        from .selectors import registry_summary
        from .validation.rules import register_rules

        # The registry's validation rules (tkpk.validation); other apps register their own.
        register_rules()

        def summary(request):
            return {"registry": registry_summary(user=request.user)}

        menu.register(
            key="households",
            label=_("Households"),
            url_name="households:household_list",
            permission="households.view_household",
            order=20,
        )
        menu.register(
            key="validation",
            label=_("Data validation"),
            url_name="households:validation_summary",
            permission="households.view_validationfinding",
            more=True,
            order=25,
        )
        slots.register(
            "home",
            key="households-registry",
            template="households/_home_registry.html",
            context=summary,
            roles=[ADMIN, SECRETARIAT],
            order=10,
        )
        slots.register(
            "home",
            key="households-operator",
            template="households/_home_operator.html",
            context=summary,
            roles=[OPERATOR],
            order=10,
        )
        slots.register(
            "home",
            key="households-aggregates",
            template="households/_home_aggregates.html",
            context=summary,
            roles=[BAPPEDA],
            order=10,
        )
