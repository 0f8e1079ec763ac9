"""The program pages, for each role of the cast: list, detail, add, edit (with the conflict of
two edits) and the copy to the next fiscal year."""

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone

from households.tests.factories import PersonFactory
from programs.choices import BeneficiaryStatus, EndReason, ProgramStatus, TargetUnit
from programs.forms.programs import ProgramForm, RupiahField
from programs.models import Beneficiary, NationalProgram, Program
from programs.tests.factories import (
    BeneficiaryFactory,
    ProgramFactory,
    RealizationFactory,
    cluster,
    national,
)
from programs.views.programs import optional_url
from tkpk.models import Region

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year


def form_data(**changes):
    """What the program form posts, as a user types it (the pagu with dots)."""
    return {
        "name": "Bantuan Sosial Keluarga Miskin",
        "cluster": str(cluster(1).pk),
        "national_program": "",
        "fiscal_year": str(THIS_YEAR),
        "funding_source": "apbd_kab",
        "budget": "1.250.000",
        "target_quantity": "300",
        "target_unit": TargetUnit.FAMILY,
        "decile_cutoff": "4",
        "budget_code": "1.06.05.2.02.0003",
        "budget_code_name": "Fasilitasi Bantuan Sosial Kesejahteraan Keluarga",
        "status": ProgramStatus.RUNNING,
        "description": "",
        **changes,
    }


def edit_data(program, **changes):
    """What the edit form posts back for `program` as it was opened, with `changes`."""
    stored = {
        "name": program.name,
        "fiscal_year": str(program.fiscal_year),
        "budget": str(program.budget),
        "target_quantity": str(program.target_quantity),
        "budget_code": "",
        "budget_code_name": "",
        "version": str(program.version),
    }
    return form_data(**{**stored, **changes})


def shown_messages(response):
    return [(m.level, str(m)) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def program_a(cast):
    return ProgramFactory(agency=cast.agency_a, fiscal_year=THIS_YEAR, name="PKH Daerah")


@pytest.fixture
def program_b(cast):
    return ProgramFactory(agency=cast.agency_b, fiscal_year=THIS_YEAR, name="PBI Daerah")


# --- The rupiah field ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1250000", 1_250_000),
        ("1.250.000", 1_250_000),
        ("Rp1.250.000", 1_250_000),
        ("Rp 1.250.000", 1_250_000),
        (" 1 250 000 ", 1_250_000),
        ("1.250.000,00", 1_250_000),
        ("0", 0),
    ],
)
def test_an_amount_is_read_as_people_type_rupiah(typed, amount):
    assert RupiahField().clean(typed) == amount


@pytest.mark.parametrize("typed", ["1,5", "1.25", "12.5000", "-5", "1.250.000,50", "satu juta"])
def test_an_amount_that_is_not_whole_rupiah_is_refused(typed):
    with pytest.raises(ValidationError, match="1.250.000"):
        RupiahField().clean(typed)


# --- List ---------------------------------------------------------------------------------------


def listed(response):
    return {p.name for p in response.context["programs"]}


def test_an_operator_lists_their_own_agencys_programs_only(client, cast, program_a, program_b):
    client.force_login(cast.officer_a)
    response = client.get(reverse("programs:program_list"))
    assert response.status_code == 200
    assert listed(response) == {"PKH Daerah"}
    assert response.context["show_agency"] is False


@pytest.mark.parametrize("who", ["secretariat", "bappeda", "admin"])
def test_the_secretariat_bappeda_and_admin_list_every_agencys_programs(
    client, cast, program_a, program_b, who
):
    client.force_login(getattr(cast, who))
    response = client.get(reverse("programs:program_list"))
    assert listed(response) == {"PKH Daerah", "PBI Daerah"}


def test_the_list_shows_this_fiscal_year_unless_another_or_all_are_chosen(client, cast, program_a):
    ProgramFactory(agency=cast.agency_a, fiscal_year=THIS_YEAR - 1, name="PKH Lama")
    client.force_login(cast.secretariat)
    url = reverse("programs:program_list")
    assert listed(client.get(url)) == {"PKH Daerah"}
    assert listed(client.get(url, {"fiscal_year": THIS_YEAR - 1})) == {"PKH Lama"}
    assert listed(client.get(url, {"fiscal_year": ""})) == {"PKH Daerah", "PKH Lama"}


def test_a_list_row_carries_the_spending_so_far_its_share_and_active_beneficiaries(
    client, cast, hsu, program_a
):
    program_a.budget = 1_000_000
    program_a.save()
    RealizationFactory(program=program_a, quarter=1, spent=100_000)
    RealizationFactory(program=program_a, quarter=2, spent=150_000)
    BeneficiaryFactory(program=program_a, person=PersonFactory())
    BeneficiaryFactory(program=program_a, person=PersonFactory())
    BeneficiaryFactory(
        program=program_a,
        person=PersonFactory(),
        status=BeneficiaryStatus.ENDED,
        end_reason=EndReason.MOVED,
    )
    client.force_login(cast.officer_a)
    response = client.get(reverse("programs:program_list"))
    (row,) = response.context["programs"]
    assert (row.spent_total, row.spent_share, row.active_beneficiaries) == (250_000, 25.0, 2)
    body = response.content.decode()
    assert "Rp250.000" in body and "25,0 %" in body and "Rp1.000.000" in body


def test_an_htmx_request_gets_only_the_table(client, cast, program_a):
    client.force_login(cast.officer_a)
    response = client.get(reverse("programs:program_list"), headers={"HX-Request": "true"})
    assert [t.name for t in response.templates][0] == "programs/_program_table.html"
    assert 'id="program-filters"' not in response.content.decode()


@pytest.mark.parametrize("rows", [2, 20])
def test_the_list_takes_a_fixed_number_of_queries(
    client, cast, hsu, rows, django_assert_num_queries
):
    for n in range(rows):
        program = ProgramFactory(
            agency=cast.agency_a if n % 2 else cast.agency_b,
            fiscal_year=THIS_YEAR,
            national_program=national("PKH"),
        )
        RealizationFactory(program=program, quarter=1, spent=1_000)
        BeneficiaryFactory(program=program, person=PersonFactory())
    client.force_login(cast.secretariat)
    url = reverse("programs:program_list")
    client.get(url)  # warms the per-process caches (content types)
    with django_assert_num_queries(13):
        response = client.get(url)
    assert len(response.context["programs"]) == rows


def test_an_outsider_cannot_open_the_program_pages(client, cast, program_a):
    client.force_login(cast.outsider)
    assert client.get(reverse("programs:program_list")).status_code == 403
    assert client.get(program_a.get_absolute_url()).status_code == 403
    assert client.get(reverse("programs:program_add")).status_code == 403
    assert client.get(reverse("programs:program_edit", args=[program_a.pk])).status_code == 403
    assert client.post(reverse("programs:program_copy", args=[program_a.pk])).status_code == 403


def test_a_visitor_who_is_not_signed_in_is_sent_to_the_login(client, program_a):
    response = client.get(reverse("programs:program_list"))
    assert response.status_code == 302
    assert response.url.startswith(resolve_url(settings.LOGIN_URL))


# --- Detail -------------------------------------------------------------------------------------


def test_an_operator_cannot_open_another_agencys_program(client, cast, program_b):
    client.force_login(cast.officer_a)
    assert client.get(program_b.get_absolute_url()).status_code == 404


def test_the_program_page_shows_its_fields_quarters_and_beneficiaries(client, cast, hsu, program_a):
    program_a.budget = 1_000_000
    program_a.target_quantity = 200
    program_a.national_program = national("PKH")
    program_a.budget_code = "1.06.05.2.02.0003"
    program_a.budget_code_name = "Fasilitasi Bantuan Sosial"
    program_a.save()
    program_a.locations.set([Region.objects.get(code="63.08.01.2003")])
    RealizationFactory(program=program_a, quarter=1, spent=100_000, reached=50)
    RealizationFactory(program=program_a, quarter=2, spent=300_000, reached=120)
    BeneficiaryFactory(program=program_a, person=PersonFactory())
    client.force_login(cast.officer_a)
    response = client.get(program_a.get_absolute_url())
    assert response.status_code == 200
    table = response.context["quarters"]
    assert [r.cumulative_spent for r in table.rows] == [100_000, 400_000, 400_000, 400_000]
    assert table.rows[1].cumulative_share == 40.0 and table.rows[1].reached_share == 60.0
    assert table.remaining == 600_000 and table.next_to_write == 1
    assert response.context["active_beneficiaries"] == 1
    body = response.content.decode()
    assert "1.06.05.2.02.0003" in body and "Fasilitasi Bantuan Sosial" in body
    assert "Program Keluarga Harapan" in body and "Danau Panggang" in body
    assert 'data-testid="program-edit"' in body and 'data-testid="program-copy-form"' in body
    assert reverse("programs:realization_edit", args=[program_a.pk, 3]) in body


@pytest.mark.parametrize("rows", [1, 4])
def test_the_program_page_takes_a_fixed_number_of_queries(
    client, cast, hsu, rows, django_assert_num_queries
):
    program = ProgramFactory(agency=cast.agency_a, fiscal_year=THIS_YEAR)
    program.locations.set(Region.objects.filter(level=4)[: rows * 3])
    for quarter in range(1, rows + 1):
        RealizationFactory(program=program, quarter=quarter, spent=1_000)
        BeneficiaryFactory(program=program, person=PersonFactory())
    client.force_login(cast.officer_a)
    url = program.get_absolute_url()
    client.get(url)  # warms the per-process caches (content types)
    # Without panels in the program_detail slot (the apps that fill it count their own).
    with django_assert_num_queries(11):
        response = client.get(url)
    assert len(response.context["locations"]) == rows * 3


def test_the_program_page_offers_bappeda_figures_and_no_buttons(client, cast, program_a):
    client.force_login(cast.bappeda)
    response = client.get(program_a.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="program-edit"' not in body
    assert 'data-testid="program-copy-form"' not in body
    assert 'data-testid="report-write"' not in body
    # Bappeda reads no beneficiary's name: no link to the list of them.
    assert response.context["beneficiary_url"] is None


def test_the_beneficiary_link_appears_only_where_its_page_exists(client, cast, program_a):
    assert optional_url("programs:no_such_page", pk=1) is None
    client.force_login(cast.officer_a)
    response = client.get(program_a.get_absolute_url())
    assert response.context["beneficiary_url"] == optional_url(
        "programs:beneficiary_list", pk=program_a.pk
    )


# --- Add ----------------------------------------------------------------------------------------


def test_an_operator_enters_a_program_of_their_agency_with_a_dotted_pagu(client, cast, hsu):
    district = Region.objects.get(code="63.08.01")
    village = Region.objects.get(code="63.08.02.2001")
    client.force_login(cast.officer_a)
    page = client.get(reverse("programs:program_add"))
    assert "agency" not in page.context["form"].fields
    response = client.post(
        reverse("programs:program_add"),
        form_data(national_program=str(national("PKH").pk), locations=[district.pk, village.pk]),
    )
    program = Program.objects.get(name="Bantuan Sosial Keluarga Miskin")
    assert response.status_code == 302 and response.url == program.get_absolute_url()
    assert program.agency == cast.agency_a and program.budget == 1_250_000
    assert program.national_program.code == "PKH" and program.decile_cutoff == 4
    assert set(program.locations.all()) == {district, village}
    assert shown_messages(response)[0][0] == messages.SUCCESS


def test_admin_chooses_the_agency_of_a_program(client, cast):
    client.force_login(cast.admin)
    assert "agency" in client.get(reverse("programs:program_add")).context["form"].fields
    response = client.post(reverse("programs:program_add"), form_data())
    assert response.status_code == 400
    assert "agency" in response.context["form"].errors
    response = client.post(reverse("programs:program_add"), form_data(agency=cast.agency_b.pk))
    assert response.status_code == 302
    assert Program.objects.get().agency == cast.agency_b


@pytest.mark.parametrize("who", ["bappeda", "secretariat"])
def test_bappeda_and_the_secretariat_enter_no_program(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get(reverse("programs:program_add")).status_code == 403
    assert client.post(reverse("programs:program_add"), form_data()).status_code == 403
    assert not Program.objects.exists()


def test_a_budget_code_with_the_wrong_sub_activity_digits_is_shown_on_its_field(client, cast):
    client.force_login(cast.officer_a)
    response = client.post(
        reverse("programs:program_add"), form_data(budget_code="1.06.05.2.02.03")
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["budget_code"]
    assert not Program.objects.exists()


def test_a_budget_code_of_the_wrong_shape_is_shown_on_its_field(client, cast):
    client.force_login(cast.officer_a)
    response = client.post(reverse("programs:program_add"), form_data(budget_code="1.6.5"))
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["budget_code"]


def test_a_national_program_of_another_cluster_is_shown_on_its_field(client, cast):
    client.force_login(cast.officer_a)
    response = client.post(
        reverse("programs:program_add"),
        form_data(cluster=str(cluster(3).pk), national_program=str(national("PKH").pk)),
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["national_program"]


def test_a_pagu_that_is_not_whole_rupiah_is_refused(client, cast):
    client.force_login(cast.officer_a)
    response = client.post(reverse("programs:program_add"), form_data(budget="1,5 juta"))
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["budget"]


def test_the_national_programs_offered_are_the_active_ones_grouped_by_cluster(cast):
    NationalProgram.objects.filter(code="UMI").update(is_active=False)
    form = ProgramForm(user=cast.officer_a)
    groups = dict(form.fields["national_program"].choices[1:])
    labels = {label for options in groups.values() for _, label in options}
    assert "Klaster 1" in groups and "Klaster 3" in groups
    assert "PKH — Program Keluarga Harapan" in {label for _, label in groups["Klaster 1"]}
    assert not any(label.startswith("UMI") for label in labels)
    assert '<optgroup label="Klaster 3">' in str(form["national_program"])


def test_the_locations_offered_are_the_home_regions_districts_and_villages(cast, hsu):
    form = ProgramForm(user=cast.officer_a)
    locations = form.fields["locations"]
    assert locations.queryset.count() == 10 + 219
    labels = [label for _, label in locations.choices]
    assert any(label.endswith("— Danau Panggang") for label in labels)


# --- Edit ---------------------------------------------------------------------------------------


def test_an_operator_edits_their_programs_pagu_and_locations(client, cast, hsu, program_a):
    village = Region.objects.get(code="63.08.01.2003")
    client.force_login(cast.officer_a)
    page = client.get(reverse("programs:program_edit", args=[program_a.pk]))
    assert page.context["form"]["budget"].value() == 1_000_000_000
    assert 'value="1.000.000.000"' in page.content.decode()
    response = client.post(
        reverse("programs:program_edit", args=[program_a.pk]),
        edit_data(program_a, budget="2.500.000.000", locations=[village.pk]),
    )
    assert response.status_code == 302
    program_a.refresh_from_db()
    assert program_a.budget == 2_500_000_000 and program_a.version == 2
    assert list(program_a.locations.all()) == [village]


def test_an_operator_cannot_edit_another_agencys_program(client, cast, program_b):
    client.force_login(cast.officer_a)
    url = reverse("programs:program_edit", args=[program_b.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, edit_data(program_b, name="Diambil")).status_code == 404
    program_b.refresh_from_db()
    assert program_b.name == "PBI Daerah"


@pytest.mark.parametrize("who", ["bappeda", "secretariat"])
def test_bappeda_and_the_secretariat_edit_no_program(client, cast, program_a, who):
    client.force_login(getattr(cast, who))
    url = reverse("programs:program_edit", args=[program_a.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, edit_data(program_a, name="Diubah")).status_code == 403


def test_two_edits_from_one_version_the_second_sees_the_saved_values(client, cast, program_a):
    client.force_login(cast.officer_a)
    url = reverse("programs:program_edit", args=[program_a.pk])
    first = client.post(url, edit_data(program_a, budget="2.000.000.000"))
    assert first.status_code == 302
    second = client.post(url, edit_data(program_a, budget="3.000.000.000", target_quantity="700"))
    assert second.status_code == 409
    rows = {row["name"]: row["saved"] for row in second.context["conflict_rows"]}
    assert rows == {"budget": "2.000.000.000", "target_quantity": "500"}
    assert second.context["form"]["version"].value() == "2"
    assert 'data-testid="saved-value"' in second.content.decode()
    program_a.refresh_from_db()
    assert program_a.budget == 2_000_000_000
    # Saving again from the version now shown keeps the second user's values.
    third = client.post(url, {**second.context["form"].data.dict()})
    assert third.status_code == 302
    program_a.refresh_from_db()
    assert (program_a.budget, program_a.target_quantity) == (3_000_000_000, 700)


# --- Copy ---------------------------------------------------------------------------------------


def test_an_operator_copies_a_program_to_next_year_with_its_beneficiaries(
    client, cast, hsu, program_a
):
    BeneficiaryFactory(program=program_a, person=PersonFactory())
    client.force_login(cast.officer_a)
    url = reverse("programs:program_copy", args=[program_a.pk])
    response = client.post(url, {"with_beneficiaries": "on"})
    copy = Program.objects.get(fiscal_year=THIS_YEAR + 1)
    assert response.status_code == 302 and response.url == copy.get_absolute_url()
    assert copy.copied_from == program_a and copy.status == ProgramStatus.PLANNED
    assert Beneficiary.objects.filter(program=copy).count() == 1
    assert shown_messages(response)[0][0] == messages.SUCCESS
    again = client.post(url)
    assert again.status_code == 302 and again.url == program_a.get_absolute_url()
    assert shown_messages(again)[-1][0] == messages.ERROR
    assert Program.objects.filter(fiscal_year=THIS_YEAR + 1).count() == 1


def test_a_copy_without_the_box_ticked_takes_no_beneficiaries(client, cast, hsu, program_a):
    BeneficiaryFactory(program=program_a, person=PersonFactory())
    client.force_login(cast.officer_a)
    client.post(reverse("programs:program_copy", args=[program_a.pk]))
    assert not Beneficiary.objects.filter(program__fiscal_year=THIS_YEAR + 1).exists()


def test_nobody_copies_another_agencys_program_and_bappeda_copies_none(
    client, cast, program_a, program_b
):
    client.force_login(cast.officer_a)
    assert client.post(reverse("programs:program_copy", args=[program_b.pk])).status_code == 404
    client.force_login(cast.bappeda)
    assert client.post(reverse("programs:program_copy", args=[program_a.pk])).status_code == 403
    assert client.get(reverse("programs:program_copy", args=[program_a.pk])).status_code in (
        403,
        405,
    )
    assert Program.objects.count() == 2
