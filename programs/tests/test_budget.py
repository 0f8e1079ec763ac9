"""The budget summary against hand-built programs and quarterly reports: per cluster, per agency
and per program, the page, the printable sheet and the XLSX file, for each role."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from households.tests.factories import HouseholdFactory, PersonFactory
from programs.choices import BeneficiaryStatus, EndReason, RealizationStatus, TargetUnit
from programs.selectors.budget import budget_summary
from programs.services.budget import group_headers, program_headers
from programs.tests.factories import (
    BeneficiaryFactory,
    ProgramFactory,
    RealizationFactory,
    cluster,
)
from tkpk.models import AuditEvent

pytestmark = pytest.mark.django_db

M = 1_000_000
YEAR = timezone.localdate().year


def report(program, quarter, spent, status):
    return RealizationFactory(program=program, quarter=quarter, spent=spent, status=status)


@pytest.fixture
def budget(cast, hsu):
    """Three programs this year and one last year, with reports in every status.

    - A (Dinsos, cluster 1): pagu 1,000 M, target 500 KK; Q1 100 M verified, Q2 150 M
      submitted, Q3 50 M draft; two active beneficiaries and one ended.
    - B (Dinkes, cluster 1): pagu 500 M, target 0; Q1 200 M returned, Q2 50 M verified; nobody
      enrolled.
    - C (Dinsos, cluster 3): pagu 300 M, target 30 businesses; Q1 30 M verified; one active.
    - D (Dinkes, cluster 2, last year): pagu 900 M, Q1 900 M verified.
    """
    a = ProgramFactory(agency=cast.agency_a, name="A PKH Daerah", fiscal_year=YEAR, budget=1000 * M)
    b = ProgramFactory(
        agency=cast.agency_b,
        name="B PBI Daerah",
        fiscal_year=YEAR,
        budget=500 * M,
        target_quantity=0,
        target_unit=TargetUnit.PERSON,
    )
    c = ProgramFactory(
        agency=cast.agency_a,
        name="C Usaha Mikro",
        cluster=cluster(3),
        fiscal_year=YEAR,
        budget=300 * M,
        target_quantity=30,
        target_unit=TargetUnit.BUSINESS,
    )
    d = ProgramFactory(
        agency=cast.agency_b, cluster=cluster(2), fiscal_year=YEAR - 1, budget=900 * M
    )
    report(a, 1, 100 * M, RealizationStatus.VERIFIED)
    report(a, 2, 150 * M, RealizationStatus.SUBMITTED)
    report(a, 3, 50 * M, RealizationStatus.DRAFT)
    report(b, 1, 200 * M, RealizationStatus.RETURNED)
    report(b, 2, 50 * M, RealizationStatus.VERIFIED)
    report(c, 1, 30 * M, RealizationStatus.VERIFIED)
    report(d, 1, 900 * M, RealizationStatus.VERIFIED)
    people = [
        PersonFactory(household=HouseholdFactory(), nik=f"63080101038500{n:02d}")
        for n in range(1, 5)
    ]
    BeneficiaryFactory(program=a, person=people[0])
    BeneficiaryFactory(program=a, person=people[1])
    BeneficiaryFactory(
        program=a,
        person=people[2],
        status=BeneficiaryStatus.ENDED,
        end_reason=EndReason.GRADUATED,
    )
    BeneficiaryFactory(program=c, person=people[3])
    BeneficiaryFactory(program=d, person=people[3])
    return {"a": a, "b": b, "c": c, "d": d}


def figures(row):
    return (row.budget, row.quarters, row.reported, row.verified, row.programs)


def test_the_figures_per_cluster_agency_and_program(cast, budget):
    summary = budget_summary(user=cast.secretariat)
    assert summary.year == YEAR
    assert [(row.key.number, figures(row)) for row in summary.clusters] == [
        (1, (1500 * M, [100 * M, 200 * M, 0, 0], 300 * M, 150 * M, 2)),
        (3, (300 * M, [30 * M, 0, 0, 0], 30 * M, 30 * M, 1)),
    ]
    assert [(row.key, figures(row)) for row in summary.agencies] == [
        (cast.agency_b, (500 * M, [0, 50 * M, 0, 0], 50 * M, 50 * M, 1)),
        (cast.agency_a, (1300 * M, [130 * M, 150 * M, 0, 0], 280 * M, 130 * M, 2)),
    ]
    assert figures(summary.total) == (1800 * M, [130 * M, 200 * M, 0, 0], 330 * M, 180 * M, 3)
    assert (summary.clusters[0].reported_share, summary.clusters[0].verified_share) == (20, 10)
    by_program = {row.program: row for row in summary.programs}
    assert set(by_program) == {budget["a"], budget["b"], budget["c"]}
    a, b, c = by_program[budget["a"]], by_program[budget["b"]], by_program[budget["c"]]
    assert (a.active_beneficiaries, a.cost_per_beneficiary, a.budget_per_target) == (
        2,
        125 * M,
        2 * M,
    )
    assert (b.active_beneficiaries, b.cost_per_beneficiary, b.budget_per_target) == (0, None, None)
    assert (c.active_beneficiaries, c.cost_per_beneficiary, c.budget_per_target) == (
        1,
        30 * M,
        10 * M,
    )


def test_a_cluster_an_agency_and_another_year_filter_the_figures(cast, budget):
    summary = budget_summary(user=cast.secretariat, cluster=cluster(1), agency=cast.agency_a)
    assert [row.program for row in summary.programs] == [budget["a"]]
    assert figures(summary.total) == (1000 * M, [100 * M, 150 * M, 0, 0], 250 * M, 100 * M, 1)
    last_year = budget_summary(user=cast.bappeda, year=YEAR - 1)
    assert [row.program for row in last_year.programs] == [budget["d"]]
    assert last_year.total.verified_share == 100


def test_an_operator_gets_its_own_agencys_figures_only(cast, budget):
    summary = budget_summary(user=cast.officer_a)
    assert {row.program for row in summary.programs} == {budget["a"], budget["c"]}
    assert summary.scoped_to == cast.agency_a
    assert budget_summary(user=cast.officer_a, agency=cast.agency_b).programs == []
    assert budget_summary(user=cast.outsider).programs == []


@pytest.mark.parametrize(
    ("member", "status"),
    [
        ("admin", 200),
        ("secretariat", 200),
        ("bappeda", 200),
        ("officer_a", 200),
        ("outsider", 403),
    ],
)
def test_who_may_open_the_budget_and_its_printable_sheet(client, cast, budget, member, status):
    client.force_login(getattr(cast, member))
    assert client.get(reverse("programs:budget")).status_code == status
    assert client.get(reverse("programs:budget_print")).status_code == status


def test_a_visitor_is_sent_to_sign_in(client, budget):
    assert client.get(reverse("programs:budget")).status_code == 302
    assert client.post(reverse("programs:budget_export")).status_code == 302


def test_the_page_shows_the_figures_and_a_dash_without_beneficiaries(client, cast, budget):
    client.force_login(cast.bappeda)
    response = client.get(reverse("programs:budget"))
    assert response.context["summary"].year == YEAR
    assert response.context["form"]["fiscal_year"].value() == str(YEAR)
    body = response.content.decode()
    assert 'data-testid="cluster-row" data-cluster="1"' in body
    assert ">1.500.000.000<" in body  # cluster 1's pagu, in Rupiah
    assert "20,0 %" in body  # its reported share
    row = body.split(f'data-program="{budget["b"].pk}"')[1].split("</tr>")[0]
    cost = row.split('data-testid="cost-per-beneficiary">')[1].split("<")[0]
    assert cost == "—"


def test_an_operator_cannot_choose_another_agency(client, cast, budget):
    client.force_login(cast.officer_a)
    response = client.get(reverse("programs:budget"), {"agency": cast.agency_b.pk})
    assert "agency" not in response.context["form"].fields
    assert {row.program for row in response.context["summary"].programs} == {
        budget["a"],
        budget["c"],
    }
    assert 'data-testid="own-agency-only"' in response.content.decode()


def test_a_filter_change_gets_only_the_figures(client, cast, budget):
    client.force_login(cast.secretariat)
    response = client.get(
        reverse("programs:budget"), {"cluster": cluster(3).pk}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "<html" not in body and 'id="budget-figures"' in body
    assert [row.program for row in response.context["summary"].programs] == [budget["c"]]


def test_an_invalid_filter_is_shown_and_left_out(client, cast, budget):
    client.force_login(cast.secretariat)
    response = client.get(reverse("programs:budget"), {"cluster": "999"})
    assert response.context["form"].errors["cluster"]
    assert len(response.context["summary"].programs) == 3


@pytest.mark.parametrize("extra", [0, 12])
def test_the_page_takes_a_fixed_number_of_queries(
    client, cast, budget, extra, django_assert_num_queries
):
    for n in range(extra):
        program = ProgramFactory(
            agency=cast.agency_a if n % 2 else cast.agency_b,
            cluster=cluster(n % 4 + 1),
            fiscal_year=YEAR,
        )
        report(program, 1, M, RealizationStatus.VERIFIED)
    client.force_login(cast.secretariat)
    url = reverse("programs:budget")
    # Session, user, permissions (user's, group's), role; the years; the programs with their
    # quarters; the active beneficiaries per program; the layout's (the menu's badge, the user's
    # agency); the clusters and agencies of the filters.
    with django_assert_num_queries(12):
        response = client.get(url)
    assert len(response.context["summary"].programs) == 3 + extra


def test_the_printable_sheet_has_the_title_the_year_and_the_date(client, cast, budget):
    client.force_login(cast.bappeda)
    response = client.get(reverse("programs:budget_print"), {"fiscal_year": YEAR - 1})
    body = response.content.decode()
    assert 'data-testid="printable-budget"' in body
    assert "programs/budget_print.css" in body  # @page: A4 landscape
    assert response.context["title"].endswith(str(YEAR - 1))
    assert response.context["title"] in body
    assert [row.program for row in response.context["summary"].programs] == [budget["d"]]
    assert response.context["printed_at"].date() == timezone.localdate()
    assert timezone.localdate().strftime("%Y") in body.split('data-testid="printed-at"')[1]


def export(client, user, **data):
    client.force_login(user)
    return client.post(reverse("programs:budget_export"), data)


def test_the_xlsx_has_a_title_indonesian_headers_and_rupiah_as_numbers(client, cast, budget):
    response = export(client, cast.bappeda, fiscal_year=YEAR)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'anggaran-program-{YEAR}.xlsx"')
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    clusters, agencies, programs = workbook.worksheets
    with translation.override("id"):
        expected_group = group_headers(str(translation.gettext("Cluster")))
        expected_programs = program_headers()
        title = translation.gettext(
            "Budget of the poverty-reduction programs, fiscal year %(year)s"
        ) % {"year": YEAR}
    assert clusters["A1"].value == title
    assert [c.value for c in clusters[4]] == expected_group
    assert [c.value for c in programs[4]][: len(expected_programs)] == expected_programs
    pagu = clusters["C5"]
    assert (pagu.value, pagu.number_format) == (1500 * M, "#,##0")
    assert clusters["A5"].value.startswith("Klaster 1")
    total = [c.value for c in clusters[7]]
    assert total[1:3] == [3, 1800 * M]
    by_name = {row[0].value: row for row in programs.iter_rows(min_row=5)}
    assert by_name["B PBI Daerah"][-2].value == "—"  # no beneficiaries: no cost per beneficiary
    assert by_name["A PKH Daerah"][-2].value == 125 * M
    assert agencies.max_row == 4 + 2 + 1


def test_the_export_is_audited_and_text_is_formula_safe(client, cast, budget):
    budget["a"].name = "=HYPERLINK(1)"
    budget["a"].save()
    response = export(client, cast.secretariat, fiscal_year=YEAR, cluster=cluster(1).pk)
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    names = [row[0].value for row in workbook.worksheets[2].iter_rows(min_row=5)]
    assert "'=HYPERLINK(1)" in names
    event = AuditEvent.objects.get(action="export")
    assert event.actor == cast.secretariat
    assert event.changes["fiscal_year"] == YEAR and event.changes["cluster"] == 1
    assert event.changes["programs"] == 2


def test_an_outsider_cannot_export_and_nothing_is_audited(client, cast, budget):
    assert export(client, cast.outsider).status_code == 403
    client.force_login(cast.secretariat)
    assert client.get(reverse("programs:budget_export")).status_code == 405
    assert not AuditEvent.objects.filter(action="export").exists()
