"""The household FilterSet, counted on `.qs`."""

import pytest

from households.filters import HouseholdFilter
from households.models import Household
from households.tests.factories import HouseholdFactory, PersonFactory
from tkpk.models import Region
from tkpk.roles import OPERATOR, SECRETARIAT
from tkpk.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def families(hsu):
    other_village = Region.objects.get(code="63.08.02.2001")
    one = HouseholdFactory(kk_number="6308010101200001", decile=1)
    PersonFactory(household=one, nik="6308010203850001", name="Budi Contoh")
    two = HouseholdFactory(
        kk_number="6308020101200002",
        decile=4,
        village=other_village,
        source="p3ke",
        has_problems=True,
    )
    PersonFactory(household=two, nik="6308020203850002", name="Ahmad Fiktif")
    return one, two


def searcher():
    """The secretariat: a role that may search by NIK and No. KK."""
    return UserFactory(username="searcher", role=SECRETARIAT)


def count(user=None, **data):
    user = user or searcher()
    return HouseholdFilter(data, queryset=Household.objects.all(), user=user).qs.count()


def test_an_empty_form_filters_nothing(families):
    form = HouseholdFilter({}, queryset=Household.objects.all(), user=searcher()).form
    # The first option of every select is the empty "all" choice, selected by default.
    for name in ("decile", "source", "status", "has_problems", "kecamatan"):
        assert str(form[name]).split("<option")[1].startswith(' value=""'), name
    assert count() == 2
    assert count(q="", decile="", source="", status="", has_problems="") == 2


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"decile": "1"}, 1),
        ({"decile": "4"}, 1),
        ({"decile": "7"}, 0),
        ({"source": "p3ke"}, 1),
        ({"status": "aktif"}, 2),
        ({"has_problems": "true"}, 1),
        ({"has_problems": "false"}, 1),
        ({"q": "budi"}, 1),
        ({"q": "6308020203850002"}, 1),
        ({"q": "63080201"}, 1),
        ({"q": "6308"}, 2),
        ({"q": "Tidak Ada"}, 0),
    ],
)
def test_each_filter_narrows_the_list(families, data, expected):
    assert count(**data) == expected


def test_district_and_village_filters(families):
    district = Region.objects.get(code="63.08.02")
    assert count(kecamatan=str(district.pk)) == 1
    village = Region.objects.get(code="63.08.01.2003")
    assert count(desa=str(village.pk)) == 1


@pytest.mark.parametrize("query", ["6308020203850002", "63080202", "6308010101200001", "6"])
def test_a_role_without_full_niks_cannot_search_by_number(families, query):
    operator = UserFactory(role=OPERATOR)
    filterset = HouseholdFilter({"q": query}, queryset=Household.objects.all(), user=operator)
    assert filterset.qs.count() == 0
    assert filterset.refusal
    assert count(user=operator, q="ahmad") == 1
