"""Storing a checked table in one transaction, and the uploads of the browser import
(tkpk.indicators.importing)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tkpk.audit import audited_create, audited_update

from ..choices import ObservationSource, RowKind
from ..models import IndicatorImport, Observation, RpjmdPeriod, Target
from ..services.entries import (
    OBSERVATION_FIELDS,
    PERIOD_FIELDS,
    TARGET_FIELDS,
    rollup_after_commit,
)
from .check import (
    MAX_BYTES,
    ImportCheck,
    ImportRefused,
    _observation_key,
    _periods_for,
    _stored_observations,
    _stored_targets,
    import_check,
)


@dataclass
class ImportResult:
    plan: dict
    periods_created: list[RpjmdPeriod]


def import_apply(
    *,
    fileobj,
    name: str,
    user,
    source: str = ObservationSource.BPS,
    perda_reference: str = "",
    note: str = "",
    request=None,
) -> ImportResult:
    """Check the file again and, if it has no error, store all its figures in one transaction
    (audited one by one, as if entered by hand), then ask for a rollup. Raises ImportRefused."""
    check = import_check(fileobj=fileobj, name=name, source=source)
    if not check.ok:
        raise ImportRefused(check)
    note = note or _("Imported from %(file)s") % {"file": name}
    now = timezone.now()
    with transaction.atomic():
        periods = _periods_for(check)
        created: dict[tuple, RpjmdPeriod] = {}
        for region, first, last in check.new_periods:
            period = RpjmdPeriod(
                region=region,
                first_year=first,
                last_year=last,
                perda_reference=perda_reference,
                created_by=user if getattr(user, "is_authenticated", False) else None,
            )
            audited_create(
                user=user,
                obj=period,
                fields=PERIOD_FIELDS,
                summary=_("RPJMD period created by the import of %(file)s") % {"file": name},
                request=request,
            )
            created[(region.pk, first, last)] = period
        stored = _stored_observations(check)
        stored_targets = _stored_targets(periods)
        entered_by = user if getattr(user, "is_authenticated", False) else None
        for figure in check.figures:
            if figure.kind == RowKind.ACTUAL:
                old = stored.get(_observation_key(figure))
                if old is None:
                    audited_create(
                        user=user,
                        obj=Observation(
                            region=figure.region,
                            indicator=figure.indicator,
                            year=figure.year,
                            value=figure.value,
                            source=figure.source,
                            note=note,
                            entered_by=entered_by,
                            entered_at=now,
                        ),
                        fields=OBSERVATION_FIELDS,
                        request=request,
                    )
                elif old.value != figure.value:
                    old.entered_by, old.entered_at = entered_by, now
                    audited_update(
                        user=user,
                        obj=old,
                        data={"value": figure.value, "note": note},
                        fields=["value", "note"],
                        request=request,
                    )
                continue
            period = periods[(figure.region.pk, figure.year)]
            if not isinstance(period, RpjmdPeriod):
                period = created[(period[0].pk, period[1], period[2])]
            old = stored_targets.get((period.pk, figure.indicator.pk, figure.year))
            if old is None:
                audited_create(
                    user=user,
                    obj=Target(
                        period=period,
                        indicator=figure.indicator,
                        year=figure.year,
                        value=figure.value,
                        note=note,
                        entered_by=entered_by,
                        entered_at=now,
                    ),
                    fields=TARGET_FIELDS,
                    request=request,
                )
            elif old.value != figure.value:
                old.entered_by, old.entered_at = entered_by, now
                audited_update(
                    user=user,
                    obj=old,
                    data={"value": figure.value, "note": note},
                    fields=["value", "note"],
                    request=request,
                )
        rollup_after_commit("import")
    return ImportResult(plan=check.plan, periods_created=list(created.values()))


def import_upload(*, user, upload, source: str, perda_reference: str = "", note: str = ""):
    """Keep an uploaded table for its preview and import (IndicatorImport)."""
    if upload.size > MAX_BYTES:
        raise ValidationError(
            {"file": _("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // 2**20}}
        )
    record = IndicatorImport(
        original_name=upload.name[:255],
        source=source,
        perda_reference=perda_reference,
        note=note,
        uploaded_by=user,
    )
    record.file.save(upload.name, upload, save=False)
    record.save()
    return record


def import_record_check(*, record) -> ImportCheck:
    """The check of an uploaded table, for its preview page."""
    with record.file.open("rb") as handle:
        return import_check(fileobj=handle, name=record.original_name, source=record.source)


def import_record_apply(*, user, record, request=None):
    """Import an uploaded table that has no error; once only. Raises ImportRefused."""
    if record.imported_at is not None:
        raise ValidationError(_("This table was imported already."))
    with transaction.atomic():
        with record.file.open("rb") as handle:
            result = import_apply(
                fileobj=handle,
                name=record.original_name,
                user=user,
                source=record.source,
                perda_reference=record.perda_reference,
                note=record.note,
                request=request,
            )
        record.imported_at = timezone.now()
        record.result = {
            **result.plan,
            "periods_created": [
                f"{p.region.code} {p.first_year}-{p.last_year}" for p in result.periods_created
            ],
        }
        record.save(update_fields=["imported_at", "result"])
    return record
