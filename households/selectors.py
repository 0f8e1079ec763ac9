"""Reads of the registry, scoped by user."""

from django.db import connection
from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery

from .choices import Relation
from .filters import HouseholdFilter
from .models import Household, Person


def household_list(*, user, filters: dict | None = None, request=None) -> HouseholdFilter:
    """The households the user may see, filtered; rows carry the head's name and member count.
    Returns the bound FilterSet (`.qs`)."""
    head = Person.objects.filter(household=OuterRef("pk"), relation=Relation.HEAD)
    queryset = (
        Household.objects.for_user(user)
        .select_related("village", "village__parent")
        .annotate(
            head_name=Subquery(head.values("name")[:1]),
            member_count=Subquery(
                Person.objects.filter(household=OuterRef("pk"))
                .order_by()
                .values("household")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
        )
        .order_by("kk_number")
    )
    return HouseholdFilter(filters or {}, queryset=queryset, user=user, request=request)


def household_detail(*, user, pk: int) -> QuerySet[Household]:
    """The household with its members, for the detail page (404 outside the user's scope)."""
    return (
        Household.objects.for_user(user)
        .filter(pk=pk)
        .select_related("village", "village__parent")
        .prefetch_related(Prefetch("members", queryset=Person.objects.order_by("relation", "pk")))
    )


def approximate_count(model) -> int:
    """Rows of a big table without a full COUNT(*): PostgreSQL's own estimate once the table is
    large, an exact count while it is small (and on SQLite)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                [model._meta.db_table],
            )
            estimate = cursor.fetchone()[0]
        if estimate and estimate > 100_000:
            return estimate
    return model.objects.count()


def registry_summary(*, user) -> dict:
    """Aggregate figures (no names): what every role's home page may show."""
    return {
        "households": approximate_count(Household),
        "people": approximate_count(Person),
        "with_problems": Household.objects.filter(has_problems=True).count(),
        "by_decile": list(
            Household.objects.filter(decile__lte=4)
            .values("decile")
            .annotate(n=Count("pk"))
            .order_by("decile")
        ),
    }
