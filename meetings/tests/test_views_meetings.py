"""Meeting pages: list and filters, planning with invitations, minutes (sanitized), attendance
rows over htmx, attachments checked by content and served through an access check, printable
minutes and PDF."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tkpk.choices import AuditAction
from tkpk.models import AuditEvent

from ..choices import MeetingStatus
from ..models import Attachment, Meeting
from .factories import ActionFactory, AttendanceFactory, MeetingFactory, local_datetime
from .test_files import EXE, PDF

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_meeting_list_pins_its_queries_however_many_meetings(
    client, cast, django_assert_num_queries
):
    client.force_login(cast.secretariat)
    client.get(reverse("meetings:meeting_list"))  # warm the session
    for _ in range(3):
        ActionFactory(meeting=MeetingFactory(invited=[cast.agency_a, cast.agency_b]))
    with django_assert_num_queries(9):
        client.get(reverse("meetings:meeting_list"))
    for _ in range(5):
        ActionFactory(meeting=MeetingFactory(invited=[cast.agency_a]))
    with django_assert_num_queries(9):
        response = client.get(reverse("meetings:meeting_list"))
    assert len(response.context["meetings"]) == 8


def test_the_meeting_search_answers_htmx_with_the_table_only(client, cast):
    MeetingFactory(title="Rapat Kerja validasi DTSEN")
    MeetingFactory(title="Rapat Evaluasi LP2KD")
    client.force_login(cast.secretariat)
    response = client.get(reverse("meetings:meeting_list"), {"q": "dtsen"}, **HTMX)
    body = response.content.decode()
    assert "Rapat Kerja validasi DTSEN" in body
    assert "LP2KD" not in body
    assert '<nav class="navbar' not in body


def test_an_operator_lists_only_the_meetings_of_their_agency(client, cast):
    MeetingFactory(title="Rapat Dinsos", invited=[cast.agency_a])
    MeetingFactory(title="Rapat Dinkes", invited=[cast.agency_b])
    ActionFactory(
        meeting=MeetingFactory(title="Rapat tugas Dinsos"), responsible_agency=cast.agency_a
    )
    client.force_login(cast.officer_a)
    titles = {m.title for m in client.get(reverse("meetings:meeting_list")).context["meetings"]}
    assert titles == {"Rapat Dinsos", "Rapat tugas Dinsos"}


def test_planning_a_meeting_saves_it_and_emails_the_invitations(
    client, cast, django_capture_on_commit_callbacks, eager_celery
):
    client.force_login(cast.secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("meetings:meeting_add"),
            {
                "kind": "koordinasi",
                "status": "planned",
                "title": "Rapat Koordinasi RPKD",
                "starts_at": local_datetime(5, 9).strftime("%Y-%m-%dT%H:%M"),
                "duration_minutes": "120",
                "place": "Aula Bappelitbang",
                "invited_agencies": [cast.agency_a.pk, cast.agency_b.pk],
            },
        )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == meeting.get_absolute_url()
    assert meeting.starts_at == local_datetime(5, 9)
    assert meeting.status == MeetingStatus.PLANNED
    assert meeting.created_by == cast.secretariat
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [cast.officer_a.email, cast.officer_b.email]
    )
    assert all(m.attachments[0].get_content_type() == "text/calendar" for m in mail.outbox)


def test_a_meeting_without_a_title_is_not_saved_and_the_form_says_why(client, cast):
    client.force_login(cast.secretariat)
    response = client.post(reverse("meetings:meeting_add"), {"kind": "kerja", "place": "x"})
    assert response.status_code == 400
    assert response.context["form"].errors["title"]
    assert not Meeting.objects.exists()


def test_editing_a_meeting_changes_it_and_audits_the_difference(client, cast):
    meeting = MeetingFactory(place="Aula", invited=[cast.agency_a])
    client.force_login(cast.secretariat)
    form = client.get(reverse("meetings:meeting_edit", args=[meeting.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        starts_at=meeting.starts_at.strftime("%Y-%m-%dT%H:%M"),
        place="Pendopo",
        invited_agencies=[cast.agency_a.pk],
    )
    response = client.post(reverse("meetings:meeting_edit", args=[meeting.pk]), data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.place == "Pendopo"
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(meeting.pk))
    assert event.changes == {"place": ["Aula", "Pendopo"]}


def test_minutes_are_shown_as_sanitized_markdown(client, cast):
    meeting = MeetingFactory()
    client.force_login(cast.secretariat)
    client.post(
        reverse("meetings:meeting_minutes", args=[meeting.pk]),
        {
            "minutes": "## Keputusan\n**Dinsos** validasi data\n<script>alert(1)</script>"
            '\n[tautan](javascript:alert(2)) <img src=x onerror="alert(3)">',
            "mark_held": "on",
        },
    )
    body = client.get(meeting.get_absolute_url()).content.decode()
    assert "<h2>Keputusan</h2>" in body
    assert "<strong>Dinsos</strong>" in body
    for danger in ("<script>alert(1)", "javascript:alert", "onerror", "<img"):
        assert danger not in body


def test_the_minutes_preview_renders_over_htmx(client, cast):
    meeting = MeetingFactory()
    client.force_login(cast.secretariat)
    response = client.get(
        reverse("meetings:meeting_minutes", args=[meeting.pk]),
        {"preview": "1", "minutes": "*miring* <script>x</script>"},
        **HTMX,
    )
    assert response.content.decode().strip() == "<p><em>miring</em> </p>"


def test_attendance_rows_are_added_switched_and_removed_over_htmx(client, cast):
    meeting = MeetingFactory()
    client.force_login(cast.secretariat)
    url = reverse("meetings:attendance_add", args=[meeting.pk])
    response = client.post(
        url,
        {"name": "Ahmad Fauzi", "position": "Kabid", "agency": cast.agency_a.pk, "present": "on"},
        **HTMX,
    )
    body = response.content.decode()
    assert body.lstrip().startswith("<section") and "Ahmad Fauzi" in body
    row = meeting.attendance.get()
    client.post(reverse("meetings:attendance_toggle", args=[row.pk]), **HTMX)
    row.refresh_from_db()
    assert row.present is False
    client.post(reverse("meetings:attendance_delete", args=[row.pk]), **HTMX)
    assert not meeting.attendance.exists()


def test_an_attendance_row_without_a_name_shows_the_error_in_the_section(client, cast):
    meeting = MeetingFactory()
    client.force_login(cast.secretariat)
    response = client.post(
        reverse("meetings:attendance_add", args=[meeting.pk]), {"name": ""}, **HTMX
    )
    assert "invalid-feedback" in response.content.decode()
    assert not meeting.attendance.exists()


def test_an_attachment_is_stored_privately_and_downloaded_through_the_view(client, cast):
    meeting = MeetingFactory(invited=[cast.agency_a])
    client.force_login(cast.secretariat)
    response = client.post(
        reverse("meetings:attachment_add", args=[meeting.pk]),
        {"kind": "minutes", "file": SimpleUploadedFile("notulen ttd.pdf", PDF)},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.file.name.startswith("private/meetings/attachments/")
    assert attachment.original_name == "notulen ttd.pdf"

    client.force_login(cast.officer_a)
    download = client.get(reverse("meetings:attachment_download", args=[attachment.pk]))
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert 'attachment; filename="notulen ttd.pdf"' in download["Content-Disposition"]
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, actor=cast.officer_a, object_id=str(attachment.pk)
    ).exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("undangan.pdf", EXE, "Jenis berkas ini tidak diizinkan"),
        ("kosong.pdf", b"", "Berkas kosong."),
        ("besar.pdf", PDF + b"0" * 4096, "batasnya"),
    ],
    ids=["wrong-type", "empty", "too-big"],
)
def test_a_bad_attachment_is_refused_with_a_message_and_nothing_is_stored(
    client, cast, settings, name, content, message
):
    settings.MEETINGS_MAX_UPLOAD_BYTES = 4096
    meeting = MeetingFactory()
    client.force_login(cast.secretariat)
    response = client.post(
        reverse("meetings:attachment_add", args=[meeting.pk]),
        {"kind": "invitation", "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Attachment.objects.exists()
    media = settings.MEDIA_ROOT / "private"
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_removing_an_attachment_deletes_its_file(client, cast, django_capture_on_commit_callbacks):
    meeting = MeetingFactory()
    client.force_login(cast.secretariat)
    client.post(
        reverse("meetings:attachment_add", args=[meeting.pk]),
        {"kind": "photo", "file": SimpleUploadedFile("foto.pdf", PDF)},
    )
    attachment = Attachment.objects.get()
    path = attachment.file.path
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("meetings:attachment_delete", args=[attachment.pk]))
    assert not Attachment.objects.exists()
    import os

    assert not os.path.exists(path)


def test_the_printable_minutes_hold_attendance_minutes_and_actions(client, cast):
    meeting = MeetingFactory(minutes="**Kesimpulan** rapat")
    AttendanceFactory(meeting=meeting, name="Siti Rahmah")
    ActionFactory(meeting=meeting, description="Validasi DTSEN", responsible_agency=cast.agency_a)
    client.force_login(cast.bappeda)
    body = client.get(reverse("meetings:minutes_print", args=[meeting.pk])).content.decode()
    for text in ("Notulen rapat", "Siti Rahmah", "<strong>Kesimpulan</strong>", "Validasi DTSEN"):
        assert text in body


def test_the_minutes_pdf_is_a_pdf_and_its_download_is_audited(client, cast):
    meeting = MeetingFactory(title="Rapat Kerja TKPK", minutes="Isi notulen")
    ActionFactory(meeting=meeting)
    client.force_login(cast.secretariat)
    response = client.get(reverse("meetings:minutes_pdf", args=[meeting.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "notulen-" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, object_id=str(meeting.pk), actor=cast.secretariat
    ).exists()


def test_an_impossible_duration_is_refused_on_the_form_in_indonesian(client, cast):
    client.force_login(cast.secretariat)
    response = client.post(
        reverse("meetings:meeting_add"),
        {
            "kind": "kerja",
            "status": "planned",
            "title": "Rapat",
            "starts_at": local_datetime(3).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "5000",
            "place": "Aula",
        },
    )
    assert response.status_code == 400
    assert "Pastikan nilai ini lebih kecil dari atau sama dengan 1440." in str(
        response.context["form"].errors["duration_minutes"]
    )
    assert not Meeting.objects.exists()


def attendance_count(body: str) -> str:
    return body.split('data-testid="attendance-count">')[1].split("<")[0].strip()


def test_the_meeting_page_counts_only_those_present_and_the_absent_apart(client, cast):
    meeting = MeetingFactory()
    for _ in range(5):
        AttendanceFactory(meeting=meeting)
    absent = AttendanceFactory(meeting=meeting, present=False)
    client.force_login(cast.secretariat)
    body = client.get(meeting.get_absolute_url()).content.decode()
    assert attendance_count(body) == "5 hadir, 1 tidak hadir"

    # The section that htmx swaps after a change counts again.
    toggled = client.post(reverse("meetings:attendance_toggle", args=[absent.pk]), **HTMX)
    assert attendance_count(toggled.content.decode()) == "6 hadir"
    printable = client.get(reverse("meetings:minutes_print", args=[meeting.pk])).content.decode()
    assert attendance_count(printable) == "6 hadir"
