"""Shared pieces of the meetings views: the contexts of the meeting and action pages, which
the views that post into those pages show again with their form's errors."""

from django.utils import timezone

from ..forms import ActionForm, AttachmentForm, AttendanceForm, CommentForm, ProgressForm
from ..models import Attachment
from ..selectors import action_timeline, meeting_actions, meeting_attendance


def meeting_page(request, meeting, **forms) -> dict:
    """The meeting page: invitations, attendance, files, actions, and the forms the user may
    fill (a form given in `forms` is shown instead of a fresh one, with its errors)."""
    user = request.user
    context = {
        "meeting": meeting,
        "invitations": meeting.invitations.select_related("agency"),
        **meeting_attendance(meeting=meeting),
        # Scoped like the download: a role that opens no file is not told their names either.
        "attachments": Attachment.objects.for_user(user).filter(meeting=meeting),
        "actions": meeting_actions(user=user, meeting=meeting),
        "today": timezone.localdate(),
    }
    if user.has_perm("meetings.change_meeting"):
        context["attendance_form"] = forms.get("attendance_form") or AttendanceForm()
    if user.has_perm("meetings.add_attachment"):
        context["attachment_form"] = forms.get("attachment_form") or AttachmentForm()
    if user.has_perm("meetings.add_followupaction"):
        context["action_form"] = forms.get("action_form") or ActionForm(meeting=meeting)
    return context


def attendance_section(meeting, form=None) -> dict:
    """The attendance part of the meeting page, which htmx swaps after each change."""
    return {
        "meeting": meeting,
        **meeting_attendance(meeting=meeting),
        "attendance_form": form or AttendanceForm(),
    }


def actions_section(request, meeting, form=None) -> dict:
    """The actions part of the meeting page, with the add form (fresh, or with its errors)."""
    return {
        "meeting": meeting,
        "actions": meeting_actions(user=request.user, meeting=meeting),
        "action_form": form or ActionForm(meeting=meeting),
        "today": timezone.localdate(),
    }


def action_page(request, action, **forms) -> dict:
    """The action page: its timeline, the progress form for the responsible agency and the
    secretariat's verify, reopen and cancel forms."""
    user = request.user
    context = {
        "action": action,
        "timeline": action_timeline(action=action),
        "today": timezone.localdate(),
    }
    if user.has_perm("meetings.post_progress") and action.is_open:
        context["progress_form"] = forms.get("progress_form") or ProgressForm(
            initial={"percent": action.percent}, current_percent=action.percent
        )
    if user.has_perm("meetings.verify_followupaction"):
        for name in ("verify_form", "reopen_form", "cancel_form"):
            context[name] = forms.get(name) or CommentForm(
                prefix=name.split("_")[0], required=name != "verify_form"
            )
    return context
