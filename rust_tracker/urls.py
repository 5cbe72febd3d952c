from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.decorators.http import require_safe

from claims.sitemaps import SITEMAPS
from rust_tracker.caching import cache_public

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "sitemap.xml",
        cache_public(require_safe(sitemap_views.index)),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cache_public(require_safe(sitemap_views.sitemap)),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("api/", include("api.urls")),  # the public API and its docs
    path("", include("claims.urls")),
]

handler500 = "rust_tracker.errors.server_error"
