"""Bappeda reads aggregates: it opens no meeting attachment and no progress evidence, which are
personal data (issue 7). Both downloads answer it 404, as an object outside one's scope does,
and its pages show no link to them; the secretariat and the responsible operator keep both.

The world: meeting M invites Dinsos (agency A) and gives Dinsos an action; the secretariat
attaches a file to M, and Dinsos's operator reports progress with an evidence photo.
"""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ..models import Attachment, ProgressUpdate
from ..services import attachment_add, progress_post
from .factories import ActionFactory, MeetingFactory
from .test_files import PDF, PNG

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    meeting = MeetingFactory(invited=[cast.agency_a])
    action = ActionFactory(meeting=meeting, responsible_agency=cast.agency_a)
    attachment = attachment_add(
        user=cast.secretariat,
        meeting=meeting,
        kind="invitation",
        upload=SimpleUploadedFile("daftar-penerima.pdf", PDF),
    )
    report = progress_post(
        user=cast.officer_a,
        action=action,
        text="Verifikasi lapangan selesai separuh",
        percent=50,
        evidence=SimpleUploadedFile("foto-ktp-warga.png", PNG),
    )
    return SimpleNamespace(meeting=meeting, action=action, attachment=attachment, report=report)


def _downloads(world):
    return {
        "attachment": reverse("meetings:attachment_download", args=[world.attachment.pk]),
        "evidence": reverse("meetings:evidence_download", args=[world.report.pk]),
    }


def test_bappeda_gets_404_on_an_attachment_and_on_an_evidence_file(client, cast, world):
    client.force_login(cast.bappeda)
    for kind, url in _downloads(world).items():
        assert client.get(url).status_code == 404, kind


@pytest.mark.parametrize("member", ["admin", "secretariat", "officer_a"])
def test_the_secretariat_and_the_responsible_operator_still_download_both(
    client, cast, world, member
):
    client.force_login(getattr(cast, member))
    for kind, url in _downloads(world).items():
        response = client.get(url)
        assert response.status_code == 200, kind
        assert b"".join(response.streaming_content) == (PDF if kind == "attachment" else PNG)


def _pages(client, world):
    meeting = client.get(reverse("meetings:meeting_detail", args=[world.meeting.pk]))
    action = client.get(reverse("meetings:action_detail", args=[world.action.pk]))
    assert meeting.status_code == action.status_code == 200
    return meeting.content.decode() + action.content.decode()


def test_bappedas_pages_show_no_link_nor_name_of_a_file_but_still_the_progress(client, cast, world):
    client.force_login(cast.bappeda)
    body = _pages(client, world)
    for url in _downloads(world).values():
        assert url not in body
    assert "daftar-penerima.pdf" not in body
    assert "foto-ktp-warga.png" not in body
    assert "Verifikasi lapangan selesai separuh" in body


def test_the_secretariats_pages_link_both_files(client, cast, world):
    # The counterpart of the test above: the same pages do carry the links for a file reader.
    client.force_login(cast.secretariat)
    body = _pages(client, world)
    for url in _downloads(world).values():
        assert url in body


def test_the_scoping_gives_bappeda_no_file_but_every_progress_report(cast, world):
    assert not Attachment.objects.for_user(cast.bappeda).exists()
    assert not ProgressUpdate.objects.evidence_for_user(cast.bappeda).exists()
    assert ProgressUpdate.objects.for_user(cast.bappeda).get() == world.report
    for member in ("secretariat", "officer_a"):
        user = getattr(cast, member)
        assert Attachment.objects.for_user(user).get() == world.attachment
        assert ProgressUpdate.objects.evidence_for_user(user).get() == world.report


def test_a_report_without_evidence_answers_404_to_the_secretariat(client, cast, world):
    bare = progress_post(user=cast.officer_a, action=world.action, text="lanjut", percent=60)
    client.force_login(cast.secretariat)
    response = client.get(reverse("meetings:evidence_download", args=[bare.pk]))
    assert response.status_code == 404


def test_the_migration_takes_the_file_permission_from_bappeda_only(db):
    def holds(group):
        return (
            Group.objects.get(name=group)
            .permissions.filter(content_type__app_label="meetings", codename="view_attachment")
            .exists()
        )

    assert not holds("Bappeda")
    assert holds("Sekretariat TKPK")
    assert holds("Operator SKPD")
    assert holds("Admin")
