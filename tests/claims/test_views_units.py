"""The public pages' pure helpers: highlighting, the pager, word-diff HTML, rating labels."""

import datetime as dt
import json

import pytest

from claims.highlight import Anchor, citation_anchors, render_segments, split_by_anchors
from claims.paging import paginate
from claims.seo import json_ld
from claims.templatetags.tracker import precise_date, render_diff
from sources.text.variants import word_diff


def test_split_by_anchors_cuts_text_into_plain_and_marked_segments():
    text = "He said: never. Then: always."
    segments = split_by_anchors(text, [Anchor(2, 22, 28), Anchor(1, 9, 14)])
    assert [(s.text, s.anchor and s.anchor.key) for s in segments] == [
        ("He said: ", None),
        ("never", 1),
        (". Then: ", None),
        ("always", 2),
        (".", None),
    ]
    assert "".join(s.text for s in segments) == text


def test_overlapping_anchors_keep_the_first_and_attach_the_other_id():
    text = "one two three four"
    segments = split_by_anchors(text, [Anchor(1, 0, 13), Anchor(2, 4, 18), Anchor(3, 4, 7)])
    marked = [s for s in segments if s.anchor]
    assert len(marked) == 1
    assert marked[0].anchor.key == 1
    assert {a.key for a in marked[0].also} == {2, 3}
    html = render_segments(segments)
    assert 'id="quote-1"' in html and 'id="quote-2"' in html and 'id="quote-3"' in html
    assert "".join(s.text for s in segments) == text


def test_anchors_outside_the_text_or_empty_are_dropped():
    segments = split_by_anchors("short", [Anchor(1, 2, 99), Anchor(2, 3, 3), Anchor(3, -1, 2)])
    assert [s.anchor for s in segments] == [None]


def test_rendered_segments_escape_the_archived_text():
    text = "<script>alert(1)</script> “quoted & <b>bold</b>”"
    start = text.index("“")
    html = render_segments(
        split_by_anchors(text, [Anchor(7, start, len(text), label='A "label" <x>')])
    )
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert '<mark id="quote-7" title="A &quot;label&quot; &lt;x&gt;">' in html


class _Rows(list):
    """A list that records the slice it was asked for."""

    def __getitem__(self, key):
        self.asked = key
        return list.__getitem__(self, key)


def test_pager_fetches_one_row_more_than_a_page_and_never_counts():
    rows = _Rows(range(60))
    page = paginate(rows, number=2, size=25)
    assert rows.asked == slice(25, 51)
    assert page.items == list(range(25, 50))
    assert page.has_next and page.has_previous
    assert (page.start_index, page.end_index) == (26, 50)
    assert page.previous_number is None  # page 1's link drops ?page=
    last = paginate(_Rows(range(60)), number=3, size=25)
    assert last.items == list(range(50, 60)) and not last.has_next
    assert last.previous_number == 2


def test_pager_past_the_end_is_empty():
    page = paginate(list(range(3)), number=5, size=25)
    assert page.items == [] and not page.has_next and page.start_index == 0


def test_diff_html_marks_removed_and_added_words_and_escapes():
    a = "I'd pulled the <hammer> back"
    b = "I pulled the <hammer> all the way back"
    html = render_diff(word_diff(a, b), a, b)
    assert "<del>I&#x27;d</del>" in html
    assert "<ins>I</ins>" in html
    assert "<ins>all the way</ins>" in html
    assert "&lt;hammer&gt;" in html
    assert "<hammer>" not in html


def test_identical_texts_have_no_marks():
    text = "The gun was supposed to be empty."
    html = render_diff(word_diff(text, text), text, text)
    assert html == text


def test_json_ld_cannot_close_its_script_element():
    text = json_ld({"claimReviewed": "</script><script>alert(1)</script> & <!--"})
    assert "</script>" not in text and "<!--" not in text and "&" not in text.replace("\\u0026", "")
    assert json.loads(text)["claimReviewed"].startswith("</script>")


@pytest.mark.parametrize(
    ("precision", "shown"), [("day", "2 Dec 2021"), ("month", "Dec 2021"), ("year", "2021")]
)
def test_dates_show_at_their_precision(precision, shown):
    assert precise_date(dt.date(2021, 12, 2), precision) == shown


def test_citation_anchors_one_mark_per_part_or_the_whole_anchor():
    parts = [{"start": 1, "end": 5}, {"start": 12, "end": 20}]
    anchors = citation_anchors(7, 1, 20, parts, "Q")
    assert [(a.start, a.end, a.dom_id) for a in anchors] == [
        (1, 5, "quote-7"),
        (12, 20, "quote-7.2"),
    ]
    whole = [(7, 1, 20, "quote-7")]
    for bad in (
        [],
        [{"start": 1, "end": 20}],  # one part: the anchor itself
        [{"start": 1, "end": 5}, {"start": 3, "end": 20}],  # overlapping
        [{"start": 1, "end": 5}, {"start": 12, "end": 25}],  # outside the anchor
        [{"start": "1", "end": 5}, {"start": 12, "end": 20}],
        None,
    ):
        got = [(a.key, a.start, a.end, a.dom_id) for a in citation_anchors(7, 1, 20, bad)]
        assert got == whole, bad
    assert citation_anchors(7, None, None, parts) == []


def test_parts_of_a_split_quote_overlapped_by_another_keep_their_ids():
    text = "“Part one,” she said, “part two.”"
    anchors = [
        *citation_anchors(1, 1, 32, [{"start": 1, "end": 10}, {"start": 23, "end": 32}]),
        Anchor(2, 0, len(text)),
    ]
    html = render_segments(split_by_anchors(text, anchors))
    assert '<span id="quote-1" class="quote-anchor"></span>' in html
    assert '<span id="quote-1.2" class="quote-anchor"></span>' in html


def test_an_untitled_pairs_name_cuts_its_sides_at_a_word():
    from claims.models import Claim

    long = Claim(
        text="We never promised the bridge would open this spring, and anyone who says so is wrong."
    )
    name = str(long)
    assert name.endswith("…") and len(name) <= 81
    assert long.text.startswith(name[:-1]) and long.text[len(name) - 1] == " "
    assert str(Claim(text="Short words.")) == "Short words."
