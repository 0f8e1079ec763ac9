"""FilterSets of the programs pages; each has a `q` free-text search.

A filter with a default (the program list's fiscal year, the report queue's status) applies it
when the query string does not name the filter at all; naming it empty (`?fiscal_year=`, the
"all" option of its select) lifts it.
"""

import django_filters
from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tkpk.choices import RegionLevel
from tkpk.models import Agency, Region

from .choices import QUARTERS, FundingSource, ProgramStatus, RealizationStatus
from .models import Cluster, NationalProgram, Program, Realization


def _clusters(request):
    return Cluster.objects.order_by("number")


def _agencies(request):
    return Agency.objects.order_by("short_name")


def _national_programs(request):
    return NationalProgram.objects.order_by("code")


def home_districts():
    """The kecamatan of the home region, by name."""
    return (
        Region.objects.filter(level=RegionLevel.DISTRICT)
        .within(settings.HOME_REGION_CODE)
        .order_by("name")
    )


def _districts(request):
    return home_districts()


def fiscal_year_choices() -> list[tuple[str, str]]:
    """ "All years", then every year that has a program, with this year and the next (one
    query)."""
    this_year = timezone.localdate().year
    years = set(Program.objects.order_by().values_list("fiscal_year", flat=True).distinct())
    years.update({this_year, this_year + 1})
    return [("", _("All years"))] + [(str(y), str(y)) for y in sorted(years, reverse=True)]


def _with_default(data, name: str, value: str):
    """`data` with `name` set to `value` unless the query string names it (even empty)."""
    data = data.copy() if data is not None else {}
    if name not in data:
        data[name] = value
    return data


class ProgramFilter(django_filters.FilterSet):
    """Programs by cluster, agency, year (this year unless another is chosen), funding source,
    national program, kecamatan (a program located in it or in one of its villages) and status."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    cluster = django_filters.ModelChoiceFilter(
        queryset=_clusters, label=_("Cluster"), empty_label=_("All clusters")
    )
    agency = django_filters.ModelChoiceFilter(
        queryset=_agencies, label=_("Agency"), empty_label=_("All agencies")
    )
    fiscal_year = django_filters.ChoiceFilter(
        choices=[], label=_("Fiscal year"), empty_label=None, null_label=None
    )
    funding_source = django_filters.ChoiceFilter(
        choices=FundingSource.choices, label=_("Funding source"), empty_label=_("All sources")
    )
    national_program = django_filters.ModelChoiceFilter(
        queryset=_national_programs,
        label=_("National program"),
        empty_label=_("All national programs"),
    )
    kecamatan = django_filters.ModelChoiceFilter(
        queryset=_districts, method="in_district", label=_("District"), empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        choices=ProgramStatus.choices, label=_("Status"), empty_label=_("All statuses")
    )

    class Meta:
        model = Program
        fields = [
            "q",
            "cluster",
            "agency",
            "fiscal_year",
            "funding_source",
            "national_program",
            "kecamatan",
            "status",
        ]

    def __init__(self, data=None, queryset=None, *, prefix=None, request=None):
        data = _with_default(data, "fiscal_year", str(timezone.localdate().year))
        super().__init__(data, queryset, prefix=prefix, request=request)
        self.filters["fiscal_year"].extra["choices"] = fiscal_year_choices()

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(budget_code__startswith=value)
            | Q(budget_code_name__icontains=value)
            | Q(agency__short_name__icontains=value)
            | Q(agency__name__icontains=value)
        )

    def in_district(self, queryset, name, value):
        if not value:
            return queryset
        located = Program.locations.through.objects.filter(program_id=OuterRef("pk")).filter(
            Q(region_id=value.pk) | Q(region__parent_id=value.pk)
        )
        return queryset.filter(Exists(located))


class RealizationFilter(django_filters.FilterSet):
    """Quarterly reports by status (a default that the view chooses), year, quarter, cluster
    and agency, and `q` on the program's name."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(
        choices=RealizationStatus.choices, label=_("Status"), empty_label=_("All statuses")
    )
    fiscal_year = django_filters.ChoiceFilter(
        field_name="program__fiscal_year",
        choices=[],
        label=_("Fiscal year"),
        empty_label=None,
        null_label=None,
    )
    quarter = django_filters.ChoiceFilter(
        choices=QUARTERS, label=_("Quarter"), empty_label=_("All quarters")
    )
    cluster = django_filters.ModelChoiceFilter(
        field_name="program__cluster",
        queryset=_clusters,
        label=_("Cluster"),
        empty_label=_("All clusters"),
    )
    agency = django_filters.ModelChoiceFilter(
        field_name="program__agency",
        queryset=_agencies,
        label=_("Agency"),
        empty_label=_("All agencies"),
    )

    class Meta:
        model = Realization
        fields = ["q", "status", "fiscal_year", "quarter", "cluster", "agency"]

    def __init__(self, data=None, queryset=None, *, default_status="", prefix=None, request=None):
        data = _with_default(data, "status", default_status)
        super().__init__(data, queryset, prefix=prefix, request=request)
        self.filters["fiscal_year"].extra["choices"] = fiscal_year_choices()

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(program__name__icontains=value) | Q(program__budget_code__startswith=value)
        )
