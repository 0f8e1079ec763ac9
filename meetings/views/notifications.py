"""The user's in-app notifications (shown on the my-actions page)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from ..models import Notification
from ..selectors import unread_notifications
from ..services import notification_mark_read, notifications_mark_all_read


def _inbox(request):
    context = {"notifications": unread_notifications(user=request.user)}
    return render(request, "meetings/_notifications.html", context)


class NotificationReadView(LoginRequiredMixin, View):
    """Mark one notification read; another user's notification answers 404."""

    def post(self, request, pk):
        notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
        notification_mark_read(user=request.user, notification=notification)
        if request.htmx:
            return _inbox(request)
        return redirect("meetings:my_actions")


class NotificationReadAllView(LoginRequiredMixin, View):
    def post(self, request):
        notifications_mark_all_read(user=request.user)
        if request.htmx:
            return _inbox(request)
        return redirect("meetings:my_actions")
