"""The demo figures: discovered by seed_demo, idempotent, and a dashboard with a story."""

import io
from decimal import Decimal as D
from importlib import import_module

import pytest
from django.apps import apps

from tkpk.indicators import demo
from tkpk.indicators.choices import ObservationSource, Status
from tkpk.indicators.models import IndicatorStatusSnapshot, Observation, Rollup, Target

pytestmark = pytest.mark.django_db(
    transaction=True, serialized_rollback=True, databases=["default", "jobs"]
)


def test_seed_demo_finds_the_indicators_demo_module():
    # seed_demo imports f"{app_config.name}.demo" of every installed app.
    module = import_module(f"{apps.get_app_config('indicators').name}.demo")
    assert module is demo and callable(module.seed)


def test_the_demo_is_idempotent_and_tells_the_hsu_story(hsu):
    out = io.StringIO()
    demo.seed(stdout=out)
    figures, targets, rollups = Observation.objects.count(), Target.objects.count(), 1
    assert Rollup.objects.count() == rollups
    demo.seed(stdout=io.StringIO())
    assert (Observation.objects.count(), Target.objects.count()) == (figures, targets)
    assert Rollup.objects.count() == rollups  # nothing new: no second rollup
    p0 = dict(
        Observation.objects.filter(
            region__code="63.08", indicator__code="P0", source=ObservationSource.BPS
        ).values_list("year", "value")
    )
    assert p0 == {y: D(v) for y, v in demo.P0_BPS.items()}
    later = Observation.objects.filter(region__code="63.08", year__gt=2020)
    assert later.exists() and all(o.note == demo.ILLUSTRATIVE for o in later)
    path = dict(Target.objects.filter(indicator__code="P0").values_list("year", "value"))
    assert path[2021] == D("6.38") and path[2026] == D("6.19")
    assert list(path.values()) == sorted(path.values(), reverse=True)
    statuses = {
        s.year: s.status
        for s in IndicatorStatusSnapshot.objects.filter(indicator__code="P0", region__code="63.08")
    }
    assert statuses[2021] == Status.ON_TRACK and statuses[2022] == Status.OFF_TRACK
    assert Status.ACHIEVED in statuses.values()
    pe = IndicatorStatusSnapshot.objects.filter(indicator__code="PE", actual__isnull=False)
    assert pe.latest("year").status == Status.OFF_TRACK  # extreme poverty: far from zero


def test_a_demo_run_in_a_later_year_has_figures_up_to_last_year():
    series = demo.extended({2024: "6.26", 2025: "6.21"}, last_year=2027, decimals=2)
    assert series == {2024: D("6.26"), 2025: D("6.21"), 2026: D("6.17"), 2027: D("6.14")}
