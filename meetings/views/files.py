"""Attachments and evidence files: uploaded through checked forms, served only through these
views after an access check (never from MEDIA_URL), always as a download, and audited."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tkpk.generic import ObjectActionView, ObjectDownloadView, ObjectFormView

from ..forms import AttachmentForm
from ..models import Attachment, Meeting, ProgressUpdate
from ..services import attachment_add, attachment_delete, attachment_open, evidence_open
from .base import meeting_page


class AttachmentAddView(ObjectFormView):
    """Upload a file to a meeting; its type is checked by content, its size against the limit."""

    permission_required = "meetings.add_attachment"
    max_request_bytes = settings.MEETINGS_MAX_UPLOAD_BYTES + 1024 * 1024  # the file and the form
    http_method_names = ["post"]
    model = Meeting
    form_class = AttachmentForm
    template_name = "meetings/meeting_detail.html"
    success_message = _("File uploaded.")

    def get_context_data(self, form):
        return meeting_page(self.request, self.object, attachment_form=form)

    def save(self, form):
        return attachment_add(
            user=self.request.user,
            meeting=self.object,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            description=form.cleaned_data["description"],
            request=self.request,
        )

    def get_success_url(self, attachment):
        return f"{self.object.get_absolute_url()}#attachments"


class AttachmentDownloadView(ObjectDownloadView):
    permission_required = "meetings.view_meeting"
    model = Attachment
    select_related = ("meeting",)

    def open_file(self, attachment):
        return attachment_open(user=self.request.user, attachment=attachment, request=self.request)


class AttachmentDeleteView(ObjectActionView):
    permission_required = "meetings.delete_attachment"
    model = Attachment
    select_related = ("meeting",)
    success_message = _("File removed.")

    def act(self, attachment):
        attachment_delete(user=self.request.user, attachment=attachment, request=self.request)
        return attachment

    def get_success_url(self, attachment):
        return f"{attachment.meeting.get_absolute_url()}#attachments"


class EvidenceDownloadView(ObjectDownloadView):
    """The evidence file of a progress report, for those who may read the action and open its
    files (a report without a file answers 404 too)."""

    permission_required = "meetings.view_followupaction"
    model = ProgressUpdate

    def get_queryset(self):
        return ProgressUpdate.objects.evidence_for_user(self.request.user).select_related("action")

    def open_file(self, update):
        return evidence_open(user=self.request.user, update=update, request=self.request)
