from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    """Coordination meetings (rapat) and follow-up actions (tindak lanjut) per agency."""

    name = "meetings"
    verbose_name = _("Meetings and follow-up actions")
