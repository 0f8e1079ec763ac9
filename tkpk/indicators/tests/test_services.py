"""What the secretariat enters by hand (tkpk.indicators.services): audited, checked, and a
rollup asked for after every change of an observation or a target; the history of a figure is
read back from the audit trail."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from tkpk.choices import AuditAction, JobStatus
from tkpk.indicators.choices import ObservationSource
from tkpk.indicators.models import Observation, Target
from tkpk.indicators.selectors import figure_history
from tkpk.indicators.services import (
    observation_create,
    observation_delete,
    observation_update,
    period_create,
    period_update,
    recommendation_create,
    target_create,
    target_update,
)
from tkpk.models import AuditEvent, Job, Region

from .factories import PeriodFactory, TargetFactory, home, indicator

pytestmark = pytest.mark.django_db


def enter(user, **kwargs):
    data = {
        "region": home(),
        "indicator": indicator("P0"),
        "year": 2020,
        "value": D("6.14"),
        "source": ObservationSource.BPS,
    }
    return observation_create(user=user, **{**data, **kwargs})


def test_a_figure_is_entered_audited_and_asks_for_a_rollup_once_committed(
    cast, hsu, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        observation = enter(cast.secretariat, note="Susenas Maret")
    assert not Job.objects.exists()  # nothing before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    assert Job.objects.get(kind="indicators.rollup").status == JobStatus.QUEUED
    assert observation.entered_by == cast.secretariat
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_id=str(observation.pk))
    assert event.actor == cast.secretariat
    assert event.changes["value"] == [None, "6.14"]
    assert event.object_repr == "P0 · 63.08 · 2020 · bps"


def test_a_second_figure_for_the_same_region_year_and_source_is_refused(cast, hsu):
    enter(cast.secretariat)
    with pytest.raises(ValidationError):
        enter(cast.secretariat, value=D("6.20"))
    # Another source of the same year is a figure of its own (the estimate before BPS's).
    enter(cast.secretariat, value=D("6.20"), source=ObservationSource.ESTIMATE)
    # So is Indonesia's (no region).
    enter(cast.secretariat, region=None, value=D("9.78"))
    with pytest.raises(ValidationError):
        enter(cast.secretariat, region=None, value=D("9.70"))
    assert Observation.objects.count() == 3


@pytest.mark.parametrize(("code", "value"), [("P0", "100.01"), ("P0", "-1"), ("GINI", "1.2")])
def test_a_figure_the_indicator_cannot_have_is_refused(cast, hsu, code, value):
    with pytest.raises(ValidationError) as error:
        enter(cast.secretariat, indicator=indicator(code), value=D(value))
    assert "value" in error.value.message_dict


def test_changing_and_deleting_a_figure_keeps_its_history_in_the_audit_trail(
    cast, hsu, django_capture_on_commit_callbacks
):
    observation = enter(cast.secretariat, value=D("6.10"))
    observation_update(
        user=cast.secretariat, observation=observation, data={"value": D("6.14"), "note": "Revisi"}
    )
    observation.refresh_from_db()
    assert observation.value == D("6.14")
    # Only the value and the note change: the rest names the figure.
    observation_update(user=cast.admin, observation=observation, data={"year": 2019})
    observation.refresh_from_db()
    assert observation.year == 2020
    with django_capture_on_commit_callbacks() as callbacks:
        observation_delete(user=cast.admin, observation=observation)
    assert len(callbacks) == 1
    entered_again = enter(cast.secretariat, value=D("6.14"), source=ObservationSource.LOCAL)
    history = figure_history(indicator=indicator("P0"), region=home(), year=2020)
    actions = [row["event"].action for row in history]
    assert actions == [
        AuditAction.CREATE,  # the local figure entered after the deletion
        AuditAction.DELETE,
        AuditAction.UPDATE,
        AuditAction.CREATE,
    ]
    label = {
        name: str(Observation._meta.get_field(name).verbose_name) for name in ("note", "value")
    }
    assert history[2]["changes"] == [
        (label["note"], "", "Revisi"),
        (label["value"], "6.10", "6.14"),
    ]
    assert history[2]["source"] == str(ObservationSource.BPS.label)
    assert history[1]["event"].actor == cast.admin
    assert history[0]["what"] == "local" and history[0]["event"].object_id == str(entered_again.pk)
    # Another year's figure has a history of its own.
    assert figure_history(indicator=indicator("P0"), region=home(), year=2019) == []


def test_a_target_belongs_to_a_year_of_its_period(cast, hsu):
    period = PeriodFactory(first_year=2021, last_year=2026)
    with pytest.raises(ValidationError) as error:
        target_create(
            user=cast.secretariat, period=period, indicator=indicator("P0"), year=2027, value=D(6)
        )
    assert "year" in error.value.message_dict
    target = target_create(
        user=cast.secretariat, period=period, indicator=indicator("P0"), year=2026, value=D("6.19")
    )
    with pytest.raises(ValidationError):
        target_create(
            user=cast.secretariat, period=period, indicator=indicator("P0"), year=2026, value=D(6)
        )
    target_update(user=cast.secretariat, target=target, data={"value": D("6.20")})
    assert Target.objects.get().value == D("6.20")
    history = figure_history(indicator=indicator("P0"), region=home(), year=2026)
    assert [row["what"] for row in history] == ["target", "target"]


def test_periods_of_a_region_do_not_overlap_and_keep_their_targets(cast, hsu):
    period = period_create(user=cast.secretariat, region=home(), first_year=2021, last_year=2026)
    with pytest.raises(ValidationError):
        period_create(user=cast.secretariat, region=home(), first_year=2026, last_year=2030)
    with pytest.raises(ValidationError):
        period_create(user=cast.secretariat, region=home(), first_year=2027, last_year=2025)
    # Another region may have its own plan for the same years.
    province = Region.objects.get(code="63")
    period_create(user=cast.secretariat, region=province, first_year=2021, last_year=2026)
    TargetFactory(period=period, year=2026)
    with pytest.raises(ValidationError):
        period_update(user=cast.secretariat, period=period, data={"last_year": 2025})
    period_update(user=cast.secretariat, period=period, data={"perda_reference": "Perda 5/2021"})
    period.refresh_from_db()
    assert period.perda_reference == "Perda 5/2021"


def test_a_recommendation_is_audited(cast, hsu):
    item = recommendation_create(
        user=cast.secretariat, year=2025, order=1, title="Data", text="Mutakhirkan DTSEN."
    )
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(item.pk)).exists()
