"""From a source's text to claims in a few clicks, and counter-evidence one click from a pair."""

import json
import re

import pytest
from django.urls import reverse

from claims import curation, publishing
from claims.models import Citation, Claim, ClaimKind, Contradiction, Speaker, Status
from tests.factories import make_claim, make_source, make_speaker, make_topic
from tests.helpers import text, user

pytestmark = pytest.mark.django_db

ARTICLE = (
    "HARBOUR TOWN — The mayor defended the bridge on Monday.\n\n"
    "“The bridge is perfectly safe for traffic,” said Mayor Dana Whitlock.\n\n"
    "The state agency disagreed. “We have closed the bridge to all traffic,” said "
    "Orla Fenwick, a spokeswoman for the agency.\n"
)


@pytest.fixture
def source():
    return make_source(text=ARTICLE, title="Mayor defends bridge", published_on="2024-03-04")


def candidate_links(page: str) -> dict[str, str]:
    """Each candidate quote on the source page, with its 'New claim' link."""
    rows = re.findall(
        r'<tr id="candidate-[^"]+">\s*<td>“(.*?)”.*?href="([^"]+/claim/\?[^"]+)"', page, re.S
    )
    return dict(rows)


def test_the_source_page_lists_candidates_with_actions(reporter, source):
    page = text(reporter.get(reverse("admin:sources_source_change", args=[source.pk])))
    links = candidate_links(page)
    assert "The bridge is perfectly safe for traffic," in links
    assert "Dana Whitlock" in page


def test_new_claim_from_a_quote_in_two_clicks_nothing_typed(reporter, source):
    whitlock = make_speaker(name="Dana Whitlock", slug="dana-whitlock", aliases=["Whitlock"])
    page = text(reporter.get(reverse("admin:sources_source_change", args=[source.pk])))
    url = candidate_links(page)["The bridge is perfectly safe for traffic,"]
    form = reporter.get(url)
    assert form.status_code == 200
    initial = form.context["form"].initial
    assert initial["speaker"] == whitlock and str(initial["said_on"]) == "2024-03-04"
    assert "Proposed from “on Monday” in the paragraph" in text(form)
    assert "The text names no venue." in text(form)
    data = {k: ("" if v is None else getattr(v, "pk", v)) for k, v in initial.items()}
    response = reporter.post(url, data)
    assert response.status_code == 302
    claim = Claim.objects.get()
    assert (claim.speaker, claim.status, claim.kind) == (whitlock, Status.DRAFT, ClaimKind.QUOTE)
    assert claim.text == "The bridge is perfectly safe for traffic."  # a sentence
    assert claim.slug.startswith("whitlock-the-bridge-is-perfectly-safe")
    # the headline is not a venue: the text names none; "on Monday" is the story's own day
    assert claim.venue == "" and str(claim.said_on) == "2024-03-04"
    citation = claim.citations.get()
    assert (citation.source, citation.verification_state) == (source, "verbatim")
    page = text(reporter.get(reverse("admin:sources_source_change", args=[source.pk])))
    assert "Cited by <a" in page and claim.slug in page


def test_a_speaker_not_on_record_is_offered_as_new_with_kind_and_role(reporter, source):
    page = text(reporter.get(reverse("admin:sources_source_change", args=[source.pk])))
    url = candidate_links(page)["We have closed the bridge to all traffic,"]
    initial = reporter.get(url).context["form"].initial
    assert initial["new_speaker_name"] == "Orla Fenwick"
    data = {k: ("" if v is None else getattr(v, "pk", v)) for k, v in initial.items()}
    assert reporter.post(url, data).status_code == 302
    speaker = Speaker.objects.get(name="Orla Fenwick")
    assert speaker.kind == "person"
    assert Claim.objects.get().speaker == speaker


def test_a_changed_text_refuses_the_stale_candidate(reporter, source):
    page = text(reporter.get(reverse("admin:sources_source_change", args=[source.pk])))
    url = candidate_links(page)["The bridge is perfectly safe for traffic,"]
    url = re.sub(r"sha256=\w+", "sha256=" + "0" * 64, url)
    response = reporter.get(url, follow=True)
    assert "text changed since the page was shown" in text(response)
    assert not Claim.objects.exists()


def test_add_a_quote_as_a_citation_of_an_existing_claim(reporter, source):
    whitlock = make_speaker(name="Dana Whitlock", slug="dana-whitlock")
    other = make_source(text="Whitlock said: “The bridge is perfectly safe for traffic.”")
    claim = make_claim(  # a draft: a published claim's citations are an editor's (test_guard)
        speaker=whitlock,
        text="The bridge is perfectly safe for traffic.",
        cite=other,
        status=Status.DRAFT,
    )
    make_claim(text="Unrelated words about parking fees.")
    page = text(reporter.get(reverse("admin:sources_source_change", args=[source.pk])))
    url = candidate_links(page)["The bridge is perfectly safe for traffic,"].replace(
        "/claim/?", "/cite/?"
    )
    options = reporter.get(url)
    assert next(iter(options.context["options"])) == claim
    response = reporter.post(url, {"claim": claim.pk, "sha256": source.sha256})
    assert response.status_code == 302
    citation = claim.citations.get(source=source)
    assert citation.quote == "The bridge is perfectly safe for traffic,"
    assert citation.verification_state == "verbatim"
    response = reporter.post(url, {"claim": claim.pk, "sha256": source.sha256})
    assert "already cites this source" in text(response)


def test_candidates_are_cached_by_the_texts_sha256(source, django_assert_max_num_queries):
    first = curation.candidates(source)
    with django_assert_max_num_queries(1):  # the speakers on record, not the extraction
        assert curation.candidates(source) == first


def test_suggested_counter_evidence_is_ranked_and_links_a_draft_pair(reporter, source):
    topic = make_topic()
    claim = make_claim(text="The bridge is perfectly safe for traffic.", cite=None)
    claim.topics.add(topic)
    finding = make_claim(
        kind=ClaimKind.FINDING, text="Inspectors found the bridge unsafe for traffic."
    )
    finding.topics.add(topic)
    make_claim(text="The council approved the parking budget.")
    suggestions = list(curation.suggested_counters(claim))
    assert suggestions[0] == finding
    assert all("parking" not in c.text for c in suggestions)
    page = text(reporter.get(reverse("admin:claims_claim_change", args=[claim.pk])))
    assert 'id="counter-suggestions"' in page and finding.text[:30] in page
    response = reporter.post(
        reverse("admin:claims_claim_link", args=[claim.pk]), {"counter": finding.pk}
    )
    assert response.status_code == 302
    pair = Contradiction.objects.get()
    assert (pair.claim, pair.counter, pair.status) == (claim, finding, Status.DRAFT)
    assert reverse("admin:claims_contradiction_change", args=[pair.pk]) in response["Location"]
    again = reporter.post(
        reverse("admin:claims_claim_link", args=[claim.pk]), {"counter": finding.pk}, follow=True
    )
    assert "already paired" in text(again)
    assert Contradiction.objects.count() == 1
    with pytest.raises(publishing.Refused, match="has no explanation"):
        publishing.publish(item=pair, by=user("Editor"))


def test_autocomplete_says_status_speaker_and_date(reporter, source):
    make_claim(text="The bridge is perfectly safe for traffic.", status=Status.DRAFT)
    response = reporter.get(
        "/admin/autocomplete/",
        {
            "term": "bridge",
            "app_label": "claims",
            "model_name": "contradiction",
            "field_name": "claim",
        },
    )
    assert response.status_code == 200
    labels = [r["text"] for r in json.loads(response.content)["results"]]
    assert any("· draft" in label and "undated" in label for label in labels)


def test_adding_a_claim_like_one_on_record_warns(reporter, source):
    speaker = make_speaker()
    make_claim(speaker=speaker, slug="on-record", text="The bridge is perfectly safe for traffic.")
    response = reporter.post(
        reverse("admin:claims_claim_add"),
        {
            "slug": "again",
            "speaker": speaker.pk,
            "kind": "quote",
            "text": "The bridge is perfectly safe for traffic!",
            "said_on_precision": "day",
            "citations-TOTAL_FORMS": "0",
            "citations-INITIAL_FORMS": "0",
        },
        follow=True,
    )
    assert "Similar claims already on record: 'on-record' (published)" in text(response)
    assert Citation.objects.count() == 0


def test_a_claim_takes_the_date_and_venue_its_paragraph_gives(reporter):
    """Not the story's date and headline: the day the paragraph names, counted back from the
    story's date, and the venue in its words; both editable, each saying where it came from."""
    import datetime

    source = make_source(
        title="Council votes to close the pool",
        published_on=datetime.date(2025, 6, 12),  # a Thursday
        text=(
            "The council voted on Thursday night to close the pool.\n\n"
            "At a news conference on Tuesday, the parks director, Imre Kovacs, was blunt. "
            "“The pool loses money every summer,” Kovacs said.\n"
        ),
    )
    page = text(reporter.get(reverse("admin:sources_source_change", args=[source.pk])))
    url = candidate_links(page)["The pool loses money every summer,"]
    form = reporter.get(url)
    initial = form.context["form"].initial
    assert str(initial["said_on"]) == "2025-06-10" and initial["venue"] == "News conference"
    assert "counted back from the story's date 12 Jun 2025" in text(form)
    data = {k: ("" if v is None else getattr(v, "pk", v)) for k, v in initial.items()}
    data["new_speaker_name"] = data["new_speaker_name"] or "Imre Kovacs"
    assert reporter.post(url, data).status_code == 302
    claim = Claim.objects.get()
    assert (str(claim.said_on), claim.said_on_precision, claim.venue) == (
        "2025-06-10",
        "day",
        "News conference",
    )
