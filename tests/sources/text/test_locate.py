"""Locating a quotation in a text (in one piece or printed in parts around an attribution),
re-anchoring it in a corrected snapshot, and comparing a claim's words with a quote."""

import random

import pytest

from sources.text import same_wording
from sources.text.locate import Location, Part, locate_quote, reanchor
from sources.text.normalize import normalize
from tests.sources.text.timing import finishes

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
    assert set(d) == {"state", "score", "start", "end", "exact", "prefix", "suffix", "parts"}
    assert d["state"] == "verbatim"
    whole = {k: d[k] for k in ("start", "end", "exact", "prefix", "suffix")}
    assert list(d["parts"]) == [whole]  # one part, the whole anchor
    assert Location("not_found").as_dict()["start"] is None
    assert Location("not_found").parts == ()


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
    with finishes(3.0):
        results = [locate_quote(q, text) for q in quotes]
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


# --- quotes printed in parts around an attribution ---------------------------------------

SPLIT = (
    "The board met on Monday.\n\n"
    "“The plant is sound,” the director said, “and it always has been.” "
    "Nobody else spoke."
)
WORDS = "The plant is sound, and it always has been."


def test_split_quote_is_verbatim_across_the_attribution():
    loc = locate_quote(WORDS, SPLIT)
    assert (loc.state, loc.score) == ("verbatim", 100)
    assert loc.is_split
    assert [p.exact for p in loc.parts] == ["The plant is sound,", "and it always has been."]
    for part in loc.parts:
        assert SPLIT[part.start : part.end] == part.exact
        assert part.prefix == SPLIT[max(0, part.start - 32) : part.start]
        assert part.suffix == SPLIT[part.end : part.end + 32]
    # the whole anchor runs from the first part to the last, attribution included
    assert (loc.start, loc.end) == (loc.parts[0].start, loc.parts[-1].end)
    assert loc.exact == "The plant is sound,” the director said, “and it always has been."
    assert loc.prefix == SPLIT[max(0, loc.start - 32) : loc.start]
    d = loc.as_dict()
    assert [p["exact"] for p in d["parts"]] == [p.exact for p in loc.parts]


@pytest.mark.parametrize(
    "quote",
    [
        "The plant is sound and it always has been",  # no comma where the print breaks
        "“The plant is sound, and it always has been.”",  # the claim's own marks
        "The plant is sound. And it always has been.",  # full stop: punctuation only
    ],
)
def test_split_quote_punctuation_at_the_break_is_tolerated(quote):
    loc = locate_quote(quote, SPLIT)
    assert loc.state in ("verbatim", "normalized"), quote
    assert len(loc.parts) == 2


def test_one_piece_quote_has_one_part_equal_to_the_anchor():
    loc = locate_quote("Someone is responsible for what happened", TEXT)
    assert not loc.is_split
    assert loc.parts == (Part(loc.start, loc.end, loc.exact, loc.prefix, loc.suffix),)
    fuzzy = locate_quote("Someone is responsible for what occurred, but I know", TEXT)
    assert fuzzy.state == "fuzzy"
    assert len(fuzzy.parts) == 1 and fuzzy.parts[0].exact == fuzzy.exact


def test_split_quote_after_normalisation():
    text = "“It’s sound,” said Jane Doe, the plant’s director. “It always has been — and will be.”"
    loc = locate_quote("It's sound, it always has been - and will be.", text)
    assert loc.state == "normalized"
    assert [p.exact for p in loc.parts] == ["It’s sound,", "It always has been — and will be."]
    # straight marks around the attribution, British single marks, guillemets
    for printed in (
        '"The plant is sound," the director said, "and it always has been."',
        "‘The plant is sound’, the director said, ‘and it always has been.’",
        "« The plant is sound », a dit le directeur, « and it always has been. »",
    ):
        loc = locate_quote(WORDS, printed)
        if "a dit" in printed:
            assert loc.state == "not_found"  # no English speech verb: not an attribution
            continue
        assert loc.state == "verbatim", printed
        assert len(loc.parts) == 2


def test_a_new_sentence_in_print_is_normalized_not_verbatim():
    printed = "“The plant is sound,” the director said. “And it always has been.”"
    loc = locate_quote(WORDS, printed)
    assert loc.state == "normalized"
    assert loc.parts[1].exact == "And it always has been."


def test_a_new_sentence_ending_the_quote_is_still_its_speakers():
    for printed in (
        "“It is sound,” he said. “It always has been.” The mayor said nothing.",
        "“It is sound,” he said. “It always has been.”",
        "“It is sound,” he said, “it always has been,” he added.",
    ):
        loc = locate_quote("It is sound, it always has been.", printed)
        assert loc.state in ("verbatim", "normalized"), printed
        assert len(loc.parts) == 2


def test_three_parts():
    printed = "“We checked,” she said, “we checked again,” she added, “and it is sound.”"
    loc = locate_quote("We checked, we checked again, and it is sound.", printed)
    assert loc.state == "verbatim"
    assert [p.exact for p in loc.parts] == ["We checked,", "we checked again,", "and it is sound."]


@pytest.mark.parametrize(
    "quote",
    [
        "The plant is sound, and it never has been.",  # the second half tampered
        "The plant is unsound, and it always has been.",  # the first half tampered
        "The plant is sound, and it always has been, and it always will be.",  # added words
        "The plant is sound, it always has been.",  # a word left out
        "The plant is sound, the director said, and it always has been.",
    ],
)
def test_a_tampered_split_quote_is_never_verified(quote):
    loc = locate_quote(quote, SPLIT)
    assert loc.state in ("fuzzy", "not_found"), quote
    assert loc.score < 100


def test_a_reversal_through_an_ellipsis_or_bracket_is_never_verified():
    printed = "“I did not,” he said, “pull the trigger. Never.”"
    for quote in (
        "I did... pull the trigger",
        "I did … pull the trigger.",
        "I did [...] pull the trigger",
        "I [did] pull the trigger",
        "I did pull the trigger",
    ):
        loc = locate_quote(quote, printed)
        assert loc.state not in ("verbatim", "normalized"), quote
        assert loc.score < 100
    for quote in ("The plant is sound... it never has been", "The plant is [not] sound"):
        assert locate_quote(quote, SPLIT).state not in ("verbatim", "normalized"), quote


@pytest.mark.parametrize(
    "printed",
    [
        # someone else speaks in the second part
        "“It is sound,” he said, but the inspector disagreed: “it always has been.”",
        "“It is sound,” he said. Later the mayor said: “it always has been.”",
        "“It is sound,” he said, and the mayor added, “it always has been.”",
        "“It is sound,” he said. “It always has been,” the mayor replied.",
        "“It is sound,” he said. “It always has been?” the mayor asked.",
        "“It is sound,” he said. “It always has been,” she said, “yes.”",
        # no speech verb, too long, quoted words, mismatched marks, no marks at all
        "“It is sound,” the report on the plant, “it always has been.”",
        "“It is sound,” he said after a long and winding tour of every single building on "
        "the site with a hard hat on, “it always has been.”",
        "“It is sound,” he said of the “old” plant, “it always has been.”",
        "“It is sound,” he said, ‘it always has been.’",
        "It is sound, he said, it always has been.",
    ],
)
def test_what_is_not_an_interruption(printed):
    loc = locate_quote("It is sound, it always has been.", printed)
    assert loc.state not in ("verbatim", "normalized"), printed


def test_split_quote_nearest_the_hint():
    filler = "Nothing happened for a while. " * 20
    text = SPLIT + filler + SPLIT + filler + SPLIT
    firsts = [i for i in range(len(text)) if text.startswith("The plant is sound", i)]
    assert locate_quote(WORDS, text).start == firsts[0]
    assert locate_quote(WORDS, text, hint=firsts[1] + 3).start == firsts[1]
    assert locate_quote(WORDS, text, hint=len(text)).start == firsts[2]
    straight = text.replace("’", "'") + " it’s"  # normalised search in windows
    loc = locate_quote(WORDS.replace(" is ", "  is "), straight, hint=len(straight))
    assert loc.state == "normalized"
    assert loc.start == straight.rindex("The plant is sound")


def test_split_quote_in_a_text_whose_words_change_when_normalised():
    text = "A note.\n\n“The ﬁre was small,” the chief said, “and nobody was hurt.”"
    loc = locate_quote("The fire was small, and nobody was hurt.", text)
    assert loc.state == "normalized"
    assert [p.exact for p in loc.parts] == ["The ﬁre was small,", "and nobody was hurt."]


def test_split_search_is_bounded_on_hostile_text():
    many = "“word,” he said, " * 60_000  # an interruption after every word
    quote = "word, " * 40 + "end"
    with finishes(3.0):
        loc = locate_quote(quote, many)
        assert loc.state in ("fuzzy", "not_found")
        assert locate_quote("word, word, word", many).state == "verbatim"  # at most 4 parts


def test_reanchor_a_split_quote_after_an_edit():
    loc = locate_quote(WORDS, SPLIT)
    new = "Correction appended: the date was wrong.\n\n" + SPLIT.replace("Nobody", "Then nobody")
    again = reanchor(
        exact=loc.exact,
        prefix=loc.prefix,
        suffix=loc.suffix,
        start=loc.start,
        new_text=new,
        parts=[p.as_dict() for p in loc.parts],  # as stored in the database
    )
    assert again.state == "verbatim"
    shift = new.index("The plant") - SPLIT.index("The plant")
    assert [(p.start, p.end) for p in again.parts] == [
        (p.start + shift, p.end + shift) for p in loc.parts
    ]
    assert [p.exact for p in again.parts] == [p.exact for p in loc.parts]


def test_reanchor_a_split_quote_typography_changed():
    loc = locate_quote(WORDS, SPLIT)
    straight = SPLIT.replace("“", '"').replace("”", '"').replace("has been", "has  been")
    again = reanchor(
        exact=loc.exact,
        prefix=loc.prefix,
        suffix=loc.suffix,
        start=loc.start,
        new_text=straight,
        parts=loc.parts,
    )
    assert again.state == "normalized"
    assert len(again.parts) == 2


@pytest.mark.parametrize(
    "change",
    [
        ("always", "never"),  # a part's words changed
        ("the director said", "the director said, but the inspector disagreed"),
        ("“and it always has been.”", ""),  # a part gone
        ("said, “and it always has been.”", "said. “And it always has been,” he was told."),
    ],
)
def test_reanchor_a_split_quote_whose_part_changed_is_not_verified(change):
    loc = locate_quote(WORDS, SPLIT)
    new = SPLIT.replace(*change)
    again = reanchor(
        exact=loc.exact,
        prefix=loc.prefix,
        suffix=loc.suffix,
        start=loc.start,
        new_text=new,
        parts=loc.parts,
    )
    assert again.state in ("fuzzy", "not_found"), change


def test_reanchor_a_split_quote_whose_second_sentence_gained_another_speaker():
    printed = "“The plant is sound,” the director said. “And it always has been.” End."
    loc = locate_quote(WORDS, printed)
    assert loc.state == "normalized" and len(loc.parts) == 2
    new = printed.replace("been.” End.", "been,” the mayor replied.")
    again = reanchor(
        exact=loc.exact,
        prefix=loc.prefix,
        suffix=loc.suffix,
        start=loc.start,
        new_text=new,
        parts=loc.parts,
    )
    assert again.state in ("fuzzy", "not_found")


def test_reanchor_a_split_quote_printed_in_one_piece_now():
    loc = locate_quote(WORDS, SPLIT)
    new = SPLIT.replace(
        "“The plant is sound,” the director said, “and it always has been.”",
        "The director said: “The plant is sound, and it always has been.”",
    )
    again = reanchor(
        exact=loc.exact,
        prefix=loc.prefix,
        suffix=loc.suffix,
        start=loc.start,
        new_text=new,
        parts=loc.parts,
    )
    assert again.state == "verbatim"
    assert again.exact == WORDS and len(again.parts) == 1


# --- the claim's own words ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("claim", "quote"),
    [
        (WORDS, WORDS),
        ("It’s not me.", "it's  not me"),  # typography, spaces, first letter, full stop
        ("“It’s not me”", "It's not me,"),
        ("'Cold' gun", "“'Cold' gun”"),
        (WORDS, "“The plant is sound,” the director said, “and it always has been.”"),
        (WORDS, ["The plant is sound,", "and it always has been."]),  # the parts
        (WORDS, '"The plant is sound," the director said. "And it always has been."'),
    ],
)
def test_same_wording(claim, quote):
    assert same_wording(claim, quote)


@pytest.mark.parametrize(
    ("claim", "quote"),
    [
        ("It is not me.", "It is me."),
        ("I did not pull the trigger", "I did... pull the trigger"),
        ("I did pull the trigger", "I did not pull the trigger"),
        ("I [did] pull the trigger", "I did not pull the trigger"),
        ("The plant is sound, and it never has been.", SPLIT),
        ("The plant is sound, and it always has been.", SPLIT),  # text around the quote
        ("The plant is sound", "“The plant is sound,” the director said, “and it always was.”"),
        ("Is it sound?", "Is it sound!"),
        ("", "anything"),
        ("“”", "“”"),
    ],
)
def test_not_same_wording(claim, quote):
    assert not same_wording(claim, quote)
