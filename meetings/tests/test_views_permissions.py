"""Who reaches which page. Every view is listed with each member of the cast: what a user may
not see answers 404, what they may see but not change answers 403, and a visitor who is not
signed in is sent to the login page.

The world: meeting M invites Dinsos (agency A) and holds Dinsos's action; meeting N invites
Dinkes (agency B) and holds Dinkes's action. Bappeda reads everything but opens no file
(attachments and evidence hold personal data) and writes nothing.
"""

from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ..services import attachment_add, attendance_add, progress_post
from .factories import ActionFactory, MeetingFactory, NotificationFactory
from .test_files import PDF, PNG

pytestmark = pytest.mark.django_db

MEMBERS = ["admin", "secretariat", "officer_a", "officer_b", "bappeda", "outsider"]


@pytest.fixture
def world(cast):
    meeting = MeetingFactory(invited=[cast.agency_a])
    other = MeetingFactory(invited=[cast.agency_b])
    action = ActionFactory(meeting=meeting, responsible_agency=cast.agency_a)
    ActionFactory(meeting=other, responsible_agency=cast.agency_b)
    attachment = attachment_add(
        user=cast.secretariat,
        meeting=meeting,
        kind="invitation",
        upload=SimpleUploadedFile("undangan.pdf", PDF),
    )
    entry = progress_post(
        user=cast.officer_a,
        action=action,
        text="mulai",
        percent=10,
        evidence=SimpleUploadedFile("bukti.png", PNG),
    )
    row = attendance_add(user=cast.secretariat, meeting=meeting, name="Ahmad")
    return SimpleNamespace(
        meeting=meeting.pk,
        action=action.pk,
        attachment=attachment.pk,
        update=entry.pk,
        attendance=row.pk,
        notification=NotificationFactory(recipient=cast.officer_a).pk,
    )


# (url name, argument, expected status per member in MEMBERS order)
READ_ALL = [200, 200, 200, 404, 200, 403]  # meeting of agency A: B's operator gets 404
FILES = [200, 200, 200, 404, 404, 403]  # the same, but Bappeda opens no file
SECRETARIAT_ONLY = [200, 200, 403, 403, 403, 403]
GETS = [
    ("meeting_list", None, [200, 200, 200, 200, 200, 403]),
    ("meeting_add", None, SECRETARIAT_ONLY),
    ("meeting_detail", "meeting", READ_ALL),
    ("meeting_edit", "meeting", SECRETARIAT_ONLY),
    ("meeting_minutes", "meeting", SECRETARIAT_ONLY),
    ("minutes_print", "meeting", READ_ALL),
    ("minutes_pdf", "meeting", READ_ALL),
    ("action_board", None, [200, 200, 403, 403, 200, 403]),
    ("my_actions", None, [200, 200, 200, 200, 200, 403]),
    ("action_detail", "action", READ_ALL),
    ("action_row", "action", READ_ALL),
    ("action_edit", "action", SECRETARIAT_ONLY),
    ("attachment_download", "attachment", FILES),
    ("evidence_download", "update", FILES),
]


def _cases(table):
    for name, argument, statuses in table:
        for member, status in zip(MEMBERS, statuses, strict=True):
            yield pytest.param(name, argument, member, status, id=f"{name}-{member}")


def _url(world, name, argument):
    return reverse(f"meetings:{name}", args=[getattr(world, argument)] if argument else [])


@pytest.mark.parametrize(("name", "argument", "member", "status"), list(_cases(GETS)))
def test_each_page_answers_each_member_as_their_role_allows(
    client, cast, world, name, argument, member, status
):
    client.force_login(getattr(cast, member))
    assert client.get(_url(world, name, argument)).status_code == status


# Writes: the wrong user must be refused before anything changes.
POSTS = [
    ("meeting_add", None, {"officer_a": 403, "bappeda": 403, "outsider": 403}),
    ("meeting_edit", "meeting", {"officer_a": 403, "bappeda": 403, "outsider": 403}),
    ("meeting_minutes", "meeting", {"officer_a": 403, "bappeda": 403}),
    ("attendance_add", "meeting", {"officer_a": 403, "bappeda": 403}),
    ("attendance_toggle", "attendance", {"officer_a": 403, "bappeda": 403}),
    ("attendance_delete", "attendance", {"officer_a": 403, "bappeda": 403}),
    ("attachment_add", "meeting", {"officer_a": 403, "bappeda": 403}),
    ("attachment_delete", "attachment", {"officer_a": 403, "bappeda": 403}),
    ("action_add", "meeting", {"officer_a": 403, "bappeda": 403}),
    ("action_edit", "action", {"officer_a": 403, "officer_b": 403, "bappeda": 403}),
    ("progress_add", "action", {"officer_b": 404, "bappeda": 403, "outsider": 403}),
    ("action_verify", "action", {"officer_a": 403, "bappeda": 403}),
    ("action_reopen", "action", {"officer_a": 403, "bappeda": 403}),
    ("action_cancel", "action", {"officer_a": 403, "bappeda": 403}),
    ("notification_read", "notification", {"officer_b": 404, "secretariat": 404}),
]


@pytest.mark.parametrize(
    ("name", "argument", "member", "status"),
    [
        pytest.param(name, argument, member, status, id=f"{name}-{member}")
        for name, argument, refusals in POSTS
        for member, status in refusals.items()
    ],
)
def test_a_write_by_the_wrong_user_is_refused_and_changes_nothing(
    client, cast, world, name, argument, member, status
):
    from tkpk.models import AuditEvent

    client.force_login(getattr(cast, member))  # signing in is audited too: count after it
    before = AuditEvent.objects.count()
    response = client.post(
        _url(world, name, argument), {"text": "x", "percent": 50, "comment": "x", "name": "x"}
    )
    assert response.status_code == status
    assert AuditEvent.objects.count() == before


ALL_NAMES = [(name, argument) for name, argument, _ in GETS] + [
    (name, argument) for name, argument, _ in POSTS
]


@pytest.mark.parametrize(("name", "argument"), ALL_NAMES, ids=[n for n, _ in ALL_NAMES])
def test_a_visitor_who_is_not_signed_in_is_sent_to_the_login_page(client, world, name, argument):
    response = client.get(_url(world, name, argument))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_an_operator_sees_a_meeting_of_their_agency_read_only(client, cast, world):
    client.force_login(cast.officer_a)
    body = client.get(_url(world, "meeting_detail", "meeting")).content.decode()
    assert reverse("meetings:meeting_edit", args=[world.meeting]) not in body
    assert 'data-testid="action-form"' not in body
    assert 'data-testid="attendance-form"' not in body
    assert 'data-testid="attachment-form"' not in body


def test_bappeda_reads_an_action_without_any_form(client, cast, world):
    client.force_login(cast.bappeda)
    body = client.get(_url(world, "action_detail", "action")).content.decode()
    assert 'data-testid="progress-form"' not in body
    assert 'data-testid="verify-form"' not in body


def test_uploaded_files_are_not_reachable_through_media_url(client, cast, world):
    from ..models import Attachment

    stored = Attachment.objects.get(pk=world.attachment).file.name
    client.force_login(cast.admin)
    assert client.get(f"/media/{stored}").status_code == 404
