"""Accounts: the client address login failures are counted by, and short staff sessions.

Staff sessions are shorter than Django's default: a newsroom account logged in to the admin
stays logged in for ``STAFF_SESSION_AGE`` seconds (8 hours), counted from the login, then logs
in again. Visitors of the public site never log in and get no session at all."""

from datetime import timedelta

from django.conf import settings
from django.contrib import admin
from django.shortcuts import render
from django.utils import timezone

MARK = "_staff_session"


class StaffSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if (
            session is not None
            and session.session_key  # read without touching a visitor's (absent) session
            and user is not None
            and not session.get(MARK)
            and user.is_authenticated
            and user.is_staff
        ):
            ends = timezone.now() + timedelta(seconds=settings.STAFF_SESSION_AGE)
            session.set_expiry(ends)  # an absolute end: activity does not extend it
            session[MARK] = True
        return response


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

    cool_off = get_cool_off(request)
    context = {
        **admin.site.each_context(request),
        "title": "Too many failed logins",
        "failure_limit": get_failure_limit(request, credentials),
        "username": get_client_username(request, credentials) or "",
        "cooloff_minutes": round(cool_off.total_seconds() / 60) if cool_off else None,
    }
    return render(request, "admin/locked_out.html", context, status=429)
