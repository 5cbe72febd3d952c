"""The desk told: an alert raised once per key, shown on the admin's home until resolved, in
the staff feed, and emailed to the followers of the cases it concerns."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q

from claims.models import Case
from watch.models import Alert, CaseFollower


def cases_of_source(source) -> list[Case]:
    """The cases a source matters to: those with a claim citing it, or listing it."""
    return list(
        Case.objects.filter(Q(claims__citations__source=source) | Q(sources=source))
        .distinct()
        .order_by("title")
    )


def raise_alert(*, kind: str, key: str, title: str, body: str, cases, **links) -> Alert | None:
    """The alert for ``key``, made once (a task run twice raises it once): None when it was
    already raised. Its cases' followers are emailed once the transaction commits."""
    alert, created = Alert.objects.get_or_create(
        key=key[:200], defaults={"kind": kind, "title": title[:300], "body": body, **links}
    )
    if not created:
        return None
    alert.cases.set(cases)
    transaction.on_commit(lambda: email_followers(alert.pk))
    return alert


def email_followers(alert_id: int) -> int:
    """One email to each follower of the alert's cases who has an address (Django's email
    backend); the count is kept on the alert."""
    alert = Alert.objects.get(pk=alert_id)
    followers = (
        CaseFollower.objects.filter(case__in=alert.cases.all(), user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
    )
    recipients = sorted({f.user.email for f in followers})
    if not recipients:
        return 0
    link = f"{settings.SITE_URL}{alert.get_absolute_url()}"
    text = f"{alert.body}\n\nOn the desk: {link}\n"
    subject = f"[{settings.SITE_NAME}] {alert.title}"
    messages = [(subject, text, settings.DEFAULT_FROM_EMAIL, [to]) for to in recipients]
    sent = send_mass_mail(messages, fail_silently=False)
    Alert.objects.filter(pk=alert.pk).update(emailed=sent)
    return sent
