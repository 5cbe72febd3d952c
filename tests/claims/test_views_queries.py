"""Every public page in a fixed number of SQL queries, at two data sizes."""

import datetime as dt
from dataclasses import dataclass

import pytest

from claims.models import Citation, ClaimKind, Correction, Status
from claims.verification import replace_source_text, verify_citation
from tests.factories import (
    make_case,
    make_claim,
    make_contradiction,
    make_outlet,
    make_source,
    make_speaker,
    make_topic,
)
from watch.models import KnownRepeat, RepeatStatus

pytestmark = pytest.mark.django_db

SIZES = [1, 6]


@dataclass
class World:
    speaker: object
    topic: object
    outlet: object
    source: object
    claim: object
    counter: object
    contradiction: object
    case: object


def build(n: int) -> World:
    """``n`` of everything around one speaker, topic, source and contradiction, with drafts."""
    speaker, topic, outlet = make_speaker(), make_topic(), make_outlet()
    case, draft_case = make_case(), make_case(status=Status.DRAFT)
    make_case()  # another published case, on the home page
    source = make_source(outlet=outlet, text=" ".join(f"“Words {i} on record.”" for i in range(n)))
    claims = []
    for i in range(n):
        claim = make_claim(
            speaker=speaker, text=f"Words {i} on record.", said_on=dt.date(2022, 1, 1 + i)
        )
        verify_citation(
            citation=Citation.objects.create(claim=claim, source=source, quote=claim.text)
        )
        other = make_source(outlet=make_outlet(), text=f"They said: “Words {i} on record.”")
        verify_citation(
            citation=Citation.objects.create(
                claim=claim, source=other, quote=f"Words {i} on record!"
            )
        )
        claim.topics.add(topic, make_topic())
        claim.cases.add(case, draft_case)
        claims.append(claim)
        event = make_claim(kind=ClaimKind.RECORD, said_on=dt.date(2021, 6, 1 + i))
        event.topics.add(topic)
        event.cases.add(case)
        draft = make_claim(speaker=speaker, status=Status.DRAFT)
        draft.topics.add(topic)
        draft.cases.add(case)
    counters = []
    for i, claim in enumerate(claims):
        counter = make_claim(kind=ClaimKind.FINDING, text=f"Finding {i}.")
        counter.topics.add(topic)
        counter.cases.add(case)
        counters.append(counter)
        item = make_contradiction(claim=claim, counter=counter)
        item.cases.add(case, draft_case)
        make_contradiction(claim=claim, counter=make_claim(), status=Status.DRAFT).cases.add(case)
        Correction.objects.create(
            slug=f"fix-{item.slug}", contradiction=item, published_on=dt.date(2024, 1, 1), text="x"
        )
        Correction.objects.create(
            slug=f"fix-{claim.slug}", claim=claim, published_on=dt.date(2024, 1, 2), text="y"
        )
        if i:  # the claim is also the counter of an earlier pair
            make_contradiction(claim=claims[i - 1], counter=claim)
        # said again: by a published claim, confirmed; a proposed one is not read
        again = make_claim(speaker=speaker, text=f"Words {i} on record, again.")
        for status in (RepeatStatus.CONFIRMED, RepeatStatus.PROPOSED):
            KnownRepeat.objects.create(
                contradiction=item,
                claim=again if status == "confirmed" else None,
                source=None if status == "confirmed" else source,
                words=again.text,
                speaker_name=speaker.name,
                status=status,
            )
    # a second capture of the source no longer prints the first claim's words: changed since
    replace_source_text(source=source, text=source.text.replace("Words 0 on", "Words 0 off"))
    return World(speaker, topic, outlet, source, claims[0], counters[0], item, case)


def page_queries(w: World) -> dict[str, tuple[str, dict, dict, int]]:
    """name: (path, GET params, headers, queries)."""
    htmx = {"HTTP_HX_REQUEST": "true"}
    filters = {
        "q": "words",
        "speaker": w.speaker.slug,
        "topic": w.topic.slug,
        "kind": "quote",
        "outlet": w.outlet.slug,
        "said_after": "2020-01-01",
        "said_before": "2030-01-01",
        "has_contradictions": "yes",
        "verification": "verbatim",
        "case": w.case.slug,
    }
    return {
        # cases with their counts, contradictions, topics to browse
        "home": ("/", {}, {}, 3),
        # case choices (speaker, topic and outlet are typed, with suggestions); claims; topics
        "claim list": ("/claims/", {}, {}, 3),
        # + one lookup per named filter (speaker, topic, case, outlet)
        "claim list, every filter": ("/claims/", filters, {}, 7),
        # no form in the fragment: the lookups, claims, topics
        "claim list, htmx": ("/claims/", filters, htmx, 6),
        # claim, citations, topics, contradictions as claim and as counter, corrections
        "claim": (w.claim.get_absolute_url(), {}, {}, 6),
        # case choices; contradictions
        "contradiction list": ("/contradictions/", {}, {}, 2),
        "contradiction list, filtered": (
            "/contradictions/",
            {
                "speaker": w.speaker.slug,
                "topic": w.topic.slug,
                "q": "words",
                "relation": "contradicts",
                "case": w.case.slug,
            },
            {},
            5,  # + the speaker, topic and case lookups
        ),
        # pair, each side's citations, corrections, timeline events, confirmed repeats
        "contradiction": (w.contradiction.get_absolute_url(), {}, {}, 6),
        # both sides, their citations, the curated pair, timeline events
        "compare": ("/compare/", {"a": w.claim.slug, "b": w.counter.slug}, {}, 4),
        "compare, empty": ("/compare/", {}, {}, 0),
        "compare, picker search": ("/compare/", {"aq": "words", "bq": "finding"}, {}, 2),
        "compare, htmx picker": (
            "/compare/",
            {"aq": "words"},
            {**htmx, "HTTP_HX_TARGET": "picker-a-results"},
            1,
        ),
        # speaker, claims, their topics, contradictions
        "speaker": (w.speaker.get_absolute_url(), {}, {}, 4),
        # topic, claims, contradictions
        "topic": (w.topic.get_absolute_url(), {}, {}, 3),
        # source, its published citations, its captures
        "source": (w.source.get_absolute_url(), {}, {}, 3),
        # source, its captures (no texts), the two compared's texts
        "source changes": (f"{w.source.get_absolute_url()}changes/", {}, {}, 3),
        # case, its claims, its contradictions, its speakers
        "case": (w.case.get_absolute_url(), {}, {}, 4),
        # case, its contradictions
        "case feed": (f"{w.case.get_absolute_url()}feed/", {}, {}, 2),
        # case; the list's ids (capped); one query per chunk of 500 rows
        "case export": (w.case.get_absolute_url(), {"format": "json"}, {}, 3),
        "corrections": ("/corrections/", {}, {}, 1),
        # the published topics (named as typed)
        "topic list": ("/topics/", {"q": "o"}, {}, 1),
        # the published cases, their counts and newest activity (searched)
        "case list": ("/cases/", {"q": "case"}, {}, 1),
        # the pair with its sides, each side's citations
        "embed contradiction": (f"/embed/contradictions/{w.contradiction.slug}/", {}, {}, 3),
        # the claim, its citations
        "embed claim": (f"/embed/claims/{w.claim.slug}/", {}, {}, 2),
        # the item the page shows
        "oembed": (
            "/oembed",
            {"url": f"http://testserver{w.contradiction.get_absolute_url()}"},
            {},
            1,
        ),
        "contradiction feed": ("/feeds/contradictions/", {}, {}, 1),
        "corrections feed": ("/feeds/corrections/", {}, {}, 1),
        # a count per model section, the latest change of those with one
        "sitemap index": ("/sitemap.xml", {}, {}, 10),
        "sitemap of claims": ("/sitemap-claims.xml", {}, {}, 2),
        "evidence": (w.contradiction.get_absolute_url(), {"format": "json"}, {}, 2),
    }


PAGES = [
    "home",
    "claim list",
    "claim list, every filter",
    "claim list, htmx",
    "claim",
    "contradiction list",
    "contradiction list, filtered",
    "contradiction",
    "compare",
    "compare, empty",
    "compare, picker search",
    "compare, htmx picker",
    "speaker",
    "topic",
    "source",
    "source changes",
    "case",
    "case feed",
    "case export",
    "corrections",
    "topic list",
    "case list",
    "embed contradiction",
    "embed claim",
    "oembed",
    "contradiction feed",
    "corrections feed",
    "sitemap index",
    "sitemap of claims",
    "evidence",
]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", PAGES)
def test_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries, name, size):
    """Guards against N+1: each page's query count is the same for 1 or 6 of everything."""
    path, params, headers, expected = page_queries(build(size))[name]
    with django_assert_num_queries(expected, info=f"{name}: {path} {params}"):
        response = client.get(path, params, **headers)
        content = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code in {200, 400}, (name, response.status_code)
    assert content


def test_the_page_list_covers_every_pinned_page():
    assert set(PAGES) == set(page_queries(World(*[_Stub()] * 8)))


class _Stub:
    slug = "stub"

    def get_absolute_url(self):
        return "/"
