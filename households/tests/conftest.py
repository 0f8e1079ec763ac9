import pytest

from tkpk.services import regions_load


@pytest.fixture
def hsu(db):
    """The regions of Hulu Sungai Utara (63.08): 10 kecamatan, 219 villages."""
    return regions_load(within="63.08")


@pytest.fixture(autouse=True)
def _english_messages_outside_requests():
    """Service messages are asserted on their English msgids; pages (through the test client)
    still render in Indonesian, as users see them."""
    from django.utils import translation

    with translation.override("en"):
        yield
