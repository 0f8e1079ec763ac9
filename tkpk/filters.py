"""FilterSets of the core pages; each has a `q` free-text search."""

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import AgencyKind, AuditAction, JobStatus
from .job_kinds import registered_kinds
from .models import Agency, AuditEvent, Job, User
from .roles import ADMIN, ROLE_LABELS, ROLES


class AuditEventFilter(django_filters.FilterSet):
    """Browse the audit trail by who, what, which kind of object and when."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    action = django_filters.ChoiceFilter(choices=AuditAction.choices, label=_("Action"))
    actor = django_filters.CharFilter(
        field_name="actor_username", lookup_expr="iexact", label=_("User")
    )
    content_type = django_filters.ModelChoiceFilter(
        queryset=ContentType.objects.filter(
            app_label__in=["tkpk", "households", "programs", "meetings"]
        ).order_by("app_label", "model"),
        label=_("Object type"),
    )
    date_from = django_filters.DateFilter(
        field_name="at", lookup_expr="date__gte", label=_("From date")
    )
    date_to = django_filters.DateFilter(
        field_name="at", lookup_expr="date__lte", label=_("To date")
    )

    class Meta:
        model = AuditEvent
        fields = ["q", "action", "actor", "content_type", "date_from", "date_to"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(object_repr__icontains=value)
            | Q(summary__icontains=value)
            | Q(actor_username__icontains=value)
            | Q(object_id=value)
        )


class JobFilter(django_filters.FilterSet):
    """The background jobs by kind (those the user may see) and status."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(label=_("Job"), choices=[])
    status = django_filters.ChoiceFilter(choices=JobStatus.choices, label=_("Status"))

    class Meta:
        model = Job
        fields = ["q", "kind", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["kind"].extra["choices"] = sorted(
            ((name, str(kind.label)) for name, kind in registered_kinds().items()),
            key=lambda choice: choice[1],
        )

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if value.lstrip("#").isdigit():
            return queryset.filter(pk=int(value.lstrip("#")))
        return queryset.filter(
            Q(message__icontains=value) | Q(created_by__username__icontains=value)
        )


class AgencyFilter(django_filters.FilterSet):
    """The directory of agencies by name and kind."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=AgencyKind.choices, label=_("Kind"))

    class Meta:
        model = Agency
        fields = ["q", "kind"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value))


class UserFilter(django_filters.FilterSet):
    """The accounts by name, role, agency and whether they are active."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    role = django_filters.ChoiceFilter(
        choices=[(role, ROLE_LABELS[role]) for role in ROLES], method="with_role", label=_("Role")
    )
    agency = django_filters.ModelChoiceFilter(
        queryset=Agency.objects.order_by("short_name"), label=_("Regional agency")
    )
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = User
        fields = ["q", "role", "agency", "is_active"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(username__icontains=value)
            | Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
            | Q(email__icontains=value)
        )

    def with_role(self, queryset, name, value):
        if not value:
            return queryset
        if value == ADMIN:
            return queryset.filter(Q(is_superuser=True) | Q(groups__name=ADMIN)).distinct()
        return queryset.filter(groups__name=value, is_superuser=False)
