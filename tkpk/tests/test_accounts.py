"""Accounts and agencies managed in the app: exactly one role per account, an Operator SKPD
with an agency, deactivated instead of deleted, a generated password shown once and changed at
the first sign-in, every change audited."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from tkpk.choices import AuditAction
from tkpk.forms import UserForm
from tkpk.models import Agency, AuditEvent, User
from tkpk.roles import ADMIN, BAPPEDA, OPERATOR, SECRETARIAT, stored_role, user_role
from tkpk.services import (
    agency_update,
    user_create,
    user_password_reset,
    user_update,
)
from tkpk.tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_an_account_gets_exactly_one_role_and_a_password_to_change(cast):
    account, password = user_create(
        actor=cast.admin, username="kabid.sosial", role=OPERATOR, agency=cast.agency_a
    )
    assert list(account.groups.values_list("name", flat=True)) == [OPERATOR]
    assert account.check_password(password) and len(password) == 19
    assert account.password_must_change is True
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_id=str(account.pk))
    assert event.changes["role"] == [None, OPERATOR]
    assert password not in str(event.changes) and password not in event.summary


@pytest.mark.parametrize("role", ["", "Dua Peran", "Operator SKPD,Bappeda"])
def test_an_account_without_one_known_role_is_refused(cast, role):
    with pytest.raises(ValidationError) as refused:
        user_create(actor=cast.admin, username="tanpa.peran", role=role)
    assert "role" in refused.value.error_dict
    assert not User.objects.filter(username="tanpa.peran").exists()


def test_an_operator_without_an_agency_is_refused_at_the_service_and_the_form(cast):
    with pytest.raises(ValidationError) as refused:
        user_create(actor=cast.admin, username="op.tanpa", role=OPERATOR)
    assert "agency" in refused.value.error_dict
    form = UserForm({"username": "op.tanpa", "role": OPERATOR})
    assert not form.is_valid()
    assert form.errors["agency"] == [
        "Akun Operator SKPD harus milik satu perangkat daerah: pilih perangkat daerahnya."
    ]
    assert not User.objects.filter(username="op.tanpa").exists()


def test_a_role_change_replaces_the_role_and_is_audited(cast):
    user_update(
        actor=cast.admin,
        user=cast.officer_a,
        data={"agency": None},
        role=BAPPEDA,
        request=None,
    )
    cast.officer_a.refresh_from_db()
    assert list(cast.officer_a.groups.values_list("name", flat=True)) == [BAPPEDA]
    assert AuditEvent.objects.filter(
        object_id=str(cast.officer_a.pk), changes__role=[OPERATOR, BAPPEDA]
    ).exists()


def test_an_operator_cannot_lose_the_agency_while_keeping_the_role(cast):
    with pytest.raises(ValidationError) as refused:
        user_update(actor=cast.admin, user=cast.officer_a, data={"agency": None}, role=OPERATOR)
    assert "agency" in refused.value.error_dict
    cast.officer_a.refresh_from_db()
    assert cast.officer_a.agency == cast.agency_a


def test_nobody_takes_their_own_admin_role_or_deactivates_themselves(cast):
    admin2, _ = user_create(actor=cast.admin, username="admin2", role=ADMIN)
    with pytest.raises(ValidationError):
        user_update(actor=admin2, user=admin2, data={}, role=SECRETARIAT)
    with pytest.raises(ValidationError):
        user_update(actor=admin2, user=admin2, data={"is_active": False}, role=ADMIN)
    assert stored_role(admin2) == ADMIN and User.objects.get(pk=admin2.pk).is_active


def test_a_deactivated_account_keeps_its_role_but_signs_in_to_nothing(cast, client):
    user_update(actor=cast.admin, user=cast.officer_b, data={"is_active": False}, role=OPERATOR)
    cast.officer_b.refresh_from_db()
    assert stored_role(cast.officer_b) == OPERATOR and user_role(cast.officer_b) is None
    refused = sign_in(client, "officer_b", DEFAULT_PASSWORD)
    assert refused.status_code == 200 and "_auth_user_id" not in client.session


def test_a_password_reset_is_shown_once_and_must_be_changed(cast, client):
    password = user_password_reset(actor=cast.admin, user=cast.officer_a)
    cast.officer_a.refresh_from_db()
    assert cast.officer_a.check_password(password) and cast.officer_a.password_must_change
    event = AuditEvent.objects.filter(object_id=str(cast.officer_a.pk)).latest("at")
    assert password not in str(event.changes)


def test_an_agency_with_active_accounts_is_not_deactivated(cast):
    with pytest.raises(ValidationError) as refused:
        agency_update(user=cast.admin, agency=cast.agency_a, data={"is_active": False})
    assert "1 akun aktif" in refused.value.message_dict["is_active"][0]
    cast.agency_a.refresh_from_db()
    assert cast.agency_a.is_active


# --- Pages -------------------------------------------------------------------------------------


def test_the_admin_adds_an_operator_and_sees_the_password_once(client, cast):
    client.force_login(cast.admin)
    response = client.post(
        reverse("tkpk:user_add"),
        {
            "username": "op.baru",
            "first_name": "Siti",
            "last_name": "Rahmah",
            "role": OPERATOR,
            "agency": cast.agency_a.pk,
            "email": "",
            "position": "Analis",
        },
    )
    account = User.objects.get(username="op.baru")
    assert response.url == reverse("tkpk:user_password", args=[account.pk])
    shown = client.get(response.url)
    password = shown.context["password"]
    assert password and password in shown.content.decode()
    again = client.get(response.url)
    assert again.context["password"] is None and password not in again.content.decode()


def test_the_account_form_refuses_an_operator_without_an_agency_in_indonesian(client, cast):
    client.force_login(cast.admin)
    response = client.post(reverse("tkpk:user_add"), {"username": "op.x", "role": OPERATOR})
    assert response.status_code == 400
    assert "pilih perangkat daerahnya" in response.content.decode()
    assert not User.objects.filter(username="op.x").exists()


@pytest.mark.parametrize(
    ("member", "list_status", "add_status"),
    [
        ("admin", 200, 200),
        ("secretariat", 200, 403),
        ("officer_a", 403, 403),
        ("bappeda", 403, 403),
        ("outsider", 403, 403),
    ],
)
def test_who_reads_and_who_manages_accounts(client, cast, member, list_status, add_status):
    client.force_login(getattr(cast, member))
    assert client.get(reverse("tkpk:user_list")).status_code == list_status
    assert client.get(reverse("tkpk:user_add")).status_code == add_status
    assert client.post(reverse("tkpk:user_add"), {"username": "x"}).status_code in (
        add_status if add_status != 200 else 400,
    )


def test_the_secretariat_adds_and_edits_an_agency_and_an_operator_cannot(client, cast):
    client.force_login(cast.secretariat)
    response = client.post(
        reverse("tkpk:agency_add"),
        {"name": "Dinas Perumahan", "short_name": "Disperkim", "kind": "dinas", "email": ""},
    )
    agency = Agency.objects.get(short_name="Disperkim")
    assert response.url == agency.get_absolute_url()
    client.post(
        reverse("tkpk:agency_edit", args=[agency.pk]),
        {
            "name": "Dinas Perumahan dan Permukiman",
            "short_name": "Disperkim",
            "kind": "dinas",
            "email": "",
            "is_active": "on",
        },
    )
    agency.refresh_from_db()
    assert agency.name == "Dinas Perumahan dan Permukiman"
    assert AuditEvent.objects.filter(object_id=str(agency.pk), action="update").exists()
    client.force_login(cast.officer_a)
    assert client.get(reverse("tkpk:agency_add")).status_code == 403
    assert client.post(reverse("tkpk:agency_edit", args=[agency.pk]), {}).status_code == 403


def test_a_generated_password_sends_its_owner_to_change_it_first(client, cast):
    password = user_password_reset(actor=cast.admin, user=cast.officer_a)
    assert sign_in(client, "officer_a", password).status_code == 302
    home = client.get(reverse("home"))
    assert home.url == reverse("password_change")
    assert client.get(reverse("households:household_list")).url == reverse("password_change")
    changed = client.post(
        reverse("password_change"),
        {
            "old_password": password,
            "new_password1": "Kota-Amuntai-2026!",
            "new_password2": "Kota-Amuntai-2026!",
        },
    )
    assert changed.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert User.objects.get(pk=cast.officer_a.pk).password_must_change is False


def test_the_django_admin_refuses_an_account_with_two_roles(client, cast):
    client.force_login(cast.admin)
    groups = Group.objects.filter(name__in=[OPERATOR, BAPPEDA])
    response = client.post(
        reverse("admin:tkpk_user_add"),
        {
            "username": "dua.peran",
            "password1": "Kota-Amuntai-2026!",
            "password2": "Kota-Amuntai-2026!",
            "usable_password": "true",
            "agency": cast.agency_a.pk,
            "groups": [g.pk for g in groups],
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["groups"] == ["Pilih tepat satu peran (grup)."]
    assert not User.objects.filter(username="dua.peran").exists()
