"""The indicator tables of the dashboard and the report: the key indicators' cards, one
indicator's series against the RPJMD path (with the regions above and Indonesia), and every
indicator's status in one year. Read from IndicatorStatusSnapshot only."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from tkpk.models import Region

from ..choices import STATUS_COLOURS, Status
from ..models import Indicator, IndicatorStatusSnapshot, Rollup
from ..status import TREND_POINTS, rounded, trend_at
from ..tables import FIGURE, INT, STATUS, TEXT, Column, Table


@dataclass
class Kpi:
    """A key indicator's card: its latest actual up to the chosen year, against its target."""

    indicator: Indicator
    row: IndicatorStatusSnapshot | None

    @property
    def years_left(self) -> int | None:
        if self.row is None or self.row.period_last_year is None:
            return None
        return max(self.row.period_last_year - self.row.year, 0)

    @property
    def colour(self) -> str:
        return STATUS_COLOURS.get(self.row.status if self.row else Status.NO_DATA, "secondary")

    @property
    def status(self) -> Status:
        return Status(self.row.status) if self.row else Status.NO_DATA


def kpis(*, rollup: Rollup, area: Region, year: int) -> list[Kpi]:
    """The key indicators' latest judged actual of the area up to `year`: one query."""
    rows = (
        IndicatorStatusSnapshot.objects.filter(
            rollup=rollup,
            region=area,
            indicator__is_key=True,
            year__lte=year,
            actual__isnull=False,
        )
        .select_related("indicator")
        .order_by("indicator__order", "indicator__code", "-year")
    )
    latest: dict[int, IndicatorStatusSnapshot] = {}
    for row in rows:
        latest.setdefault(row.indicator_id, row)
    indicators = {row.indicator_id: row.indicator for row in latest.values()}
    return [Kpi(indicator=indicators[pk], row=row) for pk, row in latest.items()]


def kpi_table(*, rollup: Rollup, cards: list[Kpi]) -> Table:
    return Table(
        key="kpi",
        title=_("Key indicators: latest actual against the RPJMD target"),
        chart="",
        label="indicator",
        computed_at=rollup.computed_at,
        columns=[
            Column("indicator", _("Indicator")),
            Column("year", _("Year")),
            Column("actual", _("Actual"), FIGURE, decimals_from="decimals"),
            Column("target", _("Target"), FIGURE, decimals_from="decimals"),
            Column("gap", _("Gap"), FIGURE, decimals_from="decimals"),
            Column("status", _("Status"), STATUS),
            Column("end_target", _("End-of-plan target"), FIGURE, decimals_from="decimals"),
            Column("years_left", _("Years left"), INT),
            Column("needed", _("Yearly change needed"), FIGURE, decimals_from="decimals_needed"),
        ],
        rows=[
            {
                "indicator": card.indicator.name,
                "decimals": card.indicator.decimals,
                "decimals_needed": card.indicator.decimals + 2,
                "year": str(card.row.year),
                "actual": card.row.actual,
                "target": card.row.target,
                "gap": card.row.gap,
                "status": card.status,
                "end_target": card.row.end_target,
                "years_left": card.years_left,
                "needed": card.row.needed_yearly_change,
            }
            for card in cards
            if card.row is not None
        ],
    )


def comparison_regions(area: Region | None) -> list[Region]:
    """The regions an area's figures are compared with: the regions above it (its kabupaten,
    its province), nearest first."""
    regions = []
    current = area.parent if area is not None else None
    while current is not None:
        regions.append(current)
        current = current.parent
    return regions


def series_table(*, rollup: Rollup, area: Region, indicator: Indicator, year: int) -> Table:
    """Actual, target path and trend of one indicator in one area, every year of the snapshot,
    beside the same indicator of the regions above the area and of Indonesia. The trend is the
    least-squares line through the last up to 5 actuals up to `year`, drawn from the first of
    them to the last year shown. One query (the area's parents are two more, cached)."""
    others = comparison_regions(area)
    rows = list(
        IndicatorStatusSnapshot.objects.filter(rollup=rollup, indicator=indicator)
        .filter(Q(region=area) | Q(region__in=others) | Q(region__isnull=True))
        .order_by("year")
    )
    own = {r.year: r for r in rows if r.region_id == area.pk}
    compared: dict = defaultdict(dict)
    for row in rows:
        if row.region_id != area.pk and row.actual is not None:
            compared[row.region_id][row.year] = row.actual
    points = [(y, r.actual) for y, r in sorted(own.items()) if r.actual is not None and y <= year]
    points = points[-TREND_POINTS:]
    places = indicator.decimals
    comparison_columns = [
        Column(f"region_{region.pk}", region.name, FIGURE, places, series="thin")
        for region in others
        if region.pk in compared
    ]
    if None in compared:
        comparison_columns.append(Column("national", _("Indonesia"), FIGURE, places, series="thin"))
    table = Table(
        key="series",
        title=_("%(indicator)s: actual against the RPJMD target") % {"indicator": indicator.name},
        chart="line",
        label="year",
        computed_at=rollup.computed_at,
        note=indicator.unit,
        columns=[
            Column("year", _("Year")),
            Column("actual", area.name, FIGURE, places, series="line"),
            Column("target", _("RPJMD target"), FIGURE, places, series="dashed"),
            Column("trend", _("Trend"), FIGURE, places, series="dotted"),
            *comparison_columns,
            Column("gap", _("Gap"), FIGURE, places),
            Column("status", _("Status"), STATUS),
            Column("projection", _("Projection for the end of the plan"), FIGURE, places),
            Column("needed", _("Yearly change needed"), FIGURE, places + 2),
        ],
    )
    years = sorted(set(own) | {y for values in compared.values() for y in values})
    for each in years:
        row = own.get(each)
        trend = None
        if len(points) >= 2 and each >= points[0][0] and row is not None:
            trend = rounded(trend_at(points, each))
        line = {
            "year": str(each),
            "actual": row.actual if row else None,
            "target": row.target if row else None,
            "trend": trend,
            "gap": row.gap if row else None,
            "status": Status(row.status) if row else None,
            "projection": row.projection if row else None,
            "needed": row.needed_yearly_change if row else None,
        }
        for region in others:
            line[f"region_{region.pk}"] = compared.get(region.pk, {}).get(each)
        line["national"] = compared.get(None, {}).get(each)
        table.rows.append(line)
    return table


def targets_table(*, rollup: Rollup, area: Region, year: int) -> Table:
    """Every indicator of the area in one year: actual, RPJMD target, gap, status, and what the
    rest of the plan asks (the end-of-plan target, the projection, the yearly change needed)."""
    rows = (
        IndicatorStatusSnapshot.objects.filter(rollup=rollup, region=area, year=year)
        .select_related("indicator")
        .order_by("indicator__order", "indicator__code")
    )
    return Table(
        key="targets",
        title=_("RPJMD targets and their status in %(year)s") % {"year": year},
        chart="",
        label="indicator",
        computed_at=rollup.computed_at,
        columns=[
            Column("indicator", _("Indicator")),
            Column("unit", _("Unit")),
            Column("actual", _("Actual"), FIGURE, decimals_from="decimals"),
            Column("target", _("Target"), FIGURE, decimals_from="decimals"),
            Column("gap", _("Gap"), FIGURE, decimals_from="decimals"),
            Column("status", _("Status"), STATUS),
            Column("end_target", _("End-of-plan target"), FIGURE, decimals_from="decimals"),
            Column("end_year", _("End year"), TEXT),
            Column(
                "projection",
                _("Projection for the end of the plan"),
                FIGURE,
                decimals_from="decimals",
            ),
            Column("needed", _("Yearly change needed"), FIGURE, decimals_from="decimals_needed"),
        ],
        rows=[
            {
                "indicator": row.indicator.name,
                "decimals": row.indicator.decimals,
                "decimals_needed": row.indicator.decimals + 2,
                "unit": row.indicator.unit,
                "actual": row.actual,
                "target": row.target,
                "gap": row.gap,
                "status": Status(row.status),
                "end_target": row.end_target,
                "end_year": str(row.period_last_year or ""),
                "projection": row.projection,
                "needed": row.needed_yearly_change,
            }
            for row in rows
        ],
    )
