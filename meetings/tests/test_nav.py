"""The navigation items the meetings app offers to base.html (templates/meetings/_nav.html)."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db


def nav_for(user):
    from django.contrib.auth.context_processors import PermWrapper

    request = RequestFactory().get("/")
    request.user = user
    return render_to_string(
        "meetings/_nav.html", {"user": user, "perms": PermWrapper(user)}, request=request
    )


def test_the_secretariat_gets_meetings_and_the_board(cast):
    html = nav_for(cast.secretariat)
    assert 'data-testid="nav-meetings"' in html and 'data-testid="nav-action-board"' in html


def test_an_operator_gets_their_actions_with_the_unread_count_and_no_board(cast):
    NotificationFactory(recipient=cast.officer_a)
    NotificationFactory(recipient=cast.officer_a, is_read=True)
    html = nav_for(cast.officer_a)
    assert 'data-testid="nav-my-actions"' in html
    assert 'title="Notifikasi belum dibaca">1</span>' in html
    assert "nav-action-board" not in html


def test_bappeda_gets_the_board_read_only_and_an_outsider_nothing(cast):
    assert "nav-action-board" in nav_for(cast.bappeda)
    assert "nav-link" not in nav_for(cast.outsider)
