"""The daily reminder digest: each agency gets ONE message a day listing its open actions that
are overdue or due within MEETINGS_REMINDER_DAYS days (default 7), by email to its addresses and
as an in-app notification to each of its active users.

Idempotent by construction: a run first inserts one ReminderDigest row per agency for the day,
ignoring rows that exist (the unique (agency, date) constraint), and sends only the rows it
inserted itself (recognised by its run token). A second run that day inserts nothing and sends
nothing. A digest whose email failed is retried by the next run: its notifications, already
written, are not written again.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tkpk.audit import audit_record
from tkpk.choices import AuditAction
from tkpk.models import User

from ..choices import DigestStatus
from ..models import FollowUpAction, Notification, ReminderDigest
from .invitations import agency_recipients, site_link

logger = logging.getLogger(__name__)


def reminder_days() -> int:
    return settings.MEETINGS_REMINDER_DAYS


@dataclass
class ReminderRun:
    """What one run did: digests it claimed, of which emailed, failed, or without recipients."""

    claimed: int = 0
    sent: int = 0
    failed: int = 0
    no_recipients: int = 0
    agencies: list[str] = field(default_factory=list)


def reminder_actions(*, today: date, days: int):
    """Open actions of active agencies that are overdue or due within `days` days."""
    return (
        FollowUpAction.objects.open()
        .filter(due_date__lte=today + timedelta(days=days), responsible_agency__is_active=True)
        .select_related("meeting", "responsible_agency")
        .order_by("responsible_agency_id", "due_date", "priority", "id")
    )


def reminders_send(*, today: date | None = None, days: int | None = None) -> ReminderRun:
    """Send today's digests that have not been sent yet (see the module docstring)."""
    today = today or timezone.localdate()
    days = reminder_days() if days is None else days
    by_agency: dict[int, list[FollowUpAction]] = defaultdict(list)
    for action in reminder_actions(today=today, days=days):
        by_agency[action.responsible_agency_id].append(action)

    token = uuid.uuid4().hex
    ReminderDigest.objects.bulk_create(
        [
            ReminderDigest(
                agency_id=agency_id,
                date=today,
                run_token=token,
                overdue_count=sum(a.overdue_on(today) for a in actions),
                due_soon_count=sum(not a.overdue_on(today) for a in actions),
                action_ids=[a.pk for a in actions],
            )
            for agency_id, actions in by_agency.items()
        ],
        ignore_conflicts=True,
    )
    # A digest whose email failed earlier today is claimed again by a conditional update.
    ReminderDigest.objects.filter(date=today, status=DigestStatus.FAILED).update(
        status=DigestStatus.CLAIMED, run_token=token
    )
    run = ReminderRun()
    claimed = ReminderDigest.objects.filter(run_token=token).select_related("agency")
    for digest in claimed:
        run.claimed += 1
        run.agencies.append(digest.agency.short_name)
        actions = by_agency.get(digest.agency_id) or list(
            FollowUpAction.objects.filter(pk__in=digest.action_ids).select_related("meeting")
        )
        _deliver(digest, actions, today=today, run=run)
    logger.info("reminders %s: %s", today, run)
    return run


def _deliver(digest: ReminderDigest, actions: list[FollowUpAction], *, today, run) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        overdue = [a for a in actions if a.overdue_on(today)]
        due_soon = [a for a in actions if not a.overdue_on(today)]
        if digest.notified_at is None:
            _notify(digest, overdue=overdue, due_soon=due_soon)
        recipients = agency_recipients(digest.agency)
        if not recipients:
            digest.status = DigestStatus.NO_RECIPIENTS
            digest.save(update_fields=["status"])
            run.no_recipients += 1
            return
        context = {
            "agency": digest.agency,
            "overdue": [(action, action.days_late_on(today)) for action in overdue],
            "due_soon": due_soon,
            "today": today,
            "days": reminder_days(),
            "link": site_link(reverse("meetings:my_actions")),
            "site_link": site_link(""),
            "site_name": settings.SITE_NAME,
        }
        subject = " ".join(render_to_string("meetings/email/reminder_subject.txt", context).split())
        body = render_to_string("meetings/email/reminder.txt", context)
    messages = [EmailMessage(subject=subject, body=body, to=[address]) for address in recipients]
    try:
        get_connection().send_messages(messages)
    except Exception as exc:  # SMTP down, refused address...: retried by the next run
        logger.exception("reminder digest %s: email failed", digest.pk)
        digest.status = DigestStatus.FAILED
        digest.error = str(exc)[:1000]
        digest.save(update_fields=["status", "error"])
        run.failed += 1
        return
    digest.status = DigestStatus.SENT
    digest.emailed_at = timezone.now()
    digest.recipient_count = len(recipients)
    digest.error = ""
    digest.save(update_fields=["status", "emailed_at", "recipient_count", "error"])
    run.sent += 1


@transaction.atomic
def _notify(digest: ReminderDigest, *, overdue, due_soon) -> None:
    """One in-app notification per active user of the agency, written once per digest."""
    parts = []
    if overdue:
        parts.append(
            ngettext(
                "%(count)s follow-up action is overdue",
                "%(count)s follow-up actions are overdue",
                len(overdue),
            )
            % {"count": len(overdue)}
        )
    if due_soon:
        parts.append(
            ngettext(
                "%(count)s is due within %(days)s days",
                "%(count)s are due within %(days)s days",
                len(due_soon),
            )
            % {"count": len(due_soon), "days": reminder_days()}
        )
    text = _("Reminder for %(agency)s: %(summary)s.") % {
        "agency": digest.agency.short_name,
        "summary": "; ".join(parts),
    }
    users = User.objects.filter(agency_id=digest.agency_id, is_active=True)
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=user, text=text, link=reverse("meetings:my_actions"), digest=digest
            )
            for user in users
        ]
    )
    digest.notified_at = timezone.now()
    digest.save(update_fields=["notified_at"])
    audit_record(
        actor=None,
        action=AuditAction.CREATE,
        obj=digest,
        summary=text,
        changes={"actions": [None, digest.action_ids]},
    )


@transaction.atomic
def notification_mark_read(*, user, notification: Notification) -> Notification:
    """Mark one of the user's notifications read."""
    if notification.recipient_id != user.pk:
        raise PermissionError("not the recipient")
    Notification.objects.filter(pk=notification.pk).update(is_read=True)
    notification.is_read = True
    return notification


def notifications_mark_all_read(*, user) -> int:
    """Mark every notification of the user read; returns how many changed."""
    return Notification.objects.for_user(user).unread().update(is_read=True)
