"""Meeting services: planning, invitations by email with an .ics file, minutes, attendance."""

import pytest
from django.core import mail
from icalendar import Calendar

from tkpk.choices import AuditAction
from tkpk.models import AuditEvent
from tkpk.tests.factories import AgencyFactory, UserFactory

from ..choices import MeetingKind, MeetingStatus
from ..models import Invitation
from ..services import (
    attendance_add,
    attendance_delete,
    attendance_set_present,
    invitations_send,
    meeting_create,
    meeting_minutes_update,
    meeting_update,
)
from .factories import MeetingFactory, local_datetime

pytestmark = pytest.mark.django_db


def plan(cast, *, agencies, days=7, **extra):
    return meeting_create(
        user=cast.secretariat,
        kind=MeetingKind.COORDINATION,
        title="Rapat Koordinasi RPKD",
        starts_at=local_datetime(days, 9),
        place="Aula Bappelitbang",
        agenda="Usulan program per klaster",
        invited_agencies=agencies,
        **extra,
    )


def ics_of(message):
    part = message.attachments[0]
    return part, Calendar.from_ical(part.get_payload(decode=True))


def test_planning_a_meeting_emails_every_active_user_of_each_invited_agency_with_an_ics(
    cast, django_capture_on_commit_callbacks, eager_celery
):
    UserFactory(username="officer_a2", agency=cast.agency_a, email="a2@example.test")
    UserFactory(username="gone", agency=cast.agency_a, is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = plan(cast, agencies=[cast.agency_a, cast.agency_b])

    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([cast.officer_a.email, "a2@example.test", cast.officer_b.email])
    message = mail.outbox[0]
    assert "Undangan" in message.subject and "Rapat Koordinasi RPKD" in message.subject
    assert "Aula Bappelitbang" in message.body
    part, calendar = ics_of(message)
    assert part.get_content_type() == "text/calendar"
    assert part.get_param("method") == "REQUEST"
    event = calendar.walk("VEVENT")[0]
    assert str(event["summary"]) == "Rapat Koordinasi RPKD"
    assert event.decoded("dtstart") == meeting.starts_at
    assert str(event["uid"]).startswith(f"tkpk-rapat-{meeting.pk}@")
    assert Invitation.objects.filter(meeting=meeting, sent_sequence=0).count() == 2


def test_sending_the_invitations_again_sends_nothing(cast):
    meeting = plan(cast, agencies=[cast.agency_a])
    assert invitations_send(meeting_id=meeting.pk) == 1
    assert invitations_send(meeting_id=meeting.pk) == 0
    assert len(mail.outbox) == 1


def test_the_agency_address_is_invited_too_and_nobody_twice(cast):
    agency = AgencyFactory(short_name="Disdik", email="disdik@example.test")
    UserFactory(username="disdik1", agency=agency, email="DISDIK@example.test")
    meeting = plan(cast, agencies=[agency])
    invitations_send(meeting_id=meeting.pk)
    assert [m.to for m in mail.outbox] == [["disdik@example.test"]]


def test_a_meeting_recorded_after_it_took_place_sends_no_invitation(cast):
    meeting = plan(cast, agencies=[cast.agency_a], days=-3, status=MeetingStatus.HELD)
    assert invitations_send(meeting_id=meeting.pk) == 0
    assert mail.outbox == []


def test_moving_a_meeting_sends_the_new_revision_to_every_agency_and_invites_new_ones(cast):
    meeting = plan(cast, agencies=[cast.agency_a])
    invitations_send(meeting_id=meeting.pk)
    mail.outbox.clear()

    meeting_update(
        user=cast.secretariat,
        meeting=meeting,
        data={"starts_at": local_datetime(9, 13)},
        invited_agencies=[cast.agency_a, cast.agency_b],
    )
    invitations_send(meeting_id=meeting.pk)

    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {cast.officer_a.email, cast.officer_b.email}
    assert "Perubahan jadwal" in by_recipient[cast.officer_a.email].subject
    assert "Undangan" in by_recipient[cast.officer_b.email].subject
    _part, calendar = ics_of(by_recipient[cast.officer_a.email])
    assert calendar.walk("VEVENT")[0]["sequence"] == 1


def test_cancelling_tells_only_those_who_were_invited(cast):
    meeting = plan(cast, agencies=[cast.agency_a])
    invitations_send(meeting_id=meeting.pk)
    meeting_update(
        user=cast.secretariat,
        meeting=meeting,
        data={"status": MeetingStatus.CANCELLED},
        invited_agencies=[cast.agency_a, cast.agency_b],
    )
    mail.outbox.clear()
    invitations_send(meeting_id=meeting.pk)
    assert [m.to for m in mail.outbox] == [[cast.officer_a.email]]
    part, calendar = ics_of(mail.outbox[0])
    assert part.get_param("method") == "CANCEL"
    assert str(calendar.walk("VEVENT")[0]["status"]) == "CANCELLED"


def test_creating_and_changing_a_meeting_is_audited_with_the_differences(cast):
    meeting = plan(cast, agencies=[cast.agency_a])
    created = AuditEvent.objects.get(action=AuditAction.CREATE, object_id=str(meeting.pk))
    assert created.changes["invited_agencies"] == [None, ["Dinsos"]]
    meeting_update(user=cast.secretariat, meeting=meeting, data={"place": "Pendopo Bupati"})
    updated = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(meeting.pk))
    assert updated.changes == {"place": ["Aula Bappelitbang", "Pendopo Bupati"]}
    assert updated.actor == cast.secretariat


def test_minutes_are_saved_and_can_record_the_meeting_as_held(cast):
    meeting = MeetingFactory(status=MeetingStatus.PLANNED)
    meeting_minutes_update(
        user=cast.secretariat, meeting=meeting, minutes="## Keputusan", mark_held=True
    )
    meeting.refresh_from_db()
    assert meeting.minutes == "## Keputusan"
    assert meeting.status == MeetingStatus.HELD


def test_attendance_is_added_switched_and_removed_with_an_audit_trail(cast):
    meeting = MeetingFactory()
    row = attendance_add(
        user=cast.secretariat, meeting=meeting, agency=cast.agency_a, name="Ahmad", position="Kabid"
    )
    attendance_set_present(user=cast.secretariat, attendance=row, present=False)
    row.refresh_from_db()
    assert row.present is False
    row_id = row.pk
    attendance_delete(user=cast.secretariat, attendance=row)
    assert not meeting.attendance.exists()
    actions = list(
        AuditEvent.objects.filter(object_id=str(row_id), content_type__model="attendance")
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert actions == [AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE]
