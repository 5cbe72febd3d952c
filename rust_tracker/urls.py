from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Rust Tracker newsroom"
admin.site.site_title = "Rust Tracker"
admin.site.index_title = "Curation"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("claims.urls")),
]
