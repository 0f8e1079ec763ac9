"""Fixtures of the indicators tests."""

import pytest


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploaded tables and report files go to a throw-away folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _home_region(settings):
    settings.HOME_REGION_CODE = "63.08"
