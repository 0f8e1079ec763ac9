"""FilterSet of the validation findings: rule, severity, status, kecamatan, desa, and `q`."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tkpk import validation
from tkpk.validation import Severity

from ..choices import FindingStatus
from ..filters import _districts, village_choices
from ..models import ValidationFinding


def _rule_choices():
    return [(rule.code, f"{rule.title}") for rule in validation.rules()]


class ValidationFindingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name of the person"))
    rule = django_filters.ChoiceFilter(choices=_rule_choices, label=_("Rule"), empty_label=_("All"))
    severity = django_filters.ChoiceFilter(
        choices=Severity.choices, label=_("Severity"), empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        choices=FindingStatus.choices, label=_("Status"), empty_label=_("All")
    )
    kecamatan = django_filters.ModelChoiceFilter(
        queryset=_districts,
        field_name="village__parent",
        label=_("District"),
        empty_label=_("All"),
    )
    desa = django_filters.ModelChoiceFilter(
        queryset=lambda request: village_choices(),
        field_name="village",
        label=_("Village"),
        empty_label=_("All"),
    )

    class Meta:
        model = ValidationFinding
        fields = ["q", "rule", "severity", "status", "kecamatan", "desa"]

    def __init__(self, data=None, queryset=None, *, user, prefix=None):
        super().__init__(data, queryset, prefix=prefix)
        district = str(self.data.get("kecamatan") or "").strip()
        if district.isdigit():
            self.filters["desa"].queryset = village_choices(district=district)
        self.user = user

    def search(self, queryset, name, value):
        """The beginning of the name of the person, or of the other person of a pair."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(person__name__istartswith=value) | Q(other_person__name__istartswith=value)
        )
