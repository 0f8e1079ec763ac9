"""Imports are the secretariat's team work: every secretariat user (and Admin) opens every
import, its detail and its change list; an operator and Bappeda reach none."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from households.models import HouseholdImport
from households.tests.helpers import csv_bytes, family_rows
from tkpk.choices import AuditAction
from tkpk.models import AuditEvent
from tkpk.roles import SECRETARIAT
from tkpk.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(cast, settings, tmp_path):
    """An upload of the first secretariat user, with the change list of its dry run."""
    settings.MEDIA_ROOT = tmp_path
    record = HouseholdImport(
        original_name="keluarga.csv", file_format="csv", uploaded_by=cast.secretariat
    )
    record.file.save("keluarga.csv", ContentFile(csv_bytes(family_rows())), save=False)
    record.changes_file.save("perubahan.csv", ContentFile(b"jenis,nik\n"), save=False)
    record.save()
    return record


@pytest.fixture
def secretariat_2(cast):
    return UserFactory(username="sekretariat2", role=SECRETARIAT)


def urls(record):
    return {
        "detail": reverse("households:import_detail", args=[record.pk]),
        "changes": reverse("households:import_changes", args=[record.pk]),
    }


def test_a_second_secretariat_user_opens_the_first_ones_import_and_change_list(
    client, secretariat_2, record
):
    client.force_login(secretariat_2)
    page = client.get(urls(record)["detail"])
    assert page.status_code == 200
    assert "Budi Contoh" in page.content.decode()
    changes = client.get(urls(record)["changes"])
    assert changes.status_code == 200
    assert b"".join(changes.streaming_content) == b"jenis,nik\n"
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=secretariat_2).exists()
    upload_page = client.get(reverse("households:import"))
    assert list(upload_page.context["recent"]) == [record]


def test_admin_opens_any_import(client, cast, record):
    client.force_login(cast.admin)
    for url in urls(record).values():
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("member", ["officer_a", "bappeda"])
def test_an_operator_or_bappeda_without_the_import_permission_is_refused(
    client, cast, record, member
):
    client.force_login(getattr(cast, member))
    for url in urls(record).values():
        assert client.get(url).status_code == 403, url


def test_only_admin_and_the_secretariat_reach_imports(cast, secretariat_2, record):
    for user in (cast.admin, cast.secretariat, secretariat_2):
        assert list(HouseholdImport.objects.for_user(user)) == [record]
    for user in (cast.officer_a, cast.officer_b, cast.bappeda, cast.outsider):
        assert not HouseholdImport.objects.for_user(user).exists()


def test_an_operator_given_the_import_permission_still_reaches_no_import(client, cast, record):
    from django.contrib.auth.models import Permission

    cast.officer_a.user_permissions.add(
        Permission.objects.get(codename="add_householdimport", content_type__app_label="households")
    )
    client.force_login(cast.officer_a)
    for url in urls(record).values():
        assert client.get(url).status_code == 404, url
