"""The audit trail is append-only, and the services and sign-in write to it."""

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from tkpk.audit import audit_record, model_changes
from tkpk.choices import AgencyKind, AuditAction
from tkpk.models import Agency, AuditEvent
from tkpk.services import agency_create, agency_update
from tkpk.tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


def test_agency_create_and_update_write_who_what_and_the_change(cast):
    agency = agency_create(
        user=cast.admin, name="Dinas Perikanan", short_name="Diskan", kind=AgencyKind.DINAS
    )
    agency_update(user=cast.admin, agency=agency, data={"email": "diskan@hsu.go.id"})
    created, updated = AuditEvent.objects.filter(object_id=str(agency.pk)).order_by("id")
    assert created.action == AuditAction.CREATE
    assert created.actor == cast.admin
    assert created.changes["short_name"] == [None, "Diskan"]
    assert updated.action == AuditAction.UPDATE
    assert updated.changes == {"email": ["", "diskan@hsu.go.id"]}


def test_an_update_that_changes_nothing_writes_no_event(cast):
    agency_update(user=cast.admin, agency=cast.agency_a, data={"name": cast.agency_a.name})
    assert not AuditEvent.objects.filter(object_id=str(cast.agency_a.pk)).exists()


def test_model_changes_lists_only_fields_that_differ():
    assert model_changes({"a": 1, "b": 2}, {"a": 1, "b": 3}) == {"b": [2, 3]}


def test_audit_events_cannot_be_changed_through_the_orm(cast):
    event = audit_record(actor=cast.admin, action=AuditAction.EXPORT, summary="ekspor")
    event.summary = "diubah"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.all().update(summary="x")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE tkpk_auditevent SET summary = 'rewritten'",
        "DELETE FROM tkpk_auditevent",
    ],
)
def test_postgresql_rejects_update_and_delete_of_audit_rows(cast, statement):
    audit_record(actor=cast.admin, action=AuditAction.EXPORT, summary="ekspor")
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert AuditEvent.objects.get().summary == "ekspor"


def test_signing_in_and_a_failed_attempt_are_audited_with_the_address(client, cast):
    client.post(
        reverse("login"), {"username": "officer_a", "password": "salah"}, REMOTE_ADDR="10.1.2.3"
    )
    client.post(
        reverse("login"),
        {"username": "officer_a", "password": DEFAULT_PASSWORD},
        REMOTE_ADDR="10.1.2.3",
    )
    failed = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failed.summary == "officer_a"
    assert failed.ip_address == "10.1.2.3"
    login = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert login.actor == cast.officer_a


def test_a_change_in_django_admin_is_audited(client, cast):
    client.force_login(cast.admin)
    url = reverse("admin:tkpk_agency_change", args=[cast.agency_a.pk])
    response = client.post(
        url,
        {
            "name": "Dinas Sosial HSU",
            "short_name": "Dinsos",
            "kind": "dinas",
            "email": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.UPDATE)
    assert event.object_repr == "Dinsos"
    assert Agency.objects.get(pk=cast.agency_a.pk).name == "Dinas Sosial HSU"


def test_login_is_locked_after_repeated_failures(client, cast):
    for _ in range(5):
        client.post(reverse("login"), {"username": "officer_b", "password": "salah"})
    response = client.post(
        reverse("login"), {"username": "officer_b", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # It says for how long (AXES_COOLOFF_MINUTES, 30 by default), in Indonesian.
    assert "selama 30 menit setelah percobaan gagal terakhir" in response.content.decode()
