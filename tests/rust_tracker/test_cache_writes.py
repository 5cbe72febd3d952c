"""The public page cache earns its writes: a page is kept at its second request within the
cache's lifetime, not its first, so a long tail of pages each asked once (a different search
every request) writes a small mark per page, never a page that is not read again; how the cache
does (hits, misses, pages kept) is shown to staff on the desk."""

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from rust_tracker import caching
from tests.factories import make_claim, make_source
from tests.rust_tracker.test_caching import redis_cache  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

TEXT = "She said: “The bridge is sound.” The engineer said: “The bridge is failing.”"


@pytest.fixture(autouse=True)
def counts_of_this_test_only():
    """The counts this process has not yet added to the cache are not this test's."""
    caching._counts.flush()
    cache.clear()


@pytest.fixture
def claims():
    source = make_source(text=TEXT)
    make_claim(slug="bridge-sound", text="The bridge is sound.", cite=source)
    make_claim(slug="bridge-failing", text="The bridge is failing.", cite=source)


def searches(n: int) -> list[str]:
    return [f"/claims/?q=bridge+{i}" for i in range(n)]


def counted(client, urls) -> dict:
    """The X-Cache of each answer, counted."""
    found: dict[str, int] = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200
        found[response["X-Cache"]] = found.get(response["X-Cache"], 0) + 1
    return found


def test_a_long_tail_of_pages_asked_once_keeps_none_of_them(client, claims):
    before = caching.stats()
    assert counted(client, searches(12)) == {"miss": 12}
    after = caching.stats()
    assert after["miss"] - before["miss"] == 12
    assert after["stored"] == before["stored"], "no page asked once was written"
    assert counted(client, searches(12)) == {"miss": 12}  # asked again: kept now
    assert caching.stats()["stored"] - before["stored"] == 12
    assert counted(client, searches(12)) == {"hit": 12}
    final = caching.stats()
    assert final["hit"] - before["hit"] == 12


def test_the_long_tail_in_redis_is_marks_of_a_few_bytes(client, claims, redis_cache):  # noqa: F811
    counted(client, searches(10))
    keys = redis_cache.keys("*")
    assert not [k for k in keys if b"public-page:" in k]
    marks = [k for k in keys if b"public-seen:" in k]
    assert len(marks) == 10
    assert all(redis_cache.memory_usage(k) < 200 for k in marks)
    counted(client, searches(3))
    assert len([k for k in redis_cache.keys("*") if b"public-page:" in k]) == 3


def test_the_first_request_keeps_the_page_when_so_configured(client, claims, settings):
    settings.PUBLIC_CACHE_STORE_AFTER = 1
    assert counted(client, ["/claims/?q=bridge"] * 3) == {"miss": 1, "hit": 2}


def test_a_page_after_a_change_is_asked_twice_again_before_it_is_kept(client, claims):
    url = "/claims/bridge-sound/"
    assert counted(client, [url] * 3) == {"miss": 2, "hit": 1}
    caching.bump_public_version()  # the mark was under the old version too
    assert counted(client, [url] * 3) == {"miss": 2, "hit": 1}


def test_a_cache_that_keeps_nothing_marks_nothing(client, claims, settings, redis_cache):  # noqa: F811
    settings.PUBLIC_CACHE_SECONDS = 0
    assert counted(client, ["/claims/?q=bridge"] * 3) == {"miss": 3}
    keys = redis_cache.keys("*")
    assert not [k for k in keys if b"public-page:" in k or b"public-seen:" in k]


def test_staff_see_the_hit_ratio_and_the_writes_on_the_desk(client, claims):
    counted(client, ["/claims/?q=bridge"] * 4)  # 2 rendered (the second kept), 2 from the cache
    stats = caching.stats()
    assert stats["hit"] == 2 and stats["miss"] == 2 and stats["stored"] == 1
    assert stats["hit_ratio"] == 0.5
    editor = User.objects.create_superuser("chief", password="pw")
    staff = Client()
    staff.force_login(editor)
    page = staff.get("/admin/").content.decode()
    assert "Public page cache, last 60 minutes" in page
    assert "4 anonymous answers, 50 % from the cache (2 hits, 2 rendered); 1 page kept" in page
    assert "a page is kept once it is asked 2 times" in page
