"""Full-text search is built in one module (claims/search.py) with one configured language:
the lists, the picker, the admin and the curation ask it, the search column is what it
describes, and a system check says when the setting and the column part ways."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import override_settings

from claims import search
from claims.models import Claim, Status
from tests.factories import make_claim

ROOT = Path(__file__).resolve().parents[2]


def test_every_query_uses_the_configured_language():
    assert search.config() == "english"
    builders = {
        "words": lambda: search.words_query("pulled triggers"),
        "prefix": lambda: search.prefix_query("pulled trig"),
        "any of": lambda: search.any_of_words("pulled the trigger twice"),
    }
    for name, build in builders.items():
        assert search.configs_in(build()) == {"english"}, name
    with override_settings(SEARCH_CONFIG="simple"):
        for name, build in builders.items():
            assert search.configs_in(build()) == {"simple"}, name


def test_the_search_column_is_the_vector_the_module_describes():
    column = Claim._meta.get_field("search_vector").expression
    assert column == search.claim_vector(search.config())
    assert search.configs_in(column) == {"english"}


def test_the_check_warns_when_the_setting_and_the_column_differ():
    assert search.check_search_config() == []
    with override_settings(SEARCH_CONFIG="simple"):
        (warning,) = search.check_search_config()
    assert warning.id == "claims.W001" and warning.obj is Claim
    assert "'simple'" in warning.msg and "english" in warning.msg
    assert "migration" in warning.hint


@pytest.mark.django_db
def test_the_setting_reaches_the_query(client):
    """The query is stemmed in the configured language: with "simple" (no stemming) against the
    english column, "pulled" no longer finds "pulling" (what the check warns about)."""
    claim = make_claim(text="He was pulling the trigger.")
    assert [c.slug for c in Claim.objects.published().search("pulled")] == [claim.slug]
    with override_settings(SEARCH_CONFIG="simple"):
        assert list(Claim.objects.published().search("pulled")) == []


@pytest.mark.django_db
def test_the_admin_searches_through_the_module(client):
    claim = make_claim(text="He was pulling the trigger.", status=Status.DRAFT)
    make_claim(text="Something else.")
    client.force_login(User.objects.create_superuser("chief", password="pw"))
    page = client.get("/admin/claims/claim/", {"q": "pulled triggers"}).content.decode()
    assert f"/admin/claims/claim/{claim.pk}/change/" in page
    with override_settings(SEARCH_CONFIG="simple"):
        page = client.get("/admin/claims/claim/", {"q": "pulled triggers"}).content.decode()
    assert f"/admin/claims/claim/{claim.pk}/change/" not in page


@pytest.mark.django_db
def test_relevance_ranks_every_match_up_to_the_bound_then_the_newest():
    for day in range(1, 4):
        make_claim(text="Anvil " * day + "on record.", said_on=dt.date(2020, 1, day))
    ranked = list(Claim.objects.published().by_relevance("anvil", candidates=3))
    assert [c.said_on.day for c in ranked] == [3, 2, 1]  # every match, the densest first
    coverage = search.coverage(ranked, bound=3)
    assert coverage.complete and coverage.matches == 3
    make_claim(text="Anvil " * 9, said_on=dt.date(2019, 1, 1))  # the best, and the oldest
    ranked = list(Claim.objects.published().by_relevance("anvil", candidates=3))
    assert [c.said_on.day for c in ranked] == [3, 2, 1]  # the newest three: the best is out
    coverage = search.coverage(ranked, bound=3)
    assert not coverage.complete and coverage.bound == 3
    assert search.coverage([], bound=3) is None
    assert search.coverage(list(Claim.objects.published()), bound=3) is None  # no ranking


# Source files that may build a full-text query or vector themselves (lines): this module, the
# model's generated column (migrations build it; the check above pins it to claim_vector) and
# the setting's default.
BUILDERS = re.compile(
    r"SearchQuery\(|SearchVector\(|SearchRank\(|to_tsquery|to_tsvector|[\"']english[\"']"
)
ALLOWED = {
    "claims/search.py": None,  # anything
    "claims/models.py": 1,  # the column's language: search_vector = claim_vector("english")
    "rust_tracker/settings.py": 1,  # SEARCH_CONFIG's default
}


def test_no_other_module_builds_a_search():
    found = {}
    for package in ("claims", "sources", "rust_tracker"):
        for path in (ROOT / package).rglob("*.py"):
            name = str(path.relative_to(ROOT))
            if "/migrations/" in name:
                continue
            lines = [line for line in path.read_text().splitlines() if BUILDERS.search(line)]
            if lines:
                found[name] = len(lines)
    assert "claims/search.py" in found
    for name, allowed in ALLOWED.items():
        if allowed is None:
            found.pop(name, None)
        elif found.get(name) == allowed:
            found.pop(name)
    assert found == {}, "build full-text queries in claims/search.py"


# --- issue 19, point 7: speakers' names and aliases, pairs' explanations -------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["", "newest"])
def test_a_surname_or_an_alias_finds_the_speakers_statements(client, sort):
    from tests.factories import make_speaker

    speaker = make_speaker(name="Harriet Quennell", aliases=["Hattie"])
    said = make_claim(speaker=speaker, text="The reservoir holds a full year of water.")
    other = make_claim(text="Nothing to do with anyone named here.")
    for query in ("Quennell", "quennell", "Hattie"):
        page = client.get("/claims/", {"q": query, "sort": sort}).content.decode()
        assert said.get_absolute_url() in page, query
        assert other.get_absolute_url() not in page, query
    assert list(Claim.objects.search("Quennell")) == [said]


@pytest.mark.django_db
def test_contradiction_search_reads_the_explanation(client):
    from tests.factories import make_contradiction

    pair = make_contradiction(explanation="The dredging permit was never filed.")
    page = client.get("/contradictions/", {"q": "dredging"}).content.decode()
    assert pair.get_absolute_url() in page
