import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from rust_tracker.versioning import Versioned


class Outlet(Versioned):
    slug = models.SlugField(max_length=120, help_text="Permanent id, used in URLs and exports.")
    name = models.CharField(max_length=200)
    homepage = models.URLField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["slug"], name="outlet_slug_unique")]

    def __str__(self):
        return self.name


class SourceKind(models.TextChoices):
    ARTICLE = "article", "News article"
    BROADCAST = "broadcast", "Broadcast interview"
    PODCAST = "podcast", "Podcast"
    SOCIAL = "social", "Social media post"
    REPORT = "report", "Official report"
    COURT = "court", "Court record"
    PRESS = "press", "Press statement"
    VIDEO = "video", "Video"
    TRANSCRIPT = "transcript", "Transcript"
    LETTER = "letter", "Letter or email"


class Source(Versioned):
    slug = models.SlugField(max_length=120, help_text="Permanent id, used in URLs and exports.")
    outlet = models.ForeignKey(
        Outlet, on_delete=models.PROTECT, related_name="sources", null=True, blank=True
    )
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=SourceKind, default=SourceKind.ARTICLE)
    url = models.URLField(max_length=1000, blank=True, help_text="Where it was published.")
    archive_url = models.URLField(
        max_length=1000, blank=True, help_text="An archived copy (Wayback Machine, archive.today)."
    )
    published_on = models.DateField(null=True, blank=True)
    author = models.CharField(max_length=200, blank=True)
    text = models.TextField(
        blank=True,
        help_text="The archived text of the source. Quotes are located and verified in it; "
        "replacing it re-checks every citation.",
    )
    sha256 = models.CharField(max_length=64, blank=True, editable=False)
    captured_at = models.DateTimeField(
        null=True, blank=True, help_text="When the archived text was captured."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "title"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="source_slug_unique"),
            models.CheckConstraint(
                condition=Q(sha256="") | Q(sha256__regex=r"^[0-9a-f]{64}$"),
                name="source_sha256_hex",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("claims:source_detail", kwargs={"slug": self.slug})

    @staticmethod
    def digest(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest() if text else ""


class CaptureHow(models.TextChoices):
    PASTED = "pasted", "Pasted"
    UPLOADED = "uploaded", "Uploaded"
    FETCHED = "fetched", "Fetched"
    WATCH = "watch", "Re-fetched by the watch"
    IMPORTED = "imported", "Imported"
    EARLIER = "earlier", "Archived before captures were kept"


class CaptureQuerySet(models.QuerySet):
    def in_use(self):
        """Captures that count: a superseded one (a bad paste) is kept, never verified in."""
        return self.filter(superseded_at__isnull=True)

    def listed(self):
        """Without their texts and original bytes: for lists and badges."""
        return self.defer("text", "warc")


class Capture(models.Model):
    """One archived text of a source, never changed (a database trigger refuses any update but
    the one that supersedes it, written once): its sha256, when and how it was taken, by whom,
    and for a fetched or uploaded one the original bytes and response headers as a WARC record.

    The source's own ``text``, ``sha256`` and ``captured_at`` are its current capture's, copied
    (the readers of a source's text read one row). A capture is added only through
    ``claims.verification.replace_source_text``."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="captures")
    text = models.TextField()
    sha256 = models.CharField(max_length=64)
    taken_at = models.DateTimeField(help_text="When the text was captured.")
    how = models.CharField(max_length=10, choices=CaptureHow)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who took it (none: the operator, the import or the watch).",
    )
    url = models.URLField(max_length=1000, blank=True, help_text="The address it was read from.")
    warc = models.BinaryField(
        null=True,
        blank=True,
        editable=False,
        help_text="The original bytes and response headers, as a gzipped WARC record.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    superseded_at = models.DateTimeField(null=True, blank=True, editable=False)
    superseded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    superseded_reason = models.CharField(max_length=500, blank=True, editable=False)

    objects = CaptureQuerySet.as_manager()

    class Meta:
        ordering = ["source", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="capture_sha256_hex"
            ),
            models.CheckConstraint(
                condition=Q(superseded_at__isnull=True) | ~Q(superseded_reason=""),
                name="capture_superseded_with_reason",
            ),
        ]
        indexes = [models.Index(fields=["source", "-taken_at"], name="capture_source_taken")]

    def __str__(self):
        return f"{self.source} — {self.get_how_display().lower()} {self.taken_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A capture is never changed: supersede it instead.")
        super().save(*args, **kwargs)

    @property
    def superseded(self) -> bool:
        return self.superseded_at is not None
