"""The agency page: what an agency is, its accounts as far as the user may see them, and the
panels other apps put into the slot agency_detail, loaded lazily."""

import pytest
from django.urls import reverse

from meetings.tests.factories import ActionFactory
from tkpk.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_role_opens_an_agency_page_from_the_directory(client, cast):
    for user in (cast.admin, cast.secretariat, cast.officer_a, cast.bappeda):
        client.force_login(user)
        directory = client.get(reverse("tkpk:agency_list")).content.decode()
        assert cast.agency_b.get_absolute_url() in directory
        assert client.get(cast.agency_b.get_absolute_url()).status_code == 200


def test_a_user_without_a_role_and_an_unknown_agency_are_refused(client, cast):
    client.force_login(cast.outsider)
    assert client.get(cast.agency_a.get_absolute_url()).status_code == 403
    client.force_login(cast.secretariat)
    assert client.get(reverse("tkpk:agency_detail", args=[999_999])).status_code == 404


def test_an_operator_sees_the_accounts_of_their_own_agency_only(client, cast):
    UserFactory(username="kadinkes", agency=cast.agency_b)
    client.force_login(cast.officer_a)
    own = client.get(cast.agency_a.get_absolute_url())
    assert [u.username for u in own.context["accounts"]] == ["officer_a"]
    other = client.get(cast.agency_b.get_absolute_url())
    assert list(other.context["accounts"]) == []
    client.force_login(cast.secretariat)
    listed = client.get(cast.agency_b.get_absolute_url()).context["accounts"]
    assert {u.username for u in listed} == {"officer_b", "kadinkes"}


def test_the_actions_panel_is_loaded_by_htmx_and_counts_the_agencys_actions(client, cast):
    ActionFactory(responsible_agency=cast.agency_b)
    ActionFactory(responsible_agency=cast.agency_b)
    ActionFactory(responsible_agency=cast.agency_a)
    client.force_login(cast.secretariat)
    page = client.get(cast.agency_b.get_absolute_url()).content.decode()
    panel_url = reverse("meetings:agency_actions_panel", args=[cast.agency_b.pk])
    # The page holds only the placeholder: it never waits for the meetings app.
    assert f'hx-get="{panel_url}"' in page
    assert "agency-actions-panel" not in page
    panel = client.get(panel_url)
    assert panel.context["actions"].total == 2
    assert "agency-actions-panel" in panel.content.decode()


def test_an_operator_reads_no_other_agencys_actions_through_the_panel(client, cast):
    ActionFactory(responsible_agency=cast.agency_b)
    client.force_login(cast.officer_a)
    panel = client.get(reverse("meetings:agency_actions_panel", args=[cast.agency_b.pk]))
    assert panel.status_code == 200
    assert panel.context["actions"].total == 0
    client.force_login(cast.bappeda)
    panel = client.get(reverse("meetings:agency_actions_panel", args=[cast.agency_b.pk]))
    assert panel.context["actions"].total == 1
