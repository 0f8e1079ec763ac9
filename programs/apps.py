from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    """Programs by cluster, budget (pagu) and realization (realisasi), and their beneficiaries."""

    name = "programs"
    verbose_name = _("Poverty-reduction programs")

    def ready(self):
        from tkpk import menu, slots
        from tkpk.roles import ADMIN, BAPPEDA, OPERATOR, SECRETARIAT

        from . import tasks  # noqa: F401 - registers the retention task beat starts by name
        from .selectors.budget import budget_visible
        from .selectors.programs import home_figures
        from .validation import register as register_rules

        register_rules()

        def figures(request):
            return {"programs": home_figures(user=request.user)}

        menu.register(
            key="programs",
            label=_("Programs"),
            url_name="programs:program_list",
            permission="programs.view_program",
            order=25,
        )
        menu.register(
            key="realizations",
            label=_("Quarterly reports"),
            url_name="programs:realization_list",
            permission="programs.view_realization",
            more=True,
            section="programs",
            order=5,
        )
        menu.register(
            key="coverage",
            label=_("Coverage and targeting"),
            url_name="programs:coverage",
            permission="programs.view_coverage",
            more=True,
            section="programs",
            order=4,
        )
        menu.register(
            key="budget",
            label=_("Budget"),
            url_name="programs:budget",
            check=budget_visible,
            more=True,
            section="programs",
            order=6,
        )
        # What a family receives, on the household page (households imports no program).
        slots.register(
            "household_detail",
            key="programs-benefits",
            url_name="programs:household_benefits",
            url_kwargs=lambda household: {"pk": household.pk},
            permission="programs.view_beneficiary",
            order=10,
        )
        for key, template, roles in (
            ("programs-operator", "programs/_home_operator.html", [OPERATOR]),
            ("programs-reports", "programs/_home_secretariat.html", [ADMIN, SECRETARIAT]),
            ("programs-figures", "programs/_home_bappeda.html", [BAPPEDA]),
        ):
            slots.register(
                "home", key=key, template=template, context=figures, roles=roles, order=15
            )
