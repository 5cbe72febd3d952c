"""Pairing quote marks into quotations, style by style (no attribution here)."""

import pytest

from sources.text.marks import pair_marks, paragraphs
from sources.text.quotemarks import DOUBLE, GUILLEMET, SINGLE


def quotes(text: str) -> list[str]:
    spans, _ = pair_marks(text, paragraphs(text))
    return [text[s.start : s.end] for s in spans]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("“We will fix it,” Roe said.", ["We will fix it,"]),  # AP
        ("'We will fix it,' Roe said.", ["We will fix it,"]),  # British single quotes
        ("« Nous verrons. » dit-il.", ["Nous verrons."]),  # French guillemets, spaced
        ("»Wir sehen,« sagte er.", ["Wir sehen,"]),  # German guillemets
        ("„Wir sehen“, sagte er.", ["Wir sehen"]),  # German low-high marks
        ("Roe called it « painful but obvious ».", ["painful but obvious"]),  # closes before .
        ('"Tonight," she said, "we decided."', ["Tonight,", "we decided."]),  # split quote
    ],
)
def test_marks_of_each_style(text, expected):
    assert quotes(text) == expected


def test_families_are_named():
    spans, _ = pair_marks("“a b” «c d» 'e f'", paragraphs("“a b” «c d» 'e f'"))
    assert [s.family for s in spans] == [DOUBLE, GUILLEMET, SINGLE]


def test_quote_of_a_quote_belongs_to_the_outer_one():
    text = "“He told me, ‘Hold the line,’ and I did,” she said."
    assert quotes(text) == ["He told me, ‘Hold the line,’ and I did,"]
    text = "„Mein Vater sagte: ‚Nie verkaufen‘, und ich habe nicht verkauft“, sagte er."
    assert quotes(text) == ["Mein Vater sagte: ‚Nie verkaufen‘, und ich habe nicht verkauft"]


def test_multi_paragraph_quote_reopens_each_paragraph():
    text = "“First part.\n\n“Second part.\n\n“Last part,” he said."
    spans, _ = pair_marks(text, paragraphs(text))
    assert [text[s.start : s.end] for s in spans] == ["First part.", "Second part.", "Last part,"]
    assert [s.closing is None for s in spans] == [True, True, False]
    assert [s.continued for s in spans] == [False, True, True]


def test_apostrophes_never_pair():
    assert quotes("The players' union said rock 'n' roll in the '90s wasn't dead.") == []


HARD_WRAPPED = (
    "THORNBURY -- The council voted on Monday to ban overnight parking on\n"
    "Station Road, ending a dispute that has run for more than a year now.\n"
    "\n"
    '"We listened to both sides for fourteen months, and at some point\n'
    'a council has to decide," said the chair. "Tonight we decided, and\n'
    'that is that."\n'
    "\n"
    "Residents had complained that camper vans were parked on the road\n"
    "for weeks at a time, blocking driveways and the views of the river.\n"
)


def test_hard_wrapped_text_keeps_its_paragraphs_whole():
    paras = paragraphs(HARD_WRAPPED)
    assert len(paras) == 3
    assert quotes(HARD_WRAPPED) == [
        "We listened to both sides for fourteen months, and at some point\n"
        "a council has to decide,",
        "Tonight we decided, and\nthat is that.",
    ]


def test_one_paragraph_a_line_is_not_hard_wrapped():
    text = "“Yes,” he said.\n“No,” she said.\n“Maybe,” they said.\n\nThe end."
    assert len(paragraphs(text)) == 4


def test_transcript_turns_start_paragraphs_in_wrapped_text():
    text = (
        HARD_WRAPPED
        + "\nQ: What happens next for the vans and the people who live\nin them?\n"
        + "GRANGE: We will see.\n"
    )
    starts = [text[s:e][:3] for s, e in paragraphs(text)]
    assert "Q: " in starts and "GRA" in starts
