"""The watch's state: per source (when it is next re-checked, the validators of its last
answer), the silent revisions it found, the desk's alerts, who follows a case, the repeats of
contradicted claims, and the periodic jobs' last runs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse


class Outcome(models.TextChoices):
    NEW = "new", "Not checked yet"
    UNCHANGED = "unchanged", "Unchanged"
    NOT_MODIFIED = "not_modified", "Not modified (304)"
    CHANGED = "changed", "Changed: new capture"
    CITED_CHANGED = "cited_changed", "Changed a cited passage: new capture, alert"
    FAILED = "failed", "Failed (retried)"


class WatchedSource(models.Model):
    """A source with an address, as the watch knows it (the source's own row is not touched:
    a capture is the only thing the watch adds to it)."""

    source = models.OneToOneField(
        "sources.Source", on_delete=models.CASCADE, related_name="watch_state"
    )
    next_check_at = models.DateTimeField(help_text="When it is due for its next re-check.")
    queued_at = models.DateTimeField(
        null=True, blank=True, help_text="When a re-check was queued (none: not queued)."
    )
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_outcome = models.CharField(max_length=16, choices=Outcome, default=Outcome.NEW)
    last_error = models.CharField(max_length=500, blank=True)
    failures = models.PositiveIntegerField(default=0, help_text="Failed re-checks in a row.")
    checks = models.PositiveIntegerField(default=0)
    changes = models.PositiveIntegerField(default=0)
    # the validators of the last 200 answer, sent back as a conditional request
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    paused = models.BooleanField(default=False, help_text="Not re-checked while set.")

    class Meta:
        ordering = ["next_check_at"]
        indexes = [
            models.Index(
                fields=["next_check_at"],
                name="watch_due",
                condition=Q(queued_at__isnull=True, paused=False),
            )
        ]

    def __str__(self):
        return f"watch of {self.source}"


class SilentRevision(models.Model):
    """A change the watch found in a source's article text: a new capture was made."""

    source = models.ForeignKey("sources.Source", on_delete=models.CASCADE, related_name="+")
    found_at = models.DateTimeField()
    old_sha256 = models.CharField(max_length=64, blank=True)
    new_sha256 = models.CharField(max_length=64)
    touched_citations = models.PositiveIntegerField(
        default=0, help_text="Cited passages no longer found verbatim."
    )
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["-found_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "new_sha256"], name="revision_once"),
        ]

    def __str__(self):
        return f"{self.source}: revised {self.found_at:%Y-%m-%d %H:%M}"


class RepeatStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed by the machine"
    CONFIRMED = "confirmed", "Confirmed by an editor"
    DISMISSED = "dismissed", "Dismissed"


class Side(models.TextChoices):
    CLAIM = "claim", "The statement"
    COUNTER = "counter", "The counter-evidence"


class KnownRepeatQuerySet(models.QuerySet):
    def public(self):
        """The one rule for a repeat on a public page: confirmed by an editor, and said in
        what the public may read: a published claim, or a quotation in a public source (one a
        published claim cites). A draft's words never show through a repeat."""
        from claims.models import published_claim, published_sources

        return self.filter(status=RepeatStatus.CONFIRMED).filter(
            (Q(claim__isnull=False) & published_claim("claim__"))
            | Q(claim__isnull=True, source__in=published_sources())
        )


class KnownRepeat(models.Model):
    """A side of a published contradiction said again: by a claim on record, or by a
    quotation in a source's new capture. Shown to the public once an editor confirms it."""

    contradiction = models.ForeignKey(
        "claims.Contradiction", on_delete=models.CASCADE, related_name="repeats"
    )
    side = models.CharField(max_length=8, choices=Side, default=Side.CLAIM)
    claim = models.ForeignKey(
        "claims.Claim", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    source = models.ForeignKey(
        "sources.Source", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    words = models.TextField(help_text="The words said again.")
    speaker_name = models.CharField(max_length=200, blank=True)
    similarity = models.FloatField(default=0)
    status = models.CharField(max_length=10, choices=RepeatStatus, default=RepeatStatus.PROPOSED)
    found_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = KnownRepeatQuerySet.as_manager()

    class Meta:
        ordering = ["-found_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contradiction", "side", "claim"],
                condition=Q(claim__isnull=False),
                name="repeat_claim_once",
            ),
            models.UniqueConstraint(
                fields=["contradiction", "side", "source", "words"],
                condition=Q(claim__isnull=True),
                name="repeat_quote_once",
            ),
        ]
        permissions = [("confirm_repeat", "Can confirm a repeat for the public")]

    def __str__(self):
        return f"repeat of {self.contradiction}: “{self.words[:60]}”"


class AlertKind(models.TextChoices):
    CITED_CHANGE = "cited_change", "A cited passage changed"
    REPEAT = "repeat", "A contradicted claim said again"


class Alert(models.Model):
    """Something the desk must look at, raised by background work: shown on the admin's
    home until resolved, in the staff feed, and emailed to the cases' followers."""

    kind = models.CharField(max_length=16, choices=AlertKind)
    key = models.CharField(max_length=200, unique=True, help_text="Raised once per key.")
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    source = models.ForeignKey(
        "sources.Source", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    revision = models.ForeignKey(
        SilentRevision, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    repeat = models.ForeignKey(
        KnownRepeat, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    cases = models.ManyToManyField("claims.Case", blank=True, related_name="+")
    links = models.JSONField(default=list, blank=True, help_text="[label, admin URL] pairs.")
    emailed = models.PositiveIntegerField(default=0, editable=False)
    resolved_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["-created_at"], name="alert_open", condition=Q(resolved_at=None))
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("admin:watch_alert_change", args=[self.pk])


class CaseFollower(models.Model):
    """A newsroom user who is emailed the alerts of a case."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed_cases"
    )
    case = models.ForeignKey("claims.Case", on_delete=models.CASCADE, related_name="followers")
    since = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "case"], name="follow_once"),
        ]

    def __str__(self):
        return f"{self.user} follows {self.case}"


class PeriodicJob(models.Model):
    """A task enqueued every so often (``engine.PERIODIC``): due once per interval whatever
    the number of schedulers, and what its last runs did, for staff."""

    name = models.CharField(max_length=100, unique=True)
    next_due_at = models.DateTimeField()
    last_enqueued_at = models.DateTimeField(null=True, blank=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_result = models.CharField(max_length=500, blank=True)
    last_error = models.TextField(blank=True)
    last_failed_at = models.DateTimeField(null=True, blank=True)
    runs = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    cursor = models.BigIntegerField(
        default=0, help_text="Where the job's scan stopped (e.g. the last claim checked)."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name
