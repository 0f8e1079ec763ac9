"""The composition root: every app's URLs, the auth pages and the admin."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .forms import LoginForm

app_urls = (
    [
        path("audit/", views.AuditEventListView.as_view(), name="audit_list"),
        path("audit/ekspor/", views.AuditExportView.as_view(), name="audit_export"),
        path("pekerjaan/", views.JobListView.as_view(), name="job_list"),
        path("pekerjaan/<int:pk>/", views.JobDetailView.as_view(), name="job_detail"),
        path("pekerjaan/<int:pk>/progres/", views.JobProgressView.as_view(), name="job_progress"),
        path("pekerjaan/<int:pk>/batal/", views.JobCancelView.as_view(), name="job_cancel"),
        path("pekerjaan/<int:pk>/hasil/", views.JobResultView.as_view(), name="job_result"),
        path("wilayah/", views.RegionOverviewView.as_view(), name="region_overview"),
        path("perangkat-daerah/", views.AgencyListView.as_view(), name="agency_list"),
        path("perangkat-daerah/tambah/", views.AgencyCreateView.as_view(), name="agency_add"),
        path("perangkat-daerah/<int:pk>/", views.AgencyDetailView.as_view(), name="agency_detail"),
        path(
            "perangkat-daerah/<int:pk>/ubah/", views.AgencyUpdateView.as_view(), name="agency_edit"
        ),
        path("pengguna/", views.UserListView.as_view(), name="user_list"),
        path("pengguna/tambah/", views.UserCreateView.as_view(), name="user_add"),
        path("pengguna/<int:pk>/ubah/", views.UserUpdateView.as_view(), name="user_edit"),
        path(
            "pengguna/<int:pk>/setel-ulang-sandi/",
            views.UserPasswordResetView.as_view(),
            name="user_password_reset",
        ),
        path("pengguna/<int:pk>/sandi/", views.UserPasswordView.as_view(), name="user_password"),
    ],
    "tkpk",
)

admin.site.site_header = admin.site.site_title = f"{settings.SITE_NAME} admin"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path(
        "akun/masuk/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("akun/keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("akun/kata-sandi/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "akun/kata-sandi/selesai/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("rumah-tangga/", include("households.urls")),
    path("rapat/", include("meetings.urls")),
    path("program/", include("programs.urls")),
    path("indikator/", include("tkpk.indicators.urls")),
    path("", include(app_urls)),
]
