"""The rollup: every figure the dashboards and the annual report show, computed from every app
into the snapshot tables (tkpk.indicators.models.snapshots), in one transaction.

- **indicators**: for every region (and Indonesia), indicator and year with an actual or a
  target, the status rule of tkpk.indicators.status;
- **registry**: per desa and kecamatan of the home region (settings.HOME_REGION_CODE), the active
  families and their living members by decile (0: none recorded), with one INSERT ... SELECT;
- **programs**: per fiscal year, cluster, agency and target unit, the pagu and the realization
  (reported: quarters submitted or verified; verified), as programs.selectors.budget counts them,
  the target, the reach of the latest reported quarter and the active named beneficiaries;
- **coverage**: per fiscal year, kecamatan and cluster (and any cluster), how many of the active
  decile 1-4 families an active beneficiary of the family reaches (through the recipient's
  current family), as programs.selectors.coverage counts them;
- **follow-ups**: per meeting year and responsible agency, the actions by status, overdue and
  days late on the rollup's day, as meetings.selectors.action_figures_by_agency counts them
  (cancelled actions left out);
- **meetings**: per year and kind, the meetings planned, held and cancelled.

The tables are read set-based (GROUP BY in the database, never a query per row); the biggest
reads are the registry and the beneficiaries, once each. Rollups are serialised by an advisory
lock on PostgreSQL (the embedded SQLite has one writer at a time anyway).
"""

# ruff: noqa: S608 - the SQL is assembled from the models' table names; values are parameters.

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from households.models import Household, Person
from meetings.models import FollowUpAction
from programs.models import Beneficiary, Program, Realization

from ..models import Rollup
from .figures import KEEP, _coverage, _follow_ups, _meetings, _programs, _registry
from .indicators import _indicators, status_series, tolerance_percent

__all__ = ["STEPS", "analyze_stale_tables", "rollup_run", "status_series", "tolerance_percent"]

_LOCK_KEY = 7_013_013  # pg_advisory_xact_lock: one rollup at a time

#: The big tables the rollup reads, and the share of changed rows after which their planner
#: statistics are refreshed first (as autovacuum would, but it may come late after a load).
READ_MODELS = (Household, Person, Beneficiary, Program, Realization, FollowUpAction)
STALE_SHARE = 0.1


def analyze_stale_tables() -> list[str]:
    """ANALYZE the tables the rollup reads whose statistics are missing or older than a tenth of
    their rows' changes: without them PostgreSQL takes a freshly loaded registry for an empty
    one and joins it row by row (4.8 s instead of 0.02 s for the demo's 5,000 families).
    Returns the tables analysed; nothing on SQLite."""
    if connection.vendor != "postgresql":
        return []
    names = [model._meta.db_table for model in READ_MODELS]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_live_tup, n_mod_since_analyze, "
            "COALESCE(last_analyze, last_autoanalyze) FROM pg_stat_user_tables "
            "WHERE relname = ANY(%s)",
            [names],
        )
        stale = sorted(
            name
            for name, live, modified, analysed in cursor.fetchall()
            if analysed is None or modified > STALE_SHARE * max(live, 1)
        )
        for name in stale:
            cursor.execute(f'ANALYZE "{name}"')
    return stale


STEPS: list[tuple[str, Callable[[Rollup], int]]] = [
    ("indicators", _indicators),
    ("registry", _registry),
    ("programs", _programs),
    ("coverage", _coverage),
    ("follow_ups", _follow_ups),
    ("meetings", _meetings),
]


def rollup_run(*, job=None, progress: Callable[[int, int, str], None] | None = None) -> Rollup:
    """Compute every snapshot from the current data, atomically: the new rollup becomes
    visible to readers whole when the transaction commits. `progress(done, total, step)` is
    called before each step. Returns the Rollup."""
    started = time.perf_counter()
    analysed = analyze_stale_tables()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        # Read after the lock: a rollup that waited reads what the one before it committed.
        rollup = Rollup.objects.create(computed_at=timezone.now(), job=job)
        counts = {}
        for done, (name, step) in enumerate(STEPS):
            if progress:
                progress(done, len(STEPS), name)
            counts[name] = step(rollup)
        kept = list(Rollup.objects.order_by("-computed_at", "-id").values_list("pk", flat=True))
        Rollup.objects.filter(pk__in=kept[KEEP:]).delete()
        rollup.counts = {**counts, "analysed": analysed}
        rollup.seconds = Decimal(f"{time.perf_counter() - started:.3f}")
        rollup.save(update_fields=["counts", "seconds"])
    if progress:
        progress(len(STEPS), len(STEPS), "done")
    return rollup
