"""Models of the indicators app: what people enter (indicators, RPJMD periods and targets,
observations, recommendations, kecamatan boundaries, imported tables) and what the rollup
computes from every app (the snapshots, tkpk.indicators.models.snapshots)."""

from .definitions import (
    Indicator,
    IndicatorImport,
    KecamatanBoundary,
    Observation,
    Recommendation,
    RpjmdPeriod,
    Target,
)
from .snapshots import (
    CoverageSnapshot,
    FollowUpSnapshot,
    IndicatorStatusSnapshot,
    MeetingSnapshot,
    ProgramSnapshot,
    RegistrySnapshot,
    Rollup,
)

__all__ = [
    "CoverageSnapshot",
    "FollowUpSnapshot",
    "Indicator",
    "IndicatorImport",
    "IndicatorStatusSnapshot",
    "KecamatanBoundary",
    "MeetingSnapshot",
    "Observation",
    "ProgramSnapshot",
    "Recommendation",
    "RegistrySnapshot",
    "Rollup",
    "RpjmdPeriod",
    "Target",
]
