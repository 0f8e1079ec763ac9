"""Attachments and evidence files: uploaded through checked forms, served only through these
views after an access check (never from MEDIA_URL), always as a download, and audited."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from tkpk.audit import audit_record
from tkpk.choices import AuditAction

from ..files import download_name
from ..forms import AttachmentForm
from ..models import Attachment, ProgressUpdate
from ..services import attachment_add, attachment_delete
from .base import PermissionView, add_service_errors, meeting_for
from .meetings import _detail_context


def _file_response(request, *, stored, name: str, content_type: str, obj, summary: str):
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing from storage.")) from None
    audit_record(
        actor=request.user, action=AuditAction.EXPORT, obj=obj, summary=summary, request=request
    )
    extension = stored.name.rsplit(".", 1)[-1]
    response = FileResponse(handle, as_attachment=True, filename=download_name(name, extension))
    response["Content-Type"] = content_type
    return response


class AttachmentAddView(PermissionView):
    """Upload a file to a meeting; its type is checked by content, its size against the limit."""

    permission_required = "meetings.add_attachment"
    max_request_bytes = settings.MEETINGS_MAX_UPLOAD_BYTES + 1024 * 1024  # the file and the form

    def post(self, request, pk):
        meeting = meeting_for(request, pk)
        form = AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                attachment_add(
                    user=request.user,
                    meeting=meeting,
                    kind=form.cleaned_data["kind"],
                    upload=form.cleaned_data["file"],
                    description=form.cleaned_data["description"],
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("File uploaded."))
                return redirect(f"{meeting.get_absolute_url()}#attachments")
        context = _detail_context(request, meeting, attachment_form=form)
        return render(request, "meetings/meeting_detail.html", context, status=400)


class AttachmentDownloadView(PermissionView):
    permission_required = "meetings.view_meeting"

    def get(self, request, pk):
        attachment = get_object_or_404(
            Attachment.objects.for_user(request.user).select_related("meeting"), pk=pk
        )
        return _file_response(
            request,
            stored=attachment.file,
            name=attachment.original_name,
            content_type=attachment.content_type,
            obj=attachment,
            summary=_("Downloaded an attachment of %(meeting)s.") % {"meeting": attachment.meeting},
        )


class AttachmentDeleteView(PermissionView):
    permission_required = "meetings.delete_attachment"

    def post(self, request, pk):
        attachment = get_object_or_404(
            Attachment.objects.for_user(request.user).select_related("meeting"), pk=pk
        )
        meeting = attachment.meeting
        attachment_delete(user=request.user, attachment=attachment, request=request)
        messages.success(request, _("File removed."))
        return redirect(f"{meeting.get_absolute_url()}#attachments")


class EvidenceDownloadView(PermissionView):
    """The evidence file of a progress report, for those who may read the action and open its
    files (a report without a file answers 404 too)."""

    permission_required = "meetings.view_followupaction"

    def get(self, request, pk):
        update = get_object_or_404(
            ProgressUpdate.objects.evidence_for_user(request.user).select_related("action"), pk=pk
        )
        return _file_response(
            request,
            stored=update.evidence,
            name=update.evidence_name,
            content_type=update.evidence_type,
            obj=update,
            summary=_("Downloaded the evidence of %(action)s.") % {"action": update.action},
        )
