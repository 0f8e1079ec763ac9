"""The indicator dashboard in a real Chromium, as a Bappeda officer uses it: the key indicators
at a glance, a chart drawn from its table and the table shown on demand, the filters swapping
the figures without a reload, the map once kecamatan boundaries are loaded, an XLSX download
and the page on paper; under the Content-Security-Policy without a violation or console error."""

import json

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser import login
from tkpk.indicators.models import KecamatanBoundary
from tkpk.indicators.rollup import rollup_run
from tkpk.indicators.tests import world
from tkpk.services import regions_load

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


def square(x):
    return {"type": "Polygon", "coordinates": [[[x, -2], [x + 0.1, -2], [x + 0.1, -2.1], [x, -2]]]}


@pytest.fixture
def dashboard_data(cast, settings):
    settings.HOME_REGION_CODE = "63.08"
    regions_load(within="63.08")
    world.build(cast)
    from tkpk.models import Region

    for x, code in ((115.0, "63.08.01"), (115.2, "63.08.02")):
        KecamatanBoundary.objects.create(
            region=Region.objects.get(code=code), geometry=json.dumps(square(x))
        )
    return rollup_run()


@pytest.fixture
def problems(page):
    found = []
    page.expose_function("reportCspViolation", lambda text: found.append(f"CSP: {text}"))
    page.add_init_script(REPORT_VIOLATIONS)
    page.on(
        "console",
        lambda m: (
            found.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning") and "favicon.ico" not in m.location["url"]
            else None
        ),
    )
    page.on("pageerror", lambda error: found.append(f"page error: {error}"))
    return found


def test_a_bappeda_officer_reads_the_dashboard_toggles_a_table_and_filters_it(
    page, live_server, cast, dashboard_data, problems
):
    login(page, live_server.url, cast.bappeda.username)
    # Bappeda's home is the dashboard itself.
    assert page.url == f"{live_server.url}/indikator/"
    expect(page.get_by_test_id("dashboard-title")).to_be_visible()

    # At a glance: P0's latest actual (2023, an estimate), its status colour and the years left.
    card = page.get_by_test_id("kpi-P0")
    expect(card).to_have_attribute("data-status", "off_track")
    expect(card.get_by_test_id("kpi-actual")).to_have_text("6,33")
    expect(card.get_by_test_id("kpi-years-left")).to_have_text("3")

    # The line chart stands; its table is hidden until asked for, then shows the same figures.
    expect(page.get_by_test_id("chart-series")).to_have_attribute("data-drawn", "1")
    table = page.get_by_test_id("table-series")
    expect(table).to_be_hidden()
    page.get_by_test_id("toggle-series").click()
    expect(table).to_be_visible()
    row_2021 = table.locator("tbody tr").filter(has=page.locator("th", has_text="2021"))
    expect(row_2021.locator('[data-key="actual"]')).to_have_text("6,58")
    expect(row_2021.locator('[data-key="target"]')).to_have_text("6,38")
    expect(row_2021.locator('[data-key="status"] [data-status]')).to_have_attribute(
        "data-status", "on_track"
    )
    page.get_by_test_id("toggle-series").click()
    expect(table).to_be_hidden()

    # The map of the kecamatan, coloured by their share of deciles 1-2.
    expect(page.get_by_test_id("map")).to_have_attribute("data-features", "2")
    expect(page.locator(".leaflet-interactive")).to_have_count(2)

    # Filters swap the figures without reloading the page.
    page.evaluate("window.__noReload = true")
    filters = page.get_by_test_id("dashboard-filters")
    filters.locator("[name=indicator]").select_option("IPM")
    expect(page.get_by_test_id("dashboard-body")).to_have_attribute("data-indicator", "IPM")
    assert "indicator=IPM" in page.url
    filters.locator("[name=area]").select_option(label="Danau Panggang")
    body = page.get_by_test_id("dashboard-body")
    expect(body).to_have_attribute("data-area", "63.08.01")
    page.get_by_test_id("toggle-areas").click()
    areas = page.get_by_test_id("table-areas")
    expect(areas.locator("tbody th")).to_have_text(["Sungai Namang", "Danau Panggang"])
    expect(page.get_by_test_id("chart-areas")).to_have_attribute("data-drawn", "1")
    expect(page.get_by_test_id("map")).to_have_count(0)  # the map is of the kecamatan
    assert page.evaluate("window.__noReload") is True

    # Every chart downloads as XLSX.
    with page.expect_download() as download:
        page.get_by_test_id("download-coverage").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    # On paper the tables print beside their charts, without the filters.
    page.emulate_media(media="print")
    expect(page.get_by_test_id("table-coverage")).to_be_visible()
    expect(page.get_by_test_id("dashboard-filters")).to_be_hidden()
    page.emulate_media(media="screen")
    assert problems == []


def test_an_operator_sees_its_own_agencys_programs_and_no_coverage(
    page, live_server, cast, dashboard_data, problems
):
    login(page, live_server.url, cast.officer_a.username)
    page.goto(live_server.url + reverse("indicators:dashboard"))
    expect(page.get_by_test_id("figure-budget_agencies")).to_be_visible()
    page.get_by_test_id("toggle-budget_agencies").click()
    expect(page.get_by_test_id("table-budget_agencies").locator("tbody th")).to_have_text(
        ["Dinas Sosial"]
    )
    expect(page.get_by_test_id("figure-coverage")).to_have_count(0)
    assert problems == []
