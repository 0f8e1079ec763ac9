from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    """Coordination meetings (rapat) and follow-up actions (tindak lanjut) per agency."""

    name = "meetings"
    verbose_name = _("Meetings and follow-up actions")

    def ready(self):
        from tkpk import menu, slots
        from tkpk.roles import ADMIN, BAPPEDA, OPERATOR, SECRETARIAT, user_role

        from . import tasks  # noqa: F401 - registers the tasks that the services enqueue by name
        from .selectors import action_summary

        def summary(request):
            return {"actions": action_summary(user=request.user)}

        def unread_notifications(request):
            from .models import Notification

            return Notification.objects.for_user(request.user).unread().count()

        menu.register(
            key="meetings",
            label=_("Meetings"),
            url_name="meetings:meeting_list",
            permission="meetings.view_meeting",
            order=30,
        )
        menu.register(
            key="action-board",
            label=_("Action board"),
            url_name="meetings:action_board",
            permission="meetings.view_board",
            order=31,
        )
        # The agencies' own page is in the bar; the secretariat, whose bar holds the board and
        # the programs, finds its own agency's actions under "More" (the bar fits 1,366 px).
        for key, more in (("my-actions", False), ("my-actions-more", True)):
            menu.register(
                key=key,
                label=_("My follow-up actions"),
                url_name="meetings:my_actions",
                permission="meetings.view_followupaction",
                check=lambda user, more=more: (
                    bool(user.agency_id) and (user_role(user) == SECRETARIAT) == more
                ),
                badge=unread_notifications,
                badge_title=_("Unread notifications"),
                more=more,
                section="meetings",
                order=32 if not more else 7,
            )
        slots.register(
            "home",
            key="meetings-summary",
            template="meetings/_home_panel.html",
            context=summary,
            roles=[ADMIN, SECRETARIAT, BAPPEDA],
            order=20,
        )
        slots.register(
            "agency_detail",
            key="meetings-actions",
            url_name="meetings:agency_actions_panel",
            url_kwargs=lambda agency: {"pk": agency.pk},
            permission="meetings.view_followupaction",
            order=20,
        )
        slots.register(
            "home",
            key="meetings-operator",
            template="meetings/_home_operator.html",
            context=summary,
            roles=[OPERATOR],
            order=5,
        )
