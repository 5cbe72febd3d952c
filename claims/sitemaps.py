"""/sitemap.xml: every public page, published items only, on the site's own address."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from claims.models import Case, Claim, Contradiction, Speaker, Topic, published_sources


class SiteSitemap(Sitemap):
    """Absolute URLs from settings.SITE_URL, so they match the pages' canonical links."""

    limit = 5000

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or "https"


class StaticSitemap(SiteSitemap):
    changefreq = "daily"

    def items(self):
        return [
            "claims:home",
            "claims:contradiction_list",
            "claims:claim_list",
            "claims:correction_list",
            "claims:topic_list",
            "claims:case_list",
        ]

    def location(self, item):
        return reverse(item)


class CaseSitemap(SiteSitemap):
    priority = 0.8

    def items(self):
        return Case.objects.published().order_by("slug").only("slug", "updated_at")

    def lastmod(self, item):
        return item.updated_at


class ContradictionSitemap(SiteSitemap):
    priority = 0.9

    def items(self):
        return Contradiction.objects.published().order_by("slug").only("slug", "updated_at")

    def lastmod(self, item):
        return item.updated_at


class ClaimSitemap(SiteSitemap):
    def items(self):
        return Claim.objects.published().order_by("slug").only("slug", "updated_at")

    def lastmod(self, item):
        return item.updated_at


class SpeakerSitemap(SiteSitemap):
    def items(self):
        return Speaker.objects.published().order_by("slug").only("slug")


class TopicSitemap(SiteSitemap):
    def items(self):
        return Topic.objects.published().order_by("slug").only("slug")


class SourceSitemap(SiteSitemap):
    priority = 0.3

    def items(self):
        return published_sources().order_by("slug").only("slug", "updated_at")

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {
    "pages": StaticSitemap,
    "cases": CaseSitemap,
    "contradictions": ContradictionSitemap,
    "claims": ClaimSitemap,
    "speakers": SpeakerSitemap,
    "topics": TopicSitemap,
    "sources": SourceSitemap,
}
