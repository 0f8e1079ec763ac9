"""Follow-up action services: the status flow, progress with evidence, verification, and the
optimistic locking that keeps two editors from overwriting each other."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from tkpk.choices import AuditAction
from tkpk.models import AuditEvent

from ..choices import ActionPriority, ActionStatus, MeetingStatus, UpdateKind
from ..models import FollowUpAction, ProgressUpdate
from ..services import (
    ActionConflict,
    ActionStateError,
    action_cancel,
    action_create,
    action_reopen,
    action_update,
    action_verify,
    progress_post,
)
from .factories import ActionFactory, MeetingFactory, days_from_today
from .test_files import PDF, PNG

pytestmark = pytest.mark.django_db


def test_a_decision_becomes_an_action_of_the_agency_and_is_audited(cast):
    meeting = MeetingFactory()
    action = action_create(
        user=cast.secretariat,
        meeting=meeting,
        description="Validasi data DTSEN",
        responsible_agency=cast.agency_a,
        due_date=days_from_today(10),
        priority=ActionPriority.HIGH,
        person_in_charge="Kabid Linjamsos",
    )
    assert action.status == ActionStatus.NOT_STARTED
    assert action.version == 1
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_id=str(action.pk))
    assert event.changes["responsible_agency"] == [None, "Dinsos"]


def test_a_cancelled_meeting_takes_no_actions(cast):
    meeting = MeetingFactory(status=MeetingStatus.CANCELLED)
    with pytest.raises(ValidationError):
        action_create(
            user=cast.secretariat,
            meeting=meeting,
            description="x",
            responsible_agency=cast.agency_a,
            due_date=days_from_today(1),
        )


def test_progress_moves_the_action_in_progress_and_keeps_the_evidence(cast):
    action = ActionFactory(responsible_agency=cast.agency_a)
    evidence = SimpleUploadedFile("foto kegiatan.png", PNG, content_type="text/plain")
    entry = progress_post(
        user=cast.officer_a,
        action=action,
        text="6 kecamatan selesai",
        percent=60,
        evidence=evidence,
    )
    action.refresh_from_db()
    assert (action.status, action.percent, action.version) == (ActionStatus.IN_PROGRESS, 60, 2)
    assert entry.kind == UpdateKind.PROGRESS
    assert entry.evidence_type == "image/png"
    assert entry.evidence_name == "foto kegiatan.png"
    assert entry.evidence.name.startswith("private/meetings/evidence/")
    assert entry.evidence.name.endswith(".png")
    assert entry.created_by == cast.officer_a


def test_marking_done_waits_for_verification_and_records_the_day(cast):
    action = ActionFactory(responsible_agency=cast.agency_a)
    yesterday = timezone.localdate() - timedelta(days=1)
    progress_post(
        user=cast.officer_a, action=action, text="Selesai", percent=80, on=yesterday, mark_done=True
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert action.percent == 100
    assert action.completed_on == yesterday


def test_progress_on_a_done_action_is_refused(cast):
    action = ActionFactory(status=ActionStatus.DONE)
    with pytest.raises(ActionStateError):
        progress_post(user=cast.officer_a, action=action, text="lagi", percent=100)


def test_progress_dated_in_the_future_is_refused(cast):
    action = ActionFactory()
    with pytest.raises(ValidationError):
        progress_post(
            user=cast.officer_a, action=action, text="x", percent=10, on=days_from_today(1)
        )


def test_a_bad_evidence_file_leaves_the_action_unchanged(cast):
    action = ActionFactory()
    fake = SimpleUploadedFile("laporan.pdf", b"MZ\x90\x00 not a pdf at all")
    with pytest.raises(ValidationError):
        progress_post(user=cast.officer_a, action=action, text="x", percent=10, evidence=fake)
    action.refresh_from_db()
    assert (action.status, action.version, action.updates.count()) == (
        ActionStatus.NOT_STARTED,
        1,
        0,
    )


def test_the_secretariat_verifies_a_done_action(cast):
    action = ActionFactory(status=ActionStatus.DONE)
    action_verify(user=cast.secretariat, action=action, comment="Bukti lengkap")
    action.refresh_from_db()
    assert action.status == ActionStatus.VERIFIED
    assert action.verified_by == cast.secretariat
    assert action.updates.get().text == "Bukti lengkap"


def test_reopening_needs_a_comment_and_sends_the_action_back_in_progress(cast):
    action = ActionFactory(status=ActionStatus.DONE)
    with pytest.raises(ValidationError):
        action_reopen(user=cast.secretariat, action=action, comment="  ")
    action_reopen(user=cast.secretariat, action=action, comment="Lampiran belum ada")
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    assert action.completed_on is None
    assert action.updates.get().kind == UpdateKind.REOPENED


@pytest.mark.parametrize("status", [ActionStatus.NOT_STARTED, ActionStatus.VERIFIED])
def test_only_a_done_action_can_be_verified_or_reopened(cast, status):
    action = ActionFactory(status=status)
    with pytest.raises(ActionStateError):
        action_verify(user=cast.secretariat, action=action)
    with pytest.raises(ActionStateError):
        action_reopen(user=cast.secretariat, action=action, comment="x")


def test_a_verified_action_cannot_be_cancelled(cast):
    action = ActionFactory(status=ActionStatus.VERIFIED)
    with pytest.raises(ActionStateError):
        action_cancel(user=cast.secretariat, action=action, comment="x")


def test_an_edit_from_the_current_version_is_saved_and_audited(cast):
    action = ActionFactory(responsible_agency=cast.agency_a)
    action_update(
        user=cast.secretariat,
        action=action,
        data={"responsible_agency": cast.agency_b, "person_in_charge": "Kasi Kesga"},
        expected_version=1,
    )
    assert (action.responsible_agency, action.version, action.updated_by) == (
        cast.agency_b,
        2,
        cast.secretariat,
    )
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(action.pk))
    assert event.changes["responsible_agency"] == ["Dinsos", "Dinkes"]


def test_the_second_of_two_concurrent_edits_is_refused_and_changes_nothing(cast):
    first_copy = ActionFactory(person_in_charge="Awal")
    second_copy = FollowUpAction.objects.get(pk=first_copy.pk)
    action_update(
        user=cast.secretariat,
        action=first_copy,
        data={"person_in_charge": "Pertama"},
        expected_version=1,
    )
    with pytest.raises(ActionConflict) as refused:
        action_update(
            user=cast.admin,
            action=second_copy,
            data={"person_in_charge": "Kedua"},
            expected_version=1,
        )
    assert refused.value.current.person_in_charge == "Pertama"
    assert "diubah oleh" in str(refused.value)
    assert str(cast.secretariat) in str(refused.value)
    assert FollowUpAction.objects.get(pk=first_copy.pk).person_in_charge == "Pertama"


def test_a_progress_post_also_outdates_an_open_edit(cast):
    action = ActionFactory(responsible_agency=cast.agency_a)
    progress_post(user=cast.officer_a, action=action, text="mulai", percent=5)
    with pytest.raises(ActionConflict):
        action_update(
            user=cast.secretariat, action=action, data={"priority": 1}, expected_version=1
        )


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"percent": 101}, "percent_range"),
        ({"priority": 9}, "priority_valid"),
        ({"status": "selesai"}, "status_valid"),
        ({"status": ActionStatus.DONE, "completed_on": None}, "completed_on_iff_done"),
        ({"version": 0}, "version_positive"),
    ],
)
def test_the_database_refuses_an_impossible_action(fields, constraint):
    action = ActionFactory()
    with pytest.raises(IntegrityError, match=f"meetings_followupaction_{constraint}"):
        with transaction.atomic():
            FollowUpAction.objects.filter(pk=action.pk).update(**fields)


def test_the_database_refuses_a_progress_report_over_100_percent(cast):
    action = ActionFactory()
    entry = progress_post(user=cast.officer_a, action=action, text="x", percent=10)
    with pytest.raises(IntegrityError, match="meetings_progressupdate_percent_range"):
        with transaction.atomic():
            type(entry).objects.filter(pk=entry.pk).update(percent=150)


def test_overdue_is_derived_from_the_due_date_and_the_status():
    today = timezone.localdate()
    late = ActionFactory(due_date=today - timedelta(days=3), status=ActionStatus.IN_PROGRESS)
    due_today = ActionFactory(due_date=today)
    late_but_done = ActionFactory(due_date=today - timedelta(days=3), status=ActionStatus.DONE)
    assert late.is_overdue and late.days_late == 3
    assert not due_today.is_overdue
    assert not late_but_done.is_overdue
    flagged = dict(FollowUpAction.objects.with_overdue().values_list("pk", "overdue_flag"))
    assert flagged == {late.pk: True, due_today.pk: False, late_but_done.pk: False}
    assert list(FollowUpAction.objects.overdue()) == [late]


def test_pdf_evidence_is_accepted(cast):
    action = ActionFactory()
    entry = progress_post(
        user=cast.officer_a,
        action=action,
        text="x",
        percent=10,
        evidence=SimpleUploadedFile("ba.pdf", PDF),
    )
    assert entry.evidence_type == "application/pdf"


DROP_REFUSED = "Progres turun dari 80 % menjadi 20 %: tuliskan alasannya."


@pytest.mark.parametrize("reason", ["", "   "], ids=["empty", "blank"])
def test_a_lower_percent_without_a_reason_is_refused_in_indonesian_and_changes_nothing(
    cast, reason
):
    action = ActionFactory(
        responsible_agency=cast.agency_a, status=ActionStatus.IN_PROGRESS, percent=80
    )
    with pytest.raises(ValidationError) as refused:
        progress_post(user=cast.officer_a, action=action, text="Revisi", percent=20, reason=reason)
    assert refused.value.message_dict == {"reason": [DROP_REFUSED]}
    action.refresh_from_db()
    assert (action.percent, action.version, action.updates.count()) == (80, 1, 0)
    assert not AuditEvent.objects.exists()


def test_a_lower_percent_with_a_reason_keeps_the_drop_and_the_reason_in_the_timeline(cast):
    action = ActionFactory(
        responsible_agency=cast.agency_a, status=ActionStatus.IN_PROGRESS, percent=80
    )
    entry = progress_post(
        user=cast.officer_a,
        action=action,
        text="Dihitung ulang",
        percent=20,
        reason="  Data 4 kecamatan ditolak Dukcapil  ",
    )
    action.refresh_from_db()
    assert action.percent == 20
    assert (entry.previous_percent, entry.percent, entry.went_down) == (80, 20, True)
    assert entry.reason == "Data 4 kecamatan ditolak Dukcapil"
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_id=str(entry.pk))
    assert event.changes["reason"] == [None, "Data 4 kecamatan ditolak Dukcapil"]


def test_the_same_or_a_higher_percent_or_marking_done_needs_no_reason(cast):
    action = ActionFactory(
        responsible_agency=cast.agency_a, status=ActionStatus.IN_PROGRESS, percent=80
    )
    same = progress_post(user=cast.officer_a, action=action, text="Tetap", percent=80)
    assert (same.previous_percent, same.went_down, same.reason) == (80, False, "")
    done = progress_post(
        user=cast.officer_a, action=action, text="Selesai", percent=10, mark_done=True
    )
    assert (done.percent, done.went_down) == (100, False)


def test_the_drop_is_measured_from_the_saved_percent_not_from_a_stale_copy(cast):
    stale = ActionFactory(responsible_agency=cast.agency_a)
    fresh = FollowUpAction.objects.get(pk=stale.pk)
    progress_post(user=cast.officer_a, action=fresh, text="Cepat", percent=80)
    with pytest.raises(ValidationError) as refused:
        progress_post(user=cast.officer_a, action=stale, text="Lambat", percent=20)
    assert refused.value.message_dict == {"reason": [DROP_REFUSED]}


def test_the_database_refuses_a_drop_without_a_reason(cast):
    action = ActionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressUpdate.objects.create(action=action, percent=20, previous_percent=80)
