"""The Content-Security-Policy (issue 7): every page is sent with a policy that runs scripts only
from our own files, and no page needs more: no inline <script>, no on*= handler, no hx-on or
other htmx attribute that htmx would evaluate, no javascript: address, no inline <style>.

The pages are the main ones of each role, rendered with enough data that their tables, forms,
progress bars and file links appear.
"""

from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from households.tests.factories import HouseholdFactory, PersonFactory
from meetings.services import attachment_add, progress_post
from meetings.tests.factories import ActionFactory, MeetingFactory
from meetings.tests.test_files import PDF, PNG
from tkpk.choices import JobStatus
from tkpk.services import regions_load
from tkpk.tests.factories import JobFactory

pytestmark = pytest.mark.django_db

MEMBERS = ["admin", "secretariat", "officer_a", "officer_b", "bappeda", "outsider"]


def policy_of(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    header = response.headers.get("Content-Security-Policy", "")
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


class InlineCode(HTMLParser):
    """Collects what the policy would refuse to run or apply, with the line it is on."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        names = {name for name, _ in attrs}
        # json_script's data blocks are not run, so the policy lets them be.
        is_data = dict(attrs).get("type") == "application/json"
        if tag == "script" and "src" not in names and not is_data:
            self.found.append(f"line {line}: inline <script>")
        if tag == "style":
            self.found.append(f"line {line}: inline <style>")
        for name, value in attrs:
            bare = name.removeprefix("data-")
            if name.startswith("on"):
                self.found.append(f"line {line}: <{tag} {name}=...>")
            elif bare.startswith("hx-on") or bare == "hx-vars":
                self.found.append(f"line {line}: <{tag} {name}> (htmx evaluates it)")
            elif bare == "hx-vals" and (value or "").lstrip().startswith("js:"):
                self.found.append(f"line {line}: <{tag} {name}='js:...'> (htmx evaluates it)")
            elif (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"line {line}: <{tag} {name}='javascript:...'>")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    parser.close()
    return parser.found


def test_a_page_is_sent_with_a_policy_that_runs_no_inline_script_and_no_eval(client):
    policy = policy_of(client.get(reverse("login")))

    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    # No inline <style> element either; style="" attributes only (see settings.py).
    assert policy["style-src-elem"] == ["'self'"]
    assert policy["style-src-attr"] == ["'unsafe-inline'"]
    for directive in ("default-src", "script-src", "connect-src", "img-src"):
        assert "'unsafe-inline'" not in policy[directive]
        assert "'unsafe-eval'" not in policy[directive]
    assert "data:" in policy["img-src"]  # Bootstrap's icons in its stylesheet are data: SVGs


def test_the_inline_code_finder_finds_each_kind():
    # The page test below passes only if this finder would have seen the code.
    html = """<script>alert(1)</script><script type="application/json">{}</script>
    <script src="/static/x.js"></script><style>p{}</style>
    <select onchange="this.form.submit()"></select><div hx-on:click="x()"></div>
    <div data-hx-on--click="x()"></div><div hx-vars="a:1"></div><div hx-vals='js:{a: 1}'></div>
    <a href=" JavaScript:alert(1)">x</a><div hx-vals='{"a": 1}' data-confirm="Sure?"></div>"""
    assert len(inline_code(html)) == 8


@pytest.fixture
def world(cast):
    """A family, a meeting with a file, and an action of agency A with progress and evidence."""
    regions_load(within="63.08")
    household = HouseholdFactory()
    PersonFactory(household=household, name="Budi Contoh")
    meeting = MeetingFactory(invited=[cast.agency_a])
    action = ActionFactory(meeting=meeting, responsible_agency=cast.agency_a)
    attachment_add(
        user=cast.secretariat,
        meeting=meeting,
        kind="invitation",
        upload=SimpleUploadedFile("undangan.pdf", PDF),
    )
    progress_post(
        user=cast.officer_a,
        action=action,
        text="Separuh desa sudah didata",
        percent=50,
        evidence=SimpleUploadedFile("bukti.png", PNG),
    )
    job = JobFactory(created_by=cast.secretariat, status=JobStatus.RUNNING)
    return SimpleNamespace(household=household.pk, meeting=meeting.pk, action=action.pk, job=job.pk)


# (member or None for a visitor, URL name, world attribute for the pk or None, htmx request)
PAGES = [
    (None, "login", None, False),
    *[(member, "home", None, False) for member in MEMBERS],
    ("secretariat", "households:household_list", None, False),
    ("secretariat", "households:household_list", None, True),
    ("officer_a", "households:household_list", None, False),
    ("secretariat", "households:household_detail", "household", False),
    ("officer_a", "households:household_detail", "household", False),
    ("secretariat", "households:household_add", None, False),
    ("secretariat", "households:import", None, False),
    *[(m, "meetings:meeting_list", None, False) for m in ("secretariat", "officer_a", "bappeda")],
    *[
        (m, "meetings:meeting_detail", "meeting", False)
        for m in ("admin", "secretariat", "officer_a", "bappeda")
    ],
    ("secretariat", "meetings:meeting_add", None, False),
    ("secretariat", "meetings:meeting_edit", "meeting", False),
    ("secretariat", "meetings:meeting_minutes", "meeting", False),
    ("secretariat", "meetings:minutes_print", "meeting", False),
    *[(m, "meetings:action_board", None, False) for m in ("secretariat", "bappeda")],
    ("officer_a", "meetings:my_actions", None, False),
    *[
        (m, "meetings:action_detail", "action", False)
        for m in ("secretariat", "officer_a", "bappeda")
    ],
    ("secretariat", "meetings:action_edit", "action", False),
    ("secretariat", "tkpk:audit_list", None, False),
    ("secretariat", "tkpk:agency_list", None, False),
    ("secretariat", "tkpk:region_overview", None, False),
    ("secretariat", "tkpk:job_list", None, False),
    ("secretariat", "tkpk:job_detail", "job", False),
    ("secretariat", "password_change", None, False),
]


@pytest.mark.parametrize(
    ("member", "name", "argument", "htmx"),
    PAGES,
    ids=[f"{n}-{m or 'visitor'}{'-htmx' if h else ''}" for m, n, _, h in PAGES],
)
def test_no_page_has_inline_code_that_the_policy_would_block(
    client, cast, world, member, name, argument, htmx
):
    if member:
        client.force_login(getattr(cast, member))
    url = reverse(name, args=[getattr(world, argument)] if argument else [])
    response = client.get(url, follow=True, **({"HTTP_HX_REQUEST": "true"} if htmx else {}))

    assert response.status_code == 200
    assert "script-src" in policy_of(response)
    assert inline_code(response.content.decode()) == []
