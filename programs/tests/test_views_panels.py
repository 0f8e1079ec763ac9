"""The panel of the household page: what a family and each member receive, for each role, with a
member who moved away and a family re-keyed since its enrolment."""

import datetime as dt

import pytest
from django.urls import reverse

from households.tests.factories import HouseholdFactory, PersonFactory
from programs.choices import BeneficiaryStatus, EndReason, TargetUnit
from programs.tests.factories import BeneficiaryFactory, ProgramFactory, cluster, national
from tkpk import slots

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(cast, hsu):
    """A family of three: Dinsos's PKH pays the mother, Dinkes's PBI-JK covers the child, and
    last year's PKH ended when the family graduated."""
    household = HouseholdFactory(kk_number="6308010101200001", decile=1)
    head = PersonFactory(household=household, nik="6308010203850001", name="Budi Contoh")
    mother = PersonFactory(
        household=household, nik="6308014504870002", name="Siti Contoh", sex="P", relation=3
    )
    child = PersonFactory(household=household, nik="6308011006150003", name="Anak", relation=4)
    pkh = ProgramFactory(
        agency=cast.agency_a,
        name="PKH Daerah",
        national_program=national("PKH"),
        fiscal_year=2026,
    )
    pbi = ProgramFactory(
        agency=cast.agency_b,
        name="PBI-JK Daerah",
        national_program=national("PBI-JK"),
        target_unit=TargetUnit.PERSON,
        fiscal_year=2026,
    )
    old = ProgramFactory(agency=cast.agency_a, name="PKH Daerah", fiscal_year=2025)
    benefits = {
        "pkh": BeneficiaryFactory(program=pkh, person=mother, benefit_amount=3_000_000),
        "pbi": BeneficiaryFactory(program=pbi, person=child, benefit_amount=504_000),
        "old": BeneficiaryFactory(
            program=old,
            person=mother,
            benefit_amount=2_750_000,
            status=BeneficiaryStatus.ENDED,
            end_reason=EndReason.GRADUATED,
            ended_on=dt.date(2025, 11, 30),
        ),
    }
    return {"household": household, "head": head, "mother": mother, "child": child, **benefits}


def panel(client, user, household, **extra):
    client.force_login(user)
    return client.get(reverse("programs:household_benefits", args=[household.pk]), **extra)


def rows(response):
    return {row.beneficiary.pk: row for year in response.context["years"] for row in year.rows}


def test_the_secretariat_sees_every_benefit_with_its_amount_by_year(client, cast, family):
    response = panel(client, cast.secretariat, family["household"])
    assert response.status_code == 200
    assert [year.year for year in response.context["years"]] == [2026, 2025]
    found = rows(response)
    assert {pk: row.amount for pk, row in found.items()} == {
        family["pkh"].pk: 3_000_000,
        family["pbi"].pk: 504_000,
        family["old"].pk: 2_750_000,
    }
    assert not any(row.amount_hidden for row in found.values())
    body = response.content.decode()
    assert "Rp3.000.000" in body and "Rp504.000" in body
    assert "PKH Daerah" in body and "PBI-JK Daerah" in body


def test_an_operator_sees_another_agencys_program_but_not_its_amount(client, cast, family):
    response = panel(client, cast.officer_a, family["household"])
    assert response.status_code == 200
    found = rows(response)
    assert set(found) == {family["pkh"].pk, family["pbi"].pk, family["old"].pk}
    assert found[family["pkh"].pk].amount == 3_000_000
    pbi = found[family["pbi"].pk]
    assert (pbi.amount, pbi.amount_hidden) == (None, True)
    linked = {
        group.program.name: group.linked
        for year in response.context["years"]
        for group in year.programs
    }
    assert linked == {"PKH Daerah": True, "PBI-JK Daerah": False}
    body = response.content.decode()
    assert "PBI-JK Daerah" in body and "Rp504.000" not in body
    assert body.count('data-testid="amount-hidden"') == 1
    # The other agency's operator: the reverse.
    found = rows(panel(client, cast.officer_b, family["household"]))
    assert found[family["pbi"].pk].amount == 504_000
    assert found[family["pkh"].pk].amount is None and found[family["pkh"].pk].amount_hidden


def test_active_benefits_come_before_ended_ones_within_a_year(client, cast, family):
    ended = ProgramFactory(agency=cast.agency_a, name="AAA Bantuan Awal", fiscal_year=2026)
    BeneficiaryFactory(
        program=ended,
        person=family["head"],
        status=BeneficiaryStatus.ENDED,
        end_reason=EndReason.DECEASED,
        ended_on=dt.date(2026, 5, 1),
    )
    year = panel(client, cast.secretariat, family["household"]).context["years"][0]
    # "AAA Bantuan Awal" sorts first by name, but its benefit has ended.
    assert [group.program.name for group in year.programs] == [
        "PBI-JK Daerah",
        "PKH Daerah",
        "AAA Bantuan Awal",
    ]
    assert [row.beneficiary.status for row in year.rows] == ["aktif", "aktif", "berhenti"]
    assert year.active == 2


def test_a_program_for_people_lists_each_member_active_first(client, cast, family):
    pbi = family["pbi"].program
    BeneficiaryFactory(
        program=pbi,
        person=family["head"],
        status=BeneficiaryStatus.ENDED,
        end_reason=EndReason.MOVED,
        ended_on=dt.date(2026, 3, 1),
    )
    BeneficiaryFactory(program=pbi, person=family["mother"], benefit_amount=504_000)
    year = panel(client, cast.secretariat, family["household"]).context["years"][0]
    group = next(group for group in year.programs if group.program == pbi)
    assert [row.beneficiary.person.name for row in group.rows] == [
        "Siti Contoh",
        "Anak",
        "Budi Contoh",
    ]
    assert group.active


@pytest.mark.parametrize("member", ["bappeda", "outsider"])
def test_roles_without_the_family_page_are_refused(client, cast, family, member):
    assert panel(client, getattr(cast, member), family["household"]).status_code == 403


def test_an_unknown_family_answers_404_and_a_visitor_signs_in(client, cast, family):
    assert panel(client, cast.officer_a, HouseholdFactory.build(pk=999_999)).status_code == 404
    client.logout()
    url = reverse("programs:household_benefits", args=[family["household"].pk])
    assert client.get(url).status_code == 302


def test_a_member_who_moved_away_stays_on_the_family_page_without_the_new_kk(client, cast, family):
    new_family = HouseholdFactory(kk_number="6308010101209999", decile=5)
    child = family["child"]
    child.household = new_family
    child.save()
    # The operator: "moved to another family", not which.
    response = panel(client, cast.officer_b, family["household"])
    row = rows(response)[family["pbi"].pk]
    assert (row.moved_away, row.moved_to_kk) == (True, "")
    body = response.content.decode()
    assert 'data-testid="moved-away"' in body and "6308010101209999" not in body
    # The secretariat sees which family, and the new family's page lists the benefit too.
    row = rows(panel(client, cast.secretariat, family["household"]))[family["pbi"].pk]
    assert row.moved_to_kk == "6308010101209999"
    found = rows(panel(client, cast.officer_b, new_family))
    assert set(found) == {family["pbi"].pk}
    assert found[family["pbi"].pk].moved_in and not found[family["pbi"].pk].moved_away


def test_a_family_rekeyed_by_an_import_keeps_its_benefits(client, cast, family):
    household = family["household"]
    household.kk_number = "6308010101207777"
    household.save()
    found = rows(panel(client, cast.officer_a, household))
    assert set(found) == {family["pkh"].pk, family["pbi"].pk, family["old"].pk}
    row = found[family["pkh"].pk]
    assert (row.rekeyed, row.earlier_kk) == (True, "")
    row = rows(panel(client, cast.secretariat, household))[family["pkh"].pk]
    assert (row.rekeyed, row.earlier_kk) == (True, "6308010101200001")


def test_a_family_without_benefits_says_so(client, cast, hsu):
    household = HouseholdFactory()
    PersonFactory(household=household)
    response = panel(client, cast.officer_a, household)
    assert response.context["years"] == []
    assert 'data-testid="no-benefits"' in response.content.decode()


@pytest.mark.parametrize("extra", [0, 12])
def test_the_panel_takes_a_fixed_number_of_queries(
    client, cast, family, extra, django_assert_num_queries
):
    household = family["household"]
    for n in range(extra):
        person = PersonFactory(household=household, nik=f"63080110061500{n + 10:02d}", relation=4)
        program = ProgramFactory(
            agency=cast.agency_b if n % 2 else cast.agency_a,
            cluster=cluster(n % 4 + 1),
            target_unit=TargetUnit.PERSON,
        )
        BeneficiaryFactory(program=program, person=person, benefit_amount=100_000)
    client.force_login(cast.officer_a)
    url = reverse("programs:household_benefits", args=[household.pk])
    # Session, user, its permissions (user's and group's), its role, the family, its members'
    # ids, the benefits with their programs, agencies, clusters, people and groups.
    with django_assert_num_queries(8):
        response = client.get(url, HTTP_HX_REQUEST="true")
    assert sum(len(year.rows) for year in response.context["years"]) == 3 + extra


@pytest.fixture
def registered_panel():
    """The panel as programs' AppConfig registers it, under a key of the test's own."""
    slots.register(
        "household_detail",
        key="test-programs-benefits",
        url_name="programs:household_benefits",
        url_kwargs=lambda household: {"pk": household.pk},
        permission="programs.view_beneficiary",
        order=10,
    )
    yield
    slots.unregister("household_detail", "test-programs-benefits")


def test_the_household_page_loads_the_panel_with_htmx(client, cast, family, registered_panel):
    client.force_login(cast.officer_a)
    response = client.get(reverse("households:household_detail", args=[family["household"].pk]))
    url = reverse("programs:household_benefits", args=[family["household"].pk])
    body = response.content.decode()
    assert f'hx-get="{url}"' in body
    assert 'data-slot-panel="household_detail:test-programs-benefits"' in body
