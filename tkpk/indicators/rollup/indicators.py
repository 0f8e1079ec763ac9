"""The rollup's indicator step: the status rule for every region, indicator and year."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.db.models import Q

from ..choices import PRECEDENCE
from ..models import (
    Indicator,
    IndicatorStatusSnapshot,
    Observation,
    Rollup,
    RpjmdPeriod,
    Target,
)
from ..status import Plan, YearStatus, evaluate


def tolerance_percent() -> Decimal:
    """INDICATOR_ON_TRACK_TOLERANCE: the tolerance of the status rule, in percent of the change
    a plan sets out (tkpk.indicators.status); 10 unless the settings say otherwise."""
    return Decimal(getattr(settings, "INDICATOR_ON_TRACK_TOLERANCE", 10))


# --- Indicators --------------------------------------------------------------------------------


def status_series(
    *, region_ids: Iterable[int | None] | None = None, indicator_ids: Iterable[int] | None = None
) -> list[tuple[int | None, Indicator, YearStatus]]:
    """Every judged year as (region id or None for Indonesia, indicator, YearStatus), for the
    given regions and indicators (default: all). Four queries, whatever the number of figures."""
    indicators = {i.pk: i for i in Indicator.objects.all()}
    observations = Observation.objects.all()
    targets = Target.objects.all()
    periods = RpjmdPeriod.objects.all()
    if region_ids is not None:
        region_ids = list(region_ids)
        regional = [r for r in region_ids if r is not None]
        national = None in region_ids
        where = Q(region_id__in=regional) | (Q(region__isnull=True) if national else Q(pk=None))
        observations = observations.filter(where)
        targets = targets.filter(period__region_id__in=regional)
        periods = periods.filter(region_id__in=regional)
    if indicator_ids is not None:
        indicator_ids = list(indicator_ids)
        observations = observations.filter(indicator_id__in=indicator_ids)
        targets = targets.filter(indicator_id__in=indicator_ids)

    rank = {source: position for position, source in enumerate(PRECEDENCE)}
    best: dict[tuple, dict[int, tuple[int, Decimal, str]]] = defaultdict(dict)
    for region_id, indicator_id, year, source, value in observations.values_list(
        "region_id", "indicator_id", "year", "source", "value"
    ):
        found = best[(region_id, indicator_id)].get(year)
        if found is None or rank[source] < found[0]:
            best[(region_id, indicator_id)][year] = (rank[source], value, source)

    period_years = {
        pk: (region, first, last)
        for pk, region, first, last in periods.values_list(
            "pk", "region_id", "first_year", "last_year"
        )
    }
    by_plan: dict[tuple, dict[int, Decimal]] = defaultdict(dict)
    for period_id, indicator_id, year, value in targets.values_list(
        "period_id", "indicator_id", "year", "value"
    ):
        by_plan[(period_id, indicator_id)][year] = value
    plans: dict[tuple, list[Plan]] = defaultdict(list)
    for (period_id, indicator_id), values in by_plan.items():
        region_id, first, last = period_years[period_id]
        plans[(region_id, indicator_id)].append(
            Plan(first_year=first, last_year=last, targets=values, key=period_id)
        )

    results = []
    percent = tolerance_percent()
    for key in sorted(set(best) | set(plans), key=lambda k: (k[0] or 0, k[1])):
        region_id, indicator_id = key
        indicator = indicators[indicator_id]
        years = best.get(key, {})
        for status in evaluate(
            actuals={year: value for year, (_rank, value, _s) in years.items()},
            sources={year: source for year, (_rank, _v, source) in years.items()},
            plans=sorted(plans.get(key, []), key=lambda p: p.first_year),
            lower_is_better=indicator.lower_is_better,
            decimals=indicator.decimals,
            tolerance_percent=percent,
        ):
            results.append((region_id, indicator, status))
    results.sort(key=lambda r: (r[1].order, r[1].code, r[0] or 0, r[2].year))
    return results


def _indicators(rollup: Rollup) -> int:
    rows = [
        IndicatorStatusSnapshot(
            rollup=rollup,
            computed_at=rollup.computed_at,
            region_id=region_id,
            indicator=indicator,
            year=item.year,
            actual=item.actual,
            actual_source=item.actual_source,
            target=item.target,
            gap=item.gap,
            status=item.status,
            tolerance=item.tolerance,
            needed_yearly_change=item.needed_yearly_change,
            projection=item.projection,
            period_id=item.plan.key if item.plan else None,
            period_last_year=item.end_year,
            end_target=item.end_target,
        )
        for region_id, indicator, item in status_series()
    ]
    IndicatorStatusSnapshot.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
