"""The region overview: every role reads it through the scoped selector; loading regions takes
the load_regions permission, and a user without it is refused (403), not told the page is gone."""

import pytest
from django.urls import reverse

from tkpk.models import Job
from tkpk.selectors import region_overview
from tkpk.tests.factories import RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(settings):
    province = RegionFactory(code="63", name="Kalimantan Selatan")
    home = RegionFactory(
        code=settings.HOME_REGION_CODE, name="Hulu Sungai Utara", parent=province, level=2
    )
    RegionFactory(code=f"{home.code}.01", name="Danau Panggang", parent=home, level=3)
    return home


@pytest.mark.parametrize("member", ["secretariat", "officer_a", "bappeda"])
def test_a_user_without_load_regions_is_refused_403_and_no_job_starts(client, cast, member):
    client.force_login(getattr(cast, member))
    response = client.post(reverse("tkpk:region_overview"), {"scope": "home"})
    assert response.status_code == 403
    assert not Job.objects.exists()


@pytest.mark.parametrize("member", ["admin", "secretariat", "officer_a", "bappeda"])
def test_every_role_reads_the_home_region_and_its_districts(client, cast, home, member):
    client.force_login(getattr(cast, member))
    response = client.get(reverse("tkpk:region_overview"))
    assert response.status_code == 200
    assert "Danau Panggang" in response.content.decode()


def test_the_overview_selector_shows_a_user_without_a_role_no_region(cast, home):
    assert region_overview(user=cast.officer_a)["home"] == home
    overview = region_overview(user=cast.outsider)
    assert overview["home"] is None
    assert list(overview["districts"]) == []
