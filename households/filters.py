"""FilterSet of the household list: area, decile, source, status, problems, and `q`."""

import re

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from tkpk.models import Region

from .choices import DECILE_CHOICES, DataSource, HouseholdStatus
from .models import Household, Person

DIGITS = re.compile(r"^[0-9]+$")


def _districts(request):
    return Region.objects.filter(level=3).within(settings.HOME_REGION_CODE).order_by("name")


def _villages(request):
    queryset = Region.objects.filter(level=4).within(settings.HOME_REGION_CODE)
    district = request.GET.get("kecamatan") if request is not None else None
    if district and district.isdigit():
        queryset = queryset.filter(parent_id=district)
    return queryset.order_by("name")


class HouseholdFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("NIK, No. KK or name"))
    kecamatan = django_filters.ModelChoiceFilter(
        queryset=_districts,
        field_name="village__parent",
        label=_("District"),
        empty_label=_("All"),
    )
    desa = django_filters.ModelChoiceFilter(
        queryset=_villages, field_name="village", label=_("Village"), empty_label=_("All")
    )
    decile = django_filters.ChoiceFilter(
        choices=DECILE_CHOICES, label=_("Decile"), empty_label=_("All")
    )
    source = django_filters.ChoiceFilter(
        choices=DataSource.choices, label=_("Source"), empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        choices=HouseholdStatus.choices, label=_("Status"), empty_label=_("All")
    )
    has_problems = django_filters.BooleanFilter(
        label=_("Has problems"),
        widget=forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]),
    )

    class Meta:
        model = Household
        fields = ["q", "kecamatan", "desa", "decile", "source", "status", "has_problems"]

    def search(self, queryset, name, value):
        """A 16-digit number is a NIK or a No. KK; a shorter number their beginning; text the
        beginning of a member's name (served by the upper(name) index)."""
        value = value.strip().replace(" ", "")
        if not value:
            return queryset
        if DIGITS.match(value):
            if len(value) == 16:
                member = Person.objects.filter(household=OuterRef("pk")).filter(
                    Q(nik=value) | Q(temporary_number=value)
                )
                return queryset.filter(Q(kk_number=value) | Exists(member))
            member = Person.objects.filter(household=OuterRef("pk"), nik__startswith=value)
            return queryset.filter(Q(kk_number__startswith=value) | Exists(member))
        text = self.data.get("q", "").strip()
        member = Person.objects.filter(household=OuterRef("pk"), name__istartswith=text)
        return queryset.filter(Exists(member))
