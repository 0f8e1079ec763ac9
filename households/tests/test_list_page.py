"""The registry list as people use it every day: how much it found, the villages of the chosen
district, a number too long to be a NIK, and RT/RW as the KK writes them."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from households.choices import DataSource
from households.services import household_create, household_update
from households.tests.factories import HouseholdFactory, PersonFactory
from tkpk.models import Region
from tkpk.pagination import paginate

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_list_says_how_many_families_it_found(client, cast, hsu):
    for _ in range(3):
        PersonFactory(household=HouseholdFactory())
    client.force_login(cast.secretariat)
    response = client.get(reverse("households:household_list"), HTMX)
    assert response.context["page"].total == 3
    assert "3 keluarga ditemukan." in response.content.decode()


def test_above_its_bound_the_count_is_an_estimate_and_says_so(client, cast, hsu, settings):
    for _ in range(6):
        PersonFactory(household=HouseholdFactory())
    client.force_login(cast.secretariat)
    from households import views

    view = views.HouseholdListView
    original = view.count_up_to, view.paginate_by
    view.count_up_to, view.paginate_by = 4, 2
    try:
        body = client.get(reverse("households:household_list"), HTMX).content.decode()
    finally:
        view.count_up_to, view.paginate_by = original
    assert "lebih dari 4 yang cocok" in body and "perkiraan" in body
    assert "Menampilkan 1–2." in body


def test_the_count_reads_only_the_keys_of_the_filtered_families(
    cast, hsu, django_assert_num_queries
):
    from households.selectors import household_list

    for _ in range(5):
        PersonFactory(household=HouseholdFactory())
    filterset = household_list(user=cast.secretariat, filters={})
    request = RequestFactory().get("/?page=2")
    with django_assert_num_queries(2) as captured:
        page = paginate(filterset.qs, request, per_page=2, count_up_to=100)
    assert page.total == 5
    count_sql = captured.captured_queries[1]["sql"]
    # Neither the head's name nor the member count (the rows' subqueries) is in the count.
    assert "households_person" not in count_sql


def test_a_number_longer_than_a_nik_is_told_so_not_searched(client, cast, hsu):
    PersonFactory(household=HouseholdFactory(), nik="6308010203850001")
    client.force_login(cast.secretariat)
    response = client.get(reverse("households:household_list"), {"q": "63080102038500011"})
    body = response.content.decode()
    assert "No. KK terdiri atas 16 digit; Anda mengetik 17" in body
    assert "Tidak ada keluarga" not in body
    assert response.context["filter"].number_searched == ""


def test_the_village_filter_offers_the_villages_of_the_chosen_district(client, cast, hsu):
    district = Region.objects.get(code="63.08.01")
    client.force_login(cast.officer_a)
    options = client.get(reverse("households:village_options"), {"kecamatan": district.pk})
    names = set(district.children.values_list("name", flat=True))
    body = options.content.decode()
    assert all(name in body for name in names)
    other = Region.objects.filter(level=4, parent__code="63.08.02").first()
    assert other.name not in names and f'value="{other.pk}"' not in body
    page = client.get(reverse("households:household_list"), {"kecamatan": district.pk})
    offered = {v.pk for v in page.context["filter"].form.fields["desa"].queryset}
    assert offered == set(district.children.values_list("pk", flat=True))
    client.force_login(cast.bappeda)
    assert client.get(reverse("households:village_options")).status_code == 403


def test_rt_and_rw_are_stored_with_three_digits_as_on_the_kk(cast, hsu):
    village = Region.objects.get(code="63.08.01.2003")
    data = {"kk_number": "6308010101200009", "village": village, "rt": "16", "rw": "RW 2"}
    data["source"] = DataSource.LOCAL
    household = household_create(user=cast.secretariat, data=data)
    assert (household.rt, household.rw) == ("016", "002")
    household = household_update(user=cast.secretariat, household=household, data={"rt": "5"})
    assert household.rt == "005"


def test_an_operator_is_told_why_the_members_nik_look_alike(client, cast, hsu):
    household = HouseholdFactory()
    PersonFactory(household=household)
    client.force_login(cast.officer_a)
    page = client.get(household.get_absolute_url()).content.decode()
    assert 'data-testid="nik-hidden-note"' in page
    client.force_login(cast.secretariat)
    assert (
        'data-testid="nik-hidden-note"'
        not in client.get(household.get_absolute_url()).content.decode()
    )


def test_the_bappeda_home_says_its_decile_table_holds_deciles_1_to_4_with_their_total(
    client, cast, hsu, settings
):
    settings.ROLE_HOME_URL_NAMES = {}  # the home page itself, not the dashboard it leads to
    for decile in (1, 2, 2, 4, 7):
        HouseholdFactory(decile=decile)
    HouseholdFactory(decile=None)
    client.force_login(cast.bappeda)
    body = client.get(reverse("home")).content.decode()
    assert "Keluarga termiskin: desil 1 sampai 4" in body
    assert "4 dari 6" in body


def test_the_export_sends_its_layout_apart_from_the_filters(client, cast, hsu):
    from tkpk.models import AuditEvent

    PersonFactory(household=HouseholdFactory(decile=1))
    client.force_login(cast.secretariat)
    url = reverse("households:export")
    response = client.post(url, {"format": "csv", "layout": "import", "decile": "1"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0].startswith("iddtks,")
    event = AuditEvent.objects.filter(action="export").latest("at")
    assert event.changes["filters"] == {"decile": "1"}
    assert event.changes["layout"] == "import"
    readable = client.post(url, {"format": "csv", "decile": "1"})
    assert b"".join(readable.streaming_content).decode("utf-8-sig").startswith("No. KK,NIK,")
    assert client.post(url, {"format": "csv", "layout": "other"}).status_code == 404
