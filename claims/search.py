"""Full-text search, in one place: how a claim's words become a vector, how a reader's words
become a query, how matches are ranked, and what a ranked list covers.

One text search configuration for both sides: ``settings.SEARCH_CONFIG`` (env
``DJANGO_SEARCH_CONFIG``, default ``"english"``: stemming and stop words). The vector is a
stored generated column (``Claim.search_vector``, built by a migration), so changing the
setting does not change the column: it needs a migration that drops and adds the column with
the new configuration, and its GIN index (``claim_search_gin``). Until then words are stemmed
one way in the column and another in the query, and a search misses; the system check
``claims.W001`` says so at every start.

Ranking: ``ts_rank`` needs each row's vector, and the GIN index gives no order (it holds which
rows contain a word, not where or how often), so ranking every match, or counting them, costs a
read of every match: a third of the table for a common word. Relevance ranks at most
RELEVANCE_CANDIDATES: every match when there are no more, else the newest
RELEVANCE_CANDIDATES, and the list says which (:class:`Coverage`): "12 claims match, all in
best-match order", or "more than 1,000 match: best match ranks only the newest 1,000", with a
link to the same search newest first, which reaches all of them; a download says it in its
headers. BENCHMARKS.md ("Relevance over every match?") has the figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core import checks
from django.db.models import BigIntegerField, Case, Count, F, Q, Subquery, Value, When, Window
from django.db.models.lookups import GreaterThanOrEqual

# Matches ranked at most by one relevance search: all of them up to this, else the newest this
# many. A sort never reads more, give or take one (tests/claims/test_explain_plans.py).
RELEVANCE_CANDIDATES = 1000
# The annotations a relevance search puts on every row: how many matches it ranked, and the
# first match past them (its id, or None when it ranked every match).
POOLED = "relevance_pool"
BEYOND = "relevance_beyond"


def config() -> str:
    """The text search configuration, read when used (tests may override it)."""
    return getattr(settings, "SEARCH_CONFIG", "english")


# --- the vector -----------------------------------------------------------------------------


def claim_vector(config_name: str):
    """A claim's words as a vector: the statement weighted A, its summary, venue and context B.
    ``Claim.search_vector`` must be this expression with the configured name (checked below);
    a migration rebuilding the column after a change of configuration uses it too."""
    return SearchVector("text", weight="A", config=config_name) + SearchVector(
        "summary", "venue", "context", weight="B", config=config_name
    )


def configs_in(expression) -> set[str]:
    """The text search configurations an expression names (a vector's, a query's)."""
    found = set()
    own = getattr(expression, "config", None)
    if own is not None:
        value = getattr(own, "config", own)  # SearchConfig(Value("english"))
        found.add(str(getattr(value, "value", value)))
    for child in getattr(expression, "get_source_expressions", list)():
        if child is not None:
            found |= configs_in(child)
    return found


# --- queries --------------------------------------------------------------------------------


def words_query(text: str) -> SearchQuery:
    """What a reader types, as web search syntax: words (all of them), "a phrase", or, -word."""
    return SearchQuery(text, search_type="websearch", config=config())


def any_of_words(text: str, *, limit: int = 30) -> SearchQuery:
    """Any of a text's words (stemmed, stop words dropped by PostgreSQL), for suggestions ranked
    by how many match: a plain query would demand all of them."""
    words = list(dict.fromkeys(w.lower() for w in re.findall(r"[^\W\d_]{3,}", text)))[:limit]
    return SearchQuery(" or ".join(words) or "-", search_type="websearch", config=config())


def prefix_query(text: str) -> SearchQuery | None:
    """A search-as-you-type query: every word, the last one as a prefix (``trig`` finds
    “trigger”). ``None`` when there is no word to search for."""
    words = re.findall(r"\w+", text.lower())[:8]
    if not words:
        return None
    terms = [f"{w}:*" for w in words]
    return SearchQuery(" & ".join(terms), search_type="raw", config=config())


def rank(query: SearchQuery) -> SearchRank:
    return SearchRank(F("search_vector"), query)


def matching(queryset, text: str, *, also=None):
    """The rows of ``queryset`` whose vector matches ``text`` (web search syntax), or that meet
    ``also`` (a Q: a claim whose speaker is named ``text``)."""
    found = Q(search_vector=words_query(text))
    return queryset.filter(found | also if also is not None else found)


def by_relevance(queryset, text: str, *, order, bound: int | None = None, also=None):
    """``queryset``'s matches of ``text``, best first, ties in ``order`` (an indexed order).

    The candidates are the first ``bound`` matches in ``order`` (a subquery that walks the
    order's index and stops there, or reads the few matches of a rarer word), so the cost does
    not grow with the number of matches: every match when there are no more. Each row carries
    how many candidates there were (POOLED, ``count(*) OVER ()``) and, only when there were
    ``bound``, the first match past them (BEYOND, the same walk one step further; NULL when
    there is none): what a page or a download says of its order, without a query of its own.
    """
    from claims.models import in_ids  # claims.models imports this module

    bound = bound or RELEVANCE_CANDIDATES
    matches = matching(queryset, text, also=also).order_by(*order).values("pk")
    full = GreaterThanOrEqual(Window(Count("*")), bound)
    return (
        queryset.filter(in_ids("pk", matches[:bound]))
        .annotate(
            rank=rank(words_query(text)),
            **{
                POOLED: Window(Count("*")),
                BEYOND: Case(
                    When(full, then=Subquery(matches[bound : bound + 1])),
                    default=Value(None),
                    output_field=BigIntegerField(),
                ),
            },
        )
        .order_by("-rank", *order)
    )


# --- what a ranked list covers --------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    """What a relevance search ranked: every match (``complete``; ``matches`` of them), or the
    first ``bound`` of more than ``bound`` matches."""

    matches: int | None
    bound: int

    @property
    def complete(self) -> bool:
        return self.matches is not None


def coverage(rows, *, bound: int | None = None) -> Coverage | None:
    """What a relevance page covers, read from its rows (``by_relevance`` puts POOLED and
    BEYOND on each): no query of its own. None when no row says (not a relevance search, or a
    page past the end)."""
    pooled = getattr(rows[0], POOLED, None) if rows else None
    if pooled is None:
        return None
    more = getattr(rows[0], BEYOND) is not None
    return Coverage(matches=None if more else pooled, bound=bound or RELEVANCE_CANDIDATES)


# --- the check ------------------------------------------------------------------------------


@checks.register(checks.Tags.models)
def check_search_config(app_configs=None, **kwargs):
    """The vector column and the queries use one configuration (``SEARCH_CONFIG``)."""
    from claims.models import Claim

    column = configs_in(Claim._meta.get_field("search_vector").expression)
    wanted = config()
    if column == {wanted}:
        return []
    built = ", ".join(sorted(column)) or "none"
    return [
        checks.Warning(
            f"SEARCH_CONFIG is {wanted!r} but the search column Claim.search_vector is built "
            f"with {built}: words are stemmed one way in the column and another in the query, "
            "so searches miss.",
            hint="Set DJANGO_SEARCH_CONFIG back, or add a migration that rebuilds the column "
            "(remove and add the GeneratedField with claims.search.claim_vector(<name>) and "
            "its GIN index) and change the field in claims/models.py to match.",
            obj=Claim,
            id="claims.W001",
        )
    ]
