"""Who sees a job follows its kind (`@job_kind(..., visible_to=...)`): a job started by Celery
beat of a kind visible to the secretariat is the whole secretariat's; every other kind stays with
the user who started it (and Admin)."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

import tkpk.models
from tkpk.job_kinds import _KINDS, job_kind, registered_kinds
from tkpk.jobs import job_kind as job_kind_from_jobs
from tkpk.roles import ADMIN, SECRETARIAT
from tkpk.tests.factories import JobFactory, UserFactory

pytestmark = pytest.mark.django_db

TEAM_KIND = "test.team_digest"


@pytest.fixture
def team_kind(monkeypatch):
    """A kind visible to the secretariat, registered for this test only."""
    # Recorded first, so that the teardown removes the kind the decorator adds.
    monkeypatch.setitem(_KINDS, TEAM_KIND, None)
    job_kind(TEAM_KIND, label="Ringkasan tim", visible_to=[SECRETARIAT])(lambda job: None)
    return TEAM_KIND


@pytest.fixture
def beat_job(team_kind):
    """A job that Celery beat started: nobody is its starter."""
    return JobFactory(kind=team_kind, created_by=None)


@pytest.fixture
def secretariat_2(cast):
    return UserFactory(username="sekretariat2", role=SECRETARIAT)


def job_urls(job):
    return [
        reverse("tkpk:job_detail", args=[job.pk]),
        reverse("tkpk:job_progress", args=[job.pk]),
    ]


def test_a_beat_job_of_a_secretariat_kind_is_listed_and_opened_by_every_secretariat_user(
    client, cast, secretariat_2, beat_job
):
    for user in (cast.secretariat, secretariat_2):
        client.force_login(user)
        listing = client.get(reverse("tkpk:job_list"))
        assert list(listing.context["jobs"]) == [beat_job]
        assert reverse("tkpk:job_detail", args=[beat_job.pk]) in listing.content.decode()
        for url in job_urls(beat_job):
            assert client.get(url).status_code == 200, (user, url)


@pytest.mark.parametrize("member", ["officer_a", "bappeda", "outsider"])
def test_another_role_gets_404_for_a_beat_job_of_a_secretariat_kind(client, cast, beat_job, member):
    client.force_login(getattr(cast, member))
    assert list(client.get(reverse("tkpk:job_list")).context["jobs"]) == []
    for url in job_urls(beat_job):
        assert client.get(url).status_code == 404, url


def test_a_households_export_of_one_secretariat_user_stays_404_for_another(
    client, cast, secretariat_2
):
    export = JobFactory(kind="households.export", created_by=cast.secretariat)
    client.force_login(secretariat_2)
    assert list(client.get(reverse("tkpk:job_list")).context["jobs"]) == []
    for url in [*job_urls(export), reverse("tkpk:job_result", args=[export.pk])]:
        assert client.get(url).status_code == 404, url
    client.force_login(cast.secretariat)
    assert client.get(reverse("tkpk:job_detail", args=[export.pk])).status_code == 200


def test_exports_stay_with_their_starter_imports_are_the_teams_and_region_loads_admins(db):
    kinds = registered_kinds()
    for name in ("households.export", "audit.export"):
        assert kinds[name].visible_to == frozenset(), name
    assert kinds["households.import"].visible_to == {SECRETARIAT}
    assert kinds["regions.load"].visible_to == {ADMIN}


def test_a_kind_visible_to_an_unknown_role_is_refused():
    with pytest.raises(ValueError, match="Sekretariat"):
        job_kind("test.typo", label="Salah ketik", visible_to=["Sekretariat"])
    assert "test.typo" not in registered_kinds()


def test_job_kind_is_still_importable_from_the_job_service():
    assert job_kind_from_jobs is job_kind


def test_the_registry_imports_no_model():
    # Imported on its own, before Django is set up: a model import would fail or load tkpk.models.
    code = "import sys, tkpk.job_kinds; print(sorted(m for m in sys.modules if 'models' in m))"
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed snippet
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "tkpk.models" not in result.stdout


def test_the_models_import_the_registry_not_the_job_service():
    # The job service imports the models; a model importing it back is an import cycle.
    tree = ast.parse(Path(tkpk.models.__file__).read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert "job_kinds" in imported
    assert "jobs" not in imported


@pytest.mark.parametrize("count", [1, 30])
def test_the_job_list_runs_the_same_queries_whatever_the_number_of_jobs(
    client, cast, secretariat_2, team_kind, count, django_assert_num_queries
):
    for n in range(count):
        JobFactory(kind=team_kind, created_by=None if n % 2 else secretariat_2)
        JobFactory(kind="regions.load", created_by=cast.secretariat)
    JobFactory(kind="households.export", created_by=secretariat_2)  # not listed
    client.force_login(cast.secretariat)
    # The layout's own queries (session, user, role, permissions, menu badges) and those of the
    # jobs: their rows with their starters, and a bounded count once they fill more than a page.
    fills_a_page = 2 * count > 25
    with django_assert_num_queries(8 + fills_a_page) as captured:
        response = client.get(reverse("tkpk:job_list"))
    assert response.status_code == 200
    assert len(response.context["jobs"]) == min(2 * count, 25)
    assert response.context["page"].total == 2 * count
    job_queries = [q["sql"] for q in captured.captured_queries if '"tkpk_job"' in q["sql"]]
    assert len(job_queries) == 1 + fills_a_page, job_queries
