"""Pages of the core, each with the wrong-user case."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from tkpk.audit import audit_record
from tkpk.choices import AuditAction, JobStatus
from tkpk.models import AuditEvent, Job
from tkpk.tests.factories import JobFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("member", "template"),
    [
        ("admin", "tkpk/home_admin.html"),
        ("secretariat", "tkpk/home_secretariat.html"),
        ("officer_a", "tkpk/home_operator.html"),
        ("bappeda", "tkpk/home_bappeda.html"),
        ("outsider", "tkpk/home_norole.html"),
    ],
)
def test_each_role_lands_on_its_own_home_page(client, cast, member, template, settings):
    settings.ROLE_HOME_URL_NAMES = {}  # the home pages themselves
    client.force_login(getattr(cast, member))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert template in [t.name for t in response.templates]


def test_bappeda_lands_on_the_indicator_dashboard(client, cast):
    client.force_login(cast.bappeda)
    assert client.get(reverse("home")).url == reverse("indicators:dashboard")
    client.force_login(cast.secretariat)
    assert client.get(reverse("home")).status_code == 200


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_login_page_is_in_indonesian(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert 'lang="id"' in response.content.decode()


@pytest.mark.parametrize("member", ["officer_a", "bappeda", "outsider"])
def test_only_admin_and_secretariat_open_the_audit_trail(client, cast, member):
    client.force_login(getattr(cast, member))
    assert client.get(reverse("tkpk:audit_list")).status_code == 403


def test_the_audit_trail_filters_and_answers_htmx_with_the_table_only(
    client, cast, django_assert_max_num_queries
):
    for n in range(30):
        audit_record(actor=cast.officer_a, action=AuditAction.UPDATE, summary=f"perubahan {n}")
    audit_record(actor=cast.officer_b, action=AuditAction.EXPORT, summary="ekspor daftar")
    client.force_login(cast.secretariat)
    with django_assert_max_num_queries(8):
        response = client.get(
            reverse("tkpk:audit_list"), {"action": "export"}, HTTP_HX_REQUEST="true"
        )
    body = response.content.decode()
    assert "ekspor daftar" in body
    assert "perubahan 1" not in body
    assert '<nav class="navbar' not in body


def test_a_bad_date_in_the_audit_filter_shows_a_message_not_an_error(client, cast):
    client.force_login(cast.secretariat)
    response = client.get(reverse("tkpk:audit_list"), {"date_from": "kemarin"})
    assert response.status_code == 200
    assert response.context["events"] == []


def test_another_users_job_answers_404(client, cast):
    job = JobFactory(created_by=cast.officer_b)
    client.force_login(cast.officer_a)
    for name in ("job_detail", "job_progress", "job_result"):
        assert client.get(reverse(f"tkpk:{name}", args=[job.pk])).status_code == 404
    assert client.post(reverse("tkpk:job_cancel", args=[job.pk])).status_code == 404


def test_the_progress_partial_polls_while_running_and_stops_when_done(client, cast):
    job = JobFactory(created_by=cast.officer_a, status=JobStatus.QUEUED)
    client.force_login(cast.officer_a)
    url = reverse("tkpk:job_progress", args=[job.pk])
    assert "hx-get" in client.get(url).content.decode()
    Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, message="Kolom NIK tidak ada.")
    body = client.get(url).content.decode()
    assert "hx-get" not in body
    assert "Kolom NIK tidak ada." in body


def test_downloading_a_job_result_is_audited(client, cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = JobFactory(created_by=cast.secretariat, status=JobStatus.SUCCEEDED)
    job.result_file.save("hasil.csv", ContentFile(b"a,b\n"))
    client.force_login(cast.secretariat)
    response = client.get(reverse("tkpk:job_result", args=[job.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"a,b\n"
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=cast.secretariat).exists()


def test_only_admin_may_start_a_region_load(client, cast, django_capture_on_commit_callbacks):
    client.force_login(cast.secretariat)
    assert client.post(reverse("tkpk:region_overview"), {"scope": "home"}).status_code == 403
    client.force_login(cast.admin)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("tkpk:region_overview"), {"scope": "home"})
    job = Job.objects.get(kind="regions.load")
    assert response.url == reverse("tkpk:job_detail", args=[job.pk])
    assert job.params == {"within": "63.08"}


def test_audit_export_starts_a_job_with_the_filters(
    client, cast, django_capture_on_commit_callbacks
):
    client.force_login(cast.secretariat)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("tkpk:audit_export"), {"action": "login", "q": ""})
    job = Job.objects.get(kind="audit.export")
    assert job.params == {"filters": {"action": "login"}}
    assert response.url == reverse("tkpk:job_detail", args=[job.pk])


def test_healthz_answers_ok(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_the_app_speaks_indonesian_even_to_an_english_browser(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="id"' in response.content.decode()
    assert "Nama pengguna" in response.content.decode()


def test_the_language_switch_turns_the_app_english(client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "/akun/masuk/"}, follow=True
    )
    body = response.content.decode()
    assert 'lang="en"' in body
    assert "Username" in body


def test_the_cancel_button_leaves_the_progress_partial_once_the_job_ends(client, cast):
    job = JobFactory(
        created_by=cast.officer_a, status=JobStatus.RUNNING, heartbeat_at=timezone.now()
    )
    client.force_login(cast.officer_a)
    url = reverse("tkpk:job_progress", args=[job.pk])
    assert (
        reverse("tkpk:job_cancel", args=[job.pk])
        in client.get(url, {"cancel": "1"}).content.decode()
    )
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED)
    assert (
        reverse("tkpk:job_cancel", args=[job.pk])
        not in client.get(url, {"cancel": "1"}).content.decode()
    )


def test_polling_a_running_job_whose_worker_went_silent_shows_it_failed(client, cast):
    job = JobFactory(
        created_by=cast.officer_a,
        status=JobStatus.RUNNING,
        heartbeat_at=timezone.now() - timedelta(hours=2),
    )
    client.force_login(cast.officer_a)
    response = client.get(reverse("tkpk:job_progress", args=[job.pk]))
    assert 'data-status="failed"' in response.content.decode()
    assert "hx-get" not in response.content.decode()
