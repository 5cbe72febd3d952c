"""Who said a passage a curator selected: any span of a text, not only a quotation the
extractor offered.

Database-free: the text and the speakers on record come in, a ``Candidate`` with the speaker
comes out. ``claims.curation.passage`` checks the span against the archived source and tries,
in turn, the offered quote covering it (``covering``), the label of the line it is in
(``labelled_line``, "MARK ROE: ..."), and the extractor reading it as if it were quoted
(``attribute_span``).
"""

from __future__ import annotations

import re

from .extract import Candidate, extract_quotes
from .lexicon import TITLE_WORDS
from .lexicon import words as word_set
from .speakers import KnownSpeaker, match_speaker
from .transcripts import display_name

__all__ = ["as_passage", "attribute_span", "covering", "known_name", "labelled_line"]

# How much text around a passage its speaker is looked for in: the names a pronoun or a
# surname may refer to come before it, a cue ("..., the report said") right after it.
_BEFORE_PASSAGE = 20_000
_AFTER_PASSAGE = 1_000
_OPEN, _CLOSE = "\u201c", "\u201d"


def known_name(name: str, speakers: list[KnownSpeaker]) -> tuple[str, int | None]:
    """``name`` as the speaker on record it surely is (its name, its id), else as it is."""
    if speakers and (match := match_speaker(name, speakers)) is not None and match.score >= 90:
        return match.name, match.speaker_id
    return name, None


def covering(found: list[Candidate], start: int, end: int) -> Candidate | None:
    """The offered quote (or transcript turn) sharing most of its words with the span."""
    best, most = None, 0
    for candidate in found:
        shared = min(end, candidate.end) - max(start, candidate.start)
        if shared > most:
            best, most = candidate, shared
    return best


# A line opening with a speaker's label, as in a transcript too short for the extractor to
# read as one ("MARK ROE: ...", "Dr. Priya Patel: ...", "[00:14:02] ROE: ..."): the label.
_LABEL = re.compile(
    r"[ \t]*(?:[\[(]?\d{1,2}:\d{2}(?::\d{2})?[\])]?[ \t]+)?"
    r"(?P<label>[A-Z][A-Z’'.&-]*(?:[ \t]+[A-Z][A-Z’'.&-]*){0,5}"
    r"|[A-Z][\w’'.&-]*(?:[ \t]+[A-Z][\w’'.&-]*){1,3})"
    r"(?:,[^:\n]{1,60})?(?:[ \t]*:|[ \t]+(?:—|–|--))[ \t]+"
)
# labels that are no one's: headers, and voices the text does not name
_NOT_A_SPEAKER = word_set(
    """q a note transcript update correction source date time subject re present absent
    location editor's unidentified unknown caller audience crowd voice voices speaker
    narrator announcer male female man woman reporter reporters question answer"""
)


def labelled_line(text: str, start: int, speakers: list[KnownSpeaker]) -> Candidate | None:
    """The speaker a line's label names, when the passage starting at ``start`` is in a line
    opening with one ("MARK ROE: ..."): the person named in full (a surname alone is the
    person the text names in full elsewhere), matched to the speakers on record."""
    line_start = text.rfind("\n", 0, start) + 1
    label = _LABEL.match(text, line_start, min(len(text), line_start + 200))
    if label is None or label.end() > start:
        return None
    parts = label["label"].split()
    last_title = max(
        (i for i, w in enumerate(parts) if w.strip(".").lower() in TITLE_WORDS), default=-1
    )
    titles, words = parts[: last_title + 1], parts[last_title + 1 :]  # "BOARD CHAIR", "MARK ROE"
    if not words or words[0].strip(".’'").lower() in _NOT_A_SPEAKER:
        return None
    name = display_name(" ".join(words))
    if len(words) == 1:
        name = _full_name(text, name) or name
    name, speaker_id = known_name(name, speakers)
    return Candidate(
        start=label.end(),
        end=label.end(),
        quote="",
        kind="statement",
        speaker=name,
        speaker_id=speaker_id,
        cue=text[label.start("label") : label.end()].strip(),
        attribution="turn",
        speaker_kind=None if speaker_id else "person",
        speaker_role=" ".join(w for w in titles if len(w) > 3 and "." not in w).lower() or None,
    )


def _full_name(text: str, surname: str) -> str | None:
    """The first "Firstname Surname" (or "FIRSTNAME SURNAME") the text gives a surname."""
    for form in (surname, surname.upper()):
        pattern = rf"\b([A-Z][\w’'-]+)[ \t]+{re.escape(form)}\b"
        for found in re.finditer(pattern, text[:200_000]):
            first = found.group(1)
            if first.strip(".").lower() not in TITLE_WORDS and first.lower() not in _NOT_A_SPEAKER:
                return display_name(f"{first} {form}")
    return None


def attribute_span(
    text: str, start: int, end: int, speakers: list[KnownSpeaker]
) -> Candidate | None:
    """Who said ``text[start:end]``, found as the extractor finds a quotation's speaker: the
    span is read as if it were printed between quote marks, in the text around it (the cue
    after it, "Roe said:" before it, the person the sentence or paragraph is about). None
    when the extractor does not read it as a quotation at all."""
    low = 0 if start <= _BEFORE_PASSAGE else text.rfind("\n", 0, start - _BEFORE_PASSAGE) + 1
    high = text.find("\n", min(len(text), end + _AFTER_PASSAGE))
    high = len(text) if high == -1 else high
    marked = f"{text[low:start]}{_OPEN}{text[start:end]}{_CLOSE}{text[end:high]}"
    at = start - low + 1
    for candidate in extract_quotes(marked, speakers=speakers):
        if candidate.start == at:
            return candidate
        if candidate.start > at:
            break
    return None


def as_passage(text: str, start: int, end: int, like: Candidate | None) -> Candidate:
    """A candidate for ``text[start:end]`` with the speaker ``like`` was given."""
    return Candidate(
        start=start,
        end=end,
        quote=text[start:end],
        kind=like.kind if like is not None else "statement",
        speaker=like.speaker if like else None,
        speaker_id=like.speaker_id if like else None,
        cue=like.cue if like else None,
        speaker_flag=like.speaker_flag if like else None,
        attribution=like.attribution if like else None,
        speaker_kind=like.speaker_kind if like else None,
        speaker_role=like.speaker_role if like else None,
    )
