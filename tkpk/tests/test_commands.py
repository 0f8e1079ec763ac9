"""Management commands: the service check of `make test` and the demo seed of `make run`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tkpk.models import Agency, Region, User
from tkpk.roles import user_role

ROOT = Path(__file__).resolve().parents[2]


def check_services(**env):
    return subprocess.run(
        [sys.executable, "manage.py", "check_services"],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_services_names_an_unreachable_postgresql_in_one_line():
    result = check_services(DATABASE_URL="postgres://postgres@127.0.0.1:1/tkpk", REDIS_URL="")
    assert result.returncode == 1
    message = result.stderr.strip()
    assert message.startswith("CommandError: PostgreSQL at 127.0.0.1:1 cannot be reached")
    assert "Traceback" not in result.stderr
    assert len(message.splitlines()) == 1


def test_check_services_says_how_to_create_a_missing_database():
    result = check_services(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/tidak_ada", REDIS_URL=""
    )
    assert result.returncode == 1
    assert "has no database 'tidak_ada'" in result.stderr
    assert "createdb" in result.stderr


def test_check_services_for_tests_accepts_a_missing_database_on_a_live_server():
    result = subprocess.run(
        [sys.executable, "manage.py", "check_services", "--for-tests"],
        cwd=ROOT,
        env={
            **os.environ,
            "DEBUG": "1",
            "REDIS_URL": "",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/tidak_ada",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "services ok"


def test_check_services_names_an_unreachable_redis_in_one_line():
    result = check_services(DATABASE_URL="", REDIS_URL="redis://127.0.0.1:1/0")
    assert result.returncode == 1
    assert "Redis at 127.0.0.1:1 cannot be reached" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.django_db
def test_seed_demo_twice_creates_everything_once(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    assert Region.objects.filter(code__startswith="63.08.", level=4).count() == 219
    assert Agency.objects.filter(short_name="Dinsos").count() == 1
    assert User.objects.count() == 5
    assert user_role(User.objects.get(username="operator.dinsos")) == "Operator SKPD"
    assert User.objects.get(username="operator.dinsos").agency.short_name == "Dinsos"
    assert "demo-sekretariat-2026" in capsys.readouterr().out


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="public passwords"):
        call_command("seed_demo")
