"""The standard cast shared by every test: an admin, a secretariat user, an officer of agency A,
an officer of agency B, a Bappeda viewer and an outsider (signed in, no role)."""

from types import SimpleNamespace

import pytest

from tkpk.roles import ADMIN, BAPPEDA, OPERATOR, SECRETARIAT
from tkpk.tests.factories import AgencyFactory, UserFactory


@pytest.fixture
def cast(db):
    agency_a = AgencyFactory(name="Dinas Sosial", short_name="Dinsos")
    agency_b = AgencyFactory(name="Dinas Kesehatan", short_name="Dinkes")
    bappeda_agency = AgencyFactory(name="Bappelitbang", short_name="Bappelitbang")
    admin = UserFactory(username="admin", role=ADMIN, is_staff=True, is_superuser=True)
    return SimpleNamespace(
        admin=admin,
        secretariat=UserFactory(username="sekretariat", role=SECRETARIAT, agency=bappeda_agency),
        officer_a=UserFactory(username="officer_a", role=OPERATOR, agency=agency_a),
        officer_b=UserFactory(username="officer_b", role=OPERATOR, agency=agency_b),
        bappeda=UserFactory(username="bappeda", role=BAPPEDA, agency=bappeda_agency),
        outsider=UserFactory(username="outsider"),
        agency_a=agency_a,
        agency_b=agency_b,
    )


@pytest.fixture
def hsu(db):
    """The regions of Hulu Sungai Utara (63.08): 10 kecamatan, 219 villages."""
    from tkpk.services import regions_load

    return regions_load(within="63.08")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 is slow by design; the tests hash many passwords and need none of its strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
