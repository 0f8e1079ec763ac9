"""Reads of the secretariat's entry pages: observations, RPJMD periods and their targets,
the history of a figure from the audit trail, the recommendations."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist

from tkpk.models import AuditEvent, Region

from ..choices import ObservationSource
from ..filters import ObservationFilter
from ..models import Indicator, Observation, Recommendation, RpjmdPeriod, Target
from ..models.definitions import figure_key

HISTORY_ROWS = 100


def observation_list(*, user, filters: dict | None = None) -> ObservationFilter:
    """The observations, filtered (use `.qs`), by indicator, region and year."""
    queryset = (
        Observation.objects.for_user(user)
        .select_related("indicator", "region", "entered_by")
        .order_by("indicator__order", "region__code", "-year", "source")
    )
    return ObservationFilter(filters or {}, queryset=queryset)


def period_list(*, user):
    return (
        RpjmdPeriod.objects.for_user(user)
        .select_related("region")
        .order_by("region__code", "-first_year")
    )


def period_targets(*, period: RpjmdPeriod) -> dict:
    """The targets of a period as a grid: indicators down, the period's years across."""
    years = list(range(period.first_year, period.last_year + 1))
    cells: dict[int, dict[int, Target]] = defaultdict(dict)
    indicators: dict[int, Indicator] = {}
    for target in period.targets.select_related("indicator").order_by("indicator__order", "year"):
        cells[target.indicator_id][target.year] = target
        indicators[target.indicator_id] = target.indicator
    return {
        "years": years,
        "rows": [
            {"indicator": indicators[pk], "cells": [cells[pk].get(y) for y in years]}
            for pk in indicators
        ],
    }


def figure_history(*, indicator: Indicator, region: Region | None, year: int) -> list[dict]:
    """Who changed a year's figure, when, and from what to what: the audit events of its
    observations (every source) and its target, newest first, also of rows since deleted."""
    types = ContentType.objects.get_for_models(Observation, Target)
    key = figure_key(
        indicator_code=indicator.code, region_code=region.code if region else None, year=year
    )
    events = (
        AuditEvent.objects.filter(
            content_type__in=list(types.values()), object_repr__startswith=key
        )
        .select_related("content_type")
        .order_by("-at", "-id")[:HISTORY_ROWS]
    )
    models = {types[Observation].pk: Observation, types[Target].pk: Target}
    rows = []
    for event in events:
        what = event.object_repr[len(key) :]
        model = models[event.content_type_id]
        rows.append(
            {
                "event": event,
                "what": what,
                "source": _source_label(what),
                "changes": [
                    (_field_label(model, name), values[0], values[1])
                    for name, values in sorted(event.changes.items())
                    if isinstance(values, list) and len(values) == 2
                ],
            }
        )
    return rows


def _field_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _source_label(what: str) -> str:
    """ "bps" -> "BPS", "target" -> "Target": what a history row is about."""
    if what == "target":
        return str(Target._meta.verbose_name).capitalize()
    try:
        return str(ObservationSource(what).label)
    except ValueError:
        return what


def recommendation_list(*, user, year: int | None = None):
    """The recommendations (of one year), for a user, or all of them (user None: the server)."""
    rows = Recommendation.objects.all() if user is None else Recommendation.objects.for_user(user)
    rows = rows.select_related("created_by")
    return rows.filter(year=year) if year else rows
