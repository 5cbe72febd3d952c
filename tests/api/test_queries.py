"""Every API answer in a fixed number of SQL queries, whatever the data size and page size
(guards against N+1: a list's items carry their related data in the same query)."""

import pytest

from tests.api.conftest import World
from tests.factories import make_claim, make_contradiction

pytestmark = pytest.mark.django_db

# path -> queries (the public data version is read from the cache, not the database)
EXPECTED = {
    "/api/v1/claims/": 1,
    "/api/v1/claims/?q=bridge": 1,
    "/api/v1/claims/?speaker=public-speaker&topic=public-topic&case=public-case": 4,
    "/api/v1/claims/bridge-inspected/": 1,
    "/api/v1/claims/gone-claim/": 1,
    "/api/v1/contradictions/": 1,
    "/api/v1/contradictions/?speaker=public-speaker": 2,
    "/api/v1/contradictions/bridge-pair/": 2,
    "/api/v1/contradictions/gone-pair/": 1,
    "/api/v1/speakers/": 1,
    "/api/v1/speakers/public-speaker/": 1,
    "/api/v1/topics/": 1,
    "/api/v1/topics/public-topic/": 1,
    "/api/v1/cases/": 1,
    "/api/v1/cases/public-case/": 1,
    "/api/v1/sources/": 1,
    "/api/v1/sources/public-source/": 1,
    "/api/v1/corrections/": 1,
    "/api/v1/corrections/public-fix/": 1,
}


def grow(world: World, n: int) -> None:
    for _ in range(n):
        claim = make_claim(speaker=world.speaker, text="More bridge words.", cite=world.source)
        claim.topics.add(world.topic)
        claim.cases.add(world.case)
        make_contradiction(claim=claim, counter=world.counter).cases.add(world.case)


@pytest.mark.parametrize("extra", [0, 8])
@pytest.mark.parametrize("limit", [2, 50])
def test_every_endpoint_runs_a_fixed_number_of_queries(
    client, world, django_assert_num_queries, extra, limit
):
    grow(world, extra)
    for path, expected in EXPECTED.items():
        route, _, query = path.partition("?")
        is_list = route.count("/") == 4  # /api/v1/<kind>/
        url = f"{route}?{'&'.join(filter(None, [query, f'limit={limit}']))}" if is_list else path
        with django_assert_num_queries(expected, info=url):
            response = client.get(url)
        assert response.status_code == 200, (url, response.content[:200])
