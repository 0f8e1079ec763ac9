"""The one pager of every list: pages without a COUNT(*) of the whole table.

"Next" is known by fetching one row more than the page holds. A list may ask for how many rows
its filters found (`count_up_to`): counted exactly up to that many rows (a COUNT over a LIMITed
subquery, so its cost is bounded), and above it PostgreSQL's planner estimate, marked as one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.db import connections


@dataclass(frozen=True)
class Page:
    """One page of a list, as templates/_pager.html shows it."""

    rows: list
    number: int
    per_page: int
    has_next: bool
    querystring: str
    total: int | None = None
    total_is_estimate: bool = False
    #: Up to how many rows the total is exact (above it, an estimate).
    count_bound: int | None = None

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def first_index(self) -> int:
        """The position of the page's first row in the whole list (1-based)."""
        return (self.number - 1) * self.per_page + 1 if self.rows else 0

    @property
    def last_index(self) -> int:
        return (self.number - 1) * self.per_page + len(self.rows)

    @property
    def pages(self) -> int | None:
        """How many pages there are, where the total is known exactly."""
        if self.total is None or self.total_is_estimate:
            return None
        return max(1, -(-self.total // self.per_page))


def page_number(request) -> int:
    """The page asked for; anything that is not a positive whole number is page 1."""
    try:
        return max(1, int(request.GET.get("page", 1)))
    except (TypeError, ValueError):
        return 1


def querystring_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def paginate(queryset, request, *, per_page: int, count_up_to: int | None = None) -> Page:
    """The page of `queryset` that the request asks for; with `count_up_to`, also the total."""
    number = page_number(request)
    offset = (number - 1) * per_page
    rows = list(queryset[offset : offset + per_page + 1])
    total, estimate = (None, False)
    if count_up_to is not None:
        if number == 1 and len(rows) <= per_page:
            total = len(rows)  # the whole list is on this page: nothing more to count
        else:
            total, estimate = bounded_count(queryset, count_up_to)
    return Page(
        rows=rows[:per_page],
        number=number,
        per_page=per_page,
        has_next=len(rows) > per_page,
        querystring=querystring_without_page(request),
        total=total,
        total_is_estimate=estimate,
        count_bound=count_up_to,
    )


def bounded_count(queryset, up_to: int) -> tuple[int, bool]:
    """(count, is_estimate): exact up to `up_to` rows, the planner's estimate above (PostgreSQL;
    elsewhere the exact count, as the embedded database is small)."""
    # Only the keys: the annotations and joins of the page's rows cost nothing in the count.
    queryset = queryset.order_by().values("pk")
    exact = queryset[: up_to + 1].count()
    if exact <= up_to:
        return exact, False
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return queryset.count(), False
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return max(up_to + 1, int(plan[0]["Plan"]["Plan Rows"])), True
