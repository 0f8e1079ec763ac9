"""Pages of big lists without a COUNT(*) of the whole table: "next" is known by fetching one
row more than the page holds."""


def page_without_count(queryset, request, *, per_page: int) -> dict:
    """Template context for one page: the rows, the page number, whether there are previous
    and next pages, and the query string without `page` for the links."""
    try:
        number = max(1, int(request.GET.get("page", 1)))
    except (TypeError, ValueError):
        number = 1
    offset = (number - 1) * per_page
    rows = list(queryset[offset : offset + per_page + 1])
    params = request.GET.copy()
    params.pop("page", None)
    return {
        "rows": rows[:per_page],
        "page_number": number,
        "has_next": len(rows) > per_page,
        "has_previous": number > 1,
        "querystring": params.urlencode(),
    }
