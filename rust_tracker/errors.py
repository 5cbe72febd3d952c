"""The server-error page. When the database cannot be reached (a restart, a failover) the
answer is 503 with ``Retry-After``: readers, crawlers and caches learn that the outage is
brief and the page is still there. Anything else is a 500. Neither touches the database."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.utils.cache import add_never_cache_headers

RETRY_AFTER_SECONDS = 5


def server_error(request):
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    else:
        response = HttpResponseServerError(loader.get_template("500.html").render())
    add_never_cache_headers(response)
    return response
