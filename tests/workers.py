"""A real Celery worker process for tests, on the broker of the test run (Redis under
`make test`), reading and writing the test database."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def database_url_of(db_settings: dict) -> str:
    """A DATABASE_URL for the database that the test run actually uses (test_<name>)."""
    user = db_settings.get("USER") or ""
    password = db_settings.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db_settings.get("HOST") or "localhost"
    port = db_settings.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{db_settings['NAME']}"


def start_worker(*, queue: str, nodename: str | None = None) -> subprocess.Popen:
    """A `celery worker` process on its own queue (and node name), in its own process group
    so that a test can kill it whole; its log goes to var/worker-<queue>.log."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url_of(settings.DATABASES["default"]),
        "CELERY_QUEUE": queue,
        "DEBUG": "1",
    }
    (ROOT / "var").mkdir(exist_ok=True)
    log = open(ROOT / "var" / f"worker-{queue}.log", "a")  # noqa: SIM115 - the child keeps it
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "tkpk",
        "worker",
        "--loglevel=INFO",
        "--pool=prefork",
        "--concurrency=1",
        f"--queues={queue}",
        "--include=tests.job_handlers",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    if nodename:
        command.append(f"--hostname={nodename}")
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    log.close()
    return process


def stop_worker(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def celery_worker(django_db_setup, django_db_blocker):
    """Start `celery worker` as a separate process on a queue of its own and stop it after the
    module. Tests that use it need `transaction=True`, so that the worker sees their rows."""
    from tkpk.celery import app

    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        pytest.skip("the worker tests run on PostgreSQL (make test sets DATABASE_URL)")
    queue = f"tkpk-test-{uuid.uuid4().hex[:8]}"
    process = start_worker(queue=queue)
    previous_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        yield process
    finally:
        app.conf.task_default_queue = previous_queue
        stop_worker(process)


def wait_for(predicate, *, timeout: float = 60, interval: float = 0.2):
    """Poll until predicate() is truthy; return its value or fail the test with a timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")
