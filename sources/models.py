import hashlib

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
