"""Action pages: inline rows over htmx on the meeting page, the board and my actions with their
filters and pinned queries, progress with evidence, verification, and the concurrency case."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ..choices import ActionStatus, UpdateKind
from ..forms import ProgressForm
from ..models import FollowUpAction
from .factories import (
    ActionFactory,
    MeetingFactory,
    NotificationFactory,
    days_from_today,
)
from .test_files import EXE, PNG

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def action_data(cast, **overrides):
    data = {
        "description": "Validasi data DTSEN di 10 kecamatan",
        "responsible_agency": cast.agency_a.pk,
        "person_in_charge": "Kabid Linjamsos",
        "due_date": days_from_today(14).isoformat(),
        "priority": "1",
    }
    return {**data, **overrides}


def test_decisions_are_added_inline_as_rows_without_a_page_reload(client, cast):
    meeting = MeetingFactory()
    client.force_login(cast.secretariat)
    url = reverse("meetings:action_add", args=[meeting.pk])
    client.post(url, action_data(cast), **HTMX)
    response = client.post(
        url,
        action_data(cast, description="Analisis stunting", responsible_agency=cast.agency_b.pk),
        **HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section class="card mb-3" id="actions-section">')
    assert '<nav class="navbar' not in body
    assert body.count('data-testid="action-row"') == 2
    assert "Analisis stunting" in body and "Validasi data DTSEN" in body
    # the form comes back empty for the next decision
    assert 'name="description"' in body and "Analisis stunting</textarea>" not in body
    assert set(FollowUpAction.objects.values_list("responsible_agency__short_name", flat=True)) == {
        "Dinsos",
        "Dinkes",
    }


def test_an_invalid_action_comes_back_with_its_errors_and_the_input_kept(client, cast):
    meeting = MeetingFactory()
    client.force_login(cast.secretariat)
    response = client.post(
        reverse("meetings:action_add", args=[meeting.pk]),
        action_data(cast, due_date=days_from_today(-30).isoformat(), description="Tetap ada"),
        **HTMX,
    )
    body = response.content.decode()
    assert "Tenggat tidak boleh sebelum tanggal rapat." in body
    assert "Tetap ada</textarea>" in body
    assert not FollowUpAction.objects.exists()


def test_a_row_is_edited_inline_and_comes_back_as_a_row(client, cast):
    action = ActionFactory(responsible_agency=cast.agency_a, person_in_charge="Lama")
    client.force_login(cast.secretariat)
    url = reverse("meetings:action_edit", args=[action.pk])
    form_row = client.get(url, **HTMX).content.decode()
    assert form_row.lstrip().startswith("<tr") and 'name="version" value="1"' in form_row
    response = client.post(url, action_data(cast, person_in_charge="Baru", version="1"), **HTMX)
    body = response.content.decode()
    assert body.lstrip().startswith("<tr") and "Baru" in body
    action.refresh_from_db()
    assert (action.person_in_charge, action.version) == ("Baru", 2)


def test_the_second_of_two_people_editing_an_action_is_told_and_loses_nothing(client, cast):
    action = ActionFactory(responsible_agency=cast.agency_a, person_in_charge="Awal")
    url = reverse("meetings:action_edit", args=[action.pk])
    # Both open the edit form at version 1; the first saves.
    client.force_login(cast.secretariat)
    client.post(url, action_data(cast, person_in_charge="Pilihan pertama", version="1"))

    client.force_login(cast.admin)
    response = client.post(
        url, action_data(cast, person_in_charge="Pilihan kedua", priority="3", version="1")
    )

    assert response.status_code == 409
    body = response.content.decode()
    assert "Tindak lanjut ini diubah oleh" in body
    assert "Perubahan Anda belum disimpan" in body
    assert 'value="Pilihan kedua"' in body  # their input is still in the form
    assert "Tersimpan sekarang: Pilihan pertama" in body  # beside what is saved now
    assert 'name="version" value="2"' in body
    assert FollowUpAction.objects.get(pk=action.pk).person_in_charge == "Pilihan pertama"

    # Saving again, now knowingly, keeps their version.
    client.post(url, action_data(cast, person_in_charge="Pilihan kedua", version="2"))
    assert FollowUpAction.objects.get(pk=action.pk).person_in_charge == "Pilihan kedua"


def test_the_inline_conflict_is_shown_in_the_row_over_htmx(client, cast):
    action = ActionFactory(responsible_agency=cast.agency_a)
    url = reverse("meetings:action_edit", args=[action.pk])
    client.force_login(cast.secretariat)
    client.post(url, action_data(cast, version="1"), **HTMX)
    response = client.post(url, action_data(cast, person_in_charge="Saya", version="1"), **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith("<tr") and "Tindak lanjut ini diubah oleh" in body
    assert 'value="Saya"' in body


@pytest.fixture
def board(cast):
    ActionFactory(
        responsible_agency=cast.agency_a, description="Verval DTSEN", due_date=days_from_today(-3)
    )
    ActionFactory(responsible_agency=cast.agency_a, description="Pemadanan NIK")
    ActionFactory(responsible_agency=cast.agency_b, description="Analisis stunting")


def test_the_board_filters_by_overdue_over_htmx_with_figures_for_the_filter(client, cast, board):
    client.force_login(cast.secretariat)
    response = client.get(reverse("meetings:action_board"), {"overdue": "true"}, **HTMX)
    body = response.content.decode()
    assert "Verval DTSEN" in body and "Pemadanan NIK" not in body
    assert "Terlambat 3 hari" in body
    assert '<nav class="navbar' not in body
    summary = response.context["summary"]
    assert (summary.total, summary.overdue, summary.average_days_late) == (1, 1, 3.0)


def test_the_board_pins_its_queries_however_many_actions(
    client, cast, board, django_assert_num_queries
):
    client.force_login(cast.bappeda)
    client.get(reverse("meetings:action_board"))
    # The count includes the navigation's unread-notification badge; a board that fits on one
    # page needs no count query of its own.
    with django_assert_num_queries(10):
        client.get(reverse("meetings:action_board"))
    for _ in range(10):
        ActionFactory(responsible_agency=cast.agency_b)
    with django_assert_num_queries(10):
        response = client.get(reverse("meetings:action_board"))
    assert len(response.context["actions"]) == 13
    assert response.context["page"].total == 13
    assert response.context["summary"].total == 13


def test_my_actions_lists_only_the_agencys_actions_and_its_unread_notifications(
    client, cast, board, django_assert_num_queries
):
    NotificationFactory(recipient=cast.officer_a, text="Pengingat: 1 terlambat")
    NotificationFactory(recipient=cast.officer_b, text="Pesan untuk Dinkes")
    client.force_login(cast.officer_a)
    client.get(reverse("meetings:my_actions"))
    with django_assert_num_queries(9):
        response = client.get(reverse("meetings:my_actions"))
    body = response.content.decode()
    assert "Verval DTSEN" in body and "Pemadanan NIK" in body
    assert "Analisis stunting" not in body
    assert "Pengingat: 1 terlambat" in body and "Pesan untuk Dinkes" not in body


def test_reading_a_notification_removes_it_from_the_unread_list(client, cast):
    notification = NotificationFactory(recipient=cast.officer_a, text="Pengingat")
    client.force_login(cast.officer_a)
    response = client.post(reverse("meetings:notification_read", args=[notification.pk]), **HTMX)
    assert "Pengingat" not in response.content.decode()
    notification.refresh_from_db()
    assert notification.is_read


def test_the_operator_posts_progress_with_evidence_and_marks_done(client, cast):
    action = ActionFactory(responsible_agency=cast.agency_a)
    client.force_login(cast.officer_a)
    url = reverse("meetings:progress_add", args=[action.pk])
    response = client.post(
        url,
        {
            "on": days_from_today(0).isoformat(),
            "text": "Verifikasi 6 kecamatan",
            "percent": "60",
            "evidence": SimpleUploadedFile("foto.png", PNG),
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.percent) == (ActionStatus.IN_PROGRESS, 60)
    update = action.updates.get()
    evidence = client.get(reverse("meetings:evidence_download", args=[update.pk]))
    assert b"".join(evidence.streaming_content) == PNG

    client.post(
        url,
        {
            "on": days_from_today(0).isoformat(),
            "text": "Selesai",
            "percent": "100",
            "mark_done": "on",
        },
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE


def test_progress_with_a_bad_evidence_file_is_refused_with_a_message(client, cast):
    action = ActionFactory(responsible_agency=cast.agency_a)
    client.force_login(cast.officer_a)
    response = client.post(
        reverse("meetings:progress_add", args=[action.pk]),
        {
            "on": days_from_today(0).isoformat(),
            "text": "x",
            "percent": "10",
            "evidence": SimpleUploadedFile("bukti.jpg", EXE),
        },
    )
    assert response.status_code == 400
    assert "Jenis berkas ini tidak diizinkan" in response.content.decode()
    assert not action.updates.exists()


def test_an_operator_cannot_post_progress_on_another_agencys_action(client, cast):
    action = ActionFactory(responsible_agency=cast.agency_b)
    client.force_login(cast.officer_a)
    response = client.post(
        reverse("meetings:progress_add", args=[action.pk]),
        {"on": days_from_today(0).isoformat(), "text": "x", "percent": "10"},
    )
    assert response.status_code == 404
    assert not action.updates.exists()


def test_the_secretariat_verifies_a_done_action_with_a_comment(client, cast):
    action = ActionFactory(status=ActionStatus.DONE)
    client.force_login(cast.secretariat)
    page = client.get(reverse("meetings:action_detail", args=[action.pk])).content.decode()
    assert 'data-testid="verify-form"' in page
    response = client.post(
        reverse("meetings:action_verify", args=[action.pk]), {"verify-comment": "Lengkap"}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.VERIFIED
    assert action.updates.get().text == "Lengkap"


def test_reopening_without_a_comment_is_refused_on_the_form(client, cast):
    action = ActionFactory(status=ActionStatus.DONE)
    client.force_login(cast.secretariat)
    response = client.post(
        reverse("meetings:action_reopen", args=[action.pk]), {"reopen-comment": ""}
    )
    assert response.status_code == 400
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE


def test_reopening_sends_the_action_back_with_the_comment(client, cast):
    action = ActionFactory(status=ActionStatus.DONE)
    client.force_login(cast.secretariat)
    client.post(
        reverse("meetings:action_reopen", args=[action.pk]),
        {"reopen-comment": "Bukti belum lengkap"},
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    assert action.updates.get().kind == UpdateKind.REOPENED


def test_verifying_an_action_that_is_not_done_says_why(client, cast):
    action = ActionFactory(status=ActionStatus.IN_PROGRESS)
    client.force_login(cast.secretariat)
    response = client.post(
        reverse("meetings:action_verify", args=[action.pk]), {"verify-comment": ""}, follow=True
    )
    assert "Hanya tindak lanjut yang selesai dan menunggu verifikasi" in response.content.decode()
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS


def test_the_action_page_shows_the_timeline_in_indonesian(client, cast):
    action = ActionFactory(responsible_agency=cast.agency_a, due_date=days_from_today(-2))
    client.force_login(cast.officer_a)
    client.post(
        reverse("meetings:progress_add", args=[action.pk]),
        {"on": days_from_today(0).isoformat(), "text": "Mulai dikerjakan", "percent": "20"},
    )
    body = client.get(reverse("meetings:action_detail", args=[action.pk])).content.decode()
    assert "Laporan progres" in body and "Mulai dikerjakan" in body
    assert "Dalam proses" in body
    assert "Terlambat 2 hari" in body
    months = "Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November"
    assert re.search(rf"\d+ ({months}|Desember) \d{{4}}", body)


def progress_data(**overrides):
    return {"on": days_from_today(0).isoformat(), "text": "Dihitung ulang", **overrides}


def test_a_lower_percent_without_a_reason_is_refused_on_the_form_in_indonesian(client, cast):
    action = ActionFactory(
        responsible_agency=cast.agency_a, status=ActionStatus.IN_PROGRESS, percent=80
    )
    client.force_login(cast.officer_a)
    response = client.post(
        reverse("meetings:progress_add", args=[action.pk]), progress_data(percent="20")
    )
    assert response.status_code == 400
    assert response.context["progress_form"].errors["reason"] == [
        "Progres turun dari 80 % menjadi 20 %: tuliskan alasannya."
    ]
    body = response.content.decode()
    assert "Progres turun dari 80 % menjadi 20 %: tuliskan alasannya." in body
    assert 'data-current-percent="80"' in body  # the form still knows what the drop is from
    action.refresh_from_db()
    assert (action.percent, action.updates.count()) == (80, 0)


def test_a_lower_percent_with_a_reason_is_saved_and_shown_in_the_timeline(client, cast):
    action = ActionFactory(
        responsible_agency=cast.agency_a, status=ActionStatus.IN_PROGRESS, percent=80
    )
    client.force_login(cast.officer_a)
    page = client.get(reverse("meetings:action_detail", args=[action.pk])).content.decode()
    assert 'data-progress-reason data-percent-input="id_percent" data-current-percent="80"' in page
    response = client.post(
        reverse("meetings:progress_add", args=[action.pk]),
        progress_data(percent="20", reason="Data 4 kecamatan ditolak Dukcapil"),
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.percent == 20
    client.force_login(cast.secretariat)
    body = client.get(reverse("meetings:action_detail", args=[action.pk])).content.decode()
    drop = body.split('data-testid="progress-decrease">')[1].split("</div>")[0]
    assert "Progres turun dari 80 % menjadi 20 %." in drop
    assert "Alasan: Data 4 kecamatan ditolak Dukcapil" in drop


def test_the_progress_form_itself_asks_for_a_reason_only_when_the_percent_goes_down():
    lower = ProgressForm(progress_data(percent="20"), current_percent=80)
    assert not lower.is_valid()
    assert lower.errors["reason"] == ["Progres turun dari 80 % menjadi 20 %: tuliskan alasannya."]
    assert ProgressForm(
        progress_data(percent="20", reason="Ditolak"), current_percent=80
    ).is_valid()
    assert ProgressForm(progress_data(percent="80"), current_percent=80).is_valid()
    assert ProgressForm(progress_data(percent="20", mark_done="on"), current_percent=80).is_valid()
