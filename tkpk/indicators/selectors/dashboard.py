"""The dashboard: every table of the newest rollup for a year, an area and an indicator, as
the reader may see them; the map's features; the role home pages' card."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.utils import timezone

from tkpk.choices import RegionLevel
from tkpk.models import Agency, Region

from ..models import Indicator, KecamatanBoundary, Rollup
from ..tables import Table
from .common import budget_scope, coverage_visible, follow_up_scope, home_region, latest_rollup
from .figures import areas_table, budget_tables, coverage_table, follow_up_table, meeting_table
from .indicators import Kpi, kpi_table, kpis, series_table, targets_table


@dataclass
class Dashboard:
    """Everything the dashboard page shows, from one rollup."""

    rollup: Rollup | None
    year: int
    area: Region | None
    indicator: Indicator | None
    kpis: list[Kpi] = field(default_factory=list)
    tables: dict[str, Table] = field(default_factory=dict)
    has_map: bool = False
    scoped_agency: Agency | None = None

    def table(self, key: str) -> Table | None:
        """A table by key (None when the user may not see it, or it has no data source)."""
        return self.tables.get(key)


def dashboard(
    *,
    user,
    year: int,
    area: Region | None,
    indicator: Indicator | None,
    only: str | None = None,
    rollup: Rollup | None = None,
) -> Dashboard:
    """The dashboard of the newest rollup (or of `rollup`, the newest the caller just read) for
    the filters, scoped to the user's permissions (module docstring). `only`: build just that
    table (a download)."""
    rollup = rollup or latest_rollup()
    board = Dashboard(rollup=rollup, year=year, area=area, indicator=indicator)
    if rollup is None or area is None:
        return board

    def wanted(*keys) -> bool:
        return only is None or only in keys

    if wanted("kpi"):
        board.kpis = kpis(rollup=rollup, area=area, year=year)
        board.tables["kpi"] = kpi_table(rollup=rollup, cards=board.kpis)
    if indicator is not None and wanted("series"):
        board.tables["series"] = series_table(
            rollup=rollup, area=area, indicator=indicator, year=year
        )
    if wanted("targets"):
        board.tables["targets"] = targets_table(rollup=rollup, area=area, year=year)
    if wanted("areas"):
        board.tables["areas"] = areas_table(rollup=rollup, area=area)
        board.has_map = area.level != RegionLevel.DISTRICT and KecamatanBoundary.objects.exists()
    visible, agency_id = budget_scope(user)
    if visible and wanted("budget_clusters", "budget_agencies", "reach"):
        tables = budget_tables(rollup=rollup, year=year, agency_id=agency_id)
        board.tables.update((table.key, table) for table in tables)
        if agency_id:
            board.scoped_agency = Agency.objects.filter(pk=agency_id).first()
    if coverage_visible(user) and wanted("coverage"):
        board.tables["coverage"] = coverage_table(rollup=rollup, year=year, area=area)
    visible, agency_id = follow_up_scope(user)
    if visible and wanted("followups"):
        board.tables["followups"] = follow_up_table(rollup=rollup, year=year, agency_id=agency_id)
    if (user is None or user.has_perm("meetings.view_board")) and wanted("meetings"):
        board.tables["meetings"] = meeting_table(rollup=rollup, year=year)
    return board


def map_features(*, rollup: Rollup | None) -> dict:
    """The kecamatan boundaries as a GeoJSON FeatureCollection, each with the share of its
    families in deciles 1-2 (the areas table's) for the map's colours."""
    figures = {}
    home = home_region()
    if rollup is not None and home is not None:
        figures = {row["code"]: row for row in areas_table(rollup=rollup, area=home).rows}
    features = []
    for boundary in KecamatanBoundary.objects.select_related("region"):
        row = figures.get(boundary.region.code, {})
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(boundary.geometry),
                "properties": {
                    "code": boundary.region.code,
                    "name": boundary.region.name,
                    "share": float(row["poorest_share"]) if row.get("poorest_share") else None,
                    "families": row.get("families", 0),
                    "poorest": row.get("poorest", 0),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def home_panel() -> dict:
    """The role home pages' card: the key indicators of the home region in the newest rollup,
    as of this year (three queries)."""
    rollup = latest_rollup()
    home = home_region()
    if rollup is None or home is None:
        return {"indicator_rollup": rollup, "indicator_kpis": []}
    return {
        "indicator_rollup": rollup,
        "indicator_kpis": kpis(rollup=rollup, area=home, year=timezone.localdate().year),
    }
