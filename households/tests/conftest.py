import pytest


@pytest.fixture(autouse=True)
def _english_messages_outside_requests():
    """Service messages are asserted on their English msgids; pages (through the test client)
    still render in Indonesian, as users see them."""
    from django.utils import translation

    with translation.override("en"):
        yield
