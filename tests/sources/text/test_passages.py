"""Who said a span a curator selected (sources/text/passages.py), read from the text alone: no
database, the speakers on record passed in."""

from sources.text.extract import extract_quotes
from sources.text.passages import attribute_span, covering, labelled_line
from sources.text.speakers import KnownSpeaker

MINUTES = """Minutes of the water board, 4 March

Board chair Mark Roe opened the meeting.

BOARD CHAIR MARK ROE: The plant has never failed a test.
ROE: We will publish every result.
UNIDENTIFIED MALE: Nobody believes that.
"""


def at(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


def test_a_labelled_line_names_the_person_without_their_titles():
    start, _ = at(MINUTES, "The plant has never failed")
    found = labelled_line(MINUTES, start, [])
    assert (found.speaker, found.speaker_role, found.attribution) == (
        "Mark Roe",
        "board chair",
        "turn",
    )
    assert found.cue == "BOARD CHAIR MARK ROE:"


def test_a_surname_label_is_the_person_the_text_names_in_full_and_on_record():
    start, _ = at(MINUTES, "We will publish")
    on_record = [KnownSpeaker(id="7", name="Mark Roe")]
    found = labelled_line(MINUTES, start, on_record)
    assert (found.speaker, found.speaker_id) == ("Mark Roe", "7")


def test_an_unnamed_voice_and_a_line_with_no_label_name_no_one():
    assert labelled_line(MINUTES, MINUTES.index("Nobody believes"), []) is None
    assert labelled_line(MINUTES, MINUTES.index("opened the meeting"), []) is None


def test_an_unquoted_span_is_read_as_if_it_were_quoted():
    text = "The council met on Monday. The budget is balanced, Mayor Dana Whitlock said.\n"
    start, end = at(text, "The budget is balanced")
    assert attribute_span(text, start, end, []).speaker == "Dana Whitlock"


def test_the_offered_quote_sharing_most_of_a_span_covers_it():
    text = 'Roe said: "We will publish every result." Lee said: "We will check them all."\n'
    found = extract_quotes(text)
    publish, check = (text.index(words) for words in ("We will publish", "We will check"))
    assert covering(found, publish + 8, check + 4).quote.startswith("We will publish")
    assert covering(found, publish + 30, check + 12).quote.startswith("We will check")
    assert covering(found, 0, 3) is None
