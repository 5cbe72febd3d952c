"""Typographic normalisation: what it makes equal, what it keeps, and the map back."""

import random

import pytest

from sources.text.normalize import normalize, normalize_simple
from tests.sources.text.timing import finishes


def same(a: str, b: str) -> bool:
    return normalize(a).text == normalize(b).text


@pytest.mark.parametrize("mark", ["“", "”", "„", "‟", "″", "«", "»", '"', "＂"])
def test_double_quote_marks_are_equal(mark):
    assert normalize(f"a {mark}b{mark} c").text.replace(" ", "") == 'a"b"c'
    assert same(f"he said {mark}no{mark}", 'he said "no"')


@pytest.mark.parametrize("mark", ["‘", "’", "‚", "‛", "′", "`", "'"])
def test_single_quotes_and_apostrophes_are_equal(mark):
    assert same(f"it{mark}s {mark}Rust{mark}", "it's 'Rust'")


def test_guillemets_take_their_inner_spaces():
    assert same("« Bonjour »", '"Bonjour"')
    assert same("«Bonjour»", '"Bonjour"')


@pytest.mark.parametrize("ellipsis", ["…", "...", ". . .", " … ", " ... ", "…  "])
def test_ellipses_are_equal(ellipsis):
    assert same(f"I feel that{ellipsis}someone", "I feel that... someone")


@pytest.mark.parametrize("dash", ["‐", "‑", "‒", "–", "—", "―", "-", "−", "--"])
@pytest.mark.parametrize("spaces", [("", ""), (" ", " "), ("  ", "\u00a0"), ("", " ")])
def test_dashes_and_the_spaces_around_them_are_equal(dash, spaces):
    left, right = spaces
    assert same(f"the other person{left}{dash}{right}a tandem", "the other person—a tandem")


def test_a_hyphen_inside_a_word_stays():
    assert normalize("well-oiled crew").text == "well-oiled crew"


@pytest.mark.parametrize(
    "space", ["  ", "\u00a0", "\u2009", "\u202f", "\u3000", "\t", "\n", "\n\n", " \u00a0 \n"]
)
def test_runs_of_whitespace_are_one_space(space):
    assert normalize(f"cold{space}gun").text == "cold gun"


def test_zero_width_characters_and_soft_hyphens_vanish():
    assert normalize("co\u200bld gu\u00adn\ufeff").text == "cold gun"


@pytest.mark.parametrize(
    ("compat", "plain"),
    [
        ("ﬁred", "fired"),  # ligature
        ("Ｆull", "Full"),  # full-width
        ("caf\u0065\u0301", "café"),  # decomposed accent, composed
        ("café", "café"),
        ("Ⅻ", "XII"),
    ],
)
def test_compatibility_forms_are_folded(compat, plain):
    assert normalize(compat).text == plain


def test_case_and_words_are_kept():
    assert normalize("Someone").text != normalize("someone").text
    assert normalize("the gun").text != normalize("the guns").text
    assert normalize("Ünïcödé words stay").text == "Ünïcödé words stay"
    assert normalize("日本語のテキスト").text == "日本語のテキスト"


def test_empty_text():
    n = normalize("")
    assert n.text == ""
    assert n.span_to_original(0, 0) == (0, 0)


def test_every_normalised_character_maps_back_inside_the_original():
    text = "He said:  “I’m  holding the gun — it… was\u00a0fine,” she’d ﬁnd   «out»."
    n = normalize(text)
    for i in range(len(n.text)):
        s, e = n.span_to_original(i, i + 1)
        assert 0 <= s < e <= len(text)
        piece = text[s:e]
        assert normalize(piece).text.strip() == n.text[i].strip() or n.text[i] in " -.\"'fi"


def test_span_maps_back_to_the_original_words():
    text = "He said:  “I’m holding the gun — it was fine,” she added."
    n = normalize(text)
    target = "I'm holding the gun-it was fine,\""
    i = n.text.index(target)
    s, e = n.span_to_original(i, i + len(target))
    assert text[s:e] == "I’m holding the gun — it was fine,”"


def test_offsets_are_monotonic():
    text = "a — b … c  d “e” ‘f’ ﬁ Ｆ \u00a0 g"
    n = normalize(text)
    starts = [n.span_to_original(i, i + 1)[0] for i in range(len(n.text))]
    assert starts == sorted(starts)


def test_normalize_simple_strips():
    assert normalize_simple("  “Hello”  ") == '"Hello"'


def test_twenty_kilobyte_texts_normalise_fast():
    rng = random.Random(3)
    parts = ["word", "“quote”", "it’s", " — ", "…", "\u00a0", "\n\n", "Ünï", "don't", "x-y"]
    texts = ["".join(rng.choice(parts) + " " for _ in range(3000))[:20_000] for _ in range(50)]
    with finishes(3.0):
        for t in texts:
            normalize(t)
        # ~1.5 ms per text on a laptop; the budget is generous for slow CI machines


def test_original_offsets_array():
    text = "a  “b” — c…d ﬁ"
    n = normalize(text)
    offsets = n.original_offsets()
    assert len(offsets) == len(n.text) + 1
    assert offsets[-1] == len(text)
    assert offsets == sorted(offsets)
    for i in range(len(n.text)):
        assert offsets[i] == n.span_to_original(i, i + 1)[0]
