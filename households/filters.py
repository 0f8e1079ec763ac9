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
from .privacy import sees_full_identity

DIGITS = re.compile(r"^[0-9]+$")


def _districts(request):
    return Region.objects.filter(level=3).within(settings.HOME_REGION_CODE).order_by("name")


def village_choices(*, district: str = ""):
    """The villages of the home region, of one district when its id is given, by name."""
    villages = Region.objects.filter(level=4).within(settings.HOME_REGION_CODE)
    if district.strip().isdigit():
        villages = villages.filter(parent_id=int(district))
    return villages.order_by("name")


def _villages(request):
    return village_choices()


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

    def __init__(self, data=None, queryset=None, *, user, prefix=None):
        super().__init__(data, queryset, prefix=prefix)
        district = str(self.data.get("kecamatan") or "").strip()
        if district.isdigit():
            # The villages offered are those of the chosen district.
            self.filters["desa"].queryset = village_choices(district=district)
        self.full_identity = sees_full_identity(user)
        #: Why a search was refused (a number searched by a role that may not), for the page.
        self.refusal: str = ""
        #: What was wrong with the search itself (a number longer than a NIK), for the page.
        self.notice: str = ""

    @property
    def number_searched(self) -> str:
        """The NIK / No. KK digits searched for, if `q` is a number of at most 16 digits ("" for
        a name search, and for a number too long to be either)."""
        value = (self.data.get("q") or "").strip().replace(" ", "")
        return value if DIGITS.match(value) and len(value) <= 16 else ""

    def search(self, queryset, name, value):
        """A 16-digit number is a NIK or a No. KK; a shorter number their beginning; text the
        beginning of a member's name (served by the upper(name) index).

        Numbers are searched only by roles that may see full NIKs (and the view audits each such
        search): for any other role a prefix search is an oracle that recovers a masked NIK digit
        by digit (households.privacy). They search by name, and check an exact NIK on the NIK
        check page, which answers yes or no."""
        value = value.strip().replace(" ", "")
        if not value:
            return queryset
        if DIGITS.match(value):
            if not self.full_identity:
                self.refusal = _(
                    "Your role cannot search by NIK or No. KK. Search by name, or check the "
                    "exact NIK that a beneficiary gave you with “Check a NIK”."
                )
                return queryset.none()
            if len(value) > 16:
                self.notice = _(
                    "A NIK or a No. KK has 16 digits; you typed %(n)s. Check the number."
                ) % {"n": len(value)}
                return queryset.none()
            if len(value) == 16:
                # Two index lookups, then the families by key: `kk_number = X OR EXISTS (member
                # with that NIK)` could use neither index and scanned every family (0.7 s at a
                # million people).
                families = set(
                    Person.objects.filter(Q(nik=value) | Q(temporary_number=value)).values_list(
                        "household_id", flat=True
                    )
                )
                families.update(
                    Household.objects.filter(kk_number=value).values_list("pk", flat=True)
                )
                return queryset.filter(pk__in=families)
            member = Person.objects.filter(household=OuterRef("pk"), nik__startswith=value)
            return queryset.filter(Q(kk_number__startswith=value) | Exists(member))
        text = self.data.get("q", "").strip()
        member = Person.objects.filter(household=OuterRef("pk"), name__istartswith=text)
        return queryset.filter(Exists(member))
