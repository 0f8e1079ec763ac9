"""Coverage and targeting of a fiscal year: who the programs reach, who they miss and who gets aid
twice, per kecamatan and desa of the home region (settings.HOME_REGION_CODE).

What is counted, everywhere on this page:

- only active beneficiaries (Beneficiary.status "aktif") of the year's programs;
- a beneficiary's family is the recipient's **current** household (Person.household), not the
  family at enrolment: a family re-keyed by an import is still the same family;
- each family once and each person once, whatever the number of benefits.

The figures (`Figures`), for the families of the home region:

- **families**: active families in deciles 1-4 (POOR_DECILES), and how many of them at least one
  program reaches, of each cluster and of any cluster;
- **excluded**: active families in deciles 1-2 (POOREST_DECILES) that receive nothing from the
  family-aid cluster (Cluster.is_family_aid, cluster 1); **unreached**: those that no program
  reaches at all (the list that village operators ask for most);
- **included**: active families in decile 6 or above (INCLUSION_FROM_DECILE) that receive
  family-aid-cluster aid;
- **double aid**: families, and people, in two programs of one cluster whose national programs are
  not an allowed pair (AllowedOverlap; a program without a national program pairs with nothing):
  the rule of programs.services.beneficiaries._same_cluster_families, for everyone at once;
- **gone**: recipients of an active benefit who died (Person.status "meninggal") or moved away
  (Person.status "pindah"), or whose family is no longer active (moved, split, inactive): each
  person once, however many benefits they still hold. A person's family cannot disappear from
  the registry (PROTECT), so a family that ended counts as moved.

Every figure of every area comes from one SQL query (`coverage_by_area`), set-based: the year's
benefits are mapped to families once, aggregated per person and then per family (reach, gone)
and paired per family (double aid), then summed per area with GROUP BY. The SQL is plain (CTEs,
LEFT JOIN, CASE, COUNT DISTINCT), so PostgreSQL and the embedded SQLite run the same text. The
drill-down lists are querysets written independently in the ORM (EXISTS / NOT EXISTS, which
PostgreSQL runs as semi- and anti-joins); their counts equal the figures, which the tests and
the benchmark check. Their export is programs.services.coverage_export.

Figures are aggregates, for every holder of programs.view_coverage (Bappeda included); the lists
name families and people, for those that also hold households.view_household (not Bappeda).
"""

# ruff: noqa: S608, S611 - the SQL is assembled from the models' table names and this module's
# own fragments; every value (year, status, decile, cluster and region ids) is a parameter.

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy

from households.choices import HouseholdStatus, PersonStatus, Relation
from households.models import Household, Person
from tkpk.choices import RegionLevel
from tkpk.models import Region

from ..choices import BeneficiaryStatus
from ..models import AllowedOverlap, Beneficiary, Cluster, Program

FIGURES_PERMISSION = "programs.view_coverage"
NAMES_PERMISSION = "households.view_household"

#: The families that social assistance targets (DTSEN deciles 1-4), the poorest of them (the
#: exclusion figure) and the decile from which family aid is an inclusion error.
POOR_DECILES = 4
POOREST_DECILES = 2
INCLUSION_FROM_DECILE = 6

KECAMATAN = "kecamatan"
DESA = "desa"
LEVELS = (KECAMATAN, DESA)

#: The lists behind the figures, by the slug of their URL (/program/cakupan/<kind>/).
EXCLUSION = "eksklusi"
UNREACHED = "tanpa-bantuan"
INCLUSION = "inklusi"
DOUBLE = "bantuan-ganda"
GONE = "perlu-dihentikan"
KINDS = (EXCLUSION, UNREACHED, INCLUSION, DOUBLE, GONE)
#: The lists of families; GONE lists recipients (people).
FAMILY_KINDS = (EXCLUSION, UNREACHED, INCLUSION, DOUBLE)
KIND_TITLES = {
    EXCLUSION: gettext_lazy("Decile 1-2 families without family aid (cluster 1)"),
    UNREACHED: gettext_lazy("Decile 1-2 families that no program reaches"),
    INCLUSION: gettext_lazy("Families of decile 6 and above receiving family aid"),
    DOUBLE: gettext_lazy("Families with double aid in one cluster"),
    GONE: gettext_lazy("Recipients who died or moved away, benefits still active"),
}

#: Why a recipient is in the GONE list (Person.gone_reason).
DECEASED = "deceased"
MOVED = "moved"
FAMILY_ENDED = "family_ended"
GONE_REASONS = {
    DECEASED: gettext_lazy("recipient deceased"),
    MOVED: gettext_lazy("recipient moved away"),
    FAMILY_ENDED: gettext_lazy("family moved, split or inactive"),
}


# --- The figures ---------------------------------------------------------------------------


def _share(part: int, whole: int) -> float | None:
    """Part of whole as a percentage, None when whole is 0."""
    return part * 100 / whole if whole else None


@dataclass(frozen=True)
class ClusterReach:
    """How many of an area's decile 1-4 families one cluster's programs reach."""

    cluster: Cluster
    families: int
    reached: int

    @property
    def share(self) -> float | None:
        return _share(self.reached, self.families)


@dataclass(frozen=True)
class Figures:
    """Every coverage figure of one area (or of the whole region): see the module docstring."""

    families: int = 0
    reached: int = 0
    clusters: tuple[ClusterReach, ...] = ()
    poorest: int = 0
    excluded: int = 0
    unreached: int = 0
    included: int = 0
    double_families: int = 0
    double_people: int = 0
    deceased: int = 0
    moved: int = 0

    @property
    def share(self) -> float | None:
        """Share of the decile 1-4 families that some program reaches (%)."""
        return _share(self.reached, self.families)

    @property
    def excluded_share(self) -> float | None:
        return _share(self.excluded, self.poorest)

    @property
    def unreached_share(self) -> float | None:
        return _share(self.unreached, self.poorest)

    @property
    def gone(self) -> int:
        return self.deceased + self.moved

    def count(self, kind: str) -> int:
        """The figure that the list of `kind` counts."""
        return {
            EXCLUSION: self.excluded,
            UNREACHED: self.unreached,
            INCLUSION: self.included,
            DOUBLE: self.double_families,
            GONE: self.gone,
        }[kind]

    @classmethod
    def total(cls, parts: list[Figures], clusters: list[Cluster]) -> Figures:
        """The figures of several areas together: each family and person belongs to one area,
        so the counts add up."""
        sums = {
            name: sum(getattr(part, name) for part in parts)
            for name in (
                "families",
                "reached",
                "poorest",
                "excluded",
                "unreached",
                "included",
                "double_families",
                "double_people",
                "deceased",
                "moved",
            )
        }
        reach = tuple(
            ClusterReach(
                cluster=cluster,
                families=sums["families"],
                reached=sum(part.clusters[index].reached for part in parts if part.clusters),
            )
            for index, cluster in enumerate(clusters)
        )
        return cls(clusters=reach, **sums)


@dataclass(frozen=True)
class AreaCoverage:
    """The figures of one kecamatan or desa."""

    region: Region
    figures: Figures


@dataclass(frozen=True)
class CoverageSummary:
    """The figures of a year for the home region, or for one of its kecamatan."""

    year: int
    district: Region | None
    clusters: tuple[Cluster, ...]
    figures: Figures = field(default_factory=Figures)


def may_see_figures(user) -> bool:
    return bool(user and user.has_perm(FIGURES_PERMISSION))


def may_see_names(user) -> bool:
    """Whether the user may open the drill-down lists (names of families): not Bappeda."""
    return may_see_figures(user) and user.has_perm(NAMES_PERMISSION)


def coverage_clusters(*, year: int) -> list[Cluster]:
    """The clusters that the figures are broken down by: the active ones, and any other that
    has a program in the year."""
    return list(
        Cluster.objects.filter(Q(is_active=True) | Q(programs__fiscal_year=year))
        .distinct()
        .order_by("number")
    )


def coverage_years() -> list[int]:
    """The years to choose from: every year with a program, and this one; newest first."""
    years = set(Program.objects.order_by().values_list("fiscal_year", flat=True).distinct())
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


def home_areas(*, level: str, district: Region | None = None) -> QuerySet[Region]:
    """The kecamatan of the home region, or its desa (of one kecamatan, if given), by name."""
    if level not in LEVELS:
        raise ValueError(level)
    regions = Region.objects.within(settings.HOME_REGION_CODE)
    if level == KECAMATAN:
        regions = regions.filter(level=RegionLevel.DISTRICT)
    else:
        regions = regions.filter(level=RegionLevel.VILLAGE)
        if district is not None:
            regions = regions.filter(parent=district)
    return regions.order_by("name")


def _home_villages_pattern() -> str:
    return f"{settings.HOME_REGION_CODE}.%"


def _benefit_cte(year: int) -> tuple[str, list]:
    """The year's active benefits with the recipient's current family, program and cluster."""
    sql = f"""benefit AS (
        SELECT b.person_id AS person_id, p.household_id AS household_id,
               b.program_id AS program_id, pr.cluster_id AS cluster_id,
               p.status AS person_status
        FROM {Beneficiary._meta.db_table} b
        JOIN {Person._meta.db_table} p ON p.id = b.person_id
        JOIN {Program._meta.db_table} pr ON pr.id = b.program_id
        WHERE b.fiscal_year = %s AND b.status = %s
    )"""
    return sql, [year, BeneficiaryStatus.ACTIVE]


def _conflict_cte(year: int) -> tuple[str, list]:
    """The pairs of the year's programs that one family may not receive together: the same
    cluster, and national programs that are not an allowed pair (or none). Each pair once, the
    lower id first (a family's two benefits are paired in that order)."""
    sql = f"""conflict AS (
        SELECT a.id AS first_id, o.id AS second_id
        FROM {Program._meta.db_table} a
        JOIN {Program._meta.db_table} o ON o.cluster_id = a.cluster_id AND o.id > a.id
        WHERE a.fiscal_year = %s AND o.fiscal_year = %s
          AND NOT EXISTS (
            SELECT 1 FROM {AllowedOverlap._meta.db_table} ok
            WHERE (ok.first_id = a.national_program_id AND ok.second_id = o.national_program_id)
               OR (ok.first_id = o.national_program_id AND ok.second_id = a.national_program_id)
          )
    )"""
    return sql, [year, year]


_DOUBLED_PAIRS = """
        FROM benefit x
        JOIN benefit y ON y.household_id = x.household_id
        JOIN conflict c ON c.first_id = x.program_id AND c.second_id = y.program_id"""


def _figures_sql(
    *, year: int, clusters: list[Cluster], level: str, district: Region | None
) -> tuple[str, list]:
    """The one query of every figure per area: (area id, families, reached, reached by each of
    `clusters`, poorest, excluded, unreached, included, double families, double people,
    deceased, moved)."""
    benefit, benefit_params = _benefit_cte(year)
    conflict, conflict_params = _conflict_cte(year)
    family_aid = [c.pk for c in clusters if c.is_family_aid] or [None]
    in_family_aid = ", ".join(["%s"] * len(family_aid))
    reach_columns = "".join(
        f"MAX(CASE WHEN cluster_id = %s THEN 1 ELSE 0 END) AS c_{index}, "
        for index in range(len(clusters))
    )
    # "An active family up to decile %s": with POOR_DECILES or POOREST_DECILES as parameter.
    active = "h.status = %s"
    poor = f"{active} AND h.decile <= %s"
    cluster_sums = "".join(
        f"SUM(CASE WHEN {poor} THEN COALESCE(r.c_{index}, 0) ELSE 0 END), "
        for index in range(len(clusters))
    )
    area = "v.parent_id" if level == KECAMATAN else "v.id"
    family_reach = "".join(f"MAX(c_{index}) AS c_{index}, " for index in range(len(clusters)))
    # Each person once (recipient), then each family once (reach): the gone figures count
    # people, not their benefits.
    sql = f"""
    WITH {benefit}, {conflict},
    recipient AS (
        SELECT household_id, person_id, person_status, {reach_columns}
               MAX(CASE WHEN cluster_id IN ({in_family_aid}) THEN 1 ELSE 0 END) AS family_aid
        FROM benefit GROUP BY household_id, person_id, person_status
    ),
    reach AS (
        SELECT household_id, {family_reach}
               MAX(family_aid) AS family_aid,
               SUM(CASE WHEN person_status = %s THEN 1 ELSE 0 END) AS deceased,
               SUM(CASE WHEN person_status = %s THEN 1 ELSE 0 END) AS moved,
               COUNT(*) AS recipients
        FROM recipient GROUP BY household_id
    ),
    doubled AS (
        SELECT x.household_id AS household_id,
               COUNT(DISTINCT CASE WHEN x.person_id = y.person_id THEN x.person_id END) AS people
        {_DOUBLED_PAIRS}
        GROUP BY x.household_id
    )
    SELECT {area},
        SUM(CASE WHEN {poor} THEN 1 ELSE 0 END),
        SUM(CASE WHEN {poor} AND r.household_id IS NOT NULL THEN 1 ELSE 0 END),
        {cluster_sums}
        SUM(CASE WHEN {poor} THEN 1 ELSE 0 END),
        SUM(CASE WHEN {poor} AND COALESCE(r.family_aid, 0) = 0 THEN 1 ELSE 0 END),
        SUM(CASE WHEN {poor} AND r.household_id IS NULL THEN 1 ELSE 0 END),
        SUM(CASE WHEN {active} AND h.decile >= %s AND r.family_aid = 1 THEN 1 ELSE 0 END),
        COUNT(d.household_id),
        COALESCE(SUM(d.people), 0),
        COALESCE(SUM(r.deceased), 0),
        COALESCE(SUM(CASE WHEN {active} THEN r.moved ELSE r.recipients - r.deceased END), 0)
    FROM {Household._meta.db_table} h
    JOIN {Region._meta.db_table} v ON v.id = h.village_id
    LEFT JOIN reach r ON r.household_id = h.id
    LEFT JOIN doubled d ON d.household_id = h.id
    WHERE v.code LIKE %s {"AND v.parent_id = %s" if district is not None else ""}
      AND (({poor}) OR r.household_id IS NOT NULL)
    GROUP BY {area}
    """
    active_params = [HouseholdStatus.ACTIVE]
    poor_params = [*active_params, POOR_DECILES]
    poorest_params = [*active_params, POOREST_DECILES]
    params = [
        *benefit_params,
        *conflict_params,
        *[c.pk for c in clusters],
        *family_aid,
        PersonStatus.DECEASED,
        PersonStatus.MOVED,
        *poor_params,
        *poor_params,
        *(poor_params * len(clusters)),
        *poorest_params,
        *poorest_params,
        *poorest_params,
        *active_params,
        INCLUSION_FROM_DECILE,
        *active_params,
        _home_villages_pattern(),
        *([district.pk] if district is not None else []),
        *poor_params,
    ]
    return sql, params


def _check_figures(user) -> None:
    if not may_see_figures(user):
        raise PermissionDenied


def coverage_by_area(
    *, user, year: int, level: str, district: Region | None = None
) -> list[AreaCoverage]:
    """Every figure of the year per kecamatan of the home region, or per desa (of `district`,
    if given; else of the whole region): one query for the figures, one for the areas' names
    (every area is listed, with zeros where nothing is counted) and one for the clusters."""
    _check_figures(user)
    if level not in LEVELS:
        raise ValueError(level)
    clusters = coverage_clusters(year=year)
    sql, params = _figures_sql(year=year, clusters=clusters, level=level, district=district)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = {row[0]: _figures_of(row[1:], clusters) for row in cursor.fetchall()}
    empty = _figures_of([0] * (10 + len(clusters)), clusters)
    return [
        AreaCoverage(region=region, figures=found.get(region.pk, empty))
        for region in home_areas(level=level, district=district)
    ]


def _figures_of(values, clusters: list[Cluster]) -> Figures:
    values = [int(v or 0) for v in values]
    families, reached = values[0], values[1]
    by_cluster = values[2 : 2 + len(clusters)]
    rest = values[2 + len(clusters) :]
    return Figures(
        families=families,
        reached=reached,
        clusters=tuple(
            ClusterReach(cluster=cluster, families=families, reached=n)
            for cluster, n in zip(clusters, by_cluster, strict=True)
        ),
        poorest=rest[0],
        excluded=rest[1],
        unreached=rest[2],
        included=rest[3],
        double_families=rest[4],
        double_people=rest[5],
        deceased=rest[6],
        moved=rest[7],
    )


def coverage_summary(
    *, user, year: int, district: Region | None = None, areas: list[AreaCoverage] | None = None
) -> CoverageSummary:
    """The figures of the year for the home region, or for one kecamatan: the sum of its
    areas. `areas` are the rows of coverage_by_area for the same year and district if the
    caller has them already (the coverage page), so that the figures are read once."""
    _check_figures(user)
    if areas is None:
        level = DESA if district is not None else KECAMATAN
        areas = coverage_by_area(user=user, year=year, level=level, district=district)
    clusters = [reach.cluster for reach in areas[0].figures.clusters] if areas else []
    return CoverageSummary(
        year=year,
        district=district,
        clusters=tuple(clusters),
        figures=Figures.total([area.figures for area in areas], clusters),
    )


# --- The drill-down lists --------------------------------------------------------------------


def _active_benefits(year: int) -> QuerySet[Beneficiary]:
    return Beneficiary.objects.filter(fiscal_year=year, status=BeneficiaryStatus.ACTIVE)


def _families(*, user, district: Region | None, village: Region | None) -> QuerySet[Household]:
    """The home region's families that the user may see by name (none for Bappeda), with what
    a list row shows: the head's name, the village and its kecamatan."""
    if not may_see_names(user):
        return Household.objects.none()
    head = Person.objects.filter(household=OuterRef("pk"), relation=Relation.HEAD)
    families = (
        Household.objects.for_user(user)
        .filter(village__code__startswith=f"{settings.HOME_REGION_CODE}.")
        .select_related("village", "village__parent")
        .annotate(head_name=Subquery(head.order_by("pk").values("name")[:1]))
        .order_by("kk_number")
    )
    if district is not None:
        families = families.filter(village__parent=district)
    if village is not None:
        families = families.filter(village=village)
    return families


def excluded_families(
    *, user, year: int, district: Region | None = None, village: Region | None = None
) -> QuerySet[Household]:
    """Active decile 1-2 families that receive nothing from the family-aid cluster."""
    family_aid = _active_benefits(year).filter(
        person__household=OuterRef("pk"), program__cluster__is_family_aid=True
    )
    return _families(user=user, district=district, village=village).filter(
        ~Exists(family_aid), status=HouseholdStatus.ACTIVE, decile__lte=POOREST_DECILES
    )


def unreached_families(
    *, user, year: int, district: Region | None = None, village: Region | None = None
) -> QuerySet[Household]:
    """Active decile 1-2 families that no program reaches at all."""
    any_aid = _active_benefits(year).filter(person__household=OuterRef("pk"))
    return _families(user=user, district=district, village=village).filter(
        ~Exists(any_aid), status=HouseholdStatus.ACTIVE, decile__lte=POOREST_DECILES
    )


def included_families(
    *, user, year: int, district: Region | None = None, village: Region | None = None
) -> QuerySet[Household]:
    """Active families of decile 6 and above that receive family-aid-cluster aid."""
    family_aid = _active_benefits(year).filter(
        person__household=OuterRef("pk"), program__cluster__is_family_aid=True
    )
    return _families(user=user, district=district, village=village).filter(
        Exists(family_aid), status=HouseholdStatus.ACTIVE, decile__gte=INCLUSION_FROM_DECILE
    )


def double_aid_families(
    *, user, year: int, district: Region | None = None, village: Region | None = None
) -> QuerySet[Household]:
    """Families in two programs of one cluster that are not an allowed pair (by the same pairs
    of the same benefits as the figure)."""
    benefit, benefit_params = _benefit_cte(year)
    conflict, conflict_params = _conflict_cte(year)
    doubled = RawSQL(
        f"WITH {benefit}, {conflict} SELECT x.household_id {_DOUBLED_PAIRS}",
        [*benefit_params, *conflict_params],
    )
    return _families(user=user, district=district, village=village).filter(pk__in=doubled)


def gone_recipients(
    *, user, year: int, district: Region | None = None, village: Region | None = None
) -> QuerySet[Person]:
    """The people who hold an active benefit of the year although they died or moved away, or
    their family is no longer active: each person once, with `gone_reason` (DECEASED, MOVED,
    FAMILY_ENDED). Their benefits are for the agencies to end."""
    if not may_see_names(user):
        return Person.objects.none()
    benefits = _active_benefits(year).filter(person=OuterRef("pk"))
    people = (
        Person.objects.for_user(user)
        .filter(household__village__code__startswith=f"{settings.HOME_REGION_CODE}.")
        .filter(
            Q(status__in=[PersonStatus.DECEASED, PersonStatus.MOVED])
            | ~Q(household__status=HouseholdStatus.ACTIVE)
        )
        .filter(Exists(benefits))
        .annotate(
            gone_reason=Case(
                When(status=PersonStatus.DECEASED, then=Value(DECEASED)),
                When(status=PersonStatus.MOVED, then=Value(MOVED)),
                default=Value(FAMILY_ENDED),
            )
        )
        .select_related("household", "household__village", "household__village__parent")
        .order_by("household__kk_number", "name", "pk")
    )
    if district is not None:
        people = people.filter(household__village__parent=district)
    if village is not None:
        people = people.filter(household__village=village)
    return people


DRILL_DOWNS = {
    EXCLUSION: excluded_families,
    UNREACHED: unreached_families,
    INCLUSION: included_families,
    DOUBLE: double_aid_families,
    GONE: gone_recipients,
}


def _benefits_shown(user, year: int) -> QuerySet[Beneficiary]:
    """The year's active benefits that the user may read (beneficiaries are personal data:
    Beneficiary.objects.for_user), for what a list row says a family or a person receives."""
    return Beneficiary.objects.for_user(user).filter(
        fiscal_year=year, status=BeneficiaryStatus.ACTIVE
    )


def programs_received(*, user, year: int, households) -> dict[int, list[str]]:
    """The programs that each of these families receives in the year (by its members' active
    benefits), by household id: one query for a page of families."""
    ids = [h.pk for h in households]
    received = defaultdict(list)
    if not ids:
        return received
    rows = (
        _benefits_shown(user, year)
        .filter(person__household_id__in=ids)
        .values_list("person__household_id", "program__name")
        .distinct()
        .order_by("person__household_id", "program__name")
    )
    for household_id, name in rows:
        received[household_id].append(name)
    return received


def programs_held(*, user, year: int, people) -> dict[int, list[str]]:
    """The programs of which each of these people holds an active benefit in the year, by
    person id: one query for a page of recipients."""
    ids = [p.pk for p in people]
    held = defaultdict(list)
    if not ids:
        return held
    rows = (
        _benefits_shown(user, year)
        .filter(person_id__in=ids)
        .values_list("person_id", "program__name")
        .order_by("person_id", "program__name")
    )
    for person_id, name in rows:
        held[person_id].append(name)
    return held


SELECT = {"class": "form-select form-select-sm"}


def _districts(request):
    return home_areas(level=KECAMATAN)


def _villages(request):
    return home_areas(level=DESA)


class CoverageFilter(django_filters.FilterSet):
    """The filters of the coverage page and of its lists: the year (this one unless chosen),
    a kecamatan and a desa. `.qs` is the list of `kind` (a drill-down selector)."""

    year = django_filters.TypedChoiceFilter(
        coerce=int, label=gettext_lazy("Fiscal year"), widget=forms.Select(attrs=SELECT)
    )
    kecamatan = django_filters.ModelChoiceFilter(
        queryset=_districts,
        label=gettext_lazy("District"),
        empty_label=gettext_lazy("All"),
        widget=forms.Select(attrs=SELECT),
    )
    desa = django_filters.ModelChoiceFilter(
        queryset=_villages,
        label=gettext_lazy("Village"),
        empty_label=gettext_lazy("All"),
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, data=None, *, user, kind: str = EXCLUSION):
        if kind not in KINDS:
            raise ValueError(kind)
        data = data.copy() if data is not None else {}
        if not data.get("year"):
            data["year"] = str(timezone.localdate().year)
        model = Person if kind == GONE else Household
        super().__init__(data, queryset=model.objects.none())
        self.user, self.kind = user, kind
        self.filters["year"].extra["choices"] = [(y, str(y)) for y in coverage_years()]
        district = str(data.get("kecamatan") or "").strip()
        if district.isdigit():
            self.filters["desa"].queryset = home_areas(
                level=DESA, district=Region(pk=int(district))
            )

    def filter_queryset(self, queryset):
        # The drill-down selector applies the filters together: the year decides which
        # benefits count, it does not narrow a list.
        cleaned = getattr(self.form, "cleaned_data", None)
        if cleaned is None or self.form.errors:
            return queryset.none()
        return DRILL_DOWNS[self.kind](user=self.user, **self.chosen())

    def chosen(self) -> dict:
        """The valid filters as the selectors take them; an invalid one is left out (the form
        says why), the year then is this one."""
        self.is_valid()
        cleaned = getattr(self.form, "cleaned_data", {})
        district = cleaned.get("kecamatan") if "kecamatan" not in self.form.errors else None
        village = cleaned.get("desa") if "desa" not in self.form.errors else None
        year = cleaned.get("year") if "year" not in self.form.errors else None
        return {
            "year": year or timezone.localdate().year,
            "district": district,
            "village": village,
        }


def coverage_filter(*, user, filters, kind: str = EXCLUSION) -> CoverageFilter:
    """The bound filters of the coverage page, or of the list of `kind`."""
    return CoverageFilter(filters, user=user, kind=kind)
