from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HouseholdsConfig(AppConfig):
    """Household registry: families and people by NIK, imported from DTKS/P3KE/DTSEN files."""

    name = "households"
    verbose_name = _("Household registry")
