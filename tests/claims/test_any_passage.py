"""Any passage of a source's text to a claim (issue 19, point 1): the archived text is shown on
the source's page with its offered quotes marked; a span selected in it goes, by its offsets in
the original text and the text's sha256, through the same one-step pages as an offered quote,
with its speaker proposed from the words around it. A span that is not a passage of the text
is refused with a 400 that says why."""

import re

import pytest
from django.urls import reverse

from claims import curation
from claims.models import Claim, ClaimKind, Speaker, Status
from tests.factories import make_claim, make_source, make_speaker
from tests.helpers import signed_in, text

pytestmark = pytest.mark.django_db

# A meeting's minutes: speaker labels, no quote marks, too few turns to be read as a
# transcript, so the extractor offers nothing.
MINUTES = (
    "Water board hears from residents\r\n\r\n"
    "The board met on Tuesday evening in the school gym. The exchange is recorded below.\r\n\r\n"
    "BOARD CHAIR MARK ROE: The plant has never failed a test, and the water is safe to drink."
    "\r\n\r\n"
    "DR. PRIYA PATEL: Our samples showed lead above the federal limit in six of ten homes.\r\n\r\n"
    "The board adjourned without a vote. 🚰\r\n"
)
# A report's finding, no quote marks, and a statement from an offered quote.
REPORT = (
    "The Harbour County Laboratory found lead above the federal limit in six of ten homes, "
    "according to its report released Friday.\n\n"
    "“The water is safe to drink,” said Mark Roe, the board chair.\n"
)


def source_page(client, source) -> str:
    response = client.get(reverse("admin:sources_source_change", args=[source.pk]))
    assert response.status_code == 200
    return text(response)


def passage_url(source, action, start, end, sha256=None) -> str:
    url = reverse("admin:sources_source_passage", args=[source.pk, action])
    return f"{url}?start={start}&end={end}&sha256={sha256 or source.sha256}"


def span(source, words: str) -> tuple[int, int]:
    start = source.text.index(words)
    return start, start + len(words)


def form_data(response) -> dict:
    initial = response.context["form"].initial
    return {k: ("" if v is None else getattr(v, "pk", v)) for k, v in initial.items()}


def test_the_source_page_shows_the_text_with_offsets_and_its_quotes_marked(reporter):
    source = make_source(text=REPORT, title="Lead report")
    page = source_page(reporter, source)
    region = page[page.index('id="passage-text"') : page.index('id="passage-actions"')]
    assert f'data-sha256="{source.sha256}"' in region
    quote_start, quote_end = span(source, "The water is safe to drink,")
    assert re.search(
        rf'<mark data-o="{quote_start}" data-start="{quote_start}" data-end="{quote_end}"', region
    )
    # every piece says where it starts in the original text, and nothing is lost
    pieces = re.findall(
        r'data-o="(\d+)"(?: data-n="(\d+)")?[^>]*>(.*?)</(?:span|mark)>', region, re.S
    )
    rebuilt = "".join(source.text[int(o) : int(o) + int(n)] if n else body for o, n, body in pieces)
    assert rebuilt == source.text
    assert '<script src="/static/js/passages.js"' in page


def test_a_transcript_line_with_no_quote_marks_becomes_a_verified_claim(reporter):
    source = make_source(text=MINUTES, title="Water board minutes", published_on="2024-05-07")
    assert "No quoted passages found" in source_page(reporter, source)
    start, end = span(source, "The plant has never failed a test, and the water is safe to drink.")
    url = passage_url(source, "claim", start - 1, end + 2)  # whitespace at the ends is left out
    form = reporter.get(url)
    assert form.status_code == 200
    page = text(form)
    assert "“The plant has never failed a test, and the water is safe to drink.”" in page
    assert "Speaker: <strong>Mark Roe</strong>" in page
    assert "Sure</strong>, because the transcript’s label “BOARD CHAIR MARK ROE:” names them" in (
        page.replace("'", "’")
    )
    initial = form.context["form"].initial
    assert initial["new_speaker_name"] == "Mark Roe"
    assert initial["new_speaker_role"] == "board chair"
    assert initial["kind"] == ClaimKind.QUOTE
    response = reporter.post(url, form_data(form))
    assert response.status_code == 302
    claim = Claim.objects.get()
    assert (claim.speaker.name, claim.status) == ("Mark Roe", Status.DRAFT)
    assert claim.text == "The plant has never failed a test, and the water is safe to drink."
    citation = claim.citations.get()
    assert citation.verification_state == "verbatim"
    assert (citation.anchor_start, citation.anchor_end) == (start, end)
    assert "Cited by <a" in source_page(reporter, source) or claim.slug


def test_a_surname_label_is_the_person_named_in_full_and_on_record(reporter):
    patel = make_speaker(name="Priya Patel", slug="priya-patel")
    source = make_source(text=MINUTES + "\r\nPATEL: The samples were taken in March.\r\n")
    start, end = span(source, "The samples were taken in March.")
    form = reporter.get(passage_url(source, "claim", start, end))
    assert form.context["form"].initial["speaker"] == patel
    assert "“PATEL:”" in text(form)


def test_an_organisations_finding_is_proposed_as_a_finding_with_the_words_that_name_it(reporter):
    source = make_source(text=REPORT, title="Lead report")
    start, end = span(source, "found lead above the federal limit in six of ten homes")
    form = reporter.get(passage_url(source, "claim", start, end))
    page = text(form)
    initial = form.context["form"].initial
    assert initial["new_speaker_name"] == "Harbour County Laboratory"
    assert initial["new_speaker_kind"] == "organization"
    assert initial["kind"] == ClaimKind.FINDING
    assert "according to its report" in page and "official finding" in page
    assert (
        reporter.post(passage_url(source, "claim", start, end), form_data(form)).status_code == 302
    )
    claim = Claim.objects.get()
    assert claim.kind == ClaimKind.FINDING
    assert Speaker.objects.get(name="Harbour County Laboratory").kind == "organization"
    assert claim.text == "Found lead above the federal limit in six of ten homes."
    assert claim.citations.get().quote == "found lead above the federal limit in six of ten homes"


def test_a_passage_with_no_speaker_near_it_asks_and_prefills_nothing(reporter):
    source = make_source(text="Nothing here names anyone.\n\nThe pipes are old and lead-lined.\n")
    start, end = span(source, "The pipes are old")
    form = reporter.get(passage_url(source, "claim", start, end))
    initial = form.context["form"].initial
    assert initial["speaker"] is None and initial["new_speaker_name"] == ""
    assert "Who said this?" in text(form)


@pytest.mark.parametrize(
    ("kind", "author", "speaker_kind", "claim_kind"),
    [
        ("letter", "Dr. Mina Okoye", "person", ClaimKind.QUOTE),
        ("report", "Eastport Water Laboratory", "organization", ClaimKind.FINDING),
    ],
)
def test_a_letters_or_reports_own_words_are_its_authors(
    reporter, kind, author, speaker_kind, claim_kind
):
    """No words near the passage name a speaker, but the document has an author (its
    signature, letterhead or byline, read by the intake): the author is proposed, likely."""
    source = make_source(
        kind=kind,
        author=author,
        text="To the board,\n\nThe night shift has run two nurses short since May.\n",
    )
    start, end = span(source, "The night shift has run two nurses short since May.")
    form = reporter.get(passage_url(source, "claim", start, end))
    initial = form.context["form"].initial
    assert initial["new_speaker_name"] == author
    assert initial["new_speaker_kind"] == speaker_kind
    assert initial["kind"] == claim_kind
    assert "Likely" in text(form) and f"by {author}" in text(form)


def test_an_articles_unattributed_passage_is_not_given_to_its_byline(reporter):
    source = make_source(kind="article", author="Sam Reporter", text="The pipes are old.\n")
    start, end = span(source, "The pipes are old.")
    initial = reporter.get(passage_url(source, "claim", start, end)).context["form"].initial
    assert initial["new_speaker_name"] == ""


def test_part_of_an_offered_quote_takes_its_speaker_and_the_quote_keeps_its_own_page(reporter):
    roe = make_speaker(name="Mark Roe", slug="mark-roe")
    source = make_source(text=REPORT)
    start, end = span(source, "The water is safe to drink,")
    offered = reporter.get(passage_url(source, "claim", start, end))
    assert offered.context["candidate"] in curation.candidates(source)  # the offered quote itself
    form = reporter.get(passage_url(source, "claim", start, start + len("The water is safe")))
    assert form.context["form"].initial["speaker"] == roe
    assert "said Mark Roe" in text(form)


def test_the_selection_added_to_a_claim_on_record(reporter):
    roe = make_speaker(name="Mark Roe", slug="mark-roe")
    other = make_source(text="Roe said: “The plant has never failed a test.”")
    claim = make_claim(
        speaker=roe, text="The plant has never failed a test.", cite=other, status=Status.DRAFT
    )
    source = make_source(text=MINUTES)
    start, end = span(source, "The plant has never failed a test")
    url = passage_url(source, "cite", start, end)
    options = reporter.get(url)
    assert options.status_code == 200 and next(iter(options.context["options"])) == claim
    assert reporter.post(url, {"claim": claim.pk, "sha256": source.sha256}).status_code == 302
    citation = claim.citations.get(source=source)
    assert (citation.quote, citation.verification_state) == (
        "The plant has never failed a test",
        "verbatim",
    )


def test_only_an_editor_adds_a_selection_to_a_published_claim():
    roe = make_speaker(name="Mark Roe", slug="mark-roe")
    claim = make_claim(speaker=roe, text="The plant has never failed a test.")  # published
    source = make_source(text=MINUTES)
    start, end = span(source, "The plant has never failed a test")
    url = passage_url(source, "cite", start, end)
    reporter = signed_in("Reporter")
    refused = reporter.post(url, {"claim": claim.pk, "sha256": source.sha256})
    assert refused.status_code == 400 and "only an editor" in text(refused)
    editor = signed_in("Editor")
    assert editor.post(url, {"claim": claim.pk, "sha256": source.sha256}).status_code == 302
    assert claim.citations.filter(source=source).exists()


def test_a_changed_text_refuses_the_stale_selection(reporter):
    source = make_source(text=MINUTES)
    start, end = span(source, "The plant has never failed a test")
    url = passage_url(source, "claim", start, end, sha256="0" * 64)
    response = reporter.get(url)
    assert response.status_code == 400
    assert "text changed since the page was shown" in text(response)
    form = reporter.get(passage_url(source, "claim", start, end))
    stale = reporter.post(
        passage_url(source, "claim", start, end), {**form_data(form), "sha256": "1" * 64}
    )
    assert stale.status_code == 400 and not Claim.objects.exists()


@pytest.mark.parametrize(
    ("start", "end", "says"),
    [
        ("10", "5", "not within the text"),
        ("0", "999999", "not within the text"),
        ("-3", "12", "not positions in the text"),
        ("abc", "12", "not positions in the text"),
        ("", "", "not positions in the text"),
        ("1e3", "1e4", "not positions in the text"),
        ("99999999999999999999", "99999999999999999999999", "not positions in the text"),
        ("33", "35", "no words"),  # the blank line between two paragraphs
    ],
)
def test_a_span_that_is_not_a_passage_is_a_clear_400(reporter, start, end, says):
    source = make_source(text=MINUTES)
    for action in ("claim", "cite"):
        url = reverse("admin:sources_source_passage", args=[source.pk, action])
        query = {"start": start, "end": end, "sha256": source.sha256}
        response = reporter.get(url, query)
        assert response.status_code == 400
        assert says in text(response)
        assert "Back to the source" in text(response)


def test_a_span_longer_than_a_quote_can_be_is_refused():
    source = make_source(text="Words of a long report. " * 200)
    response = signed_in("Reporter").get(passage_url(source, "claim", 0, len(source.text)))
    assert response.status_code == 400
    assert f"a quote is at most {curation.MAX_QUOTE_CHARS}" in text(response)


def test_an_unknown_action_is_404_and_a_missing_sha_is_stale(reporter):
    source = make_source(text=MINUTES)
    assert reporter.get(passage_url(source, "delete", 0, 5)).status_code == 404
    url = reverse("admin:sources_source_passage", args=[source.pk, "claim"])
    assert reporter.get(url, {"start": 0, "end": 5}).status_code == 400


@pytest.mark.parametrize(
    ("quote", "sentence"),
    [
        ("The bridge is perfectly safe for traffic,", "The bridge is perfectly safe for traffic."),
        ("we will reopen it;", "We will reopen it."),
        ("the plant had never failed a test", "The plant had never failed a test."),
        ("Is it safe?", "Is it safe?"),
        ("odd", "Odd"),
    ],
)
def test_a_claim_from_a_quote_reads_as_a_sentence(quote, sentence):
    assert curation.as_sentence(quote) == sentence
