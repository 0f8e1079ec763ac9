from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    """Programs by cluster, budget (pagu) and realization (realisasi), and their beneficiaries."""

    name = "programs"
    verbose_name = _("Poverty-reduction programs")
