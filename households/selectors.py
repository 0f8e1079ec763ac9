"""Reads of the registry, scoped by user."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy

from tkpk.models import AuditEvent

from .choices import Relation
from .filters import HouseholdFilter, village_choices  # noqa: F401 - a read of the views
from .identity import MESSAGES, message_for
from .importing.changes import CHANGE_KINDS
from .importing.reader import open_table
from .models import Household, HouseholdImport, Person
from .privacy import age_in_years, kk_shown, nik_shown, sees_full_identity

HISTORY_ROWS = 50


def household_list(*, user, filters: dict | None = None) -> HouseholdFilter:
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
    return HouseholdFilter(filters or {}, queryset=queryset, user=user)


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
    by_decile = list(
        Household.objects.filter(decile__lte=4)
        .values("decile")
        .annotate(n=Count("pk"))
        .order_by("decile")
    )
    return {
        "households": approximate_count(Household),
        "people": approximate_count(Person),
        "with_problems": Household.objects.filter(has_problems=True).count(),
        "by_decile": by_decile,
        "poorest": sum(row["n"] for row in by_decile),
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


def household_members(*, user, household: Household) -> list[dict]:
    """The members of a family as this user may see them: the NIK masked for the role, the age
    instead of the birth date, and the NIK warnings (which tell of the NIK's date and sex) only
    for the roles that see the NIK itself."""
    full_identity = sees_full_identity(user)
    return [
        {
            "person": person,
            "nik": nik_shown(person.identity_number, full_identity=full_identity),
            "age": age_in_years(person.birth_date),
            "warnings": [message_for(c) for c in person.warnings if c in MESSAGES]
            if full_identity
            else [],
        }
        for person in household.members.all()
    ]


PREVIEW_ROWS = 10


def import_preview(*, record: HouseholdImport, sheet: str | None = None) -> tuple[list, list, list]:
    """The header, the sheets and the first rows of an uploaded file, for its mapping page.
    Raises FileProblem when the file cannot be read."""
    with record.file.open("rb") as handle:
        table = open_table(handle, name=record.original_name, sheet=sheet or record.sheet)
        rows = []
        for cells in table.rows:
            rows.append(["" if c is None else c for c in cells])
            if len(rows) >= PREVIEW_ROWS:
                break
        header, sheets = table.header, table.sheets
        table.close()
    return header, sheets, rows


def import_review(*, user, record: HouseholdImport) -> dict | None:
    """The last dry run's findings, as this user may see them (NIKs masked as on every page)."""
    review = record.review or {}
    if not review:
        return None
    full_identity = sees_full_identity(user)
    labels = {
        **{f.name: f.verbose_name for f in Person._meta.fields},
        **{f.name: f.verbose_name for f in Household._meta.fields},
        "household": gettext_lazy("family (No. KK)"),
    }
    rows = [
        {
            "kind": change["kind"],
            "kind_label": CHANGE_KINDS.get(change["kind"], change["kind"]),
            "kk": kk_shown(change["kk"], full_identity=full_identity),
            "nik": nik_shown(change["number"], full_identity=full_identity),
            "field": labels.get(change["field"], change["field"]),
            "old": change["old"],
            "new": change["new"],
        }
        for change in review.get("preview", [])
    ]
    return {**review, "rows": rows}
