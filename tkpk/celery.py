"""The Celery application. Tasks are thin entry points; job state lives in tkpk.Job rows."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tkpk.settings")

app = Celery("tkpk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_configure.connect
def _prepare_filesystem_broker(sender, **kwargs):
    """The filesystem transport (embedded default) needs its folders before the first message."""
    from pathlib import Path

    from django.conf import settings

    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None) or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
