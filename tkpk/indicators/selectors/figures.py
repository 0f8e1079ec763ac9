"""The registry, program and meeting tables of the dashboard and the report: families by
decile per area, pagu and realization by cluster and agency, reach against target, coverage of
decile 1-4 families by cluster, follow-ups by agency and meetings by kind. Read from the
snapshots only."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from tkpk.choices import RegionLevel
from tkpk.models import Region

from ..models import (
    CoverageSnapshot,
    FollowUpSnapshot,
    MeetingSnapshot,
    ProgramSnapshot,
    RegistrySnapshot,
    Rollup,
)
from ..tables import FIGURE, INT, PERCENT, RUPIAH, Column, Table, share


def areas_table(*, rollup: Rollup, area: Region) -> Table:
    """Families and people by decile per kecamatan of the home region, or per desa of one
    kecamatan, the areas with the largest share of deciles 1-2 first: which areas lag."""
    level = RegionLevel.VILLAGE if area.level == RegionLevel.DISTRICT else RegionLevel.DISTRICT
    sums: dict[int, dict] = {}
    regions: dict[int, Region] = {}
    for row in RegistrySnapshot.objects.filter(
        rollup=rollup, level=level, region__parent=area
    ).select_related("region"):
        regions[row.region_id] = row.region
        figures = sums.setdefault(
            row.region_id, {"families": 0, "people": 0, "poorest": 0, "poor": 0}
        )
        figures["families"] += row.families
        figures["people"] += row.people
        if 1 <= row.decile <= 2:
            figures["poorest"] += row.families
        if 1 <= row.decile <= 4:
            figures["poor"] += row.families

    def line(name: str, code: str, figures: dict) -> dict:
        return {
            "area": name,
            "code": code,
            **figures,
            "poorest_share": share(figures["poorest"], figures["families"]),
            "poor_share": share(figures["poor"], figures["families"]),
        }

    rows = [line(regions[pk].name, regions[pk].code, f) for pk, f in sums.items()]
    rows.sort(key=lambda r: (-(r["poorest_share"] or 0), r["area"]))
    total = {
        key: sum(f[key] for f in sums.values()) for key in ("families", "people", "poorest", "poor")
    }
    title = (
        _("Families by decile per village of %(area)s")
        if level == RegionLevel.VILLAGE
        else _("Families by decile per kecamatan")
    ) % {"area": area.name}
    return Table(
        key="areas",
        title=title,
        chart="bar",
        horizontal=True,
        label="area",
        computed_at=rollup.computed_at,
        columns=[
            Column("area", _("Area")),
            Column("families", _("Active families"), INT),
            Column("people", _("People"), INT),
            Column("poorest", _("Families in deciles 1–2"), INT),
            Column("poorest_share", _("Share in deciles 1–2"), PERCENT, 1, series="bar"),
            Column("poor", _("Families in deciles 1–4"), INT),
            Column("poor_share", _("Share in deciles 1–4"), PERCENT, 1),
        ],
        rows=rows,
        footer=[line(_("Total"), "", total)] if rows else [],
    )


def _program_rows(*, rollup: Rollup, year: int, agency_id: int | None):
    rows = ProgramSnapshot.objects.filter(rollup=rollup, year=year).select_related(
        "cluster", "agency"
    )
    if agency_id is not None:
        rows = rows.filter(agency_id=agency_id)
    return list(rows)


_MONEY = ("programs", "budget", "reported", "verified")


def _money_columns(first: Column) -> list[Column]:
    return [
        first,
        Column("programs", _("Programs"), INT),
        Column("budget", _("Pagu"), RUPIAH, series="bar"),
        Column("reported", _("Realization reported"), RUPIAH, series="bar"),
        Column("verified", _("Realization verified"), RUPIAH),
        Column("reported_share", _("Realization, share of pagu"), PERCENT, 1),
    ]


def _money_line(label: str, figures: dict) -> dict:
    return {
        "name": label,
        **figures,
        "reported_share": share(figures["reported"], figures["budget"]),
    }


def budget_tables(
    *, rollup: Rollup, year: int, agency_id: int | None = None
) -> tuple[Table, Table, Table]:
    """Pagu and realization by cluster and by agency, and reach against target by cluster and
    unit, of one fiscal year (of one agency, for an Operator SKPD): one query."""
    from programs.choices import TargetUnit

    rows = _program_rows(rollup=rollup, year=year, agency_id=agency_id)
    clusters: dict[int, dict] = {}
    agencies: dict[int, dict] = {}
    reach: dict[tuple, dict] = {}
    names: dict = {}
    for row in rows:
        for key, bucket, label in (
            (("c", row.cluster.number), clusters, f"{row.cluster.short_name}: {row.cluster.name}"),
            (("a", row.agency.name), agencies, row.agency.name),
        ):
            figures = bucket.setdefault(key, dict.fromkeys(_MONEY, 0))
            names[key] = label
            for name in _MONEY:
                figures[name] += getattr(row, name)
        unit_key = (row.cluster.number, row.target_unit)
        names[unit_key] = row.cluster.short_name
        figures = reach.setdefault(unit_key, {"target": 0, "reached": 0, "beneficiaries": 0})
        for name in figures:
            figures[name] += getattr(row, name)
    total = dict.fromkeys(_MONEY, 0)
    for figures in clusters.values():
        for name in _MONEY:
            total[name] += figures[name]
    footer = [_money_line(_("Total"), total)] if rows else []
    by_cluster = Table(
        key="budget_clusters",
        title=_("Pagu and realization by cluster, fiscal year %(year)s") % {"year": year},
        label="name",
        computed_at=rollup.computed_at,
        columns=_money_columns(Column("name", _("Cluster"))),
        rows=[_money_line(names[k], clusters[k]) for k in sorted(clusters)],
        footer=footer,
    )
    by_agency = Table(
        key="budget_agencies",
        title=_("Pagu and realization by agency, fiscal year %(year)s") % {"year": year},
        label="name",
        horizontal=True,
        computed_at=rollup.computed_at,
        columns=_money_columns(Column("name", _("Agency"))),
        rows=[_money_line(names[k], agencies[k]) for k in sorted(agencies)],
        footer=footer,
    )
    units = dict(TargetUnit.choices)
    by_unit = Table(
        key="reach",
        title=_("Beneficiaries reached against target, fiscal year %(year)s") % {"year": year},
        label="name",
        computed_at=rollup.computed_at,
        note=_(
            "Reached: as the agencies reported it at the end of their latest reported quarter, "
            "in the program's target unit. Named: active beneficiaries recorded by name."
        ),
        columns=[
            Column("name", _("Cluster")),
            Column("unit", _("Target unit")),
            Column("target", _("Target"), INT),
            Column("reached", _("Reached"), INT),
            Column("reached_share", _("Reached, share of target"), PERCENT, 1, series="bar"),
            Column("beneficiaries", _("Named beneficiaries"), INT),
        ],
        rows=[
            {
                "name": names[key],
                "unit": str(units.get(key[1], key[1])),
                **reach[key],
                "reached_share": share(reach[key]["reached"], reach[key]["target"]),
            }
            for key in sorted(reach)
        ],
    )
    return by_cluster, by_agency, by_unit


def coverage_table(*, rollup: Rollup, year: int, area: Region) -> Table:
    """The share of the area's active decile 1-4 families that the year's programs of each
    cluster, and of any cluster, reach."""
    rows = CoverageSnapshot.objects.filter(rollup=rollup, year=year).select_related("cluster")
    if area.level == RegionLevel.DISTRICT:
        rows = rows.filter(region=area)
    sums: dict = {}
    clusters: dict = {}
    for row in rows:
        key = row.cluster.number if row.cluster_id else 0
        clusters[key] = row.cluster
        figures = sums.setdefault(key, {"families": 0, "reached": 0})
        figures["families"] += row.families
        figures["reached"] += row.reached

    def label(key):
        cluster = clusters[key]
        return f"{cluster.short_name}: {cluster.name}" if cluster else _("Any cluster")

    ordered = sorted(k for k in sums if k) + ([0] if 0 in sums else [])
    return Table(
        key="coverage",
        title=_("Coverage of decile 1–4 families by cluster, fiscal year %(year)s")
        % {"year": year},
        label="name",
        computed_at=rollup.computed_at,
        columns=[
            Column("name", _("Cluster")),
            Column("families", _("Decile 1–4 families"), INT),
            Column("reached", _("Reached"), INT),
            Column("share", _("Coverage"), PERCENT, 1, series="bar"),
        ],
        rows=[
            {
                "name": label(key),
                **sums[key],
                "share": share(sums[key]["reached"], sums[key]["families"]),
            }
            for key in ordered
        ],
    )


_FOLLOW_UP = ("total", "verified", "awaiting_verification", "in_progress", "not_started")


def follow_up_table(*, rollup: Rollup, year: int, agency_id: int | None = None) -> Table:
    """The follow-ups of the year's meetings by agency, by status, with overdue and days late."""
    rows = FollowUpSnapshot.objects.filter(rollup=rollup, year=year).select_related("agency")
    if agency_id is not None:
        rows = rows.filter(agency_id=agency_id)
    rows = sorted(rows, key=lambda r: r.agency.short_name)
    keys = (*_FOLLOW_UP, "overdue", "late", "days_late_total")

    def line(name: str, figures: dict) -> dict:
        late = figures["late"]
        return {
            "name": name,
            **figures,
            "completion": share(figures["verified"], figures["total"]),
            "average_days_late": (
                (Decimal(figures["days_late_total"]) / late).quantize(Decimal("0.1"))
                if late
                else None
            ),
        }

    lines = [line(r.agency.short_name, {k: getattr(r, k) for k in keys}) for r in rows]
    total = {k: sum(getattr(r, k) for r in rows) for k in keys}
    return Table(
        key="followups",
        title=_("Follow-up actions of the meetings of %(year)s by agency") % {"year": year},
        label="name",
        computed_at=rollup.computed_at,
        note=_("Overdue and days late as of the day the figures were computed."),
        columns=[
            Column("name", _("Agency")),
            Column("total", _("Actions"), INT),
            Column("verified", _("Verified"), INT, series="bar", stack="status"),
            Column(
                "awaiting_verification",
                _("Done, awaiting verification"),
                INT,
                series="bar",
                stack="status",
            ),
            Column("in_progress", _("In progress"), INT, series="bar", stack="status"),
            Column("not_started", _("Not started"), INT, series="bar", stack="status"),
            Column("overdue", _("Overdue"), INT),
            Column("completion", _("Completion (verified)"), PERCENT, 1),
            Column("average_days_late", _("Average days late"), FIGURE, 1),
        ],
        rows=lines,
        footer=[line(_("Total"), total)] if rows else [],
    )


def meeting_table(*, rollup: Rollup, year: int) -> Table:
    from meetings.choices import MeetingKind

    kinds = dict(MeetingKind.choices)
    rows = MeetingSnapshot.objects.filter(rollup=rollup, year=year).order_by("kind")
    return Table(
        key="meetings",
        title=_("Coordination meetings of %(year)s") % {"year": year},
        label="name",
        chart="",
        computed_at=rollup.computed_at,
        columns=[
            Column("name", _("Kind")),
            Column("held", _("Held"), INT),
            Column("planned", _("Planned"), INT),
            Column("cancelled", _("Cancelled"), INT),
        ],
        rows=[
            {
                "name": str(kinds.get(row.kind, row.kind)),
                "held": row.held,
                "planned": row.planned,
                "cancelled": row.cancelled,
            }
            for row in rows
        ],
    )
