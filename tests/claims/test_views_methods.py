"""Public pages are read, never written: every public URL pattern (the URL conf enumerated, so
a new page cannot be forgotten) answers GET and HEAD, and 405 to anything else."""

import re

import pytest
from django.urls import reverse

from tests.claims.test_no_leaks import public_patterns

pytestmark = pytest.mark.django_db

KWARG = re.compile(r"<(?:\w+:)?(\w+)>")


def public_paths() -> list[str]:
    paths = []
    for name, route in public_patterns():
        kwargs = dict.fromkeys(KWARG.findall(route), "claims")
        paths.append(reverse(name, kwargs=kwargs or None))
    return paths


def test_every_public_url_is_walked():
    paths = public_paths()
    assert "/claims/" in paths and "/feeds/corrections/" in paths and "/sitemap.xml" in paths
    assert "/preview/claims/claims/" in paths and "/sitemap-claims.xml" in paths


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_every_public_url_refuses_writes_with_405(client, method):
    for path in public_paths():
        response = getattr(client, method)(path)
        assert response.status_code == 405, (method, path, response.status_code)
        assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD"}, path


def test_get_and_head_are_answered(client, demo):
    for path in ("/", "/claims/", "/feeds/contradictions/", "/sitemap.xml", "/compare/"):
        assert client.get(path).status_code == 200, path
        assert client.head(path).status_code == 200, path
