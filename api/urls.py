"""``/api/``: the documentation; ``/api/v1/``: the API and its OpenAPI schema. Every answer
goes through the public page cache (rust_tracker/caching.py): cached until the public data
changes, with an ETag and Last-Modified, a 304 for a matching ``If-None-Match``."""

import functools

from django.urls import include, path
from django.views.decorators.http import require_safe

from api.views import api
from rust_tracker.caching import cache_public, cache_public_patterns


@require_safe
def docs(request):
    """The browsable documentation of every endpoint (Swagger UI, served from here)."""
    return api.docs.render_page(request, api)


def read_only(view):
    """GET and HEAD only (a write answers 405); a HEAD is answered as the GET (the API's routes
    declare GET alone, so the library refused HEAD). As for every Django view, the server
    leaves out the body; the page cache may keep the answer for the GETs that follow."""

    @functools.wraps(view)
    def answer(request, *args, **kwargs):
        if request.method != "HEAD":
            return view(request, *args, **kwargs)
        request.method = "GET"
        try:
            response = view(request, *args, **kwargs)
        finally:
            request.method = "HEAD"
        return response

    return require_safe(answer)


_patterns, _app, _namespace = api.urls  # not ``app_name``: this module is not namespaced
for _pattern in _patterns:  # read-only, the schema and docs too
    _pattern.callback = read_only(_pattern.callback)

urlpatterns = [
    path("", cache_public(docs), name="api_docs"),
    path("v1/", include((cache_public_patterns(_patterns), _app), namespace=_namespace)),
]
