"""The embedded default of `make run`: SQLite in WAL mode and kombu's filesystem broker, with a
real worker process, runs a job to the end. Nothing here talks to PostgreSQL or Redis."""

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.worker


@pytest.fixture
def embedded_env(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_QUEUE"}
    }
    env.update({"DEBUG": "1", "VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "tkpk.settings"})
    return env


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_embedded_default_runs_a_job_on_sqlite_with_a_filesystem_broker(embedded_env, tmp_path):
    manage(embedded_env, "migrate", "--no-input", "-v0")
    database = tmp_path / "tkpk.sqlite3"
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"

    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 - closed below
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tkpk",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=embedded_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        started = manage(
            embedded_env,
            "shell",
            "-c",
            "from tkpk.jobs import job_start; "
            "print(job_start(kind='regions.load', params={'within': '63.08'}).pk)",
        )
        job_id = int(started.stdout.strip().splitlines()[-1])

        deadline = time.monotonic() + 120
        status = None
        while time.monotonic() < deadline:
            with sqlite3.connect(database) as db:
                status, message = db.execute(
                    "SELECT status, message FROM tkpk_job WHERE id = ?", (job_id,)
                ).fetchone()
            if status in ("succeeded", "failed"):
                break
            time.sleep(0.5)
        assert status == "succeeded", (status, (tmp_path / "worker.log").read_text()[-3000:])
        with sqlite3.connect(database) as db:
            levels = dict(db.execute("SELECT level, COUNT(*) FROM tkpk_region GROUP BY level"))
        assert levels == {1: 1, 2: 1, 3: 10, 4: 219}
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()


def test_the_household_import_works_on_sqlite_and_twice_changes_nothing(embedded_env, tmp_path):
    from households.synthetic import write_csv

    manage(embedded_env, "migrate", "--no-input", "-v0")
    manage(embedded_env, "load_regions", "--within", "63.08")
    path = tmp_path / "dtks.csv"
    write_csv(path, people=2000, delimiter="|")
    first = manage(embedded_env, "import_households", str(path), "--valid-only")
    counts = json.loads(first.stdout.strip().splitlines()[-1])
    assert counts["people_new"] > 1900 and counts["rejected"] > 0
    again = manage(embedded_env, "import_households", str(path), "--valid-only")
    counts_again = json.loads(again.stdout.strip().splitlines()[-1])
    assert counts_again == {
        "families_new": 0,
        "families_updated": 0,
        "families_unchanged": counts["families_new"],
        "people_new": 0,
        "people_updated": 0,
        "people_unchanged": counts["people_new"],
        "rejected": counts["rejected"],
        "held_for_review": 0,
        "held_by_kind": {"move": 0, "rename": 0, "identity": 0},
    }
    with sqlite3.connect(tmp_path / "tkpk.sqlite3") as db:
        assert (
            db.execute("SELECT COUNT(*) FROM households_person").fetchone()[0]
            == counts["people_new"]
        )


SAVER = """
import json, os, sys, time
import django
django.setup()
from django.db import transaction
from tkpk.models import Agency
from tkpk.audit import audit_record
from tkpk.choices import AuditAction
agency = Agency.objects.create(name="Dinas Uji", short_name="Uji", kind="dinas")
waits, failures = [], []
print("ready", flush=True)
while not os.path.exists(sys.argv[1]):
    started = time.perf_counter()
    try:
        with transaction.atomic():
            Agency.objects.filter(pk=agency.pk).update(email=f"{time.time_ns()}@uji.test")
            audit_record(actor=None, action=AuditAction.UPDATE, obj=agency)
    except Exception as exc:
        failures.append(str(exc))
    waits.append(time.perf_counter() - started)
    time.sleep(0.05)
print(json.dumps({"n": len(waits), "max": max(waits), "failures": failures}), flush=True)
"""


def test_other_users_keep_saving_while_a_big_import_runs_on_sqlite(embedded_env, tmp_path):
    """Issue 8: on `make run`, an import held the SQLite write lock from its first row to its
    commit, and every save elsewhere waited 20 s and failed with "database is locked". Now only
    the writing holds it: a second process saving every 50 ms waits far less than the import
    lasts, and never fails."""
    from households.synthetic import write_csv

    manage(embedded_env, "migrate", "--no-input", "-v0")
    manage(embedded_env, "load_regions", "--within", "63.08")
    path = tmp_path / "dtks.csv"
    write_csv(path, people=60_000)
    stop = tmp_path / "stop"
    saver = subprocess.Popen(
        [sys.executable, "-c", SAVER, str(stop)],
        cwd=ROOT,
        env=embedded_env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert saver.stdout.readline().strip() == "ready"
    started = time.perf_counter()
    imported = manage(embedded_env, "import_households", str(path), "--valid-only")
    import_seconds = time.perf_counter() - started
    stop.touch()
    result = json.loads(saver.communicate(timeout=60)[0].strip().splitlines()[-1])
    assert json.loads(imported.stdout.strip().splitlines()[-1])["people_new"] > 50_000
    assert result["failures"] == []
    assert result["n"] > 20
    assert result["max"] < min(5.0, import_seconds / 2), (result["max"], import_seconds)


def test_a_file_above_the_embedded_limit_is_refused_before_it_starts(embedded_env, tmp_path):
    from households.synthetic import write_csv

    manage(embedded_env, "migrate", "--no-input", "-v0")
    manage(embedded_env, "load_regions", "--within", "63.08")
    path = tmp_path / "dtks.csv"
    write_csv(path, people=3000)
    refused = subprocess.run(
        [sys.executable, "manage.py", "import_households", str(path), "--dry-run"],
        cwd=ROOT,
        env={**embedded_env, "EMBEDDED_IMPORT_MAX_ROWS": "2000"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode != 0
    assert "DATABASE_URL" in refused.stderr and "2.000" in refused.stderr


RUN_IMPORT_JOB = """
import sys
import django
django.setup()
from django.core.files import File
from households.models import HouseholdImport
from households.importing.rows import detect_mapping
from households.importing.reader import open_table
from tkpk.jobs import job_execute
from tkpk.models import Job, User
user = User.objects.create(username="sekretariat.uji")
with open(sys.argv[1], "rb") as handle:
    table = open_table(handle, name="dtks.csv")
    header = table.header
    table.close()
with open(sys.argv[1], "rb") as handle:
    record = HouseholdImport(original_name="dtks.csv", file_format="csv", uploaded_by=user,
                             mapping=detect_mapping(header))
    record.file.save("dtks.csv", File(handle), save=True)
job = Job.objects.create(kind="households.import", created_by=user,
                         params={"import_id": record.pk, "dry_run": False, "valid_only": True})
print(job.pk, flush=True)
job_execute(job.pk)
"""


def test_the_import_can_be_cancelled_while_it_runs_on_sqlite(embedded_env, tmp_path):
    """The cancel button writes to the job row; with the import holding the write lock it used
    to wait 20 s and fail. Now it goes through at once and the import stops, storing nothing."""
    from households.synthetic import write_csv

    manage(embedded_env, "migrate", "--no-input", "-v0")
    manage(embedded_env, "load_regions", "--within", "63.08")
    path = tmp_path / "dtks.csv"
    write_csv(path, people=100_000)
    importer = subprocess.Popen(
        [sys.executable, "-c", RUN_IMPORT_JOB, str(path)],
        cwd=ROOT,
        env=embedded_env,
        stdout=subprocess.PIPE,
        text=True,
    )
    job_id = int(importer.stdout.readline())
    database = tmp_path / "tkpk.sqlite3"
    deadline = time.monotonic() + 60
    with sqlite3.connect(database, timeout=20) as db:
        while time.monotonic() < deadline:
            done = db.execute("SELECT progress_done FROM tkpk_job WHERE id = ?", [job_id])
            if (done.fetchone() or [0])[0]:
                break
            time.sleep(0.05)
        started = time.perf_counter()
        db.execute(
            "UPDATE tkpk_job SET status = 'cancelled' WHERE id = ? AND status = 'running'",
            [job_id],
        )
        db.commit()
        waited = time.perf_counter() - started
    importer.communicate(timeout=120)
    with sqlite3.connect(database) as db:
        status = db.execute("SELECT status FROM tkpk_job WHERE id = ?", [job_id]).fetchone()[0]
        families = db.execute("SELECT COUNT(*) FROM households_household").fetchone()[0]
    assert waited < 1.0
    assert (status, families) == ("cancelled", 0)
