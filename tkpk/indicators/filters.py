"""FilterSets of the indicators app."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import ObservationSource
from .models import Indicator, Observation


class ObservationFilter(django_filters.FilterSet):
    """The observation list: free text (indicator code or name, region code or name, note),
    indicator, year and source."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    indicator = django_filters.ModelChoiceFilter(
        label=_("Indicator"), queryset=Indicator.objects.all(), empty_label=_("All indicators")
    )
    year = django_filters.NumberFilter(label=_("Year"))
    source = django_filters.ChoiceFilter(
        label=_("Source"), choices=ObservationSource.choices, empty_label=_("All sources")
    )

    class Meta:
        model = Observation
        fields = ["q", "indicator", "year", "source"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(indicator__code__iexact=value)
            | Q(indicator__name__icontains=value)
            | Q(region__code__startswith=value)
            | Q(region__name__icontains=value)
            | Q(note__icontains=value)
        )
