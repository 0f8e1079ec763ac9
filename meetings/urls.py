"""URLs of the meetings app, mounted at /rapat/."""

from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.MeetingListView.as_view(), name="meeting_list"),
    path("tambah/", views.MeetingCreateView.as_view(), name="meeting_add"),
    path("<int:pk>/", views.MeetingDetailView.as_view(), name="meeting_detail"),
    path("<int:pk>/ubah/", views.MeetingUpdateView.as_view(), name="meeting_edit"),
    path("<int:pk>/notulen/", views.MeetingMinutesView.as_view(), name="meeting_minutes"),
    path("<int:pk>/notulen/cetak/", views.MinutesPrintView.as_view(), name="minutes_print"),
    path("<int:pk>/notulen/pdf/", views.MinutesPdfView.as_view(), name="minutes_pdf"),
    path("<int:pk>/kehadiran/", views.AttendanceAddView.as_view(), name="attendance_add"),
    path(
        "kehadiran/<int:pk>/hadir/", views.AttendanceToggleView.as_view(), name="attendance_toggle"
    ),
    path(
        "kehadiran/<int:pk>/hapus/", views.AttendanceDeleteView.as_view(), name="attendance_delete"
    ),
    path("<int:pk>/lampiran/", views.AttachmentAddView.as_view(), name="attachment_add"),
    path("lampiran/<int:pk>/", views.AttachmentDownloadView.as_view(), name="attachment_download"),
    path(
        "lampiran/<int:pk>/hapus/", views.AttachmentDeleteView.as_view(), name="attachment_delete"
    ),
    path("<int:pk>/tindak-lanjut/", views.ActionAddView.as_view(), name="action_add"),
    path("tindak-lanjut/", views.ActionBoardView.as_view(), name="action_board"),
    path("tindak-lanjut/saya/", views.MyActionsView.as_view(), name="my_actions"),
    path(
        "tindak-lanjut/perangkat-daerah/<int:pk>/",
        views.AgencyActionsPanelView.as_view(),
        name="agency_actions_panel",
    ),
    path("tindak-lanjut/<int:pk>/", views.ActionDetailView.as_view(), name="action_detail"),
    path("tindak-lanjut/<int:pk>/baris/", views.ActionRowView.as_view(), name="action_row"),
    path("tindak-lanjut/<int:pk>/ubah/", views.ActionUpdateView.as_view(), name="action_edit"),
    path("tindak-lanjut/<int:pk>/progres/", views.ProgressAddView.as_view(), name="progress_add"),
    path(
        "tindak-lanjut/<int:pk>/verifikasi/", views.ActionVerifyView.as_view(), name="action_verify"
    ),
    path(
        "tindak-lanjut/<int:pk>/buka-kembali/",
        views.ActionReopenView.as_view(),
        name="action_reopen",
    ),
    path(
        "tindak-lanjut/<int:pk>/batalkan/", views.ActionCancelView.as_view(), name="action_cancel"
    ),
    path("progres/<int:pk>/bukti/", views.EvidenceDownloadView.as_view(), name="evidence_download"),
    path(
        "notifikasi/<int:pk>/dibaca/",
        views.NotificationReadView.as_view(),
        name="notification_read",
    ),
    path(
        "notifikasi/semua-dibaca/",
        views.NotificationReadAllView.as_view(),
        name="notifications_read_all",
    ),
]
