"""What is deleted through the admin is written to the audit trail, or cannot be deleted there."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.urls import reverse

from tkpk.admin import AuditedModelAdmin
from tkpk.choices import AuditAction
from tkpk.models import AuditEvent, Job, User
from tkpk.tests.factories import JobFactory


def test_every_registered_admin_audits_its_changes_or_cannot_delete():
    request = RequestFactory().get("/admin/")
    request.user = User(username="root", is_active=True, is_staff=True, is_superuser=True)
    registry = admin.site._registry
    # The walk covers the project's own admins and those Django and the packages register.
    assert {Job, AuditEvent, Group} <= set(registry)
    unaudited = [
        f"{model._meta.label} ({type(model_admin).__qualname__})"
        for model, model_admin in registry.items()
        if not isinstance(model_admin, AuditedModelAdmin)
        and model_admin.has_delete_permission(request) is not False
    ]
    assert not unaudited, f"deleting through these admins leaves no audit event: {unaudited}"


@pytest.mark.django_db
def test_deleting_a_job_from_the_admin_changelist_writes_an_audit_event(client, cast):
    job = JobFactory(created_by=cast.officer_a)
    client.force_login(cast.admin)
    response = client.post(
        reverse("admin:tkpk_job_changelist"),
        {"action": "delete_selected", "_selected_action": [job.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Job.objects.filter(pk=job.pk).exists()
    event = AuditEvent.objects.get(
        action=AuditAction.DELETE,
        content_type=ContentType.objects.get_for_model(Job),
        object_id=str(job.pk),
    )
    assert event.actor == cast.admin
    assert event.object_repr == str(job)
