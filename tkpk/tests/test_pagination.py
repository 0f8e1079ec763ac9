"""The one pager: pages without a COUNT(*) of the whole table, and a total that is exact up to
a bound and the planner's estimate above it, said to be one."""

import pytest
from django.test import RequestFactory

from tkpk.models import Region
from tkpk.pagination import bounded_count, paginate
from tkpk.tests.factories import JobFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def regions():
    Region.objects.bulk_create(
        [Region(code=f"{n:02d}", name=f"Wilayah {n}", level=1) for n in range(10, 40)]
    )
    return Region.objects.order_by("code")


def page_of(queryset, query="", **kwargs):
    return paginate(queryset, RequestFactory().get(f"/?{query}"), **kwargs)


def test_a_page_knows_its_neighbours_by_one_row_more(regions, django_assert_num_queries):
    with django_assert_num_queries(1):
        page = page_of(regions, "page=2&q=x", per_page=10)
    assert [r.code for r in page.rows] == [f"{n}" for n in range(20, 30)]
    assert (page.has_previous, page.has_next) == (True, True)
    assert page.querystring == "q=x"
    assert (page.first_index, page.last_index, page.total) == (11, 20, None)
    assert page_of(regions, "page=3", per_page=10).has_next is False


@pytest.mark.parametrize("asked", ["0", "-3", "abc", "", "1.5"])
def test_a_page_number_that_is_not_a_positive_whole_number_is_the_first(regions, asked):
    assert page_of(regions, f"page={asked}", per_page=10).number == 1


def test_a_list_that_fits_on_its_first_page_is_counted_without_a_query(
    regions, django_assert_num_queries
):
    with django_assert_num_queries(1):
        page = page_of(regions.filter(code__lt="15"), per_page=10, count_up_to=100)
    assert (page.total, page.total_is_estimate, page.pages) == (5, False, 1)


def test_the_total_is_exact_up_to_its_bound(regions):
    page = page_of(regions, "page=2", per_page=10, count_up_to=30)
    assert (page.total, page.total_is_estimate, page.pages) == (30, False, 3)


def test_above_its_bound_the_total_is_the_planners_estimate_and_says_so(regions):
    total, estimate = bounded_count(regions, 20)
    assert estimate is True
    # An estimate is never below what was counted exactly.
    assert total >= 21
    page = page_of(regions, "page=2", per_page=10, count_up_to=20)
    assert page.total_is_estimate and page.pages is None


def test_the_pager_shows_page_of_pages_where_the_total_is_known(client, cast):
    JobFactory.create_batch(30, created_by=cast.admin)
    client.force_login(cast.admin)
    body = client.get("/pekerjaan/?page=2").content.decode()
    assert "Halaman 2 dari 2" in body
    assert 'rel="prev"' in body and 'rel="next"' not in body
