from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class TkpkConfig(AppConfig):
    """The shared core that every other app builds on; it imports no other app."""

    name = "tkpk"
    verbose_name = _("TKPK core")

    def ready(self):
        from . import signals  # noqa: F401 - connects the login/logout audit receivers

        # Each app registers its job kinds in job_handlers.py (see tkpk.jobs).
        autodiscover_modules("job_handlers")
