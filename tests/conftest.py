"""Fixtures for cross-app tests: real Celery workers and a real Chromium."""

import os

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the same
# thread are safe here because nothing else runs in that loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from tests.browser import browser, page, shared_media_root  # noqa: E402,F401 - one Chromium for every browser test
from tests.workers import celery_worker  # noqa: E402,F401 - fixture re-export
