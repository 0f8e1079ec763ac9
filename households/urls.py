"""URLs of the household registry (mounted at /rumah-tangga/)."""

from django.urls import path

from . import views
from .validation import views as validation

app_name = "households"

urlpatterns = [
    path("", views.HouseholdListView.as_view(), name="household_list"),
    path("tambah/", views.HouseholdCreateView.as_view(), name="household_add"),
    path("<int:pk>/", views.HouseholdDetailView.as_view(), name="household_detail"),
    path("<int:pk>/ubah/", views.HouseholdUpdateView.as_view(), name="household_edit"),
    path("orang/<int:pk>/nik/", views.NikRevealView.as_view(), name="nik_reveal"),
    path("cek-nik/", views.NikCheckView.as_view(), name="nik_check"),
    path("pilihan-desa/", views.VillageOptionsView.as_view(), name="village_options"),
    path("ekspor/", views.ExportView.as_view(), name="export"),
    path("impor/", views.ImportUploadView.as_view(), name="import"),
    path("impor/<int:pk>/", views.ImportDetailView.as_view(), name="import_detail"),
    path("impor/<int:pk>/perubahan/", views.ImportChangesView.as_view(), name="import_changes"),
    path("validasi/", validation.ValidationSummaryView.as_view(), name="validation_summary"),
    path("validasi/jalankan/", validation.ValidationRunView.as_view(), name="validation_run"),
    path(
        "validasi/temuan/",
        validation.ValidationFindingListView.as_view(),
        name="validation_findings",
    ),
    path(
        "validasi/temuan/keputusan/",
        validation.ValidationDecisionView.as_view(),
        name="validation_decide",
    ),
    path(
        "validasi/temuan/ekspor/",
        validation.ValidationExportView.as_view(),
        name="validation_export",
    ),
]
