"""Hostile input: everything finishes in bounded time, without errors."""

import random
import sys

import pytest

from sources.text.extract import MAX_CANDIDATES, MAX_QUOTE_CHARS, extract_quotes
from sources.text.locate import locate_quote, reanchor
from sources.text.normalize import normalize
from sources.text.speakers import KnownSpeaker, find_name_mentions
from sources.text.variants import word_diff
from tests.sources.text.timing import finishes

SPEAKERS = [
    KnownSpeaker("jane-doe", "Jane Doe", ["Jane", "Doe"]),
    KnownSpeaker("tom-ford", "Tom Ford", ["Ford"]),
]

PARAGRAPH = (
    "Tom Ford said: “I let go of the hammer. Bang! The gun goes off. I’d pulled it back…\n\n"
    "“The gun was supposed to be empty,” he said. “Nothing with a charge at all.”\n\n"
    "Jane Doe insisted she “didn’t know” about the '90s film 'Rust' — nor ‘30 Rock’. "
    '«Non», a-t-il dit. „Nein“, sagte er. "Yes," said Haylna Hutchins.\n\n'
)
FIVE_MB = 5_000_000


def check(text: str, seconds: float, speakers=SPEAKERS) -> list:
    with finishes(seconds):
        found = extract_quotes(text, speakers=speakers)
    for c in found:
        assert 0 <= c.start < c.end <= len(text)
        assert c.end - c.start <= MAX_QUOTE_CHARS
        assert text[c.start : c.end] == c.quote
        assert c.kind in ("statement", "fragment")
    return found


@pytest.mark.parametrize("text", ["", " ", "\n\n\n", "\u00a0\t", '"', "“", "'", "«»", "“”"])
def test_empty_and_tiny(text):
    assert check(text, 1.0) == []
    assert locate_quote("x", text).state in ("no_text", "not_found")
    normalize(text)


def test_five_megabytes_of_article_text():
    text = (PARAGRAPH * (FIVE_MB // len(PARAGRAPH) + 1))[:FIVE_MB]
    found = check(text, 5.0)
    assert MAX_CANDIDATES // 2 <= len(found) <= MAX_CANDIDATES  # cut off: pathological


def test_five_megabytes_without_known_speakers():
    text = (PARAGRAPH * (FIVE_MB // len(PARAGRAPH) + 1))[:FIVE_MB]
    check(text, 5.0, speakers=())


def test_five_megabytes_in_one_paragraph_with_one_opening_mark():
    words = "lorem ipsum dolor sit amet Consectetur adipiscing elit "
    text = "He said: “" + words * (FIVE_MB // len(words))
    found = check(text, 5.0)
    assert found == []  # longer than any quotation can be


def test_unbalanced_marks():
    check("“word " * 200_000, 5.0)
    check("word” " * 200_000, 5.0)
    check("He said: “Yes.\n\n" * 100_000, 5.0)
    check("'tis the '90s, rock 'n' roll's " * 50_000, 5.0)


def repeat_random(alphabet: str, size: int, seed: int) -> str:
    """``size`` characters: a random pattern of 10,000 drawn from ``alphabet``, repeated."""
    rng = random.Random(seed)
    pattern = "".join(rng.choice(alphabet) for _ in range(10_000))
    return (pattern * (size // len(pattern) + 1))[:size]


@pytest.mark.parametrize("marks", ['"', "“”‘’'", "\"'“”‘’«»‹›„‚‛‟"])
def test_text_made_only_of_quote_marks(marks):
    assert check(repeat_random(marks, 1_000_000, len(marks)), 5.0) == []


@pytest.mark.parametrize("mark", ['"', "“", "'", "’", "«"])
def test_a_quote_mark_on_every_character(mark):
    letters = repeat_random("abc deF GhI. jk,\n", 1_000_000, 1)
    text = mark.join(letters) + mark
    check(text, 5.0)


def test_random_unicode_garbage():
    alphabet = "aZ09 .,;:!?\n\t\u00a0\u200b\u0301\u0308“”‘’\"'«»—–-…ﬁＦ日本Ωж\U0001f600\\[](){}@#"
    text = repeat_random(alphabet, 1_000_000, 2)
    check(text, 5.0)
    with finishes(5.0):
        n = normalize(text)
        assert len(n.text) <= len(text) * 3
        locate_quote(text[5000:5100], text)


def test_normalize_and_locate_in_five_megabytes():
    text = (PARAGRAPH * (FIVE_MB // len(PARAGRAPH) + 1))[:FIVE_MB]
    with finishes(10.0):
        n = normalize(text)
        assert n.span_to_original(len(n.text) - 1, len(n.text))[1] == len(text)
        assert locate_quote("Nothing with a charge at all.", text).state == "verbatim"
        assert locate_quote("I'd pulled it back...", text, hint=FIVE_MB // 2).state == "normalized"
        assert locate_quote("Nothing with a charge at every", text).state in ("fuzzy", "not_found")
        reanchor(exact="Nothing with a charge", prefix="", suffix="", start=10, new_text=text)


def test_huge_quote_against_small_text():
    loc = locate_quote("word " * 100_000, "a short text with a word in it")
    assert loc.state in ("fuzzy", "not_found")


def test_name_mentions_in_five_megabytes():
    text = (PARAGRAPH * (FIVE_MB // len(PARAGRAPH) + 1))[:FIVE_MB]
    with finishes(5.0):
        assert len(find_name_mentions(text, SPEAKERS)) > 20_000


def test_name_mentions_in_a_megabyte_of_capitalised_words():
    words = ["Tom", "Ford", "Jane", "Doe", "Haylna", "Hutchins", "The", "Report", "x", "y"]
    rng = random.Random(3)
    text = " ".join(rng.choice(words) for _ in range(200_000))[:1_000_000]
    with finishes(5.0):
        find_name_mentions(text, SPEAKERS)


def test_word_diff_of_long_quotes_is_bounded():
    rng = random.Random(4)
    vocab = [f"w{i}" for i in range(300)]
    a = " ".join(rng.choice(vocab) for _ in range(3000))
    b = " ".join(rng.choice(vocab) for _ in range(3000))
    with finishes(5.0):
        word_diff(a, b)


def _word(rng: random.Random) -> str:
    return "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(3))


def test_a_megabyte_of_distinct_people_with_roles():
    """Every name new, every appositive a new role: the role lookups stay linear."""
    rng = random.Random(9)
    parts = []
    while sum(len(p) for p in parts) < 1_000_000:
        first, last, role = _word(rng).title(), _word(rng).title(), _word(rng) + "er"
        parts.append(
            f"{first} {last}, the city's {role}, spoke. “It is fine,” the {role} said. "
            f"“Yes,” she said.\n\n"
        )
    found = check("".join(parts), 5.0, speakers=())
    assert found and found[0].speaker is not None


def _hard_wrapped(size: int) -> str:
    line = "The council met on Monday and Jane Doe said the budget was fine, she said\n"
    block = line * 6 + '"We will see about that," said Tom Ford, the mayor of the town.\n\n'
    return (block * (size // len(block) + 1))[:size]


def _calls(function, *args, **kwargs) -> int:
    """How many Python and C functions ``function(*args, **kwargs)`` calls: a count of work
    that does not depend on how busy the machine is."""
    calls = 0

    def count(_frame, event, _arg):
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    sys.setprofile(count)
    try:
        function(*args, **kwargs)
    finally:
        sys.setprofile(None)
    return calls


def test_five_megabytes_of_hard_wrapped_text():
    """Bounded work, not a time (the time is bench/bench_quotes.py's): doubling the text at
    most doubles the calls made, and 5 MB gives every quotation, capped, exact, attributed."""
    small, double = (
        _calls(extract_quotes, _hard_wrapped(n), speakers=SPEAKERS) for n in (50_000, 100_000)
    )
    assert double <= 2.2 * small, f"{small} calls for 50 KB, {double} for 100 KB: not linear"

    text = _hard_wrapped(FIVE_MB)
    found = extract_quotes(text, speakers=SPEAKERS)
    quotes = text.count('"We will see about that,"')
    assert len(found) == min(quotes, MAX_CANDIDATES)
    for c in found:
        assert text[c.start : c.end] == c.quote
        assert c.end - c.start <= MAX_QUOTE_CHARS
    assert {c.speaker for c in found} == {"Tom Ford"}


def test_a_transcript_of_a_hundred_thousand_turns():
    text = (
        "Jane Doe spoke to us.\n\n" + "Q: Why?\n\nDOE: Because “it is so,” she said.\n\n" * 100_000
    )
    found = check(text, 5.0)
    assert found[0].speaker == "Jane Doe"
