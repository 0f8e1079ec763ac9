"""The family page takes the same number of queries whatever the number of members."""

import pytest
from django.urls import reverse

from households.tests.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("members", [2, 20])
def test_the_household_detail_takes_a_fixed_number_of_queries(
    client, cast, hsu, members, django_assert_num_queries
):
    household = HouseholdFactory(kk_number="6308010101200001")
    for n in range(members):
        PersonFactory(
            household=household,
            nik=f"63080102038500{n + 1:02d}",
            name=f"Anggota {n:02d}",
            relation=4,
        )
    client.force_login(cast.secretariat)
    url = reverse("households:household_detail", args=[household.pk])
    client.get(url)  # warms the per-process caches (content types)
    with django_assert_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert all(f"Anggota {n:02d}" in body for n in range(members))
