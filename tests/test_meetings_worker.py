"""The meetings tasks run by a real Celery worker process on Redis, against the test database:
the daily reminder delivered twice on one day sends each agency one digest, and a planned
meeting's invitations go out from the worker."""

from pathlib import Path

import pytest
from django.utils import timezone

import tests.job_handlers  # noqa: F401 - registers the test job kinds used as a barrier
from meetings.choices import DigestStatus, MeetingKind
from meetings.models import Invitation, Notification, ReminderDigest
from meetings.services import meeting_create, reminders_send
from meetings.tasks import send_action_reminders
from meetings.tests.factories import ActionFactory, days_from_today, local_datetime
from tests.workers import wait_for
from tkpk.choices import JobStatus
from tkpk.jobs import job_start

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(
        transaction=True, serialized_rollback=True, databases=["default", "jobs"]
    ),
]

ROOT = Path(__file__).resolve().parent.parent


def worker_log() -> str:
    """What the worker printed; the console email backend of DEBUG writes every email there."""
    from tkpk.celery import app

    path = ROOT / "var" / f"worker-{app.conf.task_default_queue}.log"
    return path.read_text(errors="replace") if path.exists() else ""


def drain(user):
    """Wait until the worker has run everything queued before now: with one process and a
    prefetch of one, it runs the queue in order, so a job sent last finishes last."""
    barrier = job_start(kind="test.count", user=user, params={"total": 1})

    def done():
        barrier.refresh_from_db()
        return barrier.status == JobStatus.SUCCEEDED

    wait_for(done)


def test_the_reminder_delivered_twice_on_one_day_sends_each_agency_one_digest(celery_worker, cast):
    ActionFactory(
        responsible_agency=cast.agency_a,
        description="Verval DTSEN kecamatan Babirik",
        due_date=days_from_today(-3),
    )
    ActionFactory(
        responsible_agency=cast.agency_b,
        description="Analisis stunting keluarga desil 1",
        due_date=days_from_today(2),
    )
    day = timezone.localdate().isoformat()

    send_action_reminders.delay(day)
    send_action_reminders.delay(day)
    drain(cast.secretariat)

    digests = ReminderDigest.objects.order_by("agency__short_name")
    assert [(d.agency.short_name, d.status) for d in digests] == [
        ("Dinkes", DigestStatus.SENT),
        ("Dinsos", DigestStatus.SENT),
    ]
    assert Notification.objects.filter(recipient=cast.officer_a).count() == 1
    assert Notification.objects.filter(recipient=cast.officer_b).count() == 1
    # The emails went out once: the digest names each action exactly once in the worker's output.
    log = wait_for(lambda: (text := worker_log()) and "Analisis stunting" in text and text)
    assert log.count("Verval DTSEN kecamatan Babirik") == 1
    assert log.count("Analisis stunting keluarga desil 1") == 1
    # A third run, here in the test process, finds the day's digests taken.
    assert reminders_send().claimed == 0


def test_a_planned_meetings_invitations_are_sent_by_the_worker(celery_worker, cast):
    meeting = meeting_create(
        user=cast.secretariat,
        kind=MeetingKind.EVALUATION,
        title="Rapat Evaluasi Triwulan III",
        starts_at=local_datetime(10, 9),
        place="Aula Bappelitbang",
        invited_agencies=[cast.agency_a],
    )
    invitation = Invitation.objects.get(meeting=meeting)
    wait_for(lambda: Invitation.objects.filter(pk=invitation.pk, sent_at__isnull=False).exists())
    invitation.refresh_from_db()
    assert (invitation.sent_sequence, invitation.recipient_count) == (0, 1)
    log = wait_for(
        lambda: (text := worker_log()) and "Rapat Evaluasi Triwulan III" in text and text
    )
    assert "undangan-rapat.ics" in log
