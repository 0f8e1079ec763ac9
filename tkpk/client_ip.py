"""The address a request came from, decided once for the audit trail and for login throttling.

X-Forwarded-For is a list that every proxy extends with the address it saw the request come
from; everything left of what our own proxies wrote is whatever the client chose to send. So the
client's address is the TRUSTED_PROXY_COUNT-th entry from the right, and with no trusted proxy
(the default) the header is ignored and REMOTE_ADDR is the address. A value that is not an IP
address is never returned: it would end as a 500 on the GenericIPAddressField of the audit event.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's IP address in normal form, or None when the request carries none. Never
    raises. Also django-axes' AXES_CLIENT_IP_CALLABLE, so lockouts key on the same address."""
    if request is None:
        return None
    meta = getattr(request, "META", None) or {}
    count = _trusted_proxy_count()
    if count > 0:
        hops = str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",")
        if len(hops) >= count:
            address = _ip(hops[-count])
            if address is not None:
                return address
    return _ip(meta.get("REMOTE_ADDR"))


def _trusted_proxy_count() -> int:
    try:
        return max(0, int(settings.TRUSTED_PROXY_COUNT))
    except (TypeError, ValueError):
        return 0


def _ip(value) -> str | None:
    """The address in normal form (2001:db8::1, not 2001:DB8:0::1), or None if it is not one.

    Scoped IPv6 addresses (fe80::1%eth0) are refused: PostgreSQL's inet type cannot store them.
    """
    if not isinstance(value, str):
        return None
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if getattr(address, "scope_id", None):
        return None
    return str(address)
