from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    """Coordination meetings (rapat) and follow-up actions (tindak lanjut) per agency."""

    name = "meetings"
    verbose_name = _("Meetings and follow-up actions")

    def ready(self):
        from tkpk import home
        from tkpk.roles import ADMIN, BAPPEDA, OPERATOR, SECRETARIAT

        from .selectors import action_summary

        def summary(user):
            return {"actions": action_summary(user=user)}

        home.register(
            roles=[ADMIN, SECRETARIAT, BAPPEDA],
            template="meetings/_home_panel.html",
            context=summary,
            order=20,
        )
        home.register(
            roles=[OPERATOR], template="meetings/_home_operator.html", context=summary, order=5
        )
