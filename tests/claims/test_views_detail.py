"""Claim, contradiction, speaker, topic, source, list and corrections pages, as read."""

import datetime as dt
import re

import pytest

from claims.models import (
    Citation,
    Claim,
    ClaimKind,
    Contradiction,
    Correction,
    CorrectionKind,
    Relation,
    Status,
    Topic,
)
from tests.factories import (
    make_claim,
    make_contradiction,
    make_source,
    make_speaker,
    make_topic,
)

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return response.content.decode()


# Claim page ----------------------------------------------------------------------------


def test_claim_page_shows_every_citation_with_its_badge_and_passage_link(client, demo):
    claim = Claim.objects.get(slug="abc-would-never-point-a-gun")
    response = client.get(claim.get_absolute_url())
    assert response.status_code == 200
    page = text_of(response)
    assert page.count("<h1") == 1
    for citation in claim.citations.select_related("source"):
        assert citation.source.title in page
        assert f'id="citation-{citation.source.slug}"' in page  # a source is cited once a claim
        if citation.anchor_start is not None:
            assert f"{citation.source.get_absolute_url()}#quote-{claim.slug}" in page
    assert "✓ Verbatim" in page
    assert "trigger-vs-fbi-finding" in page  # its contradictions, as the statement
    assert "never-point-vs-aimed-at-her" in page


def test_claim_page_lists_contradictions_where_it_is_the_counter(client, demo):
    page = text_of(client.get("/claims/fbi-gun-in-working-order/"))
    assert "/contradictions/trigger-vs-fbi-finding/" in page
    assert "/contradictions/faulty-gun-vs-fbi-finding/" in page
    assert "This statement challenges" in page


def test_claim_page_shows_a_variant_and_its_word_diff(client):
    source = make_source(text="He said: “I pulled the hammer all the way back.”")
    claim = make_claim(text="I pulled the hammer back.")
    Citation.objects.create(
        claim=claim, source=source, quote="I pulled the hammer all the way back."
    )
    page = text_of(client.get(claim.get_absolute_url()))
    assert "“I pulled the hammer all the way back.”" in page
    assert "<ins>all the way</ins>" in page


def test_claim_page_hides_contradictions_with_a_draft_side(client):
    claim = make_claim()
    hidden = make_contradiction(claim=claim, counter=make_claim(status=Status.DRAFT))
    draft = make_contradiction(claim=claim, status=Status.DRAFT)
    page = text_of(client.get(claim.get_absolute_url()))
    assert hidden.get_absolute_url() not in page
    assert draft.get_absolute_url() not in page
    assert "not part of a published contradiction" in page


def test_claim_page_shows_its_corrections(client):
    claim = make_claim()
    Correction.objects.create(
        slug="fixed-date",
        claim=claim,
        published_on=dt.date(2024, 5, 1),
        text="We corrected the date.",
        kind=CorrectionKind.CORRECTION,
    )
    page = text_of(client.get(claim.get_absolute_url()))
    assert 'id="correction-fixed-date"' in page
    assert "We corrected the date." in page


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW])
def test_unpublished_claim_is_404(client, status):
    claim = make_claim(status=status)
    assert client.get(claim.get_absolute_url()).status_code == 404


def test_unknown_claim_is_404(client, db):
    response = client.get("/claims/no-such-claim/")
    assert response.status_code == 404
    assert "Nothing published here" in text_of(response)


# Contradiction page --------------------------------------------------------------------


def test_contradiction_page_compares_side_by_side_with_explanation_and_timeline(client, demo):
    page = text_of(client.get("/contradictions/trigger-vs-fbi-finding/"))
    assert page.count("<h1") == 1
    assert 'id="sides"' in page and page.count('class="statement ') == 2
    assert "contradicted by" in page
    assert 'id="explanation"' in page
    timeline = page[page.index('id="timeline"') :]
    timeline = timeline[: timeline.index("</section>")]
    roles = re.findall(r"timeline-item--(\w+)", timeline)
    assert roles.count("statement") == 1 and roles.count("counter") == 1
    assert "event" in roles
    # Events are published records/findings sharing a topic, oldest first.
    dates = re.findall(r'<time datetime="([\d-]+)"', timeline)
    assert dates == sorted(dates)
    assert "/claims/rust-shooting/" in timeline  # a record on the gun, Oct 2021
    assert "/claims/abc-told-it-was-a-cold-gun/" not in timeline  # a draft


def test_timeline_events_are_records_and_findings_on_shared_topics_only(client):
    topic, other = make_topic(), make_topic()
    statement = make_claim(said_on=dt.date(2022, 1, 1))
    counter = make_claim(kind=ClaimKind.FINDING, said_on=dt.date(2022, 6, 1))
    statement.topics.add(topic)
    before = make_claim(kind=ClaimKind.RECORD, said_on=dt.date(2021, 1, 1), text="Before event.")
    between = make_claim(kind=ClaimKind.FINDING, said_on=dt.date(2022, 3, 1), text="Between.")
    quote_on_topic = make_claim(kind=ClaimKind.QUOTE, text="Just words on topic.")
    off_topic = make_claim(kind=ClaimKind.RECORD, text="Off topic record.")
    draft = make_claim(kind=ClaimKind.RECORD, status=Status.DRAFT, text="Draft record.")
    for claim in (before, between, quote_on_topic, draft):
        claim.topics.add(topic)
    off_topic.topics.add(other)
    item = make_contradiction(claim=statement, counter=counter)
    page = text_of(client.get(item.get_absolute_url()))
    timeline = page[page.index('id="timeline"') :]
    order = re.findall(r'href="/claims/([^/]+)/"', timeline)
    assert order[:4] == [before.slug, statement.slug, between.slug, counter.slug]
    for hidden in (quote_on_topic, off_topic, draft):
        assert hidden.slug not in timeline


def test_word_diff_when_both_sides_are_one_speakers_quotes(client):
    speaker = make_speaker()
    a = make_claim(speaker=speaker, text="I let go of the hammer and the gun went off.")
    b = make_claim(speaker=speaker, text="I let go of the hammer of the gun, and it went off.")
    page = text_of(client.get(make_contradiction(claim=a, counter=b).get_absolute_url()))
    assert 'id="diff"' in page
    assert "<ins>" in page and "<del>" in page


def test_no_word_diff_for_unrelated_statements(client):
    a = make_claim(text="The crew was well oiled and careful.")
    b = make_claim(kind=ClaimKind.FINDING, text="Three complaints were filed in October.")
    page = text_of(client.get(make_contradiction(claim=a, counter=b).get_absolute_url()))
    assert 'id="diff"' not in page


def test_word_diff_for_similar_words_from_different_speakers(client):
    a = make_claim(text="The gun was supposed to be empty, nothing with a charge at all.")
    b = make_claim(
        kind=ClaimKind.PARAPHRASE, text="The gun was supposed to be empty, with no charge at all."
    )
    page = text_of(client.get(make_contradiction(claim=a, counter=b).get_absolute_url()))
    assert 'id="diff"' in page


def test_contradiction_page_has_share_cite_and_evidence_downloads(client, demo):
    page = text_of(client.get("/contradictions/trigger-vs-fbi-finding/"))
    for element in ('id="permalink"', 'id="citation-text"', 'id="share-email"'):
        assert element in page
    assert 'href="/contradictions/trigger-vs-fbi-finding/?format=json"' in page
    assert 'href="/contradictions/trigger-vs-fbi-finding/?format=csv"' in page
    assert 'value="http://127.0.0.1:8000/contradictions/trigger-vs-fbi-finding/"' in page


def test_contradiction_page_shows_corrections_of_either_side(client):
    item = make_contradiction()
    Correction.objects.create(
        slug="side-fixed", claim=item.counter, published_on=dt.date(2024, 1, 2), text="Side fix."
    )
    Correction.objects.create(
        slug="pair-fixed", contradiction=item, published_on=dt.date(2024, 1, 3), text="Pair fix."
    )
    page = text_of(client.get(item.get_absolute_url()))
    assert "Side fix." in page and "Pair fix." in page


def test_passage_links_point_at_the_highlighted_quote(client, demo):
    """Keyed by slugs, not row ids: a link shared before a restore finds the passage after."""
    item = Contradiction.objects.get(slug="trigger-vs-fbi-finding")
    page = text_of(client.get(item.get_absolute_url()))
    for citation in Citation.objects.filter(claim__in=[item.claim, item.counter]).select_related(
        "claim", "source"
    ):
        link = f"/sources/{citation.source.slug}/#quote-{citation.claim.slug}"
        assert link in page
        source_page = text_of(client.get(f"/sources/{citation.source.slug}/"))
        assert f'<mark id="quote-{citation.claim.slug}"' in source_page
        assert f'<li id="cited-{citation.claim.slug}">' in source_page
        assert f'href="#quote-{citation.claim.slug}"' in source_page
        assert f"quote-{citation.pk}" not in source_page


# Lists ---------------------------------------------------------------------------------


def test_contradiction_list_filters_and_fragment(client, demo):
    response = client.get("/contradictions/", {"relation": "contradicts"})
    page = text_of(response)
    assert "/contradictions/trigger-vs-fbi-finding/" in page
    assert "/contradictions/hammer-vs-cocked-gun/" not in page  # inconsistent
    assert "/contradictions/cold-gun-two-tellings/" not in page  # draft
    fragment = client.get(
        "/contradictions/", {"speaker": "fbi"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in fragment
    assert set(re.findall(r'href="/contradictions/([^/]+)/"', fragment)) == {
        "trigger-vs-fbi-finding",
        "faulty-gun-vs-fbi-finding",
    }


def test_contradiction_list_topic_and_search(client, demo):
    topic_page = text_of(client.get("/contradictions/", {"topic": "criminal-charges"}))
    assert set(re.findall(r'class="pair-link" href="/contradictions/([^/]+)/"', topic_page)) == {
        "unlikely-charged-vs-charged"
    }
    search = text_of(client.get("/contradictions/", {"q": "armpit"}))
    assert re.findall(r'class="pair-link" href="/contradictions/([^/]+)/"', search) == [
        "never-point-vs-aimed-at-her"
    ]


def test_contradiction_list_bad_relation_is_400(client, demo):
    response = client.get("/contradictions/", {"relation": "agrees"})
    assert response.status_code == 400
    assert "Relation" in text_of(response)


def test_corrections_page_lists_published_corrections_with_links(client, demo):
    response = client.get("/corrections/")
    assert response.status_code == 200
    page = text_of(response)
    for correction in Correction.objects.published():
        assert f'id="correction-{correction.slug}"' in page
    assert "/claims/vermont-took-her-to-dinner/" in page


def test_corrections_of_drafts_are_hidden(client):
    draft = make_claim(status=Status.DRAFT)
    Correction.objects.create(
        slug="on-a-draft", claim=draft, published_on=dt.date(2024, 1, 1), text="Hidden fix."
    )
    page = text_of(client.get("/corrections/"))
    assert "Hidden fix." not in page
    assert "No corrections" in page


def test_corrections_kind_filter_and_bad_kind(client, demo):
    page = text_of(client.get("/corrections/", {"kind": "update"}))
    assert "No corrections of this kind" in page
    assert client.get("/corrections/", {"kind": "rewrite"}).status_code == 400


def test_home_has_a_search_box_that_submits_to_the_claim_list(client, demo):
    page = text_of(client.get("/"))
    form = re.search(r'<form id="home-search"[^>]*>', page).group(0)
    assert 'action="/claims/"' in form and 'method="get"' in form
    assert '<label for="home-q">' in page and 'name="q"' in page
    for label in ("Contradictions", "Claims", "Compare", "Corrections"):
        assert f">{label}</a>" in page


# Speaker, topic, source ----------------------------------------------------------------


def test_speaker_page_groups_a_timeline_by_topic(client, demo):
    response = client.get("/speakers/alec-baldwin/")
    assert response.status_code == 200
    page = text_of(response)
    assert page.count("<h1") == 1
    assert 'id="topic-the-trigger"' in page
    trigger = page[page.index('id="topic-the-trigger"') :]
    trigger = trigger[: trigger.index("</section>")]
    dates = re.findall(r'<time datetime="([\d-]+)"', trigger)
    assert dates == sorted(dates)
    assert "/claims/abc-would-never-point-a-gun/" in trigger
    assert "abc-told-it-was-a-cold-gun" not in page  # a draft
    assert "/contradictions/trigger-vs-fbi-finding/" in page


def test_speaker_with_only_drafts_is_404(client):
    speaker = make_speaker()
    make_claim(speaker=speaker, status=Status.DRAFT)
    assert client.get(speaker.get_absolute_url()).status_code == 404
    assert client.get("/speakers/nobody-at-all/").status_code == 404


def test_topic_page_lists_published_claims_in_date_order(client, demo):
    topic = Topic.objects.get(slug="criminal-charges")
    page = text_of(client.get(topic.get_absolute_url()))
    claims = re.findall(r'class="claim-words"><a href="/claims/([^/]+)/"', page)
    expected = Claim.objects.published().filter(topics=topic).order_by("said_on", "slug")
    assert claims == [c.slug for c in expected]
    assert "/contradictions/unlikely-charged-vs-charged/" in page


def test_topic_with_only_drafts_is_404(client):
    topic = make_topic()
    make_claim(status=Status.DRAFT).topics.add(topic)
    assert client.get(topic.get_absolute_url()).status_code == 404
    assert client.get("/topics/no-such-topic/").status_code == 404


def test_source_page_highlights_each_published_quote_in_the_text(client):
    text = "Intro. He said: “First quote here.” Later: “Second <b>quote</b>.” End."
    source = make_source(text=text)
    first = make_claim(text="First quote here.", cite=source)
    second = make_claim(text="Second <b>quote</b>.", cite=source)
    draft = make_claim(text="Later:", cite=source, status=Status.DRAFT)
    page = text_of(client.get(source.get_absolute_url()))
    archived = page[page.index('id="archived-text"') :]
    archived = archived[: archived.index("</div>")]
    assert f'<mark id="quote-{first.slug}"' in archived
    assert f">{'First quote here.'}</mark>" in archived
    assert f'<mark id="quote-{second.slug}"' in archived
    assert "Second &lt;b&gt;quote&lt;/b&gt;." in archived  # escaped, not markup
    assert "<b>" not in archived
    assert f"quote-{draft.slug}" not in page


def test_source_page_marks_every_part_of_a_split_quote(client, django_assert_num_queries):
    """Guards against N+1: the parts come with the citation's row (the source, its citations,
    its captures)."""
    text = "At the plant: “The plant is sound,” the director said, “and it always has been.” End."
    source = make_source(text=text)
    claim = make_claim(text="The plant is sound, and it always has been.", cite=source)
    # a claim whose slug is the first's with a number: its mark is not the first's part 2
    other = make_claim(slug=f"{claim.slug}-2", text="At the plant", cite=source)
    key = claim.slug
    with django_assert_num_queries(3):
        page = text_of(client.get(source.get_absolute_url()))
    archived = page[page.index('id="archived-text"') :]
    archived = archived[: archived.index("</div>")]
    assert re.findall(r"<mark [^>]*>[^<]*</mark>", archived) == [
        f'<mark id="quote-{other.slug}" title="Quoted: {other.speaker.name}">At the plant</mark>',
        f'<mark id="quote-{key}" title="Quoted: {claim.speaker.name}" class="quote-part" '
        f'data-quote="{key}">The plant is sound,</mark>',
        f'<mark id="quote-{key}.2" title="Quoted: {claim.speaker.name}" class="quote-part" '
        f'data-quote="{key}">and it always has been.</mark>',
    ]
    assert f'href="#quote-{key}"' in page  # the badge links to the first part
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_source_page_keeps_unanchored_citations_in_the_list(client):
    source = make_source(text="Nothing matches in here.")
    claim = make_claim(text="Words that are not in the text.", cite=source)
    page = text_of(client.get(source.get_absolute_url()))
    assert "Words that are not in the text." in page
    assert f'<mark id="quote-{claim.slug}"' not in page
    assert f'<li id="cited-{claim.slug}">' in page


def test_unknown_source_is_404(client, db):
    assert client.get("/sources/no-such-source/").status_code == 404


def test_relation_label_reads_in_plain_words(client):
    item = make_contradiction(relation=Relation.RETRACTS)
    assert "later retracted by" in text_of(client.get(item.get_absolute_url()))


def test_speaker_and_topic_pages_are_paged_not_unbounded(client):
    """A prolific speaker's page shows 100 statements a page, never all of them."""
    from claims.views import DETAIL_PAGE_SIZE
    from tests.factories import make_speaker, make_topic

    speaker, topic = make_speaker(), make_topic()
    claims = [make_claim(speaker=speaker) for _ in range(DETAIL_PAGE_SIZE + 1)]
    for claim in claims:
        claim.topics.add(topic)
    for url in (speaker.get_absolute_url(), topic.get_absolute_url()):
        first = text_of(client.get(url))
        assert first.count('class="claim-item') == DETAIL_PAGE_SIZE
        assert 'rel="next" href="?page=2"' in first
        second = text_of(client.get(url, {"page": 2}))
        assert second.count('class="claim-item') == 1
        assert client.get(url, {"page": "abc"}).status_code == 400


def test_the_claim_page_says_when_outlets_printed_different_wordings(client):
    one = make_source(text="She said: “The pool opens in June.”")
    two = make_source(text="She said the pool “opens in June, weather permitting.”")
    claim = make_claim(text="The pool opens in June.", cite=one)
    Citation.objects.create(claim=claim, source=two, quote="opens in June, weather permitting.")
    page = text_of(client.get(claim.get_absolute_url()))
    assert "printed this statement in 2 different wordings" in page
    claim.text = "The pool opens in June, weather permitting."
    claim.save()
    page = text_of(client.get(claim.get_absolute_url()))
    assert "No source printed exactly the words above" in page


def _pair_titles(page: str) -> list[str]:
    return re.findall(r'<a class="pair-link" href="[^"]+">([^<]+)</a>', page)


def test_speaker_page_lists_the_latest_pairs_on_either_side(client):
    """Pairs where the speaker is challenged and pairs where the speaker challenges, latest
    published first; 20 of them, then a link to the filtered list."""
    from claims.views import DETAIL_PAIRS

    speaker = make_speaker()
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for i in range(DETAIL_PAIRS + 1):
        mine = make_claim(speaker=speaker)
        sides = {"claim": mine} if i % 2 else {"counter": mine}
        make_contradiction(title=f"Pair {i:02}", published_at=now + dt.timedelta(hours=i), **sides)
    make_contradiction(title="Someone else's pair", published_at=now + dt.timedelta(days=9))
    make_contradiction(title="A draft pair", claim=make_claim(speaker=speaker), status="draft")

    page = text_of(client.get(speaker.get_absolute_url()))
    assert _pair_titles(page) == [f"Pair {i:02}" for i in range(DETAIL_PAIRS, 0, -1)]
    assert f"?speaker={speaker.slug}" in page  # "All contradictions"
    listed = text_of(client.get("/contradictions/", {"speaker": speaker.slug}))
    assert set(_pair_titles(listed)) == {f"Pair {i:02}" for i in range(DETAIL_PAIRS + 1)}


def test_a_claim_given_to_another_speaker_takes_its_pairs_along(client):
    """The pair's speakers are kept by the database: a claim moved to another speaker (a
    correction of attribution) moves its pairs to that speaker's page, whoever writes it."""
    wrong, right = make_speaker(), make_speaker()
    claim = make_claim(speaker=wrong)
    make_contradiction(title="Attributed pair", claim=claim)
    make_contradiction(title="Countered pair", counter=claim)
    assert _pair_titles(text_of(client.get(wrong.get_absolute_url()))) == [
        "Countered pair",
        "Attributed pair",
    ]

    claim.speaker = right
    claim.save()
    assert _pair_titles(text_of(client.get(wrong.get_absolute_url()))) == []
    assert len(_pair_titles(text_of(client.get(right.get_absolute_url())))) == 2

    Claim.objects.filter(pk=claim.pk).update(speaker=wrong)  # SQL, no model code
    assert len(_pair_titles(text_of(client.get(wrong.get_absolute_url())))) == 2
    pair = Contradiction.objects.get(title="Attributed pair")
    pair.claim = make_claim(speaker=right)
    pair.save()
    assert _pair_titles(text_of(client.get(right.get_absolute_url()))) == ["Attributed pair"]
