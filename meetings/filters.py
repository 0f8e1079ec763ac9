"""FilterSets of the meetings pages; each has a `q` free-text search."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tkpk.models import Agency

from .choices import OPEN_STATUSES, ActionPriority, ActionStatus, MeetingKind, MeetingStatus
from .models import FollowUpAction, Meeting


def _active_agencies(request):
    return Agency.objects.active().order_by("short_name")


class MeetingFilter(django_filters.FilterSet):
    """Meetings by kind, status, date and invited agency."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(
        choices=MeetingKind.choices, label=_("Kind"), empty_label=_("All kinds")
    )
    status = django_filters.ChoiceFilter(
        choices=MeetingStatus.choices, label=_("Status"), empty_label=_("All statuses")
    )
    date_from = django_filters.DateFilter(
        field_name="starts_at", lookup_expr="date__gte", label=_("From date")
    )
    date_to = django_filters.DateFilter(
        field_name="starts_at", lookup_expr="date__lte", label=_("To date")
    )
    agency = django_filters.ModelChoiceFilter(
        queryset=_active_agencies, method="invited", label=_("Invited agency")
    )

    class Meta:
        model = Meeting
        fields = ["q", "kind", "status", "date_from", "date_to", "agency"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(place__icontains=value)
            | Q(chair__icontains=value)
            | Q(agenda__icontains=value)
        )

    def invited(self, queryset, name, value):
        return queryset.filter(invitations__agency=value) if value else queryset


class ActionFilter(django_filters.FilterSet):
    """Follow-up actions by agency, status, priority, due date range and lateness."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    agency = django_filters.ModelChoiceFilter(
        field_name="responsible_agency", queryset=_active_agencies, label=_("Responsible agency")
    )
    status = django_filters.ChoiceFilter(
        choices=ActionStatus.choices, label=_("Status"), empty_label=_("All statuses")
    )
    priority = django_filters.ChoiceFilter(
        choices=ActionPriority.choices, label=_("Priority"), empty_label=_("All priorities")
    )
    due_from = django_filters.DateFilter(
        field_name="due_date", lookup_expr="gte", label=_("Due from")
    )
    due_to = django_filters.DateFilter(field_name="due_date", lookup_expr="lte", label=_("Due to"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    meeting = django_filters.NumberFilter(field_name="meeting_id", label=_("Meeting"))

    class Meta:
        model = FollowUpAction
        fields = ["q", "agency", "status", "priority", "due_from", "due_to", "overdue", "meeting"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(description__icontains=value)
            | Q(person_in_charge__icontains=value)
            | Q(meeting__title__icontains=value)
            | Q(responsible_agency__short_name__icontains=value)
            | Q(responsible_agency__name__icontains=value)
        )

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = Q(status__in=OPEN_STATUSES, due_date__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)
