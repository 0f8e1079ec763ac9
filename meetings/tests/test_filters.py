"""The FilterSets of the board and the meeting list, counted on `.qs`."""

import pytest

from ..choices import ActionPriority, ActionStatus, MeetingKind, MeetingStatus
from ..filters import ActionFilter, MeetingFilter
from ..models import FollowUpAction, Meeting
from .factories import ActionFactory, MeetingFactory, days_from_today, local_datetime

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(cast):
    kerja = MeetingFactory(title="Rapat Kerja validasi data", kind=MeetingKind.WORKING)
    ActionFactory(
        meeting=kerja,
        responsible_agency=cast.agency_a,
        description="Verifikasi DTSEN",
        due_date=days_from_today(-3),
        priority=ActionPriority.HIGH,
    )
    ActionFactory(
        meeting=kerja,
        responsible_agency=cast.agency_a,
        description="Pemadanan NIK",
        due_date=days_from_today(-3),
        status=ActionStatus.DONE,
    )
    ActionFactory(
        responsible_agency=cast.agency_b,
        description="Analisis stunting",
        person_in_charge="Kasi Kesga",
        due_date=days_from_today(10),
        status=ActionStatus.IN_PROGRESS,
    )


def count(params):
    return ActionFilter(params, queryset=FollowUpAction.objects.all()).qs.count()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, 3),
        ({"q": "dtsen"}, 1),
        ({"q": "kesga"}, 1),
        ({"q": "rapat kerja"}, 2),
        ({"q": "dinkes"}, 1),
        ({"status": ActionStatus.DONE}, 1),
        ({"priority": ActionPriority.HIGH}, 1),
        ({"overdue": "true"}, 1),
        ({"overdue": "false"}, 2),
    ],
)
def test_the_board_filter_narrows_by_each_criterion(board, params, expected):
    assert count(params) == expected


def test_the_board_filters_by_agency_and_due_date_range(cast, board):
    assert count({"agency": cast.agency_a.pk}) == 2
    assert count({"due_from": days_from_today(0).isoformat()}) == 1
    assert count({"due_to": days_from_today(0).isoformat()}) == 2
    assert count({"due_from": days_from_today(-3).isoformat(), "agency": cast.agency_b.pk}) == 1


def test_the_meeting_filter_searches_and_narrows(cast):
    MeetingFactory(title="Rapat Koordinasi RPKD", place="Pendopo", invited=[cast.agency_a])
    MeetingFactory(
        title="Rapat Evaluasi", kind=MeetingKind.EVALUATION, starts_at=local_datetime(30)
    )
    MeetingFactory(title="Rapat batal", status=MeetingStatus.CANCELLED)

    def n(params):
        return MeetingFilter(params, queryset=Meeting.objects.all()).qs.count()

    assert n({"q": "pendopo"}) == 1
    assert n({"kind": MeetingKind.EVALUATION}) == 1
    assert n({"status": MeetingStatus.CANCELLED}) == 1
    assert n({"agency": cast.agency_a.pk}) == 1
    assert n({"date_from": days_from_today(1).isoformat()}) == 1
