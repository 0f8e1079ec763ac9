"""The pages of the indicators app: who reaches which (every view with the whole cast), what the
dashboard shows each role, its downloads and its fixed number of queries, and the secretariat's
entry and import pages."""

import io
import json
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from tkpk.choices import AuditAction
from tkpk.indicators.models import (
    IndicatorImport,
    KecamatanBoundary,
    Observation,
    Rollup,
    RpjmdPeriod,
    Target,
)
from tkpk.indicators.rollup import rollup_run
from tkpk.models import AuditEvent, Job, Region

from . import world
from .factories import RecommendationFactory

pytestmark = pytest.mark.django_db

MEMBERS = ["admin", "secretariat", "officer_a", "officer_b", "bappeda", "outsider"]
EVERY_ROLE = [200, 200, 200, 200, 200, 403]
SECRETARIAT = [200, 200, 403, 403, 403, 403]
READERS = [200, 200, 403, 403, 200, 403]  # Admin, the secretariat, Bappeda


@pytest.fixture
def built(cast, hsu):
    data = world.build(cast)
    rollup_run()
    observation = Observation.objects.filter(year=2020).first()
    target = Target.objects.first()
    upload = IndicatorImport.objects.create(
        file=SimpleUploadedFile(
            "t.csv", b"kode_wilayah;indikator;jenis;2020\n63.08;P0;realisasi;6,14\n"
        ),
        original_name="t.csv",
        uploaded_by=cast.secretariat,
    )
    return SimpleNamespace(
        data=data,
        observation=observation.pk,
        target=target.pk,
        period=target.period_id,
        upload=upload.pk,
        recommendation=RecommendationFactory().pk,
    )


GETS = [
    ("dashboard", None, EVERY_ROLE),
    ("dashboard_export", "series", EVERY_ROLE),
    ("dashboard_export", "budget_agencies", EVERY_ROLE),  # an operator: its agency's only
    ("dashboard_export", "coverage", [200, 200, 404, 404, 200, 403]),  # not the operators'
    ("map_data", None, EVERY_ROLE),
    ("annual_report", None, READERS),
    ("observation_list", None, SECRETARIAT),
    ("observation_add", None, SECRETARIAT),
    ("observation_edit", "observation", SECRETARIAT),
    ("observation_history", "observation", SECRETARIAT),
    ("period_list", None, SECRETARIAT),
    ("period_add", None, SECRETARIAT),
    ("period_detail", "period", SECRETARIAT),
    ("period_edit", "period", SECRETARIAT),
    ("target_add", "period", SECRETARIAT),
    ("target_edit", "target", SECRETARIAT),
    ("target_history", "target", SECRETARIAT),
    ("import_add", None, SECRETARIAT),
    ("import_detail", "upload", SECRETARIAT),
    ("recommendation_list", None, READERS),
    ("recommendation_add", None, SECRETARIAT),
    ("recommendation_edit", "recommendation", SECRETARIAT),
]
POSTS = [
    ("rollup_start", None, [302, 302, 403, 403, 403, 403]),
    ("annual_report", None, [302, 302, 403, 403, 302, 403]),
    ("observation_delete", "observation", [302, 302, 403, 403, 403, 403]),
    ("target_delete", "target", [302, 302, 403, 403, 403, 403]),
    ("import_apply", "upload", [302, 302, 403, 403, 403, 403]),
    ("recommendation_delete", "recommendation", [302, 302, 403, 403, 403, 403]),
]


def url_of(built, name, argument):
    if argument is None:
        return reverse(f"indicators:{name}")
    if hasattr(built, argument):
        return reverse(f"indicators:{name}", args=[getattr(built, argument)])
    return reverse(f"indicators:{name}", args=[argument])


@pytest.mark.parametrize(("name", "argument", "expected"), GETS)
@pytest.mark.parametrize("member", range(len(MEMBERS)))
def test_who_reaches_each_page(client, cast, built, name, argument, expected, member):
    client.force_login(getattr(cast, MEMBERS[member]))
    assert client.get(url_of(built, name, argument)).status_code == expected[member]


@pytest.mark.parametrize(("name", "argument", "expected"), POSTS)
@pytest.mark.parametrize("member", range(len(MEMBERS)))
def test_who_may_act(client, cast, built, name, argument, expected, member):
    client.force_login(getattr(cast, MEMBERS[member]))
    data = {"year": "2025", "file_format": "pdf"} if name == "annual_report" else {}
    assert client.post(url_of(built, name, argument), data).status_code == expected[member]


def test_a_visitor_who_is_not_signed_in_is_sent_to_the_login_page(client, built):
    response = client.get(reverse("indicators:dashboard"))
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]


def test_bappeda_sees_every_figure_and_an_operator_its_own_agencys_programs_and_follow_ups(
    client, cast, built
):
    client.force_login(cast.bappeda)
    board = client.get(reverse("indicators:dashboard")).context["board"]
    assert set(board.tables) == {
        "kpi",
        "series",
        "targets",
        "areas",
        "budget_clusters",
        "budget_agencies",
        "reach",
        "coverage",
        "followups",
        "meetings",
    }
    assert board.table("budget_agencies").values("name") == ["Dinas Kesehatan", "Dinas Sosial"]
    client.force_login(cast.officer_a)
    board = client.get(reverse("indicators:dashboard")).context["board"]
    assert "coverage" not in board.tables and "meetings" not in board.tables
    assert board.table("budget_agencies").values("name") == ["Dinas Sosial"]
    assert board.table("budget_clusters").footer[0]["budget"] == 1_000_000_000
    assert board.table("followups").values("name") == ["Dinsos"]
    assert board.scoped_agency == cast.agency_a
    # The downloads say the same: the other agency is not in the file.
    response = client.get(reverse("indicators:dashboard_export", args=["budget_agencies"]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert "Dinas Sosial" in names and "Dinas Kesehatan" not in names


def test_the_dashboard_shows_the_key_indicators_and_when_they_were_computed(client, cast, built):
    client.force_login(cast.bappeda)
    response = client.get(reverse("indicators:dashboard"), {"year": "2022"})
    board = response.context["board"]
    assert board.year == 2022
    p0 = next(card for card in board.kpis if card.indicator.code == "P0")
    assert (p0.row.year, p0.row.status, p0.years_left) == (2022, "off_track", 4)
    html = response.content.decode()
    assert 'data-testid="kpi-P0" data-status="off_track"' in html
    assert 'data-testid="computed-at"' in html and 'data-testid="status-rule"' in html
    # A chart's numbers are in its table, machine-readable, for the chart and the table view.
    assert 'data-key="actual" data-value="6.4100"' in html
    assert board.table("series").values("year")[0] == "2016"


def test_the_filters_choose_the_area_and_the_indicator_and_bad_values_fall_back(
    client, cast, built
):
    client.force_login(cast.bappeda)
    district = Region.objects.get(code="63.08.01")
    board = client.get(
        reverse("indicators:dashboard"), {"area": district.pk, "indicator": "IPM", "year": "2026"}
    ).context["board"]
    assert board.area == district and board.indicator.code == "IPM"
    assert board.table("areas").values("area") == ["Sungai Namang", "Danau Panggang"]
    assert board.table("coverage").values("families") == [3, 3, 3, 3, 3]
    board = client.get(
        reverse("indicators:dashboard"), {"area": "999999", "indicator": "X", "year": "1800"}
    ).context["board"]
    assert board.area.code == "63.08" and board.indicator.code == "P0"


def test_a_filter_change_by_htmx_gets_only_the_figures(client, cast, built):
    client.force_login(cast.bappeda)
    response = client.get(reverse("indicators:dashboard"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="dashboard-body"') and "<nav" not in html


def test_the_dashboard_makes_the_same_few_queries_whatever_the_size_of_the_registry(
    client, cast, built, django_assert_num_queries
):
    client.force_login(cast.bappeda)
    url = reverse("indicators:dashboard")
    client.get(url)  # the session and the permissions cached
    with django_assert_num_queries(23):
        client.get(url)
    for n in range(40):
        world.family("63.08.02.2001", n % 10 + 1, "hidup", "hidup")
    rollup_run()
    with django_assert_num_queries(23):
        client.get(url)


def test_a_chart_downloads_as_xlsx_with_its_rows_and_the_download_is_audited(client, cast, built):
    client.force_login(cast.bappeda)
    response = client.get(reverse("indicators:dashboard_export", args=["areas"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [row for row in sheet.iter_rows(values_only=True) if row and row[0]]
    assert ("Danau Panggang", 3, 6, 2, 66.67, 3, 100) in rows
    assert rows[-1][:3] == ("Jumlah", 6, 10)
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == cast.bappeda and event.changes["table"] == "areas"
    assert client.get(reverse("indicators:dashboard_export", args=["nothing"])).status_code == 404


def test_the_map_shows_only_once_boundaries_are_loaded(client, cast, built):
    client.force_login(cast.bappeda)
    assert 'data-testid="map"' not in client.get(reverse("indicators:dashboard")).content.decode()
    square = {
        "type": "Polygon",
        "coordinates": [[[115, -2], [115.1, -2], [115.1, -2.1], [115, -2]]],
    }
    KecamatanBoundary.objects.create(
        region=Region.objects.get(code="63.08.01"), geometry=json.dumps(square)
    )
    assert 'data-testid="map"' in client.get(reverse("indicators:dashboard")).content.decode()
    features = client.get(reverse("indicators:map_data")).json()["features"]
    assert features[0]["properties"] == {
        "code": "63.08.01",
        "name": "Danau Panggang",
        "share": 66.67,
        "families": 3,
        "poorest": 2,
    }


def test_without_a_rollup_the_dashboard_says_so_and_the_secretariat_may_start_one(
    client, cast, hsu
):
    client.force_login(cast.secretariat)
    response = client.get(reverse("indicators:dashboard"))
    assert 'data-testid="no-rollup"' in response.content.decode()
    response = client.post(reverse("indicators:rollup_start"))
    job = Job.objects.get(kind="indicators.rollup")
    assert response["Location"] == job.get_absolute_url()
    response = client.post(reverse("indicators:rollup_start"))  # one is already waiting
    assert response["Location"] == reverse("indicators:dashboard")
    assert Job.objects.count() == 1


def test_the_secretariat_enters_a_figure_with_a_decimal_comma(client, cast, hsu):
    client.force_login(cast.secretariat)
    home = Region.objects.get(code="63.08")
    data = {"region": home.pk, "indicator": "", "year": "2024", "value": "6,26", "source": "bps"}
    from tkpk.indicators.models import Indicator

    data["indicator"] = Indicator.objects.get(code="P0").pk
    response = client.post(reverse("indicators:observation_add"), data)
    assert response.status_code == 302
    observation = Observation.objects.get()
    assert str(observation.value) == "6.2600"
    response = client.get(reverse("indicators:observation_edit", args=[observation.pk]))
    assert response.context["form"].initial["value"] == "6,26"
    # The same figure again: the form says so, nothing is stored twice.
    response = client.post(reverse("indicators:observation_add"), data)
    assert response.status_code == 400 and Observation.objects.count() == 1
    response = client.post(
        reverse("indicators:observation_add"), {**data, "year": "2025", "value": "enam"}
    )
    assert response.status_code == 400 and "value" in response.context["form"].errors


def test_the_import_page_lists_every_bad_cell_then_imports_a_corrected_table(client, cast, hsu):
    client.force_login(cast.secretariat)
    bad = (
        b"kode_wilayah;indikator;jenis;2020;2021\n"
        b"63.08;P0;realisasi;6,14;x\n63.08;P7;target;;6,38\n"
    )
    response = client.post(
        reverse("indicators:import_add"),
        {"file": SimpleUploadedFile("bps.csv", bad), "source": "bps"},
    )
    record = IndicatorImport.objects.get()
    assert response["Location"] == record.get_absolute_url()
    page = client.get(record.get_absolute_url())
    check = page.context["check"]
    assert [(e.row, e.column) for e in check.errors] == [(2, "E"), (3, "B")]
    assert 'data-row="2" data-column="E"' in page.content.decode()
    client.post(reverse("indicators:import_apply", args=[record.pk]))
    assert not Observation.objects.exists()  # refused: the file has errors
    good = bad.replace(b";x", b";6,58").replace(b"P7", b"P0")
    client.post(
        reverse("indicators:import_add"),
        {"file": SimpleUploadedFile("bps.csv", good), "source": "bps", "perda_reference": "Perda"},
    )
    record = IndicatorImport.objects.latest("id")
    page = client.get(record.get_absolute_url())
    assert page.context["check"].plan["observations_new"] == 2
    client.post(reverse("indicators:import_apply", args=[record.pk]))
    record.refresh_from_db()
    assert record.imported_at is not None and record.result["targets_new"] == 1
    assert RpjmdPeriod.objects.get().perda_reference == "Perda"
    # Once only.
    client.post(reverse("indicators:import_apply", args=[record.pk]))
    assert Observation.objects.count() == 2


def test_the_home_page_of_the_secretariat_shows_the_key_indicators(client, cast, built):
    # Bappeda lands on the dashboard itself; the other readers see its key figures at home.
    client.force_login(cast.secretariat)
    html = client.get(reverse("home")).content.decode()
    assert 'data-testid="home-indicators"' in html and 'data-testid="home-dashboard-link"' in html
    assert Rollup.objects.exists()


def test_the_menu_leads_every_dashboard_reader_to_it_and_no_one_else(client, cast, hsu):
    url = reverse("indicators:dashboard")
    for member, where in [
        ("bappeda", None),  # its "Beranda" is the dashboard
        ("officer_a", "bar"),
        ("admin", "bar"),
        ("secretariat", "more"),
        ("outsider", None),
    ]:
        client.force_login(getattr(cast, member))
        html = client.get(reverse("home"), follow=True).content.decode()
        bar = f'class="nav-link text-nowrap" href="{url}" data-testid="nav-indicators"'
        more = f'class="dropdown-item" href="{url}" data-testid="nav-indicators-more"'
        assert (bar in html, more in html) == (where == "bar", where == "more"), member
