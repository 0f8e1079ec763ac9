"""The data migration gives each role its permissions on meetings and actions."""

import pytest
from django.contrib.auth.models import Group

pytestmark = pytest.mark.django_db


def perms(group):
    return set(
        Group.objects.get(name=group)
        .permissions.filter(content_type__app_label="meetings")
        .values_list("codename", flat=True)
    )


def test_the_secretariat_runs_meetings_and_verifies_actions():
    assert {
        "add_meeting",
        "change_meeting",
        "add_followupaction",
        "change_followupaction",
        "verify_followupaction",
        "view_board",
    } <= perms("Sekretariat TKPK")


def test_an_operator_reads_and_posts_progress_but_changes_no_meeting_or_action():
    granted = perms("Operator SKPD")
    assert {"view_meeting", "view_followupaction", "post_progress"} <= granted
    assert not {p for p in granted if p.startswith(("change_", "delete_"))}
    assert (
        not {"add_meeting", "add_followupaction", "verify_followupaction", "view_board"} & granted
    )


def test_bappeda_only_reads():
    granted = perms("Bappeda")
    assert "view_board" in granted
    assert all(p.startswith("view_") for p in granted)
