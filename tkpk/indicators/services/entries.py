"""What the secretariat enters by hand: observations, RPJMD periods and their targets, and the
recommendations of the annual report. Every write is audited (tkpk.audit), so that the history
of a figure is read from the audit trail (selectors.figure_history), and every change of an
observation or a target asks for a rollup once it is committed (`rollup_request`)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tkpk.audit import audit_record, audited_create, audited_update, model_changes, snapshot
from tkpk.choices import AuditAction, JobStatus
from tkpk.jobs import job_start
from tkpk.models import Job

from ..choices import ObservationSource
from ..figures import format_figure
from ..models import Indicator, Observation, Recommendation, RpjmdPeriod, Target

ROLLUP_KIND = "indicators.rollup"
OBSERVATION_FIELDS = ["region", "indicator", "year", "value", "source", "note"]
#: What an edit may change: the rest names the figure (to move it, delete it and enter it anew).
OBSERVATION_EDITABLE = ["value", "note"]
PERIOD_FIELDS = ["region", "first_year", "last_year", "perda_reference"]
PERIOD_EDITABLE = ["first_year", "last_year", "perda_reference"]
TARGET_FIELDS = ["indicator", "year", "value", "note"]
TARGET_EDITABLE = ["value", "note"]
RECOMMENDATION_FIELDS = ["year", "order", "title", "text"]


def _actor(user):
    return user if getattr(user, "is_authenticated", False) else None


def rollup_request(*, user=None, reason: str = "") -> Job | None:
    """Start a rollup job unless one is already waiting in the queue: a queued job has not read
    anything yet, so it will include what was just committed. Call it after the commit
    (transaction.on_commit). Returns the new job, or None when one was waiting."""
    if Job.objects.filter(kind=ROLLUP_KIND, status=JobStatus.QUEUED).exists():
        return None
    return job_start(kind=ROLLUP_KIND, user=_actor(user), params={"reason": reason})


def rollup_after_commit(reason: str) -> None:
    transaction.on_commit(lambda: rollup_request(reason=reason))


def check_value(indicator: Indicator, value: Decimal, *, field: str = "value") -> None:
    """Refuse a figure outside what the indicator can be (a percentage above 100, a negative
    count, a Gini ratio above 1)."""
    low, high = indicator.minimum, indicator.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        if high is None:
            message = _("%(indicator)s cannot be below %(low)s.")
        else:
            message = _("%(indicator)s lies between %(low)s and %(high)s.")
        raise ValidationError(
            {
                field: message
                % {
                    "indicator": indicator.code,
                    "low": format_figure(low, indicator.decimals),
                    "high": format_figure(high, indicator.decimals),
                }
            }
        )


def _observation_exists(*, region, indicator, year, source, exclude=None) -> bool:
    found = Observation.objects.filter(region=region, indicator=indicator, year=year, source=source)
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    return found.exists()


@transaction.atomic
def observation_create(
    *,
    user,
    region,
    indicator: Indicator,
    year: int,
    value: Decimal,
    source: str = ObservationSource.BPS,
    note: str = "",
    request=None,
) -> Observation:
    """Enter an actual figure (region None: Indonesia). One a region, indicator, year and
    source: a second one is refused with a pointer to the first."""
    check_value(indicator, value)
    if _observation_exists(region=region, indicator=indicator, year=year, source=source):
        raise ValidationError(
            _(
                "There is already a figure of %(indicator)s for this region, year and source: "
                "change that one instead."
            )
            % {"indicator": indicator.code}
        )
    observation = Observation(
        region=region,
        indicator=indicator,
        year=year,
        value=value,
        source=source,
        note=note,
        entered_by=_actor(user),
        entered_at=timezone.now(),
    )
    audited_create(user=user, obj=observation, fields=OBSERVATION_FIELDS, request=request)
    rollup_after_commit("observation")
    return observation


@transaction.atomic
def observation_update(*, user, observation: Observation, data: dict, request=None):
    """Change the value or the note of a figure; audited with the old and new values."""
    data = {name: data[name] for name in OBSERVATION_EDITABLE if name in data}
    if "value" in data:
        check_value(observation.indicator, data["value"])
    before = snapshot(observation, OBSERVATION_EDITABLE)
    audited_update(
        user=user, obj=observation, data=data, fields=OBSERVATION_EDITABLE, request=request
    )
    if model_changes(before, snapshot(observation, OBSERVATION_EDITABLE)):
        Observation.objects.filter(pk=observation.pk).update(
            entered_by=_actor(user), entered_at=timezone.now()
        )
        rollup_after_commit("observation")
    return observation


@transaction.atomic
def observation_delete(*, user, observation: Observation, request=None) -> None:
    """Delete a figure entered by mistake; the audit trail keeps what it was."""
    audit_record(
        actor=user,
        action=AuditAction.DELETE,
        obj=observation,
        changes=model_changes(snapshot(observation, OBSERVATION_FIELDS), {}),
        request=request,
    )
    observation.delete()
    rollup_after_commit("observation")


def _check_period(*, region, first_year: int, last_year: int, exclude=None) -> None:
    if first_year > last_year:
        raise ValidationError({"last_year": _("The last year comes after the first year.")})
    overlapping = RpjmdPeriod.objects.filter(
        region=region, first_year__lte=last_year, last_year__gte=first_year
    )
    if exclude is not None:
        overlapping = overlapping.exclude(pk=exclude.pk)
    other = overlapping.first()
    if other is not None:
        raise ValidationError(
            _("The years overlap the RPJMD period %(first)s–%(last)s of this region.")
            % {"first": other.first_year, "last": other.last_year}
        )


@transaction.atomic
def period_create(
    *,
    user,
    region,
    first_year: int,
    last_year: int,
    perda_reference: str = "",
    request=None,
) -> RpjmdPeriod:
    """A new RPJMD period of a region; its years may not overlap another of the region's."""
    _check_period(region=region, first_year=first_year, last_year=last_year)
    period = RpjmdPeriod(
        region=region,
        first_year=first_year,
        last_year=last_year,
        perda_reference=perda_reference,
        created_by=_actor(user),
    )
    return audited_create(user=user, obj=period, fields=PERIOD_FIELDS, request=request)


@transaction.atomic
def period_update(*, user, period: RpjmdPeriod, data: dict, request=None) -> RpjmdPeriod:
    """Change a period's years or Perda; its targets must stay inside its years."""
    data = {name: data[name] for name in PERIOD_EDITABLE if name in data}
    first = data.get("first_year", period.first_year)
    last = data.get("last_year", period.last_year)
    _check_period(region=period.region, first_year=first, last_year=last, exclude=period)
    outside = period.targets.exclude(year__gte=first, year__lte=last).order_by("year").first()
    if outside is not None:
        raise ValidationError(
            _("The period has a target for %(year)s: delete it first or keep that year.")
            % {"year": outside.year}
        )
    audited_update(user=user, obj=period, data=data, fields=PERIOD_EDITABLE, request=request)
    rollup_after_commit("target")
    return period


def _check_target(*, period: RpjmdPeriod, indicator: Indicator, year: int, exclude=None):
    if not period.covers(year):
        raise ValidationError(
            {
                "year": _("The period covers %(first)s to %(last)s.")
                % {"first": period.first_year, "last": period.last_year}
            }
        )
    found = Target.objects.filter(period=period, indicator=indicator, year=year)
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    if found.exists():
        raise ValidationError(
            _("The period already has a target of %(indicator)s for %(year)s: change that one.")
            % {"indicator": indicator.code, "year": year}
        )


@transaction.atomic
def target_create(
    *,
    user,
    period: RpjmdPeriod,
    indicator: Indicator,
    year: int,
    value: Decimal,
    note: str = "",
    request=None,
) -> Target:
    """The target of an indicator for one year of the period."""
    _check_target(period=period, indicator=indicator, year=year)
    check_value(indicator, value)
    target = Target(
        period=period,
        indicator=indicator,
        year=year,
        value=value,
        note=note,
        entered_by=_actor(user),
        entered_at=timezone.now(),
    )
    audited_create(user=user, obj=target, fields=TARGET_FIELDS, request=request)
    rollup_after_commit("target")
    return target


@transaction.atomic
def target_update(*, user, target: Target, data: dict, request=None) -> Target:
    data = {name: data[name] for name in TARGET_EDITABLE if name in data}
    if "value" in data:
        check_value(target.indicator, data["value"])
    before = snapshot(target, TARGET_EDITABLE)
    audited_update(user=user, obj=target, data=data, fields=TARGET_EDITABLE, request=request)
    if model_changes(before, snapshot(target, TARGET_EDITABLE)):
        Target.objects.filter(pk=target.pk).update(
            entered_by=_actor(user), entered_at=timezone.now()
        )
        rollup_after_commit("target")
    return target


@transaction.atomic
def target_delete(*, user, target: Target, request=None) -> None:
    audit_record(
        actor=user,
        action=AuditAction.DELETE,
        obj=target,
        changes=model_changes(snapshot(target, TARGET_FIELDS), {}),
        request=request,
    )
    target.delete()
    rollup_after_commit("target")


@transaction.atomic
def recommendation_create(
    *, user, year: int, order: int, title: str, text: str, request=None
) -> Recommendation:
    """A recommendation of the TKPK for the year's report."""
    recommendation = Recommendation(
        year=year, order=order, title=title, text=text, created_by=_actor(user)
    )
    return audited_create(
        user=user, obj=recommendation, fields=RECOMMENDATION_FIELDS, request=request
    )


@transaction.atomic
def recommendation_update(
    *, user, recommendation: Recommendation, data: dict, request=None
) -> Recommendation:
    data = {name: data[name] for name in RECOMMENDATION_FIELDS if name in data}
    recommendation.updated_at = timezone.now()
    return audited_update(
        user=user,
        obj=recommendation,
        data=data,
        fields=RECOMMENDATION_FIELDS,
        request=request,
    )


@transaction.atomic
def recommendation_delete(*, user, recommendation: Recommendation, request=None) -> None:
    audit_record(
        actor=user,
        action=AuditAction.DELETE,
        obj=recommendation,
        changes=model_changes(snapshot(recommendation, RECOMMENDATION_FIELDS), {}),
        request=request,
    )
    recommendation.delete()
