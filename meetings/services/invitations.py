"""The invitation emails of a meeting, each with the .ics file of the event attached.

Run by the worker (meetings.tasks.send_meeting_invitations). Idempotent: the meeting row is
locked while its pending invitations are sent and marked with the revision they received, so a
task delivered twice, or two tasks for one meeting, send each revision once.
"""

from __future__ import annotations

import logging
from email.mime.text import MIMEText

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from tkpk.models import User

from ..choices import MeetingStatus
from ..ics import meeting_ics
from ..models import Invitation, Meeting

logger = logging.getLogger(__name__)


def agency_recipients(agency) -> list[str]:
    """The addresses of an agency: its official address and every active user's, once each."""
    addresses = [agency.email] if agency.email else []
    addresses += (
        User.objects.filter(agency=agency, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    seen, unique = set(), []
    for address in addresses:
        if address.lower() not in seen:
            seen.add(address.lower())
            unique.append(address)
    return unique


def site_link(path: str) -> str:
    """An absolute link when SITE_URL is configured, else the path alone."""
    base = settings.SITE_URL.rstrip("/")
    return f"{base}{path}"


def invitations_send(*, meeting_id: int) -> int:
    """Email every pending invitation of the meeting; returns the number of emails sent."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().filter(pk=meeting_id).first()
        if meeting is None:
            return 0
        pending = meeting.invitations.select_related("agency").filter(
            Q(sent_sequence__isnull=True) | Q(sent_sequence__lt=meeting.sequence)
        )
        if meeting.status == MeetingStatus.CANCELLED:
            # Only those who were told of the meeting need to hear it is off.
            pending = pending.filter(sent_sequence__isnull=False)
        elif not meeting.is_upcoming:
            return 0
        invitations = list(pending)
        if not invitations:
            return 0
        with translation.override(settings.LANGUAGE_CODE):
            messages, counts = _messages(meeting, invitations)
        if messages:
            get_connection().send_messages(messages)
        now = timezone.now()
        for invitation in invitations:
            Invitation.objects.filter(pk=invitation.pk).update(
                sent_sequence=meeting.sequence,
                sent_at=now,
                recipient_count=counts[invitation.pk],
            )
    logger.info("meeting %s: %s invitation email(s) sent", meeting_id, len(messages))
    return len(messages)


def _messages(meeting: Meeting, invitations: list[Invitation]):
    ics, method = meeting_ics(meeting)
    if meeting.status == MeetingStatus.CANCELLED:
        notice = "cancelled"
    elif meeting.sequence > 0 and any(i.sent_sequence is not None for i in invitations):
        notice = "updated"
    else:
        notice = "new"
    messages, counts = [], {}
    for invitation in invitations:
        context = {
            "meeting": meeting,
            "agency": invitation.agency,
            "notice": notice if invitation.sent_sequence is not None else "new",
            "link": site_link(meeting.get_absolute_url()),
            "site_name": settings.SITE_NAME,
        }
        subject = " ".join(
            render_to_string("meetings/email/invitation_subject.txt", context).split()
        )
        body = render_to_string("meetings/email/invitation.txt", context)
        recipients = agency_recipients(invitation.agency)
        counts[invitation.pk] = len(recipients)
        for address in recipients:
            message = EmailMessage(subject=subject, body=body, to=[address])
            message.attach(_ics_part(ics, method))
            messages.append(message)
    return messages, counts


def _ics_part(ics: bytes, method: str) -> MIMEText:
    part = MIMEText(ics.decode("utf-8"), "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename="undangan-rapat.ics")
    return part
