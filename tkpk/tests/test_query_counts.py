"""The core's list pages take the same number of queries whatever the number of rows."""

import pytest
from django.urls import reverse

from tkpk.audit import audit_record
from tkpk.choices import AuditAction
from tkpk.tests.factories import AgencyFactory, JobFactory

pytestmark = pytest.mark.django_db

ROWS = pytest.mark.parametrize("rows", [2, 20])


@ROWS
def test_the_job_list_takes_a_fixed_number_of_queries(
    client, cast, rows, django_assert_num_queries
):
    JobFactory.create_batch(rows, created_by=cast.admin)
    client.force_login(cast.admin)
    url = reverse("tkpk:job_list")
    client.get(url)  # warms the per-process caches (content types)
    # Session, user, permissions and the rows: a list that fits on one page needs no count.
    with django_assert_num_queries(3):
        response = client.get(url)
    assert len(response.context["jobs"]) == rows


@ROWS
def test_the_agency_list_takes_a_fixed_number_of_queries(
    client, cast, rows, django_assert_num_queries
):
    AgencyFactory.create_batch(rows)
    client.force_login(cast.secretariat)
    url = reverse("tkpk:agency_list")
    client.get(url)  # warms the per-process caches (content types)
    with django_assert_num_queries(8):
        response = client.get(url)
    assert len(response.context["agencies"]) >= rows


@ROWS
def test_the_audit_list_takes_a_fixed_number_of_queries(
    client, cast, rows, django_assert_num_queries
):
    for n in range(rows):
        actor = cast.officer_a if n % 2 else cast.officer_b
        audit_record(actor=actor, action=AuditAction.UPDATE, summary=f"perubahan {n}")
    client.force_login(cast.secretariat)
    url = reverse("tkpk:audit_list")
    client.get(url)  # warms the per-process caches (content types)
    with django_assert_num_queries(8):
        response = client.get(url)
    updates = [e for e in response.context["events"] if e.action == AuditAction.UPDATE]
    assert len(updates) == rows
