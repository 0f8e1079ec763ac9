"""Reads of the indicators app. The dashboard and the annual report read the newest rollup's
snapshots only (a page view never aggregates the registry, programs or meetings): a fixed number
of small queries, whatever the size of the registry.

Who sees what, as the apps that own the figures decide it:

- indicators and the registry in aggregate: every holder of indicators.view_dashboard;
- pagu and realization: holders of programs.view_budget all agencies', an Operator SKPD its own
  agency's only (as programs' budget summary);
- coverage: holders of programs.view_coverage (not the Operator SKPD);
- follow-ups and meetings: holders of meetings.view_board all agencies', an Operator SKPD its own
  agency's follow-ups only (as its action list).
"""

from .common import (
    area_choices,
    budget_scope,
    coverage_visible,
    dashboard_years,
    follow_up_scope,
    home_region,
    latest_rollup,
)
from .dashboard import Dashboard, dashboard, home_panel, map_features
from .entries import (
    figure_history,
    observation_list,
    period_list,
    period_targets,
    recommendation_list,
)
from .figures import areas_table, budget_tables, coverage_table, follow_up_table, meeting_table
from .indicators import (
    Kpi,
    comparison_regions,
    kpi_table,
    kpis,
    series_table,
    targets_table,
)

__all__ = [
    "Dashboard",
    "Kpi",
    "area_choices",
    "areas_table",
    "budget_scope",
    "budget_tables",
    "comparison_regions",
    "coverage_table",
    "coverage_visible",
    "dashboard",
    "dashboard_years",
    "figure_history",
    "follow_up_scope",
    "follow_up_table",
    "home_panel",
    "home_region",
    "kpi_table",
    "kpis",
    "latest_rollup",
    "map_features",
    "meeting_table",
    "observation_list",
    "period_list",
    "period_targets",
    "recommendation_list",
    "series_table",
    "targets_table",
]
