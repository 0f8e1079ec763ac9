"""`for_user` is the one place that decides what a user reaches in the meetings app."""

import pytest

from ..models import Attachment, Attendance, FollowUpAction, Meeting, Notification, ProgressUpdate
from .factories import (
    ActionFactory,
    AttendanceFactory,
    MeetingFactory,
    NotificationFactory,
    ProgressUpdateFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    invited_a = MeetingFactory(title="A diundang", invited=[cast.agency_a])
    action_for_a = MeetingFactory(title="A diberi tugas")
    ActionFactory(meeting=action_for_a, responsible_agency=cast.agency_a, description="tugas A")
    b_only = MeetingFactory(title="Hanya B", invited=[cast.agency_b])
    ActionFactory(meeting=b_only, responsible_agency=cast.agency_b, description="tugas B")
    AttendanceFactory(meeting=b_only, name="Peserta B")
    AttendanceFactory(meeting=invited_a, name="Peserta A")
    return invited_a


@pytest.mark.parametrize("member", ["admin", "secretariat", "bappeda"])
def test_admin_secretariat_and_bappeda_reach_every_meeting_and_action(cast, world, member):
    user = getattr(cast, member)
    assert Meeting.objects.for_user(user).count() == 3
    assert FollowUpAction.objects.for_user(user).count() == 2


def test_an_operator_reaches_their_agencys_meetings_and_actions_only(cast, world):
    titles = set(Meeting.objects.for_user(cast.officer_a).values_list("title", flat=True))
    assert titles == {"A diundang", "A diberi tugas"}
    actions = FollowUpAction.objects.for_user(cast.officer_a).values_list("description", flat=True)
    assert list(actions) == ["tugas A"]
    names = Attendance.objects.for_user(cast.officer_a).values_list("name", flat=True)
    assert list(names) == ["Peserta A"]


def test_a_meeting_with_two_actions_of_the_agency_is_listed_once(cast, world):
    ActionFactory(meeting=world, responsible_agency=cast.agency_a)
    ActionFactory(meeting=world, responsible_agency=cast.agency_a)
    assert Meeting.objects.for_user(cast.officer_a).filter(pk=world.pk).count() == 1


def test_an_operator_without_an_agency_and_an_outsider_reach_nothing(cast, world):
    cast.officer_a.agency = None
    for user in (cast.officer_a, cast.outsider):
        assert not Meeting.objects.for_user(user).exists()
        assert not FollowUpAction.objects.for_user(user).exists()
        assert not Attachment.objects.for_user(user).exists()
        assert not ProgressUpdate.objects.for_user(user).exists()


def test_progress_updates_follow_their_action(cast):
    ProgressUpdateFactory(action=ActionFactory(responsible_agency=cast.agency_b))
    assert not ProgressUpdate.objects.for_user(cast.officer_a).exists()
    assert ProgressUpdate.objects.for_user(cast.officer_b).count() == 1


def test_a_notification_is_reached_by_its_recipient_only(cast):
    NotificationFactory(recipient=cast.officer_a)
    assert Notification.objects.for_user(cast.officer_a).count() == 1
    assert not Notification.objects.for_user(cast.admin).exists()
