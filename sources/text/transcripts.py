"""Transcripts: the turns of a text whose lines open with a speaker's label.

Forms read (broadcast rush transcripts, hearing and council minutes, depositions, press
conferences, edited interviews):

* a label then a colon, ``ROE:``, ``Jane Roe:``, ``Q:``, ``A:``, or ``Q.`` / ``A.``; a label then
  a dash, ``JANE ROE —``; a timestamp before the label, ``[00:14:02] HOST:``,
  ``00:21:15 Jane Roe:``;
* labels carrying a title or an affiliation: ``CHAIR JANE ROE:``, ``JANE ROE, CITY COUNCIL:``,
  ``DR. ROE:`` (the person is the name after the titles, before the comma; a surname alone is
  the person named in full elsewhere in the text);
* roles: ``HOST:`` is the person the header says hosts ("Hosted by Jane Roe", ``HOST: Jane
  Roe``, a label ``JANE ROE, HOST``); ``THE WITNESS:`` and ``A.`` are the deponent the header
  names ("DEPOSITION OF JANE ROE", "JANE ROE, having been duly sworn"); ``Q.`` is the lawyer of
  the last ``BY MS. ROE:`` line (or "Roe is questioning Lee"); unnamed voices
  (``UNIDENTIFIED FEMALE:``, ``CALLER:``, ``THE VIDEOGRAPHER:``) have no speaker;
* header lines with a colon ("TRANSCRIPT: ...", "GUESTS: ...", "Case: ...") and stage lines
  ("(COMMERCIAL BREAK)") are not turns.

A text is a transcript when at least four lines open with a label and some speaker comes
back (by surname: ``CORVO:`` after ``BOARD PRESIDENT ANITA CORVO:``), or when its labels carry
timestamps. Questions (``Q:``) are listed as statements when the text is a record of
proceedings (a deposition's examiner is known, or the text calls itself a transcript); an
edited interview's questions are the publication's and are not listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import TITLE_WORDS, words

__all__ = ["Transcript", "Turn", "display_name", "read_transcript"]

_STAMP = r"(?:[\[(]\s*\d{1,2}:\d{2}(?::\d{2})?\s*[\])]|\d{1,2}:\d{2}(?::\d{2})?)[ \t]+"
_CAPS = r"[A-Z][A-Z’'.&-]*"
_WORD = r"[A-Z][\w’'.&-]*"
_TAIL = r"(?:,[ \t]+[A-Z][\w’'.&-]*(?:[ \t]+(?:of|the|for|and|&|[A-Z][\w’'.&-]*)){0,6})?"
_LABEL = re.compile(
    rf"(?P<stamp>{_STAMP})?"
    r"(?P<label>"
    r"[QA](?=[.:][ \t])"
    rf"|{_CAPS}(?:[ \t]+{_CAPS}){{0,5}}{_TAIL}"
    rf"|{_WORD}(?:[ \t]+{_WORD}){{1,3}}{_TAIL}"
    r")"
    r"(?P<sep>[.:][ \t]+|[ \t]+(?:—|–|--)[ \t]+)"
)
# "BY MS. ROE:", "EXAMINATION BY MR. LEE:", "CROSS-EXAMINATION BY MR. LEE:" on a line alone
_BY_LINE = re.compile(
    r"(?:(?:[A-Z-]+ )?EXAMINATION )?BY "
    r"((?:MR|MS|MRS|MISS|DR)\.? [A-Z][A-Z’'-]+(?: [A-Z][A-Z’'-]+)?):\s*$"
)
_DEPONENT = re.compile(
    r"(?:DEPOSITION|TESTIMONY|EXAMINATION) OF ([A-Z][A-Za-z’'.-]+(?: [A-Z][A-Za-z’'.-]+){1,3})"
    r"|^([A-Z][A-Za-z’'.-]+(?: [A-Z][A-Za-z’'.-]+){1,3}),? (?:having been|being|called as a witness"
    r"|who was|was (?:first )?(?:duly )?sworn)",
    re.MULTILINE,
)
_HOSTED = re.compile(
    r"\b(?:[Hh]osted|[Mm]oderated|[Pp]resented|[Aa]nchored) by "
    r"([A-Z][\w’'-]+(?: [A-Z][\w’'-]+){1,2})"
)
_QUESTIONING = re.compile(
    r"\b([A-Z][\w’'-]+) (?:is |was )?(?:questioning|questioned|questions|examining|examined"
    r"|cross-examining|cross-examined) ([A-Z][\w’'-]+)"
)

# first words of header lines that look like labels
_HEADER = words(
    """
    transcript show program programme aired broadcast recorded date time case re subject
    guest guests panel panelists appearances present absent attendees note update source
    location episode segment topic exhibit correction clarification editor editor's editors
    warning copyright for also staff members
    """
)
# labels that are a role the header names
_HOST_ROLES = words("host co-host anchor moderator presenter interviewer")
# labels of people the text does not name
_UNNAMED = words(
    """
    unidentified unknown caller callers voice voices audience crowd protester protesters
    videographer reporter reporters man woman male female participant speaker speakers
    """
)
_EXTRA_TITLES = words(
    """
    trustee member members supervisor delegate assemblyman assemblywoman congressman
    congresswoman gov hon clerk treasurer auditor controller comptroller counsel solicitor
    administrator chairperson vice-chair vice-mayor alderwoman commissioner correspondent
    """
)
_WITNESS = "THE WITNESS"


@dataclass(frozen=True)
class Turn:
    paragraph: int
    label: str  # as printed, timestamp left out
    label_start: int
    start: int  # the words spoken
    end: int
    question: bool = False  # a "Q" turn
    answer: bool = False  # an "A" or "THE WITNESS" turn
    examiner: str | None = None  # for a question: the last "BY MS. ROE" (as printed)


@dataclass
class Transcript:
    turns: list[Turn]
    list_questions: bool
    deponent: str | None  # the witness's name as the header gives it
    hosts: list[str]  # names the header gives the host
    full_names: dict[str, str]  # surname (upper) -> a label's or header's full name


def _name_words(label: str) -> list[str]:
    """The words of the person's name in a label: titles before it and an affiliation after
    a comma left out ("CHAIR JANE ROE, CITY COUNCIL" -> ["JANE", "ROE"])."""
    part = label.split(",", 1)[0].split()
    last_title = -1
    for i, word in enumerate(part[:-1]):
        w = word.lower().rstrip(".")
        if w in TITLE_WORDS or w in _EXTRA_TITLES or word.endswith("."):
            last_title = i
    return part[last_title + 1 :]


def _is_header_label(label: str) -> bool:
    first = label.split()[0].lower().rstrip(".,")
    return first in _HEADER


def read_transcript(text: str, paras: list[tuple[int, int]]) -> Transcript | None:
    """The turns of ``text`` if it is a transcript, else None."""
    turns: list[Turn] = []
    examiner: str | None = None
    stamped = 0
    dashes = 0
    first_turn_at = None
    hosts = [m.group(1) for m in _HOSTED.finditer(text, 0, min(len(text), 3000))]
    for paragraph, (start, end) in enumerate(paras):
        head = text[start : min(end, start + 120)]
        by = _BY_LINE.match(head)
        if by:
            examiner = by.group(1)
            continue
        match = _LABEL.match(text, start, end)
        if match is None or match.end() >= end:
            continue
        label = match.group("label")
        if len(label) > 60 or _is_header_label(label):
            continue
        sep = match.group("sep")
        if sep[0] == "." and label not in ("Q", "A"):
            continue  # "Mr. Roe said" is prose
        if sep.strip() in ("—", "–", "--"):
            if not label.isupper() or label in ("Q", "A"):
                continue
            dashes += 1
        content = text[match.end() : end]
        upper = label.upper()
        first_word = upper.split()[0].rstrip(".,")
        if first_word.lower() in _HOST_ROLES and re.fullmatch(
            r"[A-Z][\w’'-]+(?: [A-Z][\w’'-]+){1,2}", content.strip()
        ):
            hosts.append(content.strip())  # "HOST: Jane Roe" in a header
            continue
        if match.group("stamp"):
            stamped += 1
        if first_turn_at is None:
            first_turn_at = start
        question = upper == "Q"
        turns.append(
            Turn(
                paragraph,
                label,
                match.start("label"),
                match.end(),
                end,
                question=question,
                answer=upper in ("A", _WITNESS),
                examiner=examiner if question else None,
            )
        )
    if len(turns) < 4:
        return None
    if dashes and dashes < 3:
        turns = [t for t in turns if text[t.start - 2 : t.start].strip() not in ("—", "–", "-")]
    keys = [_key(t.label) for t in turns]
    distinct = set(keys)
    comes_back = len(distinct) < len(keys)
    if len(distinct) < 2 or not (comes_back or stamped >= 4):
        return None
    if not stamped and len(distinct) * 2 > len(keys) + 2:
        return None
    intro = text[: first_turn_at or 0].lower()
    list_questions = (
        any(t.examiner for t in turns)
        or stamped > 0
        or "transcript" in intro
        or "deposition" in intro
        or bool(_QUESTIONING.search(text, 0, first_turn_at or 0))
    )
    deponent = None
    found = _DEPONENT.search(text, 0, min(len(text), max(first_turn_at or 0, 200) + 400))
    if found:
        deponent = found.group(1) or found.group(2)
    full: dict[str, str] = {}
    for t in turns:
        name = _name_words(t.label)
        if len(name) >= 2 and not _unnamed(t.label):
            full.setdefault(name[-1].upper(), " ".join(name))
    for name in [*hosts, *([deponent] if deponent else [])]:
        full.setdefault(name.split()[-1].upper(), name)
    for t in turns:
        if t.label.split(",", 1)[1:] and t.label.split(",", 1)[1].strip().lower() in _HOST_ROLES:
            hosts.append(" ".join(_name_words(t.label)))
    return Transcript(turns, list_questions, deponent, hosts, full)


def _key(label: str) -> str:
    name = _name_words(label)
    return name[-1].upper() if name else label.upper()


def _unnamed(label: str) -> bool:
    first = [w.lower().rstrip(".,") for w in label.split(",", 1)[0].split()]
    if first and first[0] == "the":
        first = first[1:]
    return bool(first) and (first[0] in _UNNAMED or first[-1] in _UNNAMED)


def questioning(text: str, end: int) -> tuple[str, str] | None:
    """("Roe", "Lee") for "Roe is questioning Lee" before ``end``."""
    found = list(_QUESTIONING.finditer(text, 0, end))
    return (found[-1].group(1), found[-1].group(2)) if found else None


def label_name(transcript: Transcript, turn: Turn) -> tuple[str | None, bool]:
    """The name a turn's label gives (title-cased when printed in capitals), and whether the
    label names nobody (an unnamed voice). None with False: the role's person is not known."""
    label = turn.label
    upper = label.upper()
    if turn.question:
        if turn.examiner:
            return _full(transcript, _name_words(turn.examiner)), False
        return None, False
    if turn.answer:
        return transcript.deponent, False
    if _unnamed(label):
        return None, True
    name = _name_words(label)
    if name and name[0].lower() in _HOST_ROLES and len(name) == 1:
        return (transcript.hosts[0] if transcript.hosts else None), not transcript.hosts
    if upper.startswith("THE "):
        return None, False
    return _full(transcript, name), False


def _full(transcript: Transcript, name: list[str]) -> str | None:
    if not name:
        return None
    if len(name) == 1:
        whole = transcript.full_names.get(name[0].upper())
        if whole:
            return display_name(whole)
    return display_name(" ".join(name))


def display_name(name: str) -> str:
    if not name.isupper():
        return name
    return " ".join(
        "-".join(part[:1] + part[1:].lower() for part in word.split("-")) for word in name.split()
    ).replace("’", "’")
