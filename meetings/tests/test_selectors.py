"""The figures the dashboards reuse, checked with numbers worked out by hand."""

from datetime import date, timedelta

import pytest

from tkpk.roles import user_role

from ..choices import ActionStatus
from ..selectors import (
    action_average_days_late,
    action_completion_rate,
    action_figures_by_agency,
    action_overdue_count,
)
from .factories import ActionFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)


def day(offset):
    return TODAY + timedelta(days=offset)


@pytest.fixture
def record(cast):
    a, b = cast.agency_a, cast.agency_b
    verified = ActionStatus.VERIFIED
    # Dinsos: 5 actions that count (one cancelled does not).
    ActionFactory(responsible_agency=a, status=verified, due_date=day(-10), completed_on=day(-13))
    ActionFactory(responsible_agency=a, status=verified, due_date=day(-10), completed_on=day(-6))
    ActionFactory(
        responsible_agency=a, status=ActionStatus.DONE, due_date=day(-5), completed_on=day(-3)
    )
    ActionFactory(responsible_agency=a, status=ActionStatus.IN_PROGRESS, due_date=day(-6))
    ActionFactory(responsible_agency=a, status=ActionStatus.NOT_STARTED, due_date=day(3))
    ActionFactory(responsible_agency=a, status=ActionStatus.CANCELLED, due_date=day(-20))
    # Dinkes: 3 actions.
    ActionFactory(responsible_agency=b, status=ActionStatus.NOT_STARTED, due_date=day(-1))
    ActionFactory(responsible_agency=b, status=verified, due_date=day(-2), completed_on=day(-2))
    ActionFactory(responsible_agency=b, status=ActionStatus.NOT_STARTED, due_date=day(-3))


def test_figures_by_agency_count_statuses_lateness_and_completion(cast, record):
    dinkes, dinsos = action_figures_by_agency(user=cast.secretariat, today=TODAY)

    assert (dinsos.short_name, dinsos.name) == ("Dinsos", "Dinas Sosial")
    assert (dinsos.total, dinsos.not_started, dinsos.in_progress) == (5, 1, 1)
    assert (dinsos.awaiting_verification, dinsos.verified, dinsos.overdue) == (1, 2, 1)
    # late: 4 days (verified late), 2 (done late), 6 (open, overdue) -> 12 / 3
    assert dinsos.average_days_late == 4.0
    assert dinsos.completion_rate == 40.0
    assert dinsos.reported_done_rate == 60.0

    assert (dinkes.total, dinkes.verified, dinkes.overdue) == (3, 1, 2)
    assert dinkes.average_days_late == 2.0  # (1 + 3) / 2
    assert dinkes.completion_rate == 33.3


def test_overdue_count_average_days_late_and_completion_rate_over_all_agencies(cast, record):
    assert action_overdue_count(user=cast.secretariat, today=TODAY) == 3
    assert action_average_days_late(user=cast.secretariat, today=TODAY) == 3.2  # 16 / 5
    assert action_completion_rate(user=cast.secretariat, today=TODAY) == 37.5  # 3 / 8


def test_the_figures_take_the_board_filters(cast, record):
    only_b = {"agency": str(cast.agency_b.pk)}
    assert action_overdue_count(user=cast.secretariat, filters=only_b, today=TODAY) == 2
    assert action_average_days_late(user=cast.secretariat, filters=only_b, today=TODAY) == 2.0


def test_an_operator_gets_the_figures_of_their_own_agency_only(cast, record):
    (own,) = action_figures_by_agency(user=cast.officer_a, today=TODAY)
    assert own.short_name == "Dinsos"
    assert action_overdue_count(user=cast.officer_a, today=TODAY) == 1


def test_without_actions_the_rates_are_empty_not_zero(cast):
    assert action_figures_by_agency(user=cast.secretariat) == []
    assert action_average_days_late(user=cast.secretariat) is None
    assert action_completion_rate(user=cast.secretariat) is None
    assert action_overdue_count(user=cast.outsider) == 0


def test_the_figures_are_one_query(cast, record, django_assert_num_queries):
    user_role(cast.secretariat)  # the role is read once per request and cached on the user
    with django_assert_num_queries(1):
        action_figures_by_agency(user=cast.secretariat, today=TODAY)
