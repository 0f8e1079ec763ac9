from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class TkpkConfig(AppConfig):
    """The shared core that every other app builds on; it imports no other app."""

    name = "tkpk"
    verbose_name = _("TKPK core")

    def ready(self):
        from . import (
            signals,  # noqa: F401 - connects the login/logout audit receivers
            tasks,  # noqa: F401 - registers the tasks that tkpk.jobs enqueues by name
        )

        # Each app registers its job kinds in job_handlers.py (see tkpk.jobs).
        autodiscover_modules("job_handlers")
        self.register_menu()

    @staticmethod
    def register_menu():
        """The core's items of the main navigation; the apps add theirs in their own ready()."""
        from . import menu
        from .roles import ADMIN, SECRETARIAT

        menu.register(key="home", label=_("Home"), url_name="home", order=0)
        menu.register(
            key="agencies",
            label=_("Regional agencies"),
            url_name="tkpk:agency_list",
            permission="tkpk.view_agency",
            more=True,
            order=10,
        )
        menu.register(
            key="accounts",
            label=_("Accounts"),
            url_name="tkpk:user_list",
            permission="tkpk.view_user",
            more=True,
            order=15,
        )
        menu.register(
            key="regions",
            label=_("Regions"),
            url_name="tkpk:region_overview",
            permission="tkpk.view_region",
            more=True,
            order=20,
        )
        menu.register(
            key="audit",
            label=_("Audit trail"),
            url_name="tkpk:audit_list",
            roles=[ADMIN, SECRETARIAT],
            more=True,
            order=30,
        )
        menu.register(
            key="jobs", label=_("Background jobs"), url_name="tkpk:job_list", more=True, order=40
        )
        menu.register(
            key="admin",
            label=_("System admin"),
            url_name="admin:index",
            check=lambda user: user.is_staff,
            more=True,
            section="system",
            order=90,
        )
