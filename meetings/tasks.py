"""Celery entry points of the meetings app. They take ids or dates, call one service, and are
idempotent (the services claim their rows); nothing else."""

from datetime import date
from smtplib import SMTPException

from celery import shared_task

from .services import invitations_send, reminders_send


@shared_task(
    name="meetings.tasks.send_meeting_invitations",
    ignore_result=True,
    soft_time_limit=240,
    time_limit=300,
    autoretry_for=(SMTPException, ConnectionError),
    retry_backoff=60,
    max_retries=5,
)
def send_meeting_invitations(meeting_id: int) -> int:
    """Email the pending invitations of one meeting (each revision once)."""
    return invitations_send(meeting_id=meeting_id)


@shared_task(
    name="meetings.tasks.send_action_reminders",
    ignore_result=True,
    soft_time_limit=540,
    time_limit=600,
)
def send_action_reminders(day: str | None = None) -> int:
    """Beat, daily: send each agency its digest of overdue and soon-due actions, once a day.
    `day` (ISO date) defaults to today in the local time zone."""
    run = reminders_send(today=date.fromisoformat(day) if day else None)
    return run.claimed
