"""URLs of the indicators, mounted at /indikator/."""

from django.urls import path

from .views import dashboard as board
from .views import entries

app_name = "indicators"

urlpatterns = [
    path("", board.DashboardView.as_view(), name="dashboard"),
    path("unduh/<slug:table>/", board.DashboardExportView.as_view(), name="dashboard_export"),
    path("peta.json", board.MapDataView.as_view(), name="map_data"),
    path("hitung/", board.RollupStartView.as_view(), name="rollup_start"),
    path("laporan/", board.AnnualReportView.as_view(), name="annual_report"),
    path("data/", entries.ObservationListView.as_view(), name="observation_list"),
    path("data/tambah/", entries.ObservationCreateView.as_view(), name="observation_add"),
    path("data/<int:pk>/ubah/", entries.ObservationUpdateView.as_view(), name="observation_edit"),
    path(
        "data/<int:pk>/hapus/", entries.ObservationDeleteView.as_view(), name="observation_delete"
    ),
    path("data/<int:pk>/riwayat/", entries.FigureHistoryView.as_view(), name="observation_history"),
    path("rpjmd/", entries.PeriodListView.as_view(), name="period_list"),
    path("rpjmd/tambah/", entries.PeriodCreateView.as_view(), name="period_add"),
    path("rpjmd/<int:pk>/", entries.PeriodDetailView.as_view(), name="period_detail"),
    path("rpjmd/<int:pk>/ubah/", entries.PeriodUpdateView.as_view(), name="period_edit"),
    path("rpjmd/<int:pk>/target/", entries.TargetCreateView.as_view(), name="target_add"),
    path("target/<int:pk>/ubah/", entries.TargetUpdateView.as_view(), name="target_edit"),
    path("target/<int:pk>/hapus/", entries.TargetDeleteView.as_view(), name="target_delete"),
    path("target/<int:pk>/riwayat/", entries.TargetHistoryView.as_view(), name="target_history"),
    path("impor/", entries.ImportUploadView.as_view(), name="import_add"),
    path("impor/<int:pk>/", entries.ImportDetailView.as_view(), name="import_detail"),
    path("impor/<int:pk>/jalankan/", entries.ImportApplyView.as_view(), name="import_apply"),
    path("rekomendasi/", entries.RecommendationListView.as_view(), name="recommendation_list"),
    path(
        "rekomendasi/tambah/",
        entries.RecommendationCreateView.as_view(),
        name="recommendation_add",
    ),
    path(
        "rekomendasi/<int:pk>/ubah/",
        entries.RecommendationUpdateView.as_view(),
        name="recommendation_edit",
    ),
    path(
        "rekomendasi/<int:pk>/hapus/",
        entries.RecommendationDeleteView.as_view(),
        name="recommendation_delete",
    ),
]
