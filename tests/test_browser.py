"""Signing in with a real Chromium: each role lands on its own home page, the language switch
keeps the user on that page, and wrong passwords and missing permissions are refused."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser import login

pytestmark = [
    pytest.mark.browser,
    # transaction: the live_server thread sees the rows; serialized_rollback: the role groups that
    # a data migration created survive the flush after each test.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LOGIN_PATH = "/akun/masuk/"

# The role's distinctive word in the Indonesian heading of its home page (the default language),
# and where that page is: Bappeda's home is the indicator dashboard.
HOME_TITLES = {
    "admin": "admin",
    "secretariat": "Sekretariat",
    "officer_a": "Operator",
    "bappeda": "RPJMD",
}
HOME_PATHS = {"bappeda": ("/indikator/", "dashboard-title")}


def path_of(url):
    return urlsplit(url).path


def switch_language(page, code):
    """Choose a language in the navbar select, which submits its form and reloads the page."""
    with page.expect_navigation():
        page.get_by_test_id("language-select").select_option(code)
    expect(page.locator("html")).to_have_attribute("lang", code)


@pytest.mark.parametrize("member", list(HOME_TITLES))
def test_each_role_lands_on_its_own_home_page_and_keeps_it_when_switching_language(
    page, live_server, cast, member
):
    user = getattr(cast, member)
    title = HOME_TITLES[member]
    home, testid = HOME_PATHS.get(member, ("/", "home-title"))

    response = login(page, live_server.url, user.username)

    assert response.status == 200
    assert path_of(page.url) == home
    expect(page.locator("html")).to_have_attribute("lang", "id")
    heading = page.get_by_test_id(testid)
    expect(heading).to_be_visible()
    expect(heading).to_contain_text(title)

    switch_language(page, "en")
    assert path_of(page.url) == home
    expect(page.get_by_test_id(testid)).to_be_visible()

    switch_language(page, "id")
    assert path_of(page.url) == home
    expect(page.get_by_test_id(testid)).to_contain_text(title)


def test_a_user_without_a_role_lands_on_the_no_role_home_page(page, live_server, cast):
    login(page, live_server.url, cast.outsider.username)

    assert path_of(page.url) == "/"
    expect(page.get_by_test_id("home-title")).to_contain_text("Selamat datang")
    expect(page.locator("main .alert-info")).to_be_visible()


def test_a_wrong_password_shows_an_error_and_does_not_sign_in(page, live_server, cast):
    response = login(page, live_server.url, cast.officer_a.username, password="salah-sekali")

    assert response.status == 200
    assert path_of(page.url) == LOGIN_PATH
    expect(page.locator("main .alert-danger")).to_be_visible()
    expect(page.get_by_test_id("home-title")).to_have_count(0)

    # Still signed out: the home page sends the visitor back to the login page.
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(re.escape(LOGIN_PATH)))


def test_an_operator_skpd_opening_the_audit_trail_gets_403(page, live_server, cast):
    login(page, live_server.url, cast.officer_a.username)
    assert path_of(page.url) == "/"

    response = page.goto(f"{live_server.url}/audit/")

    assert response.status == 403


FITS_ONE_LINE = """() => {
  const bar = document.querySelector("nav.navbar");
  const items = [...bar.querySelectorAll(".nav-item, .navbar-brand")].filter(i => i.offsetParent);
  return {
    scroll: document.documentElement.scrollWidth,
    right: Math.max(...items.map(i => i.getBoundingClientRect().right)),
    height: bar.getBoundingClientRect().height,
  };
}"""


@pytest.mark.parametrize("member", ["admin", "secretariat", "officer_a", "bappeda"])
def test_the_menu_bar_fits_1366_pixels_on_one_line_in_both_languages(
    page, live_server, cast, member
):
    """The menu is filled by the apps' registrations (tkpk.menu): whatever they add, the bar of
    every role fits a 1,366 px office screen on one line, with no horizontal scroll."""
    login(page, live_server.url, getattr(cast, member).username)
    for code in ("id", "en"):
        if code == "en":
            switch_language(page, "en")
        shape = page.evaluate(FITS_ONE_LINE)
        assert shape["scroll"] <= 1366, (code, shape)
        assert shape["right"] <= 1366, (code, shape)
        # One line is 56 px high; a bar that wraps doubles.
        assert shape["height"] < 70, (code, shape)
