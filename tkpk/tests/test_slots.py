"""Slots on pages that other apps fill with panels (tkpk.slots and the {% slot %} tag)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from tkpk import slots
from tkpk.roles import ADMIN, OPERATOR, SECRETARIAT

pytestmark = pytest.mark.django_db

SLOT = "test_page"


@pytest.fixture
def registered():
    """Register panels in a slot of the test's own and take them out again afterwards."""
    added = []

    def add(key, **kwargs):
        slots.register(SLOT, key=key, **kwargs)
        added.append(key)

    yield add
    for key in added:
        slots.unregister(SLOT, key)


def render_slot(user, source='{% slot "test_page" %}', **context):
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load slots %}" + source).render(Context({"request": request, **context}))


@pytest.fixture
def templates(settings, tmp_path):
    """Panel templates written to a folder of the test's own."""
    (tmp_path / "panels").mkdir()
    (tmp_path / "panels" / "first.html").write_text("[first {{ word }} {{ household }}]")
    (tmp_path / "panels" / "second.html").write_text("[second]")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    return tmp_path


def test_an_empty_slot_renders_nothing_and_costs_no_query(cast, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert render_slot(cast.secretariat, '{% slot "nobody_registered_here" x=1 %}') == ""


def test_panels_render_in_their_order_with_the_context_they_ask_for(cast, templates, registered):
    registered("b", template="panels/second.html", order=20)
    registered(
        "a",
        template="panels/first.html",
        context=lambda request, **kwargs: {"word": request.user.username},
        order=10,
    )
    html = render_slot(cast.secretariat, '{% slot "test_page" household="KK1" %}')
    assert html == "[first sekretariat KK1][second]"


def test_a_panel_shows_only_to_the_roles_and_permission_it_names(cast, templates, registered):
    registered("roles", template="panels/second.html", roles=[ADMIN, SECRETARIAT])
    registered("perm", template="panels/first.html", permission="households.view_household")
    assert render_slot(cast.secretariat).count("[") == 2
    assert render_slot(cast.officer_a) == "[first  ]"  # operators may view households
    assert render_slot(cast.bappeda) == ""  # neither the role nor the permission
    assert render_slot(cast.outsider) == ""


def test_a_panel_with_a_check_shows_only_when_the_check_passes(cast, templates, registered):
    registered("agency", template="panels/second.html", check=lambda user: bool(user.agency_id))
    assert render_slot(cast.officer_a) == "[second]"
    assert render_slot(cast.admin) == ""


def test_an_anonymous_visitor_sees_no_panel(templates, registered):
    from django.contrib.auth.models import AnonymousUser

    registered("open", template="panels/second.html")
    assert render_slot(AnonymousUser()) == ""


def test_a_lazy_panel_is_an_htmx_placeholder_that_loads_its_url(cast, registered):
    registered(
        "lazy",
        url_name="tkpk:job_detail",
        url_kwargs=lambda household: {"pk": household},
        roles=[OPERATOR],
    )
    html = render_slot(cast.officer_a, '{% slot "test_page" household=7 %}')
    url = reverse("tkpk:job_detail", kwargs={"pk": 7})
    assert f'hx-get="{url}"' in html
    assert 'hx-trigger="load"' in html
    assert 'data-slot-panel="test_page:lazy"' in html
    assert render_slot(cast.secretariat, '{% slot "test_page" household=7 %}') == ""


def test_wrap_puts_each_panel_in_a_div_of_that_class(cast, templates, registered):
    registered("one", template="panels/second.html")
    html = render_slot(cast.admin, '{% slot "test_page" wrap="col-lg-6" %}')
    assert html == '<div class="col-lg-6">[second]</div>'


def test_unregistering_takes_the_panel_out(cast, templates):
    slots.register(SLOT, key="gone", template="panels/second.html")
    slots.unregister(SLOT, "gone")
    assert render_slot(cast.admin) == ""


def test_a_panel_needs_exactly_one_of_template_and_url_name():
    with pytest.raises(ImproperlyConfigured):
        slots.register(SLOT, key="neither")
    with pytest.raises(ImproperlyConfigured):
        slots.register(SLOT, key="both", template="x.html", url_name="home")
    assert slots.panels_for(SLOT, None) == []


HOME_PANELS = {
    "households/_home_registry.html",
    "households/_home_operator.html",
    "households/_home_aggregates.html",
    "meetings/_home_panel.html",
    "meetings/_home_operator.html",
}


@pytest.mark.parametrize(
    ("member", "panels"),
    [
        ("admin", ["households/_home_registry.html", "meetings/_home_panel.html"]),
        ("secretariat", ["households/_home_registry.html", "meetings/_home_panel.html"]),
        ("officer_a", ["meetings/_home_operator.html", "households/_home_operator.html"]),
        ("bappeda", ["households/_home_aggregates.html", "meetings/_home_panel.html"]),
        ("outsider", []),
    ],
)
def test_each_role_home_page_shows_the_panels_the_apps_registered_in_order(
    client, cast, member, panels, settings
):
    settings.ROLE_HOME_URL_NAMES = {}  # Bappeda's own home page, not the dashboard
    client.force_login(getattr(cast, member))
    response = client.get(reverse("home"))
    assert [t.name for t in response.templates if t.name in HOME_PANELS] == panels


@pytest.fixture
def lazy_panel():
    """A lazy panel in a page's slot, taken out again afterwards."""
    added = []

    def add(slot, **kwargs):
        slots.register(slot, key="test-lazy", url_name="tkpk:job_list", **kwargs)
        added.append(slot)

    yield add
    for slot in added:
        slots.unregister(slot, "test-lazy")


def test_the_household_page_loads_the_panels_of_its_slot(client, cast, lazy_panel):
    # The households app's own factory and regions: this test is about the page's slot.
    from households.tests.factories import HouseholdFactory
    from tkpk.services import regions_load

    regions_load(within="63.08")
    household = HouseholdFactory()
    client.force_login(cast.secretariat)
    url = reverse("households:household_detail", args=[household.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert 'data-slot-panel="household_detail:test-lazy"' not in response.content.decode()

    lazy_panel("household_detail", url_kwargs=lambda household: {}, roles=[SECRETARIAT])
    assert 'data-slot-panel="household_detail:test-lazy"' in client.get(url).content.decode()


def test_the_meeting_page_loads_the_panels_of_its_slot(client, cast, lazy_panel):
    from meetings.tests.factories import MeetingFactory

    meeting = MeetingFactory()
    client.force_login(cast.secretariat)
    url = reverse("meetings:meeting_detail", args=[meeting.pk])
    assert "data-slot-panel" not in client.get(url).content.decode()

    lazy_panel("meeting_detail", check=lambda user: user.pk == cast.secretariat.pk)
    html = client.get(url).content.decode()
    assert f'hx-get="{reverse("tkpk:job_list")}"' in html
    client.force_login(cast.bappeda)
    response = client.get(url)
    assert response.status_code == 200
    assert "data-slot-panel" not in response.content.decode()
