"""for_user(user) decides what each member of the standard cast reaches."""

import pytest

from tkpk.audit import audit_record
from tkpk.choices import AuditAction
from tkpk.models import Agency, AuditEvent, Job, Region, User
from tkpk.tests.factories import JobFactory, RegionFactory

pytestmark = pytest.mark.django_db


def test_every_role_reads_regions_and_agencies_but_an_outsider_reads_none(cast):
    RegionFactory(code="63", name="Kalimantan Selatan")
    for user in (cast.admin, cast.secretariat, cast.officer_a, cast.bappeda):
        assert Region.objects.for_user(user).count() == 1
        assert Agency.objects.for_user(user).count() == 3
    assert Region.objects.for_user(cast.outsider).count() == 0
    assert Agency.objects.for_user(cast.outsider).count() == 0


def test_a_user_sees_only_the_jobs_they_started_and_admin_sees_all(cast):
    own = JobFactory(created_by=cast.officer_a)
    other = JobFactory(created_by=cast.officer_b)
    assert list(Job.objects.for_user(cast.officer_a)) == [own]
    assert list(Job.objects.for_user(cast.officer_b)) == [other]
    assert set(Job.objects.for_user(cast.admin)) == {own, other}
    assert not Job.objects.for_user(cast.secretariat).exists()
    assert not Job.objects.for_user(cast.outsider).exists()


def test_only_admin_and_the_secretariat_read_the_audit_trail(cast):
    audit_record(actor=cast.officer_a, action=AuditAction.LOGIN, obj=cast.officer_a)
    assert AuditEvent.objects.for_user(cast.admin).count() == 1
    assert AuditEvent.objects.for_user(cast.secretariat).count() == 1
    for user in (cast.officer_a, cast.officer_b, cast.bappeda, cast.outsider):
        assert AuditEvent.objects.for_user(user).count() == 0


def test_an_officer_sees_the_accounts_of_their_own_agency_only(cast):
    assert set(User.objects.for_user(cast.officer_a)) == {cast.officer_a}
    assert User.objects.for_user(cast.secretariat).count() == 6
    assert list(User.objects.for_user(cast.bappeda)) == [cast.bappeda]
    assert not User.objects.for_user(cast.outsider).exists()


def test_an_inactive_user_reaches_nothing(cast):
    cast.secretariat.is_active = False
    assert not Agency.objects.for_user(cast.secretariat).exists()
    assert not AuditEvent.objects.for_user(cast.secretariat).exists()
