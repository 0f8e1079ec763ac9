"""The meetings' files as downloads: attachments, progress evidence and the minutes as PDF.
Each is personal or official data: the download is audited before the file is handed out."""

from __future__ import annotations

from io import BytesIO

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tkpk.audit import audit_record
from tkpk.choices import AuditAction
from tkpk.downloads import Download, DownloadGone

from ..files import download_name
from ..models import Attachment, Meeting, ProgressUpdate
from ..selectors import minutes_document


def _stored_download(*, user, stored, name: str, content_type: str, obj, summary, request):
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise DownloadGone(_("The file is missing from storage.")) from None
    audit_record(actor=user, action=AuditAction.EXPORT, obj=obj, summary=summary, request=request)
    extension = stored.name.rsplit(".", 1)[-1]
    return Download(handle=handle, name=download_name(name, extension), content_type=content_type)


def attachment_open(*, user, attachment: Attachment, request=None) -> Download:
    """An attachment of a meeting, for a user who may open its files."""
    return _stored_download(
        user=user,
        stored=attachment.file,
        name=attachment.original_name,
        content_type=attachment.content_type,
        obj=attachment,
        summary=_("Downloaded an attachment of %(meeting)s.") % {"meeting": attachment.meeting},
        request=request,
    )


def evidence_open(*, user, update: ProgressUpdate, request=None) -> Download:
    """The evidence file of a progress report."""
    return _stored_download(
        user=user,
        stored=update.evidence,
        name=update.evidence_name,
        content_type=update.evidence_type,
        obj=update,
        summary=_("Downloaded the evidence of %(action)s.") % {"action": update.action},
        request=request,
    )


def minutes_pdf_html(*, user, meeting: Meeting) -> str:
    """The HTML that the minutes PDF is laid out from."""
    return render_to_string(
        "meetings/minutes_pdf.html", minutes_document(user=user, meeting=meeting)
    )


def minutes_pdf_export(*, user, meeting: Meeting, request=None) -> Download:
    """The minutes with attendance and actions as a PDF (xhtml2pdf), audited. A document the
    PDF library cannot lay out raises ValidationError: the printable page still works."""
    from xhtml2pdf import pisa

    html = minutes_pdf_html(user=user, meeting=meeting)
    output = BytesIO()
    if pisa.CreatePDF(html, dest=output, encoding="utf-8").err:
        raise ValidationError(_("The PDF could not be made. Use the printable page."))
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        obj=meeting,
        summary=_("Downloaded the minutes as PDF."),
        request=request,
    )
    output.seek(0)
    name = f"notulen-{timezone.localtime(meeting.starts_at):%Y%m%d}-{slugify(meeting.title)}"
    return Download(handle=output, name=f"{name[:80]}.pdf", content_type="application/pdf")
