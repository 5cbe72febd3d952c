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
from functools import lru_cache

from .lexicon import ORG_HEADS, PLACE_HEADS, TITLE_WORDS, words

__all__ = ["Transcript", "Turn", "display_name", "read_transcript"]

_STAMP = r"(?:[\[(]\s*\d{1,2}:\d{2}(?::\d{2})?\s*[\])]|\d{1,2}:\d{2}(?::\d{2})?)[ \t]+"
_CAPS = r"[A-Z][A-Z’'.&-]*"
_WORD = r"[A-Z][\w’'.&-]*"
_TAIL = r"(?:,[ \t]+[A-Z][\w’'.&-]*(?:[ \t]+(?:of|the|for|and|&|[A-Z][\w’'.&-]*)){0,6})?"
# "(R)", "(Jane Roe, The Ledger)", "(voice-over)" after a label's words
_PAREN = r"(?:[ \t]*\([^()\n]{1,60}\))?"
_LABEL = re.compile(
    rf"(?P<stamp>{_STAMP})?"
    r"(?P<label>"
    r"[QA](?=[.:][ \t])"
    rf"|{_CAPS}(?:[ \t]+{_CAPS}){{0,5}}{_PAREN}{_TAIL}"
    rf"|{_WORD}(?:[ \t]+{_WORD}){{1,3}}{_PAREN}{_TAIL}"
    r")"
    r"(?P<sep>[.:][ \t]+|[ \t]+(?:—|–|--)[ \t]+)"
)
# "BY MS. ROE:", "EXAMINATION BY MR. LEE:", "CROSS-EXAMINATION BY MR. LEE:" on a line alone
_BY_LINE = re.compile(
    r"(?:(?:[A-Z-]+ )?EXAMINATION )?BY "
    r"((?:MR|MS|MRS|MISS|DR)\.? [A-Z][A-Z’'-]+(?: [A-Z][A-Z’'-]+)?):\s*$"
)
_DEPONENT = re.compile(
    r"(?:(?i:deposition|testimony)|EXAMINATION) (?i:of) "
    r"([A-Z][A-Za-z’'.-]+(?: [A-Z][A-Za-z’'.-]+){1,3})"
    r"|^([A-Z][A-Za-z’'.-]+(?: [A-Z][A-Za-z’'.-]+){1,3}),?\s+"
    r"(?:having been|being|called as a witness|who was|was (?:first )?(?:duly )?sworn)",
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

# "Roe, the family's lawyer, is asking the questions", "questions put by Roe"
_ASKING = re.compile(
    r"\b((?:[A-Z][\w’'-]+ ){0,2}[A-Z][\w’'-]+),? (?:is|was|does|did) "
    r"(?:asking|putting|doing) (?:the |most of the )?"
    r"(?:questions|questioning|asking)\b"
    r"|\bquestion(?:s|ing|ed)? (?:put |posed )?by (?:[a-z]+ ){0,3}?(?:(?:Mr|Ms|Mrs|Dr)\.? )?"
    r"(?:[A-Z][\w’'-]+ )?([A-Z][\w’'-]+)"
)

# a stage direction closing a turn: "(CROSSTALK)", "[LAUGHTER]", "(END VIDEO CLIP)"
_STAGE_TAIL = re.compile(r"(?<=\S)[ \t]+[(\[][A-Z][A-Z ,.’'-]{2,40}[)\]][ \t]*$")

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
    listener listeners viewer viewers
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
# words that make a capitalised run in a header something other than a person's name
_NOT_NAME_WORDS = (
    ORG_HEADS
    | PLACE_HEADS
    | _HEADER
    | words(
        """
    the of in v vs and for deposition testimony examination transcript minutes meeting
    hearing regular special circuit superior estate plaintiff defendant appearances lines
    inc llc
    """
    )
)


@dataclass(slots=True)  # not frozen: a frozen dataclass is slow to make, and there may be 10⁵
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


_PAREN_IN = re.compile(r"[ \t]*\(([^()\n]*)\)")
_PAREN_NAME = re.compile(r"[A-Z][a-z’'][\w’'.-]*(?: [A-Z][a-z’'][\w’'.-]*){0,3}")
# a name in capitals ("CALLER (JEROME)"), not a direction ("(VOICE-OVER)", "(ON CAMERA)")
_PAREN_CAPS_NAME = re.compile(r"[A-Z][A-Z’'-]{2,}(?: [A-Z][A-Z’'-]+){0,2}")
_DIRECTION_WORDS = words(
    """
    voice-over voiceover vo sot on off camera through translator translation translated via
    phone telephone video audio cont'd contd continuing interpreter recorded live inaudible
    crosstalk laughter applause laughs overlapping remote unidentified
    """
)


@lru_cache(maxsize=4096)
def _split_paren(label: str) -> tuple[str, str | None, str]:
    """A label without its parenthesis, the person's name the parenthesis gives ("REPORTER
    (Jane Roe, The Ledger)" -> "Jane Roe"; not a party, "(R)", nor a direction,
    "(voice-over)"), and the parenthesis's words."""
    pm = _PAREN_IN.search(label)
    if pm is None:
        return label, None, ""
    base = label[: pm.start()] + label[pm.end() :]
    inner = pm.group(1).strip()
    first = inner.split(",", 1)[0].strip()
    if _PAREN_NAME.fullmatch(first):
        return base, first, inner
    if _PAREN_CAPS_NAME.fullmatch(first) and not any(
        w.lower() in _DIRECTION_WORDS for w in first.split()
    ):
        return base, first, inner  # "CALLER (JEROME)": the caller's name
    return base, None, inner


@lru_cache(maxsize=4096)
def _name_words(label: str) -> tuple[str, ...]:
    """The words of the person's name in a label: titles before it and an affiliation after
    a comma left out ("CHAIR JANE ROE, CITY COUNCIL" -> ["JANE", "ROE"]); the name in a
    parenthesis when it gives one ("REPORTER (Jane Roe, The Ledger)" -> ["Jane", "Roe"])."""
    label, named, _inner = _split_paren(label)
    if named:
        return tuple(named.split())
    part = label.split(",", 1)[0].split()
    last_title = -1
    for i, word in enumerate(part[:-1]):
        w = word.lower().rstrip(".")
        if w in TITLE_WORDS or w in _EXTRA_TITLES or word.endswith("."):
            last_title = i
    return tuple(part[last_title + 1 :])


_HOST_NAME = re.compile(r"[A-Z][\w’'-]+(?: [A-Z][\w’'-]+){1,2}")


@lru_cache(maxsize=4096)
def _is_host_role(label: str) -> bool:
    return label.split()[0].rstrip(".,").lower() in _HOST_ROLES


@lru_cache(maxsize=4096)
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
        by = _BY_LINE.match(head) if "BY " in head else None
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
        upper = label.upper()
        if _is_host_role(label):
            content = text[match.end() : end].strip()
            if _HOST_NAME.fullmatch(content):
                hosts.append(content)  # "HOST: Jane Roe" in a header
                continue
        if match.group("stamp"):
            stamped += 1
        if first_turn_at is None:
            first_turn_at = start
        question = upper == "Q"
        stage = _STAGE_TAIL.search(text, match.end(), end)
        turns.append(
            Turn(
                paragraph,
                label,
                match.start("label"),
                match.end(),
                stage.start() if stage else end,  # "... on Kiln -- (CROSSTALK)": not said
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
    run = _longest_caps_run(turns)
    if len(distinct) < 2 or not (comes_back or stamped >= 4 or run >= 4):
        return None
    if not stamped and len(distinct) * 2 > len(keys) + 2 and run < 4:
        return None  # a few "Name: ..." lines, most never back: not a transcript
    intro = text[: first_turn_at or 0].lower()
    list_questions = (
        any(t.examiner for t in turns)
        or stamped > 0
        or "transcript" in intro
        or "deposition" in intro
        or bool(_QUESTIONING.search(text, 0, first_turn_at or 0))
        or bool(
            "question" in text[: first_turn_at or 0] and _ASKING.search(text, 0, first_turn_at or 0)
        )
    )
    deponent = None
    found = _DEPONENT.search(text, 0, min(len(text), max(first_turn_at or 0, 200) + 400))
    if found:
        deponent = found.group(1) or found.group(2)
    full: dict[str, str] = {}
    labels = list(dict.fromkeys(t.label for t in turns))
    for label in labels:
        name = _name_words(label)
        if len(name) >= 2 and not _unnamed(label):
            full.setdefault(name[-1].upper(), " ".join(name))
    for name in [*hosts, *([deponent] if deponent else [])]:
        full.setdefault(name.split()[-1].upper(), name)
    for name in _header_names(text[: first_turn_at or 0]):
        # "APPEARANCES: JANE ROE, Esq.", "Present: Jane Roe (Chair)": "MS. ROE:" is her
        full.setdefault(name[-1].upper(), " ".join(name))
    for label in labels:
        base, named, inner = _split_paren(label)
        role = base.split(",", 1)[1].strip().lower() if "," in base else inner.lower()
        if not named and role in _HOST_ROLES:
            hosts.append(" ".join(_name_words(label)))
    return Transcript(turns, list_questions, deponent, hosts, full)


_HEADER_NAME = re.compile(r"(?<![\w’'-])[A-Z][\w’'-]+(?:[ \t]+[A-Z][\w’'-]+){1,3}(?![\w’'-])")


def _header_names(intro: str) -> list[list[str]]:
    """People's full names in a transcript's header (titles before them left out): the
    participants it lists, for labels that give a surname only."""
    out = []
    for hm in _HEADER_NAME.finditer(intro[-3000:]):
        words = hm.group().split()
        while words and (words[0].lower() in TITLE_WORDS or words[0].lower() in _EXTRA_TITLES):
            words = words[1:]
        if 2 <= len(words) <= 3 and not any(w.lower() in _NOT_NAME_WORDS for w in words):
            out.append(words)
    return out


# a label that is a person's name in Title Case ("Anita Corvo", "Dr. Ann Lee")
_NAME_LABEL = re.compile(r"(?:(?:Mr|Mrs|Ms|Dr)\.? )?[A-Z][a-z][\w’'-]*(?: [A-Z][a-z][\w’'-]*){1,2}")


def _longest_caps_run(turns: list[Turn]) -> int:
    """The most consecutive lines opening with a label in capitals ("ANN LEE, CLERK: ...") or
    a person's name ("Ann Lee: ..."): a short excerpt of a record, where most speak once."""
    best = run = 0
    previous = None
    for t in turns:
        caps = (t.label.isupper() or _NAME_LABEL.fullmatch(t.label) is not None) and not (
            t.question or t.answer
        )
        if not caps:
            run, previous = 0, None
            continue
        run = run + 1 if previous is not None and t.paragraph == previous + 1 else 1
        previous = t.paragraph
        best = max(best, run)
    return best


@lru_cache(maxsize=4096)
def _key(label: str) -> str:
    name = _name_words(label)
    return name[-1].upper() if name else label.upper()


@lru_cache(maxsize=4096)
def _unnamed(label: str) -> bool:
    label, named, _inner = _split_paren(label)
    if named:
        return False
    first = [w.lower().rstrip(".,") for w in label.split(",", 1)[0].split()]
    if first and first[0] == "the":
        first = first[1:]
    return bool(first) and (first[0] in _UNNAMED or first[-1] in _UNNAMED)


def questioning(text: str, end: int) -> tuple[str, str | None] | None:
    """("Roe", "Lee") for "Roe is questioning Lee" before ``end``; ("Roe", None) for "Roe is
    asking the questions", "questions put by Roe" (the witness left to the header)."""
    found = [(m.start(), m.group(1), m.group(2)) for m in _QUESTIONING.finditer(text, 0, end)]
    lo = max(0, end - 4000)  # the sentence introducing the exchange, shortly before it
    if "question" in text[lo:end]:
        found += [
            (m.start(), m.group(1) or m.group(2), None) for m in _ASKING.finditer(text, lo, end)
        ]
    if not found:
        return None
    _at, asker, witness = max(found)
    return asker, witness


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


def _full(transcript: Transcript, name: tuple[str, ...]) -> str | None:
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
