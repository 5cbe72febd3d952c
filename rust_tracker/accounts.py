"""Accounts: the client address login failures are counted by, and short staff sessions.

Staff sessions are shorter than Django's default: a newsroom account logged in to the admin
stays logged in for ``STAFF_SESSION_AGE`` seconds (8 hours), counted from the login, then logs
in again. Visitors of the public site never log in and get no session at all."""

from datetime import timedelta

from django.apps import AppConfig
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.shortcuts import render
from django.utils import timezone


class AccountsConfig(AppConfig):
    name = "rust_tracker.accounts"
    label = "rust_tracker_accounts"
    verbose_name = "Accounts"

    def ready(self):
        user_logged_in.connect(shorten_staff_session, dispatch_uid="shorten_staff_session")


def shorten_staff_session(sender, request, user, **kwargs):
    """On a staff login: the session ends STAFF_SESSION_AGE seconds later, whatever is done
    in it (an absolute end, so activity does not extend it)."""
    session = getattr(request, "session", None)
    if session is not None and user.is_staff:
        session.set_expiry(timezone.now() + timedelta(seconds=settings.STAFF_SESSION_AGE))


def client_ip(request) -> str | None:
    """The address django-axes counts failed logins by: the peer's, or behind a TLS proxy
    (``DJANGO_BEHIND_TLS_PROXY``) the last X-Forwarded-For entry, the one the proxy added; any
    a client sent before it are not trusted."""
    if settings.BEHIND_TLS_PROXY:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")


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
