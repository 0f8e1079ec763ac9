"""The quarterly report pages for each role: the agency writes a quarter as a draft, submits
it, the coordinator verifies or returns it; the queue of reports; the home page panels."""

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from programs.choices import ProgramStatus, RealizationStatus
from programs.models import Realization
from programs.selectors.programs import current_quarter, home_figures
from programs.tests.factories import ProgramFactory, RealizationFactory, cluster
from tkpk import slots
from tkpk.roles import ADMIN, BAPPEDA, OPERATOR, SECRETARIAT
from tkpk.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year


def quarter_url(program, quarter=1, action=""):
    name = {"": "realization_edit", "verify": "realization_verify", "return": "realization_return"}
    return reverse(f"programs:{name[action]}", args=[program.pk, quarter])


def report_data(**changes):
    return {
        "spent": "125.000.000",
        "reached": "120",
        "physical_progress": "30",
        "note": "Penyaluran tahap I",
        "action": "draft",
        **changes,
    }


def levels(response):
    return [m.level for m in get_messages(response.wsgi_request)]


@pytest.fixture
def program_a(cast):
    return ProgramFactory(
        agency=cast.agency_a, fiscal_year=THIS_YEAR, name="PKH Daerah", budget=500_000_000
    )


@pytest.fixture
def program_b(cast):
    return ProgramFactory(agency=cast.agency_b, fiscal_year=THIS_YEAR, name="PBI Daerah")


# --- The agency's report ------------------------------------------------------------------------


def test_a_quarter_without_a_report_starts_with_an_empty_form(client, cast, program_a):
    RealizationFactory(program=program_a, quarter=1, spent=100_000_000)
    client.force_login(cast.officer_a)
    response = client.get(quarter_url(program_a, 2))
    assert response.status_code == 200
    context = response.context
    assert context["realization"] is None and context["editable"] is True
    assert context["form"]["spent"].value() is None
    assert (context["budget"], context["others_spent"], context["available"]) == (
        500_000_000,
        100_000_000,
        400_000_000,
    )
    assert 'data-testid="report-available">Rp400.000.000' in response.content.decode()


def test_a_quarter_is_saved_as_draft_submitted_verified_and_returned(client, cast, program_a):
    client.force_login(cast.officer_a)
    url = quarter_url(program_a, 1)
    response = client.post(url, report_data())
    assert response.status_code == 302 and response.url == url
    report = Realization.objects.get(program=program_a, quarter=1)
    assert (report.status, report.spent, report.reached) == (
        RealizationStatus.DRAFT,
        125_000_000,
        120,
    )
    assert levels(response) == [messages.SUCCESS]

    response = client.post(
        url, report_data(spent="130.000.000", action="submit", version=report.version)
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == RealizationStatus.SUBMITTED and report.spent == 130_000_000
    page = client.get(url)
    assert page.context["editable"] is False and "form" not in page.context
    assert "verify_form" not in page.context
    assert 'data-testid="report-values"' in page.content.decode()

    client.force_login(cast.secretariat)
    page = client.get(url)
    assert "verify_form" in page.context and "return_form" in page.context
    response = client.post(quarter_url(program_a, 1, "verify"), {"verify-comment": "Sesuai."})
    assert response.status_code == 302 and response.url == url
    report.refresh_from_db()
    assert report.status == RealizationStatus.VERIFIED and report.verified_by == cast.secretariat
    assert report.verification_comment == "Sesuai."

    response = client.post(
        quarter_url(program_a, 1, "return"), {"return-comment": "Lampirkan bukti transfer."}
    )
    report.refresh_from_db()
    assert report.status == RealizationStatus.RETURNED
    client.force_login(cast.officer_a)
    page = client.get(url)
    assert page.context["editable"] is True
    assert "Lampirkan bukti transfer." in page.content.decode()


def test_a_submitted_report_is_not_changed_by_the_agency(client, cast, program_a):
    report = RealizationFactory(
        program=program_a, quarter=1, spent=100, status=RealizationStatus.SUBMITTED
    )
    client.force_login(cast.officer_a)
    response = client.post(quarter_url(program_a, 1), report_data(version=report.version))
    assert response.status_code == 302 and response.url == quarter_url(program_a, 1)
    assert levels(response) == [messages.ERROR]
    report.refresh_from_db()
    assert report.spent == 100 and report.status == RealizationStatus.SUBMITTED


def test_the_quarters_together_spend_no_more_than_the_pagu(client, cast, program_a):
    RealizationFactory(program=program_a, quarter=1, spent=400_000_000)
    client.force_login(cast.officer_a)
    response = client.post(quarter_url(program_a, 2), report_data(spent="100.000.001"))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["spent"]
    assert "Rp400.000.000" in errors["spent"][0] and "Rp500.000.000" in errors["spent"][0]
    assert not Realization.objects.filter(quarter=2).exists()
    response = client.post(quarter_url(program_a, 2), report_data(spent="100.000.000"))
    assert response.status_code == 302


def test_a_physical_progress_above_100_percent_is_refused(client, cast, program_a):
    client.force_login(cast.officer_a)
    response = client.post(quarter_url(program_a, 1), report_data(physical_progress="120"))
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["physical_progress"]


def test_two_saves_from_one_version_the_second_sees_the_saved_values(client, cast, program_a):
    report = RealizationFactory(program=program_a, quarter=1, spent=100_000, reached=10)
    client.force_login(cast.officer_a)
    url = quarter_url(program_a, 1)
    first = client.post(url, report_data(spent="200.000", reached="10", version=report.version))
    assert first.status_code == 302
    second = client.post(url, report_data(spent="300.000", reached="10", version=report.version))
    assert second.status_code == 409
    rows = {row["name"]: row["saved"] for row in second.context["conflict_rows"]}
    assert rows["spent"] == "200.000" and "reached" not in rows
    assert second.context["realization"].spent == 200_000
    assert 'data-testid="saved-value"' in second.content.decode()
    report.refresh_from_db()
    assert report.spent == 200_000


def test_a_quarter_that_does_not_exist_answers_404(client, cast, program_a):
    client.force_login(cast.officer_a)
    assert client.get(quarter_url(program_a, 5)).status_code == 404
    assert client.post(quarter_url(program_a, 0), report_data()).status_code == 404


def test_an_operator_cannot_reach_another_agencys_quarter(client, cast, program_b):
    RealizationFactory(program=program_b, quarter=1, status=RealizationStatus.SUBMITTED)
    client.force_login(cast.officer_a)
    assert client.get(quarter_url(program_b, 1)).status_code == 404
    assert client.post(quarter_url(program_b, 2), report_data()).status_code == 404
    assert not Realization.objects.filter(quarter=2).exists()


def test_bappeda_reads_a_report_and_writes_or_verifies_none(client, cast, program_a):
    RealizationFactory(program=program_a, quarter=1, status=RealizationStatus.SUBMITTED)
    client.force_login(cast.bappeda)
    page = client.get(quarter_url(program_a, 1))
    assert page.status_code == 200 and page.context["editable"] is False
    assert "verify_form" not in page.context
    assert client.post(quarter_url(program_a, 2), report_data()).status_code == 403
    assert client.post(quarter_url(program_a, 1, "verify"), {}).status_code == 403
    assert (
        client.post(quarter_url(program_a, 1, "return"), {"return-comment": "x"}).status_code == 403
    )
    assert Realization.objects.get().status == RealizationStatus.SUBMITTED


def test_the_secretariat_reads_a_quarter_but_does_not_write_it(client, cast, program_a):
    client.force_login(cast.secretariat)
    page = client.get(quarter_url(program_a, 1))
    assert page.status_code == 200 and page.context["editable"] is False
    assert client.post(quarter_url(program_a, 1), report_data()).status_code == 403


def test_an_outsider_reaches_no_report_page(client, cast, program_a):
    client.force_login(cast.outsider)
    assert client.get(quarter_url(program_a, 1)).status_code == 403
    assert client.post(quarter_url(program_a, 1), report_data()).status_code == 403
    assert client.get(reverse("programs:realization_list")).status_code == 403


# --- The coordinator's decision -----------------------------------------------------------------


def test_a_return_without_a_comment_is_refused_on_the_comment(client, cast, program_a):
    RealizationFactory(program=program_a, quarter=1, status=RealizationStatus.SUBMITTED)
    client.force_login(cast.secretariat)
    response = client.post(quarter_url(program_a, 1, "return"), {"return-comment": "  "})
    assert response.status_code == 400
    assert list(response.context["return_form"].errors) == ["comment"]
    assert Realization.objects.get().status == RealizationStatus.SUBMITTED


def test_a_draft_cannot_be_verified(client, cast, program_a):
    RealizationFactory(program=program_a, quarter=1, status=RealizationStatus.DRAFT)
    client.force_login(cast.secretariat)
    page = client.get(quarter_url(program_a, 1))
    assert "verify_form" not in page.context and "return_form" not in page.context
    response = client.post(quarter_url(program_a, 1, "verify"), {})
    assert response.status_code == 302 and levels(response) == [messages.ERROR]
    assert Realization.objects.get().status == RealizationStatus.DRAFT


def test_a_quarter_without_a_report_has_nothing_to_verify(client, cast, program_a):
    client.force_login(cast.secretariat)
    assert client.post(quarter_url(program_a, 1, "verify"), {}).status_code == 404


def test_an_operator_verifies_no_report(client, cast, program_a):
    RealizationFactory(program=program_a, quarter=1, status=RealizationStatus.SUBMITTED)
    client.force_login(cast.officer_a)
    assert client.post(quarter_url(program_a, 1, "verify"), {}).status_code == 403


def test_a_cluster_with_coordinators_is_verified_by_them_not_the_secretariat(
    client, cast, program_a
):
    coordinator = UserFactory(username="koordinator1", role=SECRETARIAT)
    cluster(1).coordinators.add(coordinator)
    RealizationFactory(program=program_a, quarter=1, status=RealizationStatus.SUBMITTED)
    client.force_login(cast.secretariat)
    assert "verify_form" not in client.get(quarter_url(program_a, 1)).context
    assert client.post(quarter_url(program_a, 1, "verify"), {}).status_code == 403
    client.force_login(coordinator)
    assert client.post(quarter_url(program_a, 1, "verify"), {}).status_code == 302
    assert Realization.objects.get().status == RealizationStatus.VERIFIED


# --- The queue ----------------------------------------------------------------------------------


def queued(response):
    return {(r.program.name, r.quarter) for r in response.context["reports"]}


def test_the_queue_shows_the_secretariat_the_reports_awaiting_verification(
    client, cast, program_a, program_b
):
    RealizationFactory(program=program_a, quarter=1, status=RealizationStatus.SUBMITTED)
    RealizationFactory(program=program_a, quarter=2, status=RealizationStatus.DRAFT)
    RealizationFactory(program=program_b, quarter=1, status=RealizationStatus.SUBMITTED)
    client.force_login(cast.secretariat)
    url = reverse("programs:realization_list")
    assert queued(client.get(url)) == {("PKH Daerah", 1), ("PBI Daerah", 1)}
    assert len(queued(client.get(url, {"status": ""}))) == 3
    assert queued(client.get(url, {"agency": cast.agency_b.pk})) == {("PBI Daerah", 1)}


def test_the_queue_shows_an_operator_their_agencys_reports_of_every_status(
    client, cast, program_a, program_b
):
    RealizationFactory(program=program_a, quarter=1, status=RealizationStatus.RETURNED)
    RealizationFactory(program=program_a, quarter=2, status=RealizationStatus.DRAFT)
    RealizationFactory(program=program_b, quarter=1, status=RealizationStatus.SUBMITTED)
    client.force_login(cast.officer_a)
    response = client.get(reverse("programs:realization_list"))
    assert queued(response) == {("PKH Daerah", 1), ("PKH Daerah", 2)}
    assert response.context["show_agency"] is False


@pytest.mark.parametrize("rows", [2, 20])
def test_the_queue_takes_a_fixed_number_of_queries(client, cast, rows, django_assert_num_queries):
    for n in range(rows):
        program = ProgramFactory(agency=cast.agency_a if n % 2 else cast.agency_b)
        RealizationFactory(program=program, quarter=1, status=RealizationStatus.SUBMITTED)
    client.force_login(cast.secretariat)
    url = reverse("programs:realization_list")
    client.get(url)  # warms the per-process caches (content types)
    with django_assert_num_queries(11):
        response = client.get(url)
    assert len(response.context["reports"]) == rows


# --- Home page panels ---------------------------------------------------------------------------


def test_an_operators_figures_count_reports_to_write_and_returned(cast, program_a, program_b):
    ProgramFactory(agency=cast.agency_a, fiscal_year=THIS_YEAR, status=ProgramStatus.CANCELLED)
    drafted = ProgramFactory(agency=cast.agency_a, fiscal_year=THIS_YEAR)
    quarter = current_quarter()
    RealizationFactory(program=program_a, quarter=1, spent=1, status=RealizationStatus.RETURNED)
    RealizationFactory(program=drafted, quarter=1, spent=1, status=RealizationStatus.DRAFT)
    RealizationFactory(program=program_b, quarter=1, spent=1, status=RealizationStatus.RETURNED)
    figures = home_figures(user=cast.officer_a)
    assert figures["programs"] == 3
    # Two programs report (not the cancelled one); a draft is still to write, the returned
    # report is counted apart.
    assert figures["to_write"] == 2 * quarter - 1
    assert figures["returned"] == 1


def test_the_secretariats_figures_count_reports_awaiting_per_cluster(cast, program_a):
    RealizationFactory(program=program_a, quarter=1, status=RealizationStatus.SUBMITTED)
    RealizationFactory(program=program_a, quarter=2, status=RealizationStatus.SUBMITTED)
    other = ProgramFactory(agency=cast.agency_b, cluster=cluster(3))
    RealizationFactory(program=other, quarter=1, status=RealizationStatus.SUBMITTED)
    RealizationFactory(program=other, quarter=2, status=RealizationStatus.VERIFIED)
    figures = home_figures(user=cast.secretariat)
    assert figures["awaiting"] == 3
    assert [(c["name"], c["n"]) for c in figures["by_cluster"]] == [
        ("Klaster 1", 2),
        ("Klaster 3", 1),
    ]
    coordinator = UserFactory(username="koordinator2", role=SECRETARIAT)
    cluster(3).coordinators.add(coordinator)
    assert home_figures(user=cast.secretariat)["awaiting"] == 2
    # Cluster 1 names nobody (the secretariat's), cluster 3 names the coordinator.
    assert home_figures(user=coordinator)["awaiting"] == 3


def test_bappedas_figures_are_the_years_pagu_and_realization(cast, program_a, program_b):
    ProgramFactory(agency=cast.agency_a, fiscal_year=THIS_YEAR - 1, budget=7)
    RealizationFactory(program=program_a, quarter=1, spent=100_000_000)
    RealizationFactory(
        program=program_b, quarter=1, spent=50_000_000, status=RealizationStatus.VERIFIED
    )
    figures = home_figures(user=cast.bappeda)
    assert figures["programs"] == 2 and figures["budget"] == 1_500_000_000
    assert (figures["spent"], figures["verified"]) == (150_000_000, 50_000_000)
    assert figures["share"] == 10.0


@pytest.fixture
def home_panels():
    """The panels as the lead registers them in programs/apps.py."""

    def context(request):
        return {"programs": home_figures(user=request.user)}

    panels = [
        ("programs-operator", "programs/_home_operator.html", [OPERATOR]),
        ("programs-reports", "programs/_home_secretariat.html", [ADMIN, SECRETARIAT]),
        ("programs-figures", "programs/_home_bappeda.html", [BAPPEDA]),
    ]
    for key, template, roles in panels:
        slots.register("home", key=key, template=template, context=context, roles=roles)
    yield
    for key, _template, _roles in panels:
        slots.unregister("home", key)


@pytest.mark.parametrize(
    ("who", "testid"),
    [
        ("officer_a", "home-programs"),
        ("secretariat", "home-reports"),
        ("admin", "home-reports"),
        ("bappeda", "home-program-figures"),
    ],
)
def test_each_role_home_page_shows_its_programs_panel(
    client, cast, program_a, home_panels, who, testid, settings
):
    settings.ROLE_HOME_URL_NAMES = {}  # Bappeda's own home page, not the dashboard
    RealizationFactory(program=program_a, quarter=1, status=RealizationStatus.SUBMITTED)
    client.force_login(getattr(cast, who))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert f'data-testid="{testid}"' in response.content.decode()
