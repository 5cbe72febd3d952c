"""Every proposed speaker shows the words that named them and how sure the guess is; a weak
guess is asked, not prefilled (issue 19)."""

import re

import pytest
from django.urls import reverse

from tests.factories import make_source, make_speaker
from tests.helpers import text

pytestmark = pytest.mark.django_db

ARTICLE = (
    "HARBOUR TOWN — Residents packed the hall on Monday.\n\n"
    "“The bridge is perfectly safe for traffic,” said Mayor Dana Whitlock.\n\n"
    "Orla Fenwick, a spokeswoman for the Harbour Water Authority, spoke next. "
    "“We have closed the bridge to all traffic,” she said.\n\n"
    "The meeting ran late into the evening.\n\n"
    "Councillor Ben Ashby listened from the back of the room.\n\n"
    "“Nobody asked the ferry crews.”\n\n"
    "The Harbour Water Authority said in a statement that “the readings were within limits.”\n"
)

NAMED = "The bridge is perfectly safe for traffic,"
PRONOUN = "We have closed the bridge to all traffic,"
FALLBACK = "Nobody asked the ferry crews."
ORGANISATION = "the readings were within limits."


@pytest.fixture
def source():
    return make_source(text=ARTICLE, title="Bridge meeting", published_on="2024-03-04")


def source_page(reporter, source) -> str:
    return text(reporter.get(reverse("admin:sources_source_change", args=[source.pk])))


def claim_url(page: str, quote: str) -> str:
    rows = re.findall(
        r'<tr id="candidate-[^"]+">\s*<td>“(.*?)”.*?href="([^"]+/claim/\?[^"]+)"', page, re.S
    )
    return dict(rows)[quote]


def row(page: str, quote: str) -> str:
    start = page.index(f"“{quote}”", page.index('id="candidate-quotes"'))
    return page[start : page.index("</tr>", start)]


def open_form(reporter, source, quote):
    response = reporter.get(claim_url(source_page(reporter, source), quote))
    assert response.status_code == 200
    return response, text(response)


def test_a_speech_verb_next_to_the_name_is_sure_and_prefilled(reporter, source):
    response, page = open_form(reporter, source, NAMED)
    initial = response.context["form"].initial
    assert initial["new_speaker_name"] == "Dana Whitlock"
    assert "said Mayor Dana Whitlock" in page
    assert "Sure" in page
    assert "Who said this?" not in page


def test_a_pronoun_resolved_to_a_name_is_likely_and_shows_its_cue(reporter, source):
    response, page = open_form(reporter, source, PRONOUN)
    initial = response.context["form"].initial
    assert initial["new_speaker_name"] == "Orla Fenwick"
    assert "“she said”" in page
    assert "Likely" in page
    assert "Who said this?" not in page


def test_a_fallback_is_asked_not_prefilled(reporter, source):
    response, page = open_form(reporter, source, FALLBACK)
    initial = response.context["form"].initial
    assert initial["new_speaker_name"] == "" and initial["speaker"] is None
    assert "Who said this? Our guess: Ben Ashby, because" in page


def test_a_fallback_to_a_speaker_on_record_is_not_preselected(reporter, source):
    make_speaker(name="Ben Ashby", slug="ben-ashby", aliases=["Ashby"])
    response, page = open_form(reporter, source, FALLBACK)
    initial = response.context["form"].initial
    assert initial["speaker"] is None and initial["new_speaker_name"] == ""
    assert "Who said this? Our guess: Ben Ashby, because" in page


def test_a_named_speaker_on_record_is_preselected(reporter, source):
    whitlock = make_speaker(name="Dana Whitlock", slug="dana-whitlock", aliases=["Whitlock"])
    response, page = open_form(reporter, source, NAMED)
    assert response.context["form"].initial["speaker"] == whitlock
    assert "said Mayor Dana Whitlock" in page and "Sure" in page


def test_an_organisation_is_proposed_as_an_organisation(reporter, source):
    response, page = open_form(reporter, source, ORGANISATION)
    initial = response.context["form"].initial
    assert initial["new_speaker_name"] == "Harbour Water Authority"
    assert initial["new_speaker_kind"] == "organization"
    assert "Harbour Water Authority said" in page


def test_the_candidate_list_shows_cue_and_certainty(reporter, source):
    page = source_page(reporter, source)
    assert "Sure" in row(page, NAMED) and "said Mayor Dana Whitlock" in row(page, NAMED)
    assert "Likely" in row(page, PRONOUN) and "she said" in row(page, PRONOUN)
    assert "Guess" in row(page, FALLBACK) and "Ben Ashby" in row(page, FALLBACK)


def test_a_title_resolved_to_a_name_and_a_continued_quote_are_likely(reporter):
    source = make_source(
        text=(
            "Orla Fenwick is the spokeswoman for the Harbour Water Authority.\n\n"
            "“We have closed the bridge,” the spokeswoman said.\n\n"
            "“It stays closed until the survey is done.”\n"
        ),
        title="Bridge closed",
    )
    page = source_page(reporter, source)
    response, form_page = open_form(reporter, source, "We have closed the bridge,")
    assert response.context["form"].initial["new_speaker_name"] == "Orla Fenwick"
    assert "“the spokeswoman said”" in form_page and "Likely" in form_page
    assert "Likely" in row(page, "It stays closed until the survey is done.")
    assert "continues the quote before" in row(page, "It stays closed until the survey is done.")


def test_a_transcript_label_is_sure_and_prefilled(reporter):
    source = make_source(
        text=(
            "Rosalind Achebe became state librarian in January.\n\n"
            "Q: What surprised you?\n\n"
            "ACHEBE: How many libraries are run by one person.\n\n"
            "Q: Are e-books replacing paper?\n\n"
            "ACHEBE: No. People read more when they can choose how.\n"
        ),
        title="Interview with the state librarian",
    )
    response, page = open_form(reporter, source, "How many libraries are run by one person.")
    assert response.context["form"].initial["new_speaker_name"] == "Rosalind Achebe"
    assert "“ACHEBE:”" in page and "Sure" in page and "Who said this?" not in page


def test_a_quote_continuing_a_guess_is_a_guess(reporter):
    source = make_source(
        text=(
            "Mayor Dana Whitlock defended the bridge.\n\n"
            "“We have closed the bridge,” a spokeswoman for the agency said.\n\n"
            "“It stays closed.”\n"
        ),
        title="Bridge closed",
    )
    page = source_page(reporter, source)
    assert "Guess" in row(page, "It stays closed.")
    response, form_page = open_form(reporter, source, "It stays closed.")
    initial = response.context["form"].initial
    assert initial["new_speaker_name"] == "" and initial["new_speaker_role"] == ""
    assert "Who said this? Our guess: Dana Whitlock, because it continues" in form_page
