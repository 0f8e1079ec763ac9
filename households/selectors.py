"""Reads of the registry, scoped by user."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from tkpk.models import AuditEvent

from .choices import Relation
from .filters import HouseholdFilter
from .models import Household, Person
from .privacy import sees_full_identity

HISTORY_ROWS = 50


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


def household_history(*, user, household: Household, members) -> list[dict]:
    """What changed on the family and its members, newest first: imports (one event per record
    they changed) and corrections by hand. For the roles that see full identities only: old and
    new values include birth dates."""
    if not sees_full_identity(user):
        return []
    types = ContentType.objects.get_for_models(Household, Person)
    events = (
        AuditEvent.objects.filter(
            Q(content_type=types[Household], object_id=str(household.pk))
            | Q(content_type=types[Person], object_id__in=[str(m.pk) for m in members])
        )
        .select_related("actor")
        .order_by("-at", "-id")[:HISTORY_ROWS]
    )
    people = {str(m.pk): m for m in members}
    rows = []
    for event in events:
        model = Household if event.content_type_id == types[Household].pk else Person
        rows.append(
            {
                "event": event,
                "record": household.kk_number if model is Household else event.object_repr,
                "person": people.get(event.object_id) if model is Person else None,
                "changes": [
                    (_field_label(model, name), values[0], values[1])
                    for name, values in sorted(event.changes.items())
                    if isinstance(values, list) and len(values) == 2
                ],
            }
        )
    return rows


def _field_label(model, name: str) -> str:
    try:
        return model._meta.get_field(name).verbose_name
    except FieldDoesNotExist:
        return name
