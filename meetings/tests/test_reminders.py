"""The daily digest: one message per agency naming its overdue and soon-due actions, by email
and in the app; a second run on the same day sends nothing."""

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from tkpk.choices import AuditAction
from tkpk.models import AuditEvent
from tkpk.tests.factories import AgencyFactory, UserFactory

from ..choices import ActionStatus, DigestStatus
from ..models import Notification, ReminderDigest
from ..services import reminders_send
from ..tasks import send_action_reminders
from .factories import ActionFactory, days_from_today

pytestmark = pytest.mark.django_db


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("smtp down")


@pytest.fixture
def actions(cast):
    a = cast.agency_a
    return {
        "late": ActionFactory(
            responsible_agency=a, description="Validasi DTSEN", due_date=days_from_today(-4)
        ),
        "soon": ActionFactory(
            responsible_agency=a,
            description="Analisis akar masalah",
            due_date=days_from_today(7),
            status=ActionStatus.IN_PROGRESS,
        ),
        "later": ActionFactory(
            responsible_agency=a, description="Rangkuman RPKD", due_date=days_from_today(8)
        ),
        "late_but_done": ActionFactory(
            responsible_agency=a,
            description="Pemadanan NIK",
            due_date=days_from_today(-9),
            status=ActionStatus.DONE,
        ),
        "cancelled": ActionFactory(
            responsible_agency=a,
            description="Data RTLH",
            due_date=days_from_today(-9),
            status=ActionStatus.CANCELLED,
        ),
        "other_agency": ActionFactory(
            responsible_agency=cast.agency_b,
            description="Target stunting",
            due_date=days_from_today(2),
        ),
    }


def test_each_agency_gets_one_digest_naming_its_overdue_and_due_soon_actions_once(cast, actions):
    run = reminders_send()

    assert run.claimed == 2 and run.sent == 2
    dinsos = [m for m in mail.outbox if m.to == [cast.officer_a.email]]
    assert len(dinsos) == 1
    body = dinsos[0].body
    assert body.count("Validasi DTSEN") == 1
    assert body.count("Analisis akar masalah") == 1
    assert "terlambat 4 hari" in body
    for absent in ("Rangkuman RPKD", "Pemadanan NIK", "Data RTLH", "Target stunting"):
        assert absent not in body
    assert "1 terlambat, 1 segera jatuh tenggat" in dinsos[0].subject
    digest = ReminderDigest.objects.get(agency=cast.agency_a)
    assert digest.status == DigestStatus.SENT
    assert sorted(digest.action_ids) == sorted([actions["late"].pk, actions["soon"].pk])
    assert (digest.overdue_count, digest.due_soon_count, digest.recipient_count) == (1, 1, 1)


def test_every_active_user_of_the_agency_gets_an_in_app_notification(cast, actions):
    colleague = UserFactory(username="dinsos2", agency=cast.agency_a)
    UserFactory(username="dinsos_gone", agency=cast.agency_a, is_active=False)
    reminders_send()
    notified = set(
        Notification.objects.filter(digest__agency=cast.agency_a).values_list(
            "recipient__username", flat=True
        )
    )
    assert notified == {cast.officer_a.username, colleague.username}
    text = Notification.objects.filter(recipient=cast.officer_a).get().text
    assert text == (
        "Pengingat untuk Dinsos: 1 tindak lanjut terlambat; 1 jatuh tenggat dalam 7 hari."
    )


def test_running_twice_on_the_same_day_sends_nothing_twice(cast, actions):
    reminders_send()
    emails, notifications = len(mail.outbox), Notification.objects.count()

    second = reminders_send()

    assert second.claimed == 0
    assert len(mail.outbox) == emails
    assert Notification.objects.count() == notifications
    assert ReminderDigest.objects.count() == 2


def test_the_next_day_brings_a_new_digest(cast, actions):
    reminders_send()
    tomorrow = days_from_today(1)
    run = reminders_send(today=tomorrow)
    assert run.claimed == 2
    assert ReminderDigest.objects.filter(date=tomorrow).count() == 2


def test_the_reminder_window_comes_from_the_setting(cast, actions, settings):
    settings.MEETINGS_REMINDER_DAYS = 10
    reminders_send()
    digest = ReminderDigest.objects.get(agency=cast.agency_a)
    assert actions["later"].pk in digest.action_ids


def test_an_inactive_agency_gets_no_digest(cast, actions):
    cast.agency_b.is_active = False
    cast.agency_b.save()
    reminders_send()
    assert not ReminderDigest.objects.filter(agency=cast.agency_b).exists()


def test_an_agency_without_addresses_is_recorded_and_still_notified_in_app(cast):
    quiet = AgencyFactory(short_name="DPMD")
    user = UserFactory(username="dpmd", agency=quiet, email="")
    ActionFactory(responsible_agency=quiet, due_date=days_from_today(-1))
    run = reminders_send()
    assert run.no_recipients == 1
    assert ReminderDigest.objects.get(agency=quiet).status == DigestStatus.NO_RECIPIENTS
    assert Notification.objects.filter(recipient=user).count() == 1


def test_a_failed_email_is_retried_by_the_next_run_without_notifying_twice(cast, actions, settings):
    settings.EMAIL_BACKEND = "meetings.tests.test_reminders.RefusingBackend"
    first = reminders_send()
    assert first.failed == 2
    digest = ReminderDigest.objects.get(agency=cast.agency_a)
    assert digest.status == DigestStatus.FAILED and "smtp down" in digest.error
    notifications = Notification.objects.count()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    retry = reminders_send()

    assert retry.sent == 2
    assert len(mail.outbox) == 2
    assert Notification.objects.count() == notifications
    digest.refresh_from_db()
    assert digest.status == DigestStatus.SENT


def test_each_digest_is_written_to_the_audit_trail(cast, actions):
    reminders_send()
    digests = ReminderDigest.objects.values_list("pk", flat=True)
    audited = AuditEvent.objects.filter(
        action=AuditAction.CREATE, content_type__model="reminderdigest"
    ).values_list("object_id", flat=True)
    assert sorted(audited) == sorted(str(pk) for pk in digests)


def test_the_beat_task_takes_a_day_and_calls_the_service(cast, actions):
    day = timezone.localdate().isoformat()
    assert send_action_reminders(day) == 2
    assert send_action_reminders(day) == 0
