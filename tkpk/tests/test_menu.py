"""The navigation menu: what each role sees, in which order (tkpk.menu, base.html)."""

import pytest
from django.urls import reverse
from lxml import html as lxml_html

from tkpk import menu
from tkpk.roles import SECRETARIAT as SECRETARIAT_ROLE

pytestmark = pytest.mark.django_db

DIVIDER = ("---", None)


def menu_links(response):
    """The bar's links and the entries under "Lainnya" (a divider as DIVIDER), in page order."""
    tree = lxml_html.fromstring(response.content.decode())
    (nav,) = tree.xpath('//div[@id="mainnav"]/ul[contains(@class, "me-auto")]')
    bar = [
        (" ".join(a.text_content().split()), a.get("href"))
        for a in nav.xpath("./li/a[not(@data-bs-toggle)]")
    ]
    more = [
        (" ".join(a.text_content().split()), a.get("href")) if a.tag == "a" else DIVIDER
        for a in nav.xpath('./li/ul[contains(@class, "dropdown-menu")]/li/*[self::a or self::hr]')
    ]
    toggles = [" ".join(a.text_content().split()) for a in nav.xpath("./li/a[@data-bs-toggle]")]
    return bar, toggles, more


HOME = ("Beranda", "/")
INDICATORS = ("Indikator", "/indikator/")
HOUSEHOLDS = ("Rumah tangga", "/rumah-tangga/")
PROGRAMS = ("Program", "/program/")
MEETINGS = ("Rapat", "/rapat/")
BOARD = ("Papan tindak lanjut", "/rapat/tindak-lanjut/")
MY_ACTIONS = ("Tindak lanjut saya", "/rapat/tindak-lanjut/saya/")
COVERAGE = ("Cakupan dan ketepatan sasaran", "/program/cakupan/")
REPORTS = ("Laporan triwulan", "/program/laporan/")
BUDGET = ("Anggaran", "/program/anggaran/")
AGENCIES = ("Perangkat daerah", "/perangkat-daerah/")
ACCOUNTS = ("Akun", "/pengguna/")
REGIONS = ("Wilayah", "/wilayah/")
VALIDATION = ("Validasi data", "/rumah-tangga/validasi/")
AUDIT = ("Jejak audit", "/audit/")
JOBS = ("Pekerjaan latar", "/pekerjaan/")
INDICATOR_DATA = ("Angka indikator dan target RPJMD", "/indikator/data/")
ADMIN = ("Admin sistem", "/admin/")

# What each member of the cast sees, written out by hand (in Indonesian, the default language):
# the links of the bar, then those under "Lainnya" with their dividers. Bappeda's "Beranda" is
# its dashboard; the secretariat finds its own agency's actions under "Lainnya", so that its bar
# (the registry, the programs and the board) fits 1,366 px.
EXPECTED = {
    "admin": (
        [HOME, INDICATORS, HOUSEHOLDS, PROGRAMS, MEETINGS, BOARD],
        [COVERAGE, REPORTS, BUDGET, DIVIDER, AGENCIES, ACCOUNTS, REGIONS, VALIDATION, AUDIT, JOBS]
        + [DIVIDER, INDICATOR_DATA, DIVIDER, ADMIN],
    ),
    "secretariat": (
        [HOME, HOUSEHOLDS, PROGRAMS, MEETINGS, BOARD],
        [COVERAGE, REPORTS, BUDGET, DIVIDER, MY_ACTIONS, DIVIDER, AGENCIES, ACCOUNTS, REGIONS]
        + [VALIDATION, AUDIT, JOBS, DIVIDER, INDICATORS, INDICATOR_DATA],
    ),
    "officer_a": (
        [HOME, INDICATORS, HOUSEHOLDS, PROGRAMS, MEETINGS, MY_ACTIONS],
        [REPORTS, BUDGET, DIVIDER, AGENCIES, REGIONS, JOBS],
    ),
    "officer_b": (
        [HOME, INDICATORS, HOUSEHOLDS, PROGRAMS, MEETINGS, MY_ACTIONS],
        [REPORTS, BUDGET, DIVIDER, AGENCIES, REGIONS, JOBS],
    ),
    "bappeda": (
        [HOME, PROGRAMS, MEETINGS, BOARD, MY_ACTIONS],
        [COVERAGE, REPORTS, BUDGET, DIVIDER, AGENCIES, REGIONS, JOBS],
    ),
    "outsider": ([HOME], [JOBS]),
}


@pytest.mark.parametrize("member", list(EXPECTED))
def test_each_role_sees_the_same_menu_links_in_the_same_order_as_before(client, cast, member):
    client.force_login(getattr(cast, member))
    bar, toggles, more = menu_links(client.get(reverse("home"), follow=True))
    assert (bar, more) == EXPECTED[member]
    assert toggles == ["Lainnya"]


def test_an_anonymous_visitor_sees_no_menu(client):
    response = client.get(reverse("login"))
    tree = lxml_html.fromstring(response.content.decode())
    assert tree.xpath('//div[@id="mainnav"]/ul[contains(@class, "me-auto")]') == []


@pytest.fixture
def registered():
    """Register menu items of the test's own and take them out again afterwards."""
    added = []

    def add(key, **kwargs):
        menu.register(key=key, **kwargs)
        added.append(key)

    yield add
    for key in added:
        menu.unregister(key)


def test_a_registered_item_shows_in_the_bar_at_its_order(client, cast, registered):
    registered("test-first", label="Pertama", url_name="tkpk:job_list", order=-1)
    registered("test-last", label="Terakhir", url_name="tkpk:audit_list", order=1000)
    client.force_login(cast.outsider)
    bar, _, _ = menu_links(client.get(reverse("home")))
    assert bar == [("Pertama", "/pekerjaan/"), HOME, ("Terakhir", "/audit/")]


def test_an_item_shows_only_to_the_roles_permission_and_check_it_names(client, cast, registered):
    registered("test-role", label="Peran", url_name="home", roles=[SECRETARIAT_ROLE], order=900)
    registered(
        "test-perm",
        label="Izin",
        url_name="home",
        permission="households.view_household",
        order=901,
    )
    registered("test-check", label="Cek", url_name="home", check=lambda u: u.is_staff, order=902)
    seen = {}
    for member in ("admin", "secretariat", "officer_a", "bappeda"):
        client.force_login(getattr(cast, member))
        bar, _, _ = menu_links(client.get(reverse("home"), follow=True))
        seen[member] = [text for text, _ in bar if text in {"Peran", "Izin", "Cek"}]
    assert seen == {
        "admin": ["Izin", "Cek"],  # a superuser holds every permission but not the role
        "secretariat": ["Peran", "Izin"],
        "officer_a": ["Izin"],
        "bappeda": [],
    }


def test_an_item_under_more_follows_its_section_with_a_divider(client, cast, registered):
    registered("test-more", label="Tambahan", url_name="home", more=True, section="x", order=41)
    client.force_login(cast.secretariat)
    _, _, more = menu_links(client.get(reverse("home")))
    position = more.index(("Tambahan", "/"))
    assert more[position - 1] == DIVIDER
    assert more[: position - 1] + more[position + 1 :] == EXPECTED["secretariat"][1]


def test_a_badge_shows_its_count_beside_the_label(client, cast, registered):
    registered(
        "test-badge",
        label="Lencana",
        url_name="home",
        badge=lambda request: 3,
        badge_title="Belum dibaca",
        order=900,
    )
    client.force_login(cast.outsider)
    tree = lxml_html.fromstring(client.get(reverse("home"), follow=True).content.decode())
    (link,) = tree.xpath('//a[@data-testid="nav-test-badge"]')
    (badge,) = link.xpath("./span")
    assert (badge.text, badge.get("title")) == ("3", "Belum dibaca")


def test_unregistering_takes_the_item_out(client, cast):
    menu.register(key="test-gone", label="Hilang", url_name="home")
    menu.unregister("test-gone")
    client.force_login(cast.outsider)
    bar, _, _ = menu_links(client.get(reverse("home")))
    assert bar == [HOME]


def test_the_context_computes_the_menu_only_when_a_template_reads_it(
    rf, cast, django_assert_num_queries
):
    """An htmx partial shows no menu, so it must not pay for the permissions and badges."""
    from django.contrib.auth import get_user_model

    from tkpk.context_processors import shell

    request = rf.get("/")
    request.user = get_user_model().objects.get(pk=cast.secretariat.pk)
    with django_assert_num_queries(1):  # the user's role; no permission, no badge count
        context = shell(request)
    with django_assert_num_queries(2):  # permissions of the user and its groups
        assert context["menu"].bar
    with django_assert_num_queries(1):  # the unread badge of "my actions", under "More" here
        assert context["menu"].more


def test_an_officer_sees_the_unread_count_on_their_follow_up_actions(client, cast):
    # The meetings app's own item and factory: the badge it registers, rendered by base.html.
    from meetings.tests.factories import NotificationFactory

    NotificationFactory(recipient=cast.officer_a)
    NotificationFactory(recipient=cast.officer_a, is_read=True)
    client.force_login(cast.officer_a)
    tree = lxml_html.fromstring(client.get(reverse("home"), follow=True).content.decode())
    (badge,) = tree.xpath('//a[@data-testid="nav-my-actions"]/span')
    assert (badge.text, badge.get("title")) == ("1", "Notifikasi belum dibaca")
    client.force_login(cast.officer_b)
    tree = lxml_html.fromstring(client.get(reverse("home"), follow=True).content.decode())
    assert tree.xpath('//a[@data-testid="nav-my-actions"]/span') == []
