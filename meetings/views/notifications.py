"""The user's in-app notifications (shown on the my-actions page)."""

from django.shortcuts import redirect, render
from django.urls import reverse

from tkpk.generic import ObjectActionView, ProtectedView

from ..models import Notification
from ..selectors import unread_notifications
from ..services import notification_mark_read, notifications_mark_all_read


def _inbox(request):
    context = {"notifications": unread_notifications(user=request.user)}
    return render(request, "meetings/_notifications.html", context)


class NotificationReadView(ObjectActionView):
    """Mark one notification read; another user's notification answers 404."""

    model = Notification

    def act(self, notification):
        return notification_mark_read(user=self.request.user, notification=notification)

    def get_success_url(self, result):
        return reverse("meetings:my_actions")

    def htmx_success(self, result):
        return _inbox(self.request)


class NotificationReadAllView(ProtectedView):
    http_method_names = ["post"]

    def post(self, request):
        notifications_mark_all_read(user=request.user)
        return _inbox(request) if request.htmx else redirect("meetings:my_actions")
