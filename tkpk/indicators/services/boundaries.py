"""Kecamatan boundaries for the dashboard's map, from a GeoJSON FeatureCollection (as BIG's
administrative boundaries or a region's own GIS office publish them).

Each feature is matched to a kecamatan of the home region by a code property (Kemendagri,
"63.08.01" or "630801": `kode_wilayah`, `kode`, `code`, `kode_kec`, `KDCPUM`) or else by a name
property (`nama`, `name`, `kecamatan`, `WADMKC`), case and a leading "Kecamatan" ignored.
Matched boundaries replace the stored ones; features that match nothing are reported, not stored.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tkpk.audit import audit_record
from tkpk.choices import AuditAction, RegionLevel
from tkpk.models import Region

from ..models import KecamatanBoundary

CODE_PROPERTIES = ("kode_wilayah", "kode", "code", "kode_kec", "kdcpum", "kd_kecamatan")
NAME_PROPERTIES = ("nama", "name", "kecamatan", "wadmkc", "nama_kecamatan")
GEOMETRY_TYPES = ("Polygon", "MultiPolygon")


class BoundaryProblem(Exception):
    """The file cannot be used; the message is for the user."""


@dataclass
class BoundaryLoad:
    """What a load stored and what it could not match."""

    stored: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)


def _code(value) -> str:
    digits = re.sub(r"\D", "", str(value or ""))
    if len(digits) == 6:
        return f"{digits[:2]}.{digits[2:4]}.{digits[4:]}"
    return str(value or "").strip()


def _name(value) -> str:
    text = " ".join(str(value or "").upper().split())
    return re.sub(r"^KEC(AMATAN|\.)?\s+", "", text)


def _property(properties: dict, names: tuple[str, ...], chosen: str | None):
    lowered = {str(key).lower(): value for key, value in properties.items()}
    if chosen:
        return lowered.get(chosen.lower())
    return next((lowered[name] for name in names if lowered.get(name) not in (None, "")), None)


@transaction.atomic
def boundaries_load(
    *,
    fileobj,
    name: str,
    user=None,
    code_property: str | None = None,
    name_property: str | None = None,
) -> BoundaryLoad:
    """Store the boundaries of the file's kecamatan of the home region."""
    try:
        data = json.load(fileobj)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BoundaryProblem(
            _("The file is not valid GeoJSON: %(error)s") % {"error": exc}
        ) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise BoundaryProblem(_("The file must hold a GeoJSON FeatureCollection."))
    districts = Region.objects.filter(
        level=RegionLevel.DISTRICT, code__startswith=f"{settings.HOME_REGION_CODE}."
    )
    by_code = {r.code: r for r in districts}
    by_name = {_name(r.name): r for r in districts}
    result = BoundaryLoad()
    for position, feature in enumerate(data.get("features") or [], start=1):
        properties = (feature or {}).get("properties") or {}
        geometry = (feature or {}).get("geometry") or {}
        label = str(
            _property(properties, NAME_PROPERTIES, name_property)
            or _property(properties, CODE_PROPERTIES, code_property)
            or f"#{position}"
        )
        region = None
        code = _property(properties, CODE_PROPERTIES, code_property)
        if code is not None:
            region = by_code.get(_code(code))
        if region is None and not code_property:
            region = by_name.get(_name(_property(properties, NAME_PROPERTIES, name_property)))
        if region is None or geometry.get("type") not in GEOMETRY_TYPES:
            result.unmatched.append(label)
            continue
        KecamatanBoundary.objects.update_or_create(
            region=region,
            defaults={
                "geometry": json.dumps(geometry, separators=(",", ":")),
                "source_name": name[:255],
                "loaded_at": timezone.now(),
            },
        )
        result.stored.append(region.code)
    if not result.stored:
        raise BoundaryProblem(
            _("No feature of the file matches a kecamatan of %(region)s.")
            % {"region": settings.HOME_REGION_CODE}
        )
    audit_record(
        actor=user,
        action=AuditAction.IMPORT,
        summary=_("Loaded %(n)s kecamatan boundaries from %(file)s.")
        % {"n": len(result.stored), "file": name},
        changes={"stored": result.stored, "unmatched": result.unmatched},
    )
    return result
