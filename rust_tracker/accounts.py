"""Accounts: the client address login failures are counted by, and short staff sessions.

The address is the peer's (REMOTE_ADDR). An X-Forwarded-For header is read only when the peer
is one of ``settings.TRUSTED_PROXIES`` (``DJANGO_TRUSTED_PROXIES``, none by default): then the
client is the right-most entry that is not itself a trusted proxy, the one the nearest proxy
we trust vouches for. Anything else a client sends is not believed, so a new header per try
neither buys guesses nor names someone else's address to lock out. A malformed value is never
stored (PostgreSQL's ``inet`` would refuse it: a 500): the peer's address counts instead.

A good login clears the failures of that user name from that address only (django-axes'
AXES_RESET_ON_SUCCESS, off, would also clear the address's failures at other accounts).

Staff sessions are shorter than Django's default: a newsroom account logged in to the admin
stays logged in for ``STAFF_SESSION_AGE`` seconds (8 hours), counted from the login, then logs
in again. Visitors of the public site never log in and get no session at all."""

import ipaddress
from datetime import timedelta
from functools import lru_cache

from django.apps import AppConfig
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import render
from django.utils import timezone


class AccountsConfig(AppConfig):
    name = "rust_tracker.accounts"
    label = "rust_tracker_accounts"
    verbose_name = "Accounts"

    def ready(self):
        trusted_proxies(settings.TRUSTED_PROXIES)  # a misspelt one stops the start
        user_logged_in.connect(shorten_staff_session, dispatch_uid="shorten_staff_session")
        user_logged_in.connect(clear_own_failures, dispatch_uid="clear_own_failures")


def shorten_staff_session(sender, request, user, **kwargs):
    """On a staff login: the session ends STAFF_SESSION_AGE seconds later, whatever is done
    in it (an absolute end, so activity does not extend it)."""
    session = getattr(request, "session", None)
    if session is not None and user.is_staff:
        session.set_expiry(timezone.now() + timedelta(seconds=settings.STAFF_SESSION_AGE))


def clear_own_failures(sender, request, user, **kwargs):
    """On a good login: forget that user name's failures from that address (typos), and no
    others: a guesser who logs in to an account of their own keeps their failures at the rest,
    and the address's count."""
    if request is None:
        return
    from axes.models import AccessAttempt

    AccessAttempt.objects.filter(
        username=user.get_username(), ip_address=client_ip(request)
    ).delete()


Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip()))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"DJANGO_TRUSTED_PROXIES: {entry!r} is not an IP address or network ({error})."
            ) from None
    return tuple(networks)


def trusted_proxies(entries) -> tuple[Network, ...]:
    """The networks of ``DJANGO_TRUSTED_PROXIES`` entries (addresses or CIDR networks, with
    no host bits set); ImproperlyConfigured names a misspelt one."""
    return _networks(tuple(entries or ()))


def parse_address(value: str | None) -> Address | None:
    """One address as a proxy or server writes it: ``192.0.2.1``, ``2001:db8::1``, and with a
    port ``192.0.2.1:80``, ``[2001:db8::1]`` or ``[2001:db8::1]:443``. An IPv4-mapped IPv6
    address is its IPv4 one. Anything else, a scoped IPv6 address (``fe80::1%eth0``, which
    PostgreSQL's inet does not take) included, is None."""
    value = (value or "").strip()
    version = None  # the one a port's form allows
    if value.startswith("["):
        host, bracket, port = value[1:].partition("]")
        if not bracket or (port and not (port.startswith(":") and _is_port(port[1:]))):
            return None
        version = 6
    elif value.count(":") == 1:  # IPv4 and a port (IPv6 has at least two colons)
        host, _, port = value.partition(":")
        if not _is_port(port):
            return None
        version = 4
    else:
        host = value
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if version is not None and address.version != version:
        return None
    if address.version == 6:
        if address.scope_id is not None:
            return None
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
    return address


def _is_port(digits: str) -> bool:
    return len(digits) <= 5 and digits.isascii() and digits.isdigit() and 0 < int(digits) < 65536


def client_ip(request) -> str | None:
    """The address django-axes counts failed logins by (AXES_CLIENT_IP_CALLABLE): the peer's;
    from a trusted proxy, the right-most X-Forwarded-For entry that is not a trusted proxy
    (all of them proxies: the left-most). A malformed entry met on the way, or no header,
    leaves the peer's address. None when even the peer's is not an address."""
    peer = parse_address(request.META.get("REMOTE_ADDR"))
    if peer is None:
        return None
    proxies = trusted_proxies(settings.TRUSTED_PROXIES)
    if not _is_trusted(peer, proxies):
        return str(peer)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not forwarded.strip():
        return str(peer)
    client = peer
    for entry in reversed(forwarded.split(",")):
        address = parse_address(entry)
        if address is None:
            return str(peer)
        client = address
        if not _is_trusted(address, proxies):
            break
    return str(client)


def _is_trusted(address: Address, proxies: tuple[Network, ...]) -> bool:
    return any(address in network for network in proxies)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a refused login: the admin's page, saying why and for how long."""
    from axes.helpers import get_client_username, get_cool_off, get_failure_limit
    from django.contrib import admin

    cool_off = get_cool_off(request)
    context = {
        **admin.site.each_context(request),
        "title": "Too many failed logins",
        "failure_limit": get_failure_limit(request, credentials),
        "username": get_client_username(request, credentials) or "",
        "cooloff_minutes": round(cool_off.total_seconds() / 60) if cool_off else None,
    }
    return render(request, "admin/locked_out.html", context, status=429)
