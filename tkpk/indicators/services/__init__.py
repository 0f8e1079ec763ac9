"""Writes of the indicators app. Keyword-only, atomic, audited; every change of an observation
or a target asks for a rollup once it is committed."""

from .boundaries import BoundaryProblem, boundaries_load
from .entries import (
    OBSERVATION_FIELDS,
    PERIOD_FIELDS,
    RECOMMENDATION_FIELDS,
    TARGET_FIELDS,
    observation_create,
    observation_delete,
    observation_update,
    period_create,
    period_update,
    recommendation_create,
    recommendation_delete,
    recommendation_update,
    rollup_request,
    target_create,
    target_delete,
    target_update,
)
from .reports import annual_report_build, annual_report_start

__all__ = [
    "OBSERVATION_FIELDS",
    "PERIOD_FIELDS",
    "RECOMMENDATION_FIELDS",
    "TARGET_FIELDS",
    "BoundaryProblem",
    "annual_report_build",
    "annual_report_start",
    "boundaries_load",
    "observation_create",
    "observation_delete",
    "observation_update",
    "period_create",
    "period_update",
    "recommendation_create",
    "recommendation_delete",
    "recommendation_update",
    "rollup_request",
    "target_create",
    "target_delete",
    "target_update",
]
