"""Settings come from the environment and refuse unsafe production defaults."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from tkpk.settings import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("yes", True), ("0", False), ("off", False), ("", False)]
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert env_bool("X_FLAG", not expected) is expected


def test_env_bool_rejects_a_value_that_is_not_a_boolean(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG", False)


def test_env_int_rejects_a_value_that_is_not_a_number(monkeypatch):
    monkeypatch.setenv("X_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="X_NUMBER"):
        env_int("X_NUMBER", 1)


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("X_LIST", "a.go.id, b.go.id,,")
    assert env_list("X_LIST") == ["a.go.id", "b.go.id"]


def test_app_refuses_to_start_without_secret_key_when_debug_is_off():
    result = run_manage("check", DEBUG="0", ALLOWED_HOSTS="tkpk.example.go.id")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_app_refuses_to_start_without_allowed_hosts_when_debug_is_off():
    result = run_manage("check", DEBUG="0", SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_check_deploy_reports_nothing_with_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="k3y-" + "q8Zr5vXn2Lp0Wm7Tb4Yc1Hs6Jd9Gf3Ke" * 2,
        ALLOWED_HOSTS="tkpk.example.go.id",
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_default_language_is_indonesian_with_english_selectable(settings):
    assert settings.LANGUAGE_CODE == "id"
    assert [code for code, _name in settings.LANGUAGES] == ["id", "en"]


def test_every_model_change_has_its_migration():
    result = run_manage("makemigrations", "--check", "--dry-run", DEBUG="1")
    assert result.returncode == 0, result.stdout + result.stderr


def test_make_run_runs_with_debug_off_and_make_dev_with_debug_on():
    """`make run` is the app as in production: DEBUG off, a generated secret key, the real error
    pages; only `make dev` turns DEBUG on (make -n prints the recipes without running them)."""
    # The last line is the recipe of the target itself (the lines above set up the venv).
    run = (
        subprocess.run(
            ["make", "--no-print-directory", "-n", "run"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    assert "DEBUG=0" in run and "DEBUG=1" not in run
    assert 'SECRET_KEY="$(cat var/secret_key)"' in run
    assert "collectstatic" in run and "Procfile.run" in run
    dev = (
        subprocess.run(
            ["make", "--no-print-directory", "-n", "dev"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    assert "DEBUG=1" in dev and "Procfile.dev" in dev
    procfile = (ROOT / "Procfile.run").read_text()
    assert "gunicorn tkpk.wsgi" in procfile and "runserver" not in procfile


def test_the_settings_of_make_run_pass_the_checks():
    result = run_manage(
        "check",
        DEBUG="0",
        SECRET_KEY="k3y-" + "q8Zr5vXn2Lp0Wm7Tb4Yc1Hs6Jd9Gf3Ke" * 2,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
    )
    assert result.returncode == 0, result.stderr


def test_a_mistyped_address_gets_the_indonesian_404_page_not_a_list_of_urls(client, db):
    response = client.get("/salah-ketik/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in body and "URLconf" not in body
