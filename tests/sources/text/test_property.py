"""Properties of the text algorithms on any text: any unicode (lone surrogates, combining
marks, ligatures, every kind of quote mark), never an error, every offset inside the text."""

from hypothesis import given
from hypothesis import strategies as st

from sources.text.extract import MAX_QUOTE_CHARS, extract_quotes
from sources.text.locate import FUZZY, NORMALIZED, VERBATIM, locate_quote, reanchor
from sources.text.normalize import normalize
from sources.text.speakers import KnownSpeaker, find_name_mentions, guess_mentions
from sources.text.variants import word_diff
from tests.property import ANY_CHARACTER, budget

SPEAKERS = [
    KnownSpeaker("jane-doe", "Jane Doe", ["Jane", "Doe"]),
    KnownSpeaker("tom-ford", "Tom Ford", ["Ford"]),
]
# Pieces an article is made of, so that quotes, names and cues occur, mixed with anything.
PIECES = [
    "“",
    "”",
    "‘",
    "’",
    '"',
    "'",
    "«",
    "»",
    "„",
    "‚",
    " — ",
    "…",
    ", he said",
    " said Jane Doe",
    "Tom Ford said: ",
    "Q: ",
    "FORD: ",
    "\n\n",
    "\n",
    ". ",
    " ",
    "Hutchins",
    "gun",
    "ﬁ",
    "\u0301",
    "\u00a0",
    "\u200b",
    "I never",
    "pulled",
    "the trigger",
]
articles = st.lists(st.sampled_from(PIECES) | st.text(ANY_CHARACTER, max_size=8), max_size=40).map(
    "".join
)


@budget(150)
@given(text=articles)
def test_extract_quotes(text):
    for candidate in extract_quotes(text, speakers=SPEAKERS):
        assert 0 <= candidate.start < candidate.end <= len(text)
        assert text[candidate.start : candidate.end] == candidate.quote
        assert candidate.end - candidate.start <= MAX_QUOTE_CHARS
        assert candidate.kind in ("statement", "fragment")


@budget(150)
@given(text=articles, data=st.data())
def test_normalize_maps_back_inside_the_text(text, data):
    normalized = normalize(text)
    size = len(normalized.text)
    start = data.draw(st.integers(0, size))
    end = data.draw(st.integers(start, size))
    original = normalized.span_to_original(start, end)
    assert 0 <= original[0] <= original[1] <= len(text)


@budget(150)
@given(text=articles, data=st.data())
def test_locate_and_reanchor(text, data):
    if text and data.draw(st.booleans()):
        start = data.draw(st.integers(0, len(text) - 1))
        quote = text[start : data.draw(st.integers(start + 1, len(text)))]  # words in the text
    else:
        quote = data.draw(articles)
    location = locate_quote(quote, text, hint=data.draw(st.none() | st.integers(-5, 500)))
    if location.found:
        assert location.state in (VERBATIM, NORMALIZED, FUZZY)
        assert 0 <= location.start <= location.end <= len(text)
        assert location.exact == text[location.start : location.end]
        edited = data.draw(articles) + text + data.draw(articles)
        again = reanchor(
            exact=location.exact,
            prefix=location.prefix,
            suffix=location.suffix,
            start=location.start,
            new_text=edited,
            parts=[part.as_dict() for part in location.parts],
        )
        if again.found:
            assert 0 <= again.start <= again.end <= len(edited)


@budget(150)
@given(a=articles, b=articles)
def test_word_diff_spans_are_inside_both_quotes(a, b):
    for op in word_diff(a, b):
        assert op.op in ("equal", "insert", "delete", "replace")
        assert 0 <= op.a_start <= op.a_end <= len(a)
        assert 0 <= op.b_start <= op.b_end <= len(b)


@budget(150)
@given(text=articles)
def test_name_mentions_are_inside_the_text(text):
    for mention in [*find_name_mentions(text, SPEAKERS), *guess_mentions(text)]:
        assert 0 <= mention.start < mention.end <= len(text)
        assert text[mention.start : mention.end] == mention.text
