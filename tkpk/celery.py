"""The Celery application. Tasks are thin entry points; job state lives in tkpk.Job rows."""

import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tkpk.settings")

app = Celery("tkpk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_configure.connect
def _prepare_filesystem_broker(sender, **kwargs):
    """The filesystem transport (embedded default) needs its folders before the first message."""
    from pathlib import Path

    from django.conf import settings

    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


@worker_ready.connect
def _fail_interrupted_jobs(sender, **kwargs):
    """A worker starting again: the jobs it was running when it stopped are dead."""
    from .jobs import jobs_fail_interrupted

    jobs_fail_interrupted(worker=getattr(sender, "hostname", "") or "")
