"""Shared pieces of the meetings views."""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.views import View

from ..models import FollowUpAction, Meeting


class PermissionView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Signed in, and holding `permission_required` (else 403)."""


def meeting_for(request, pk) -> Meeting:
    return get_object_or_404(Meeting.objects.for_user(request.user), pk=pk)


def action_for(request, pk) -> FollowUpAction:
    return get_object_or_404(
        FollowUpAction.objects.for_user(request.user).select_related(
            "meeting", "responsible_agency", "updated_by", "verified_by"
        ),
        pk=pk,
    )


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", 1)))
    except (TypeError, ValueError):
        return 1


def querystring_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
