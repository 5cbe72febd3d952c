"""Locating a quotation in a text, and re-anchoring it in a corrected snapshot."""

import random
import time

import pytest

from sources.text.locate import Location, locate_quote, reanchor
from sources.text.normalize import normalize
from tests.text.timing import budget

TEXT = (
    "The mayor spoke to reporters on Tuesday.\n\n"
    "“We had no warning at all,” she said. “Someone is responsible for what happened, "
    "but I know it’s not me.”\n\n"
    "Asked about the budget — a sore point — she added: “I don’t say that lightly… "
    "I never heard one word about it.”\n\n"
    "An inspection report found that the bridge was in working order at the time."
)


def test_verbatim():
    q = "Someone is responsible for what happened"
    loc = locate_quote(q, TEXT)
    assert loc.state == "verbatim"
    assert loc.score == 100
    assert TEXT[loc.start : loc.end] == q == loc.exact
    assert loc.prefix == TEXT[loc.start - 32 : loc.start]
    assert loc.suffix == TEXT[loc.end : loc.end + 32]


def test_context_length_and_edges():
    loc = locate_quote("The mayor spoke", TEXT, context=10)
    assert loc.start == 0
    assert loc.prefix == ""
    assert loc.suffix == TEXT[loc.end : loc.end + 10]


def test_as_dict():
    d = locate_quote("We had no warning", TEXT).as_dict()
    assert set(d) == {"state", "score", "start", "end", "exact", "prefix", "suffix"}
    assert d["state"] == "verbatim"
    assert Location("not_found").as_dict()["start"] is None


def test_normalized_curly_against_straight():
    loc = locate_quote("but I know it's not me.", TEXT)
    assert loc.state == "normalized"
    assert loc.score == 100
    assert loc.exact == "but I know it’s not me."


def test_normalized_dashes_ellipsis_and_spaces():
    loc = locate_quote("I don't  say that lightly... I never heard one word about it.\"", TEXT)
    assert loc.state == "normalized"
    assert loc.exact == "I don’t say that lightly… I never heard one word about it."
    loc = locate_quote("the budget-a sore point-she added", TEXT)
    assert loc.state == "normalized"
    assert loc.exact == "the budget — a sore point — she added"


def test_fuzzy_with_a_score():
    loc = locate_quote("Someone is responsible for what occurred, but I know", TEXT)
    assert loc.state == "fuzzy"
    assert 80 <= loc.score < 100
    assert "Someone is responsible" in loc.exact


def test_not_found():
    loc = locate_quote("The weather was lovely and everyone went swimming", TEXT)
    assert loc.state == "not_found"
    assert loc.start is None and loc.exact is None


@pytest.mark.parametrize("text", [None, "", "   \n  "])
def test_no_text(text):
    assert locate_quote("anything", text).state == "no_text"


@pytest.mark.parametrize("quote", ["", "   ", "“”"])
def test_empty_quote_is_not_found(quote):
    assert locate_quote(quote, TEXT).state == "not_found"


SENTENCES = [
    "Someone is responsible for what happened, but I know it’s not me.",
    "I don’t say that lightly… I never heard one word about it.",
    "An inspection report found that the bridge was in working order at the time.",
]


def drop_last_letter(word: str) -> str:
    k = max(i for i, c in enumerate(word) if c.isalpha())
    return word[:k] + word[k + 1 :]


@pytest.mark.parametrize("sentence", SENTENCES)
def test_one_word_changed_is_never_verbatim_nor_normalized(sentence):
    words = sentence.split(" ")
    for k in range(len(words)):
        for replacement in ("elephant", words[k].upper(), drop_last_letter(words[k])):
            changed = words.copy()
            if not replacement or changed[k] == replacement:
                continue
            changed[k] = replacement
            quote = " ".join(changed)
            loc = locate_quote(quote, TEXT)
            assert loc.state in ("fuzzy", "not_found"), (quote, loc)
            assert loc.score < 100


def test_a_cut_word_is_not_a_match():
    text = "It was in working order at the time."
    assert locate_quote("in working order at the tim", text).state in ("fuzzy", "not_found")
    assert locate_quote("t was in working order", text).state in ("fuzzy", "not_found")
    assert locate_quote("in working order at the time", text).state == "verbatim"


def test_trailing_comma_or_full_stop_of_the_quote_is_tolerated():
    text = "“Someone is responsible,” he said, “but not me.”"
    loc = locate_quote("Someone is responsible.", text)
    assert loc.state == "verbatim"
    assert loc.exact == "Someone is responsible"
    loc = locate_quote("Someone is responsible;", text)
    assert loc.state == "verbatim"
    loc = locate_quote("“Someone is responsible,”", text)
    assert loc.state == "verbatim"
    assert loc.exact == "Someone is responsible,"
    # the same after normalisation
    loc = locate_quote("but not me,", "He said: “but not me.”")
    assert loc.state == "verbatim"
    loc = locate_quote("it's not me.", "“it’s not me,” he said")
    assert loc.state == "normalized"
    assert loc.exact == "it’s not me"


def test_ellipsis_stands_for_omitted_words():
    text = "He said: I feel that someone is responsible ... but I know it's not me, then left."
    loc = locate_quote("I feel that... it's not me", text)
    # found, but words were left out: a close match for an editor, never verified
    assert loc.state == "fuzzy"
    assert 80 <= loc.score < 100
    assert loc.exact == "I feel that someone is responsible ... but I know it's not me"
    loc = locate_quote("I feel that… it’s not me.", text)
    assert loc.state == "fuzzy"
    assert loc.exact.startswith("I feel that") and loc.exact.endswith("not me")


def test_ellipsis_pieces_must_be_near_each_other():
    text = "I feel that " + "filler words go here. " * 40 + "but it's not me."
    assert locate_quote("I feel that... it's not me", text).state != "normalized"


def test_ellipsis_with_a_changed_word_is_not_normalized():
    text = "I feel that someone is responsible ... but I know it's not me."
    loc = locate_quote("I feel that... it's not us", text)
    assert loc.state in ("fuzzy", "not_found")
    assert loc.score < 100


def test_bracketed_insertion_is_a_bounded_wildcard():
    text = "The report found that it was in working order at the time of the shooting."
    loc = locate_quote("[The gun] was in working order", text)
    assert (loc.state, loc.exact) == ("fuzzy", "it was in working order")
    loc = locate_quote("The report found that [the revolver] was in working order", text)
    assert (loc.state, loc.exact) == ("fuzzy", "The report found that it was in working order")
    loc = locate_quote("it was in working order at the time of [the incident]", text)
    assert loc.state == "fuzzy"
    assert loc.exact == "it was in working order at the time of the shooting"
    loc = locate_quote("[...] at the time of the shooting.", text)
    assert loc.state == "fuzzy"


def test_a_bracket_that_reverses_the_quote_is_never_verified():
    text = "He told the court: I did not pull the trigger, and I never would."
    for quote in (
        "I [did] pull the trigger",
        "I did pull the trigger",
        "I did... pull the trigger",
    ):
        loc = locate_quote(quote, text)
        assert loc.state not in ("verbatim", "normalized"), quote
        assert loc.score < 100


def test_bracket_does_not_hide_a_changed_word_elsewhere():
    text = "The report found that it was in working order at the time."
    loc = locate_quote("[The gun] was in broken order", text)
    assert loc.state in ("fuzzy", "not_found")


def test_hint_prefers_the_nearest_occurrence():
    text = "No comment. " + "x " * 200 + "No comment. " + "y " * 200 + "No comment."
    positions = [i for i in range(len(text)) if text.startswith("No comment", i)]
    assert len(positions) == 3
    assert locate_quote("No comment", text).start == positions[0]
    assert locate_quote("No comment", text, hint=positions[1] + 5).start == positions[1]
    assert locate_quote("No comment", text, hint=len(text)).start == positions[2]
    curly = text.replace("No comment", "No “comment”")
    loc = locate_quote('No "comment"', curly, hint=len(curly))
    assert loc.state == "normalized"
    assert loc.start == curly.rindex("No “comment”")


def test_fuzzy_is_fast_enough_on_long_texts():
    rng = random.Random(7)
    words = [f"w{rng.randrange(5000)}" for _ in range(4000)]
    text = " ".join(words)[:20_000]
    quotes = []
    for _ in range(100):
        s = text.index(" ", rng.randrange(0, 19_000)) + 1
        q = text[s : s + 120].split(" ")
        q[3] = "changed"
        quotes.append(" ".join(q))
    limit = budget(3.0)
    t0 = time.perf_counter()
    results = [locate_quote(q, text) for q in quotes]
    assert time.perf_counter() - t0 < limit
    assert all(r.state in ("fuzzy", "not_found") for r in results)


# --- re-anchoring ------------------------------------------------------------------------


def anchor(quote: str, text: str) -> Location:
    loc = locate_quote(quote, text)
    assert loc.state == "verbatim"
    return loc


def test_reanchor_after_an_edit_before_the_quote():
    old = TEXT
    loc = anchor("I never heard one word about it.", old)
    new = "Correction appended on Friday: the date was wrong.\n\n" + old
    again = reanchor(
        exact=loc.exact, prefix=loc.prefix, suffix=loc.suffix, start=loc.start, new_text=new
    )
    assert again.state == "verbatim"
    shift = len(new) - len(old)
    assert (again.start, again.end) == (loc.start + shift, loc.end + shift)
    assert again.exact == loc.exact


def test_reanchor_chooses_by_prefix_and_suffix():
    old = "Alice said “no comment” to us. Bob said “no comment” to them."
    loc = locate_quote("no comment", old, hint=old.index("Bob"))
    assert loc.start > old.index("Bob")
    # a new paragraph with the words again is inserted before both
    new = "Carol also said “no comment” today.\n\n" + old
    again = reanchor(
        exact=loc.exact, prefix=loc.prefix, suffix=loc.suffix, start=loc.start, new_text=new
    )
    assert again.state == "verbatim"
    assert new[again.start - 10 : again.start] == "Bob said “"


def test_reanchor_when_the_quote_words_changed():
    loc = anchor("Someone is responsible for what happened", TEXT)
    changed = TEXT.replace("for what happened", "for what occurred")
    again = reanchor(
        exact=loc.exact, prefix=loc.prefix, suffix=loc.suffix, start=loc.start, new_text=changed
    )
    assert again.state in ("fuzzy", "not_found")
    assert again.score < 100


def test_reanchor_words_gone():
    loc = anchor("Someone is responsible for what happened", TEXT)
    gone = TEXT.replace("“Someone is responsible for what happened, but I know it’s not me.”", "")
    again = reanchor(
        exact=loc.exact, prefix=loc.prefix, suffix=loc.suffix, start=loc.start, new_text=gone
    )
    assert again.state == "not_found"


def test_reanchor_typographic_change_is_normalized():
    loc = anchor("it’s not me", TEXT)
    straight = TEXT.replace("’", "'")
    again = reanchor(
        exact=loc.exact, prefix=loc.prefix, suffix=loc.suffix, start=loc.start, new_text=straight
    )
    assert again.state == "normalized"
    assert again.exact == "it's not me"


def test_reanchor_without_text():
    assert reanchor(exact="x", prefix="", suffix="", start=0, new_text="").state == "no_text"
    assert reanchor(exact="", prefix="", suffix="", start=0, new_text="abc").state == "not_found"


def test_search_in_windows_agrees_with_the_whole_normalised_text():
    rng = random.Random(11)
    vocab = ["gun", "set", "crew", "safety", "the", "it’s", "“cold”", "—", "…", "don’t", "a"]
    text = " ".join(rng.choice(vocab) for _ in range(3000))
    for _ in range(200):
        words = text.split(" ")
        k = rng.randrange(len(words) - 12)
        original = " ".join(words[k : k + rng.randint(3, 12)])
        straight = original.replace("’", "'").replace("“", '"').replace("”", '"')
        straight = straight.replace(" — ", "-").replace("…", "...")
        loc = locate_quote(straight, text, hint=len(" ".join(words[:k])))
        assert loc.state in ("verbatim", "normalized")
        assert normalize(loc.exact).text.strip() == normalize(straight).text.strip()


def test_words_changed_by_normalisation_are_still_found():
    # a ligature and a decomposed accent: words differ until normalised
    text = "The gun was ﬁred at the cafe\u0301 — nobody knew why."
    loc = locate_quote("The gun was fired at the café - nobody", text)
    assert loc.state == "normalized"
    assert loc.exact == "The gun was ﬁred at the cafe\u0301 — nobody"


def test_a_very_common_anchor_word_is_still_searched():
    text = "“word” " * 500 + "the end of the “story”, it said"
    loc = locate_quote('the end of the "story"', text)
    assert loc.state == "normalized"
    assert loc.exact == "the end of the “story”"
