"""The rollup (tkpk.indicators.rollup) against the world of tests/world.py, counted by hand, and
against the figures the owning apps compute themselves (programs' budget summary and coverage,
meetings' follow-up figures): the dashboard must say what their pages say."""

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.selectors import action_figures_by_agency
from programs.selectors.budget import budget_summary
from programs.selectors.coverage import KECAMATAN, coverage_by_area
from tkpk.choices import JobStatus
from tkpk.indicators import rollup as rollup_module
from tkpk.indicators.choices import Status
from tkpk.indicators.models import (
    CoverageSnapshot,
    FollowUpSnapshot,
    IndicatorStatusSnapshot,
    MeetingSnapshot,
    ProgramSnapshot,
    RegistrySnapshot,
    Rollup,
)
from tkpk.indicators.rollup import rollup_run
from tkpk.indicators.selectors import (
    budget_tables,
    coverage_table,
    dashboard,
    follow_up_table,
    latest_rollup,
)
from tkpk.indicators.services import rollup_request
from tkpk.jobs import job_execute, job_run_inline, job_start
from tkpk.models import Job, Region

from . import world

pytestmark = pytest.mark.django_db
# A job reports its progress through a second connection ("jobs"), which sees committed rows
# only, as in production.
JOBS = pytest.mark.django_db(
    transaction=True, serialized_rollback=True, databases=["default", "jobs"]
)


@pytest.fixture
def built(cast, hsu):
    return world.build(cast)


def registry(rollup, level):
    rows = RegistrySnapshot.objects.filter(rollup=rollup, level=level).select_related("region")
    return {(r.region.code, r.decile): (r.families, r.people) for r in rows}


def test_the_registry_is_counted_by_desa_and_kecamatan_and_decile(built):
    rollup = rollup_run()
    assert registry(rollup, 4) == {
        ("63.08.01.2003", 1): (1, 2),  # F1: the deceased member is not counted
        ("63.08.01.2003", 2): (1, 1),
        ("63.08.01.2004", 4): (1, 3),
        ("63.08.02.2001", 1): (1, 2),
        ("63.08.02.2001", 7): (1, 1),
        ("63.08.02.2001", 0): (1, 1),  # no decile recorded; F7 moved away: not active
    }
    assert registry(rollup, 3) == {
        ("63.08.01", 1): (1, 2),
        ("63.08.01", 2): (1, 1),
        ("63.08.01", 4): (1, 3),
        ("63.08.02", 1): (1, 2),
        ("63.08.02", 7): (1, 1),
        ("63.08.02", 0): (1, 1),
    }
    assert {r.computed_at for r in RegistrySnapshot.objects.all()} == {rollup.computed_at}


def test_programs_are_summed_by_year_cluster_agency_and_unit(built, cast):
    rollup = rollup_run()
    rows = {
        (r.year, r.cluster.number, r.agency.short_name, r.target_unit): (
            r.programs,
            r.budget,
            r.reported,
            r.verified,
            r.target,
            r.reached,
            r.beneficiaries,
        )
        for r in ProgramSnapshot.objects.filter(rollup=rollup).select_related("cluster", "agency")
    }
    assert rows == {
        # Reported: submitted and verified quarters (a draft is not); reached: the latest
        # reported quarter's; beneficiaries: the active ones.
        (2026, 1, "Dinsos", "kk"): (1, 1_000_000_000, 250_000_000, 150_000_000, 500, 120, 3),
        (2026, 2, "Dinkes", "kelompok"): (1, 300_000_000, 50_000_000, 50_000_000, 20, 5, 1),
        (2026, 1, "Dinkes", "jiwa"): (1, 200_000_000, 0, 0, 100, 0, 2),  # returned: not counted
        (2025, 1, "Dinsos", "kk"): (1, 800_000_000, 0, 0, 500, 0, 1),
    }


def test_the_budget_figures_equal_the_programs_apps_budget_summary(built, cast):
    rollup = rollup_run()
    by_cluster, by_agency, _reach = budget_tables(rollup=rollup, year=2026)
    summary = budget_summary(user=cast.admin, year=2026)
    assert [(r["budget"], r["reported"], r["verified"]) for r in by_cluster.rows] == [
        (g.budget, g.reported, g.verified) for g in summary.clusters
    ]
    assert [r["name"] for r in by_agency.rows] == [g.key.name for g in summary.agencies]
    assert [(r["budget"], r["reported"], r["verified"]) for r in by_agency.rows] == [
        (g.budget, g.reported, g.verified) for g in summary.agencies
    ]
    assert by_cluster.footer[0]["reported"] == summary.total.reported == 300_000_000


def test_coverage_equals_the_programs_apps_coverage_by_kecamatan(built, cast):
    rollup = rollup_run()
    rows = {
        (r.region.code, r.cluster.number if r.cluster else None): (r.families, r.reached)
        for r in CoverageSnapshot.objects.filter(rollup=rollup, year=2026).select_related(
            "region", "cluster"
        )
    }
    assert rows[("63.08.01", 1)] == (3, 2)
    assert rows[("63.08.01", None)] == (3, 2)
    assert rows[("63.08.02", 1)] == (1, 1)
    assert rows[("63.08.02", 2)] == (1, 1)
    assert rows[("63.08.02", None)] == (1, 1)
    assert rows[("63.08.01", 3)] == (3, 0)
    for area in coverage_by_area(user=cast.admin, year=2026, level=KECAMATAN):
        figures = area.figures
        assert rows.get((area.region.code, None), (0, 0)) == (figures.families, figures.reached)
        for reach in figures.clusters:
            key = (area.region.code, reach.cluster.number)
            assert rows.get(key, (0, 0)) == (reach.families, reach.reached), key
    home = Region.objects.get(code="63.08")
    table = coverage_table(rollup=rollup, year=2026, area=home)
    assert table.values("reached") == [3, 1, 0, 0, 3]  # clusters 1-4, then any cluster
    assert table.values("share")[0] == D("75.00")


def test_follow_ups_are_counted_by_meeting_year_as_the_meetings_app_counts_them(built, cast):
    rollup = rollup_run()
    rows = {
        (r.year, r.agency.short_name): (
            r.total,
            r.not_started,
            r.in_progress,
            r.awaiting_verification,
            r.verified,
            r.overdue,
            r.late,
            r.days_late_total,
        )
        for r in FollowUpSnapshot.objects.filter(rollup=rollup).select_related("agency")
    }
    assert rows == {
        (2026, "Dinsos"): (4, 1, 1, 1, 1, 1, 2, 3 + 4),
        (2026, "Dinkes"): (1, 0, 0, 0, 1, 0, 0, 0),
        (2025, "Dinsos"): (1, 0, 1, 0, 0, 1, 1, 30),
    }
    # Summed over the years, the figures of meetings.selectors.action_figures_by_agency.
    for figures in action_figures_by_agency(user=cast.admin):
        mine = [v for (_y, agency), v in rows.items() if agency == figures.short_name]
        assert sum(v[0] for v in mine) == figures.total
        assert sum(v[4] for v in mine) == figures.verified
        assert sum(v[5] for v in mine) == figures.overdue
        late = sum(v[6] for v in mine)
        average = round(sum(v[7] for v in mine) / late, 1) if late else None
        assert average == figures.average_days_late
    table = follow_up_table(rollup=rollup, year=2026)
    assert table.footer[0]["average_days_late"] == D("3.5")  # (3 + 4) / 2
    meetings = {
        (m.year, m.kind): (m.held, m.cancelled)
        for m in MeetingSnapshot.objects.filter(rollup=rollup)
    }
    assert meetings == {
        (2026, "koordinasi"): (1, 0),
        (2026, "kerja"): (0, 1),
        (2025, "evaluasi"): (1, 0),
    }


def test_indicators_read_the_bps_figure_first_and_judge_every_year(built):
    rollup = rollup_run()
    rows = {
        r.year: r
        for r in IndicatorStatusSnapshot.objects.filter(
            rollup=rollup, indicator__code="P0", region__code="63.08"
        )
    }
    assert sorted(rows) == list(range(2016, 2027))
    assert (rows[2021].actual, rows[2021].actual_source) == (D("6.58"), "bps")
    assert (rows[2023].actual, rows[2023].actual_source) == (D("6.33"), "estimate")
    assert rows[2021].status == Status.ON_TRACK  # 6,184 projected for 2026 (test_status)
    assert rows[2022].status == Status.OFF_TRACK
    assert rows[2023].status == Status.OFF_TRACK  # 6,33 vs 6,30, trend 6,357
    assert rows[2026].status == Status.NO_DATA
    assert rows[2026].period_last_year == 2026 and rows[2026].end_target == D("6.19")


def test_a_rollup_replaces_the_previous_one_whole_and_keeps_one_before_it(built):
    first = rollup_run()
    second = rollup_run()
    third = rollup_run()
    assert list(Rollup.objects.values_list("pk", flat=True)) == [third.pk, second.pk]
    assert not RegistrySnapshot.objects.filter(rollup=first).exists()
    assert latest_rollup() == third
    assert (
        RegistrySnapshot.objects.filter(rollup=second).count()
        == RegistrySnapshot.objects.filter(rollup=third).count()
    )


def test_a_rollup_that_fails_half_way_leaves_the_previous_one_untouched(built, monkeypatch):
    before = rollup_run()
    rows = RegistrySnapshot.objects.filter(rollup=before).count()

    def broken(rollup):
        raise RuntimeError("the coverage query failed")

    steps = [(name, broken if name == "coverage" else step) for name, step in rollup_module.STEPS]
    monkeypatch.setattr(rollup_module, "STEPS", steps)
    with pytest.raises(RuntimeError):
        rollup_run()
    # The registry rows it had written went with its transaction.
    assert latest_rollup() == before
    assert list(Rollup.objects.values_list("pk", flat=True)) == [before.pk]
    assert RegistrySnapshot.objects.count() == rows


def test_the_dashboard_reads_the_newest_rollup_only(built, cast):
    home = Region.objects.get(code="63.08")
    old = rollup_run()
    world.family("63.08.01.2003", 1, "hidup")
    new = rollup_run()
    board = dashboard(user=cast.bappeda, year=2026, area=home, indicator=None)
    assert board.rollup == new
    assert board.table("areas").footer[0]["families"] == 7
    assert RegistrySnapshot.objects.filter(rollup=old).exists()  # kept, but not read


@JOBS
def test_the_rollup_job_reports_its_steps_and_is_visible_to_every_dashboard_role(built, cast):
    job = job_run_inline(kind="indicators.rollup", user=cast.secretariat)
    assert job.status == JobStatus.SUCCEEDED
    assert job.counts["registry"] == 12 and job.counts["indicators"] > 0
    assert Rollup.objects.get().job == job
    for member in (cast.bappeda, cast.officer_a, cast.admin):
        assert Job.objects.for_user(member).filter(pk=job.pk).exists()
    assert not Job.objects.for_user(cast.outsider).filter(pk=job.pk).exists()


@JOBS
def test_a_rollup_queued_after_another_makes_the_earlier_one_step_aside(built):
    first = job_start(kind="indicators.rollup")
    second = job_start(kind="indicators.rollup")
    job_execute(first.pk)
    first.refresh_from_db()
    assert first.status == JobStatus.SUCCEEDED and f"#{second.pk}" in first.message
    assert not Rollup.objects.exists()
    job_execute(second.pk)
    assert Rollup.objects.get().job_id == second.pk


@JOBS
def test_a_rollup_is_not_queued_twice(built):
    job = rollup_request(reason="test")
    assert job is not None and rollup_request(reason="again") is None
    job_execute(job.pk)
    assert rollup_request(reason="after") is not None


def test_the_rollup_reads_the_registry_set_based_whatever_its_size(built, cast):
    rollup_run()  # statistics and caches warm; two rollups kept, so each run deletes one
    rollup_run()
    with CaptureQueriesContext(connection) as small:
        rollup_run()
    for n in range(30):
        world.family("63.08.02.2001", n % 10 + 1, "hidup", "hidup")
    with CaptureQueriesContext(connection) as bigger:
        rollup_run()

    def counted(context):  # ANALYZE runs when enough rows changed: not a query per row
        return [q for q in context.captured_queries if not q["sql"].startswith("ANALYZE")]

    assert len(counted(bigger)) == len(counted(small))
