"""The client's address comes from the trusted proxies only, is always a valid IP or None, and
is the address that both the audit trail and the login lockouts use. A failed sign-in keeps
the typed name only when it names an account."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from tkpk.choices import AuditAction
from tkpk.client_ip import client_ip
from tkpk.models import AuditEvent
from tkpk.tests.factories import DEFAULT_PASSWORD

PROXY = "10.0.0.2"
ADDRESS_A = "203.0.113.7"
ADDRESS_B = "198.51.100.9"


def request_from(remote_addr=PROXY, forwarded=None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("count", "forwarded", "remote_addr", "expected"),
    [
        # No trusted proxy: whatever the client sends in the header is ignored.
        (0, None, "192.0.2.1", "192.0.2.1"),
        (0, "6.6.6.6", "192.0.2.1", "192.0.2.1"),
        (0, "6.6.6.6, 192.0.2.50", "192.0.2.1", "192.0.2.1"),
        # One proxy: the entry it appended, whatever the client put before it.
        (1, ADDRESS_A, PROXY, ADDRESS_A),
        (1, f"6.6.6.6, 7.7.7.7, {ADDRESS_A}", PROXY, ADDRESS_A),
        # Two proxies: the entry the outer one appended; the inner one's is the last.
        (2, f"6.6.6.6, {ADDRESS_A}, 10.0.0.1", PROXY, ADDRESS_A),
        (2, f"{ADDRESS_A}, 10.0.0.1", PROXY, ADDRESS_A),
        # Missing, too short or malformed: the connection's address.
        (1, None, PROXY, PROXY),
        (1, "", PROXY, PROXY),
        (2, ADDRESS_A, PROXY, PROXY),
        (1, "not-an-ip", PROXY, PROXY),
        (1, f"{ADDRESS_A}, not-an-ip", PROXY, PROXY),
        (1, "203.0.113.7:51234", PROXY, PROXY),
        (1, "999.1.1.1", PROXY, PROXY),
        (1, "fe80::1%eth0", PROXY, PROXY),
        # IPv6, in normal form.
        (1, "2001:DB8:0:0::1", PROXY, "2001:db8::1"),
        (1, "6.6.6.6, 2001:db8::7", "::1", "2001:db8::7"),
        (0, "2001:db8::7", "2001:db8::1", "2001:db8::1"),
        # Not even REMOTE_ADDR is an address: nothing.
        (0, None, "not-an-ip", None),
        (1, "also-not", "", None),
    ],
)
def test_the_client_address_is_the_entry_the_trusted_proxies_wrote(
    settings, count, forwarded, remote_addr, expected
):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(request_from(remote_addr, forwarded)) == expected


def test_no_request_has_no_address():
    assert client_ip(None) is None


# --- Through the real login page ----------------------------------------------------------


def login(client, username, password, *, remote_addr=PROXY, forwarded=None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


@pytest.mark.parametrize("count", [0, 1])
def test_a_forwarded_header_that_is_no_address_neither_breaks_sign_in_nor_enters_the_audit(
    client, cast, settings, count
):
    settings.TRUSTED_PROXY_COUNT = count
    failed = login(client, "officer_a", "salah", forwarded="not-an-ip")
    assert failed.status_code == 200
    signed_in = login(client, "officer_a", DEFAULT_PASSWORD, forwarded="not-an-ip")
    assert signed_in.status_code == 302
    assert AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED).ip_address == PROXY
    assert AuditEvent.objects.get(action=AuditAction.LOGIN).ip_address == PROXY


def test_without_trusted_proxies_a_client_sent_header_does_not_change_the_audited_address(
    client, cast, settings
):
    settings.TRUSTED_PROXY_COUNT = 0
    login(client, "officer_a", "salah", remote_addr="192.0.2.1", forwarded="6.6.6.6")
    login(client, "officer_a", DEFAULT_PASSWORD, remote_addr="192.0.2.1", forwarded="6.6.6.6")
    addresses = set(AuditEvent.objects.values_list("ip_address", flat=True))
    assert addresses == {"192.0.2.1"}


def test_behind_one_proxy_the_audit_keeps_the_address_the_proxy_saw(client, cast, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    login(client, "officer_a", DEFAULT_PASSWORD, forwarded=f"6.6.6.6, {ADDRESS_A}")
    assert AuditEvent.objects.get(action=AuditAction.LOGIN).ip_address == ADDRESS_A


def test_failures_lock_one_user_at_one_address_only(cast, settings):
    """Behind the proxy, REMOTE_ADDR is the proxy's for everyone: keyed on it, one attacker
    would lock every account for every user."""
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(Client(), "officer_b", "salah", forwarded=ADDRESS_A)

    assert login(Client(), "officer_b", DEFAULT_PASSWORD, forwarded=ADDRESS_A).status_code == 429
    assert login(Client(), "officer_b", DEFAULT_PASSWORD, forwarded=ADDRESS_B).status_code == 302
    assert login(Client(), "officer_a", DEFAULT_PASSWORD, forwarded=ADDRESS_A).status_code == 302
    # Signing in from B reset only B's record: A stays locked for officer_b.
    assert login(Client(), "officer_b", DEFAULT_PASSWORD, forwarded=ADDRESS_A).status_code == 429


# --- The failed sign-in audit ---------------------------------------------------------------


def test_a_failed_sign_in_with_an_unknown_name_does_not_keep_what_was_typed(client, cast):
    login(client, "rahasia-uji-123", "salah")
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.summary == ""
    assert event.changes == {"username_known": False}
    assert event.actor is None
    assert "rahasia-uji-123" not in f"{event.summary} {event.object_repr} {event.changes}"


def test_a_failed_sign_in_of_an_account_keeps_its_stored_name(client, cast):
    login(client, "officer_a", "salah")
    login(client, "OFFICER_A", "salah")
    events = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED)
    assert [e.summary for e in events] == ["officer_a", "officer_a"]
    assert all(e.changes == {"username_known": True} for e in events)
