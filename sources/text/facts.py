"""Facts a text gives about one passage in it: the date the words were said or written, and
the occasion (venue), each with where it came from, in words the curator can check.

Plain Python, no database. The one entry point the admin calls:

    propose_facts(text, start, end, story_date) -> Facts

``start``/``end`` are the passage's character offsets in ``text``; ``story_date`` is the
source's own date (``None`` when unknown). The date is looked for, in this order:

1. the passage sits in an email, letter, memo or transcript that carries its own date (a
   ``Date:``/``Sent:`` header line, an "On …, X wrote:" line, a dated letter head above a
   "Dear …" line, a date header at the top of the text);
2. a date in the passage's paragraph, outside the quoted words (the mention nearest the passage
   first): an explicit date ("on March 3", "3 March 2026", "Mar. 3"), a weekday or a day
   relative to the story's date ("on Monday", "last Tuesday", "Tuesday night", "yesterday"),
   or, within the passage's own sentence, a vaguer one ("earlier this week", "last month",
   "in 2024"), shown to the month or the year;
3. a day named in the paragraph before;
4. the story's date, marked as a fallback (or, with no story date, a date line at the top of
   the text).

The venue is the text's own words near the passage ("at a news conference", "in an interview
with …", "in a letter to the council", "told the hearing", "wrote on Facebook", "in a
statement"), an email's or a letter's own header, an "Event:" header line; never the headline,
and ``None`` when the text says nothing.

``parse_date(words, *, story_date=None)`` reads one date written out (a header value, a
dateline), for the intake of plain text.
"""

from __future__ import annotations

import calendar
import email.utils
import re
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = [
    "DAY",
    "MONTH",
    "YEAR",
    "DateProposal",
    "Facts",
    "VenueProposal",
    "parse_date",
    "propose_date",
    "propose_facts",
    "propose_venue",
]

# The values of claims.models.DatePrecision (this module does not import Django).
DAY, MONTH, YEAR = "day", "month", "year"

MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
MONTHS["sept"] = 9
WEEKDAYS = {calendar.day_name[number].lower(): number for number in range(7)}
NUMBER_WORDS = {
    "a": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_WEEKDAY_SHORT = rf"(?:{_WEEKDAY}|Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)\.?"
_ORD = r"(?:st|nd|rd|th)?"
_NOT_NUM = r"(?![\d:])"

# Explicit dates, the most precise first (a span taken by one is not read again).
EXPLICIT = [
    re.compile(
        rf"(?:\b{_WEEKDAY_SHORT},?\s+)?\b(?P<mon>{_MONTH})\s+(?P<day>\d{{1,2}}){_ORD}\b"
        rf"(?:,?\s+(?P<year>(?:1[89]|20)\d\d)\b)?{_NOT_NUM}",
        re.I,
    ),
    re.compile(
        rf"(?:\b{_WEEKDAY_SHORT},?\s+)?\b(?:the\s+)?(?P<day>\d{{1,2}}){_ORD}(?:\s+of)?\s+"
        rf"(?P<mon>{_MONTH})(?![a-z])(?:,?\s+(?P<year>(?:1[89]|20)\d\d)\b)?",
        re.I,
    ),
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mnum>[01]?\d)-(?P<day>[0-3]?\d)\b"),
    re.compile(r"\b(?P<a>[0-3]?\d)[/.](?P<b>[0-3]?\d)[/.](?P<year>(?:19|20)\d\d)\b"),
    re.compile(rf"\b(?P<mon>{_MONTH})(?![a-z]),?\s+(?P<year>(?:1[89]|20)\d\d)\b", re.I),
    re.compile(
        rf"\b(?:in|since|during|by|until|of|early|late|mid-?|earlier|this|last)\s+"
        rf"(?:(?:early|late|mid-?)\s*)?(?P<mon>{_MONTH})(?![a-z])(?!\s*\d)",
        re.I,
    ),
    re.compile(r"\b(?:in|during|since|early|late|mid-?)\s*(?P<year>(?:19|20)\d\d)\b(?!-)", re.I),
]
RELATIVE = re.compile(
    rf"\b(?:(?P<mod>last|this past|past|this|on|next|coming|this coming)\s+)?"
    rf"(?P<weekday>{_WEEKDAY})(?:'s|’s)?(?:\s+(?:morning|afternoon|evening|night))?\b"
    r"|\b(?P<yesterday>(?:the\s+day\s+before\s+)?yesterday)\b"
    r"|\b(?P<lastnight>last\s+night)\b"
    r"|\b(?P<today>(?:earlier\s+|late\s+|early\s+)?today|this\s+(?:morning|afternoon|evening)|tonight)\b"
    r"|\b(?P<ago>(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?P<unit>days?|weeks?)\s+ago)\b"
    r"|\b(?P<week>(?:earlier|late|early)\s+this\s+week|this\s+week|last\s+week|the\s+previous\s+week)\b"
    r"|\b(?P<month>(?:earlier|late|early)\s+this\s+month|this\s+month|last\s+month|the\s+previous\s+month)\b"
    r"|\b(?P<yearrel>(?:earlier|late|early)\s+this\s+year|this\s+year|last\s+year|the\s+previous\s+year)\b",
    re.I,
)
SPEECH = re.compile(
    r"\b(?:said|says|say|told|tells|wrote|writes|added|adds|asked|stated|explained|noted|"
    r"according\s+to|testified|remarked|recalled|insisted|argued|replied|responded)\b",
    re.I,
)
HEADER = re.compile(
    r"^[ \t>]*(?P<name>Date|Sent|Dated|Written|Posted|Published|Recorded|Transcript date)"
    r"[ \t]*:[ \t]*(?P<value>\S.*)$",
    re.I | re.M,
)
WROTE = re.compile(
    r"^[ \t>]*On\s+(?P<value>.{6,90}?)\s*,?\s+(?P<who>[^\n]{1,150}?)\s+wrote:\s*$", re.M
)
MAIL_FIELD = re.compile(
    r"^[ \t>]*(?P<name>From|To|Subject|Cc)[ \t]*:[ \t]*(?P<value>.*)$", re.I | re.M
)
SALUTATION = re.compile(
    r"^[ \t]*(?:(?i:Dear|To whom it may concern)\b(?P<who>[^,:\n]*)"
    r"|To\s+(?P<to>(?:the\s+)?[A-Z][^\n:,;]{2,80}?)(?<!\.)[ \t]*$)",
    re.M,
)
TURN = re.compile(  # "NAME:", "NAME —" in capitals; "Ms. Name:" with a colon only
    r"^[ \t]*(?:(?P<label>[A-Z][A-Z .'’-]{1,60}?)[ \t]*(?::|[ \t][—–-][ \t])"
    r"|(?P<named>(?:[A-Z][\w.'’-]*[ \t]+){0,4}[A-Z][\w.'’-]*)[ \t]*:)",
    re.M,
)
NOT_LABELS = {
    "date", "sent", "dated", "from", "to", "cc", "subject", "re", "event", "occasion", "venue",
    "meeting", "hearing", "location", "written", "posted", "published", "recorded", "note",
    "update", "editor's note", "transcript", "transcript date", "present", "attendees",
}  # fmt: skip
PLACE_NOUN = re.compile(
    r"\b(?:room|chamber|chambers|hall|building|house|centre|center|court|courthouse|office|"
    r"offices|library|auditorium|theatre|theater|studio|hotel|school|church|station|"
    r"headquarters|arena|stadium|park|square|plaza|parliament|capitol|senate)\b",
    re.I,
)
EVENT_FIELD = re.compile(
    r"^[ \t]*(?P<name>Event|Occasion|Venue|Meeting|Hearing|Program|Programme|Show|Location)"
    r"[ \t]*:[ \t]*(?P<value>\S.*)$",
    re.I | re.M,
)
BLANK = re.compile(r"\n[ \t]*\n+")


@dataclass(frozen=True)
class DateProposal:
    date: date | None
    precision: str | None  # DAY, MONTH or YEAR; None with no date
    basis: str


@dataclass(frozen=True)
class VenueProposal:
    venue: str
    basis: str


@dataclass(frozen=True)
class Facts:
    """What the text says about a passage: its date (with the precision to show it at) and its
    venue, each with the words that gave it (``*_basis``), for the curator to check."""

    date: date | None
    precision: str | None
    date_basis: str
    venue: str | None
    venue_basis: str


def show(day: date) -> str:
    return f"{day.day} {day:%b} {day.year}"


def _show(day: date, precision: str) -> str:
    if precision == YEAR:
        return str(day.year)
    if precision == MONTH:
        return f"{day:%B} {day.year}"
    return show(day)


# --- the text's layout ------------------------------------------------------------------------


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of the text's paragraphs: blocks between blank lines, or its lines when it has no
    blank line (and is long enough to have paragraphs)."""
    spans, at = [], 0
    for gap in BLANK.finditer(text):
        spans.append((at, gap.start()))
        at = gap.end()
    spans.append((at, len(text)))
    if len(spans) == 1 and text.count("\n") >= 2:
        spans, at = [], 0
        for line in text.split("\n"):
            spans.append((at, at + len(line)))
            at += len(line) + 1
    return [(a, b) for a, b in spans if text[a:b].strip()] or [(0, len(text))]


def _paragraph_at(spans: list[tuple[int, int]], offset: int) -> int:
    for index, (a, b) in enumerate(spans):
        if offset < b or index == len(spans) - 1:
            return index if offset >= a or index == 0 else index - 1
    return len(spans) - 1


def _sentence_window(text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    """From the sentence end before the passage to the one after it, within ``lo``..``hi``."""
    before = max((m.end() for m in re.finditer(r"[.!?][\"”’']?\s+", text[lo:start])), default=0)
    after = re.search(r"[.!?](?=[\"”’']?\s|$)", text[end:hi])
    return lo + before, (end + after.end()) if after else hi


# --- dates written out ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    words: str
    date: date | None
    precision: str
    relative: bool  # counted from the story's date
    note: str = ""  # a word on how it was read (the year taken from the story's date, …)


def _month(word: str) -> int | None:
    return MONTHS.get(word.lower().rstrip("."))


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _year_for(month: int, day: int, base: date | None) -> tuple[int | None, str]:
    """A date written without its year: the base's year, or the year before when that would
    put it well after the base (a day a few weeks ahead is a plan, not a past statement)."""
    if base is None:
        return None, ""
    try:
        candidate = date(base.year, month, day)
    except ValueError:
        return None, ""
    if candidate <= base:
        return base.year, "the year from the story's date"
    if (candidate - base).days > 60:
        return base.year - 1, "the year before the story's"
    return None, ""


def _explicit(text: str, lo: int, hi: int, base: date | None, taken: list[tuple[int, int]]):
    for pattern in EXPLICIT:
        for match in pattern.finditer(text, lo, hi):
            if any(a < match.end() and match.start() < b for a, b in taken):
                continue
            parts = match.groupdict()
            if parts.get("mon") and not _capitalised(parts["mon"]):
                continue
            bare = not (parts.get("day") or parts.get("year"))
            if bare and _month(parts.get("mon") or "") == 5 and match.group(0)[:3] != "in ":
                continue  # "may" is a verb: a bare May only after "in"
            mention = _read(parts, base)
            if mention is None:
                continue
            day, precision, note = mention
            taken.append((match.start(), match.end()))
            yield _Mention(
                match.start(), match.end(), match.group(0).strip(), day, precision, False, note
            )


def _read(parts: dict, base: date | None) -> tuple[date | None, str, str] | None:
    year = int(parts["year"]) if parts.get("year") else None
    if parts.get("a"):  # 3/4/2026: read only when day and month cannot be swapped
        a, b = int(parts["a"]), int(parts["b"])
        if a == b or (a > 12 >= b):
            month, day = b, a
        elif b > 12 >= a:
            month, day = a, b
        else:
            return None
        try:
            return date(year, month, day), DAY, ""
        except ValueError:
            return None
    month = (
        int(parts["mnum"])
        if parts.get("mnum")
        else (_month(parts["mon"]) if parts.get("mon") else None)
    )
    day = int(parts["day"]) if parts.get("day") else None
    note = ""
    if month is None:  # a year alone
        return date(year, 1, 1), YEAR, ""
    if year is None:
        year, note = _year_for(month, day or 1, base)
        if year is None:
            if base is None:
                return None, DAY if day else MONTH, "no year, and no story date to take it from"
            return None
    try:
        return date(year, month, day or 1), DAY if day else MONTH, note
    except ValueError:
        return None


def _relative(text: str, lo: int, hi: int, base: date | None, taken: list[tuple[int, int]]):
    for match in RELATIVE.finditer(text, lo, hi):
        if any(a < match.end() and match.start() < b for a, b in taken):
            continue
        words = match.group(0).strip()
        kind = match.lastgroup
        if match.group("weekday"):
            if not _capitalised(match.group("weekday")):
                continue
            mod = (match.group("mod") or "").lower()
            if mod in ("next", "coming", "this coming"):
                continue  # ahead of the story: a plan, not when it was said
            kind = "weekday"
        if base is None:
            yield _Mention(match.start(), match.end(), words, None, DAY, True, "")
            continue
        read = _count_back(match, kind, base)
        if read is not None:
            yield _Mention(match.start(), match.end(), words, read[0], read[1], True, read[2])


def _count_back(match: re.Match, kind: str, base: date) -> tuple[date, str, str] | None:
    if kind == "weekday":
        weekday = WEEKDAYS[match.group("weekday").lower()]
        back = (base.weekday() - weekday) % 7
        mod = (match.group("mod") or "").lower()
        if mod in ("last", "past", "this past") and back == 0:
            back = 7
        note = "the story's own day" if back == 0 else ""
        return base - timedelta(days=back), DAY, note
    if kind == "yesterday":
        return base - timedelta(days=2 if "before" in match.group(0).lower() else 1), DAY, ""
    if kind == "lastnight":
        return base - timedelta(days=1), DAY, "the evening before the story's date"
    if kind == "today":
        return base, DAY, ""
    if kind == "ago":
        count = match.group("ago").split()[0].lower()
        number = int(count) if count.isdigit() else NUMBER_WORDS.get(count, 1)
        days = number * (7 if match.group("unit").lower().startswith("week") else 1)
        return base - timedelta(days=days), DAY, ""
    if kind == "week":
        words = match.group("week").lower()
        monday = base - timedelta(days=base.weekday())
        first, last = (
            (monday - timedelta(days=7), monday - timedelta(days=1))
            if "last" in words or "previous" in words
            else (monday, base)
        )
        # No week precision: the month most of those days fall in, to the month.
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        months = [(d.year, d.month) for d in days]
        year, month = max(set(months), key=lambda ym: (months.count(ym), ym))
        return (
            date(year, month, 1),
            MONTH,
            f"a day between {show(first)} and {show(last)}; shown to the month",
        )
    if kind == "month":
        words = match.group("month").lower()
        if "last" in words or "previous" in words:
            before = base.replace(day=1) - timedelta(days=1)
            return before.replace(day=1), MONTH, ""
        return base.replace(day=1), MONTH, ""
    if kind == "yearrel":
        words = match.group("yearrel").lower()
        year = base.year - 1 if "last" in words or "previous" in words else base.year
        return date(year, 1, 1), YEAR, ""
    return None


def _mentions(text: str, lo: int, hi: int, base: date | None, skip: tuple[int, int]):
    """Dates written in ``text[lo:hi]`` outside the span ``skip`` (the quoted words)."""
    found = []
    for a, b in ((lo, min(hi, skip[0])), (max(lo, skip[1]), hi)):
        if a >= b:
            continue
        taken: list[tuple[int, int]] = []
        found.extend(_explicit(text, a, b, base, taken))
        found.extend(_relative(text, a, b, base, taken))
    return found


def parse_date(words: str, *, story_date: date | None = None) -> tuple[date, str] | None:
    """One date written out (an email's ``Date:`` value, a letter head, a dateline): the date and
    its precision, or None. A date without its year takes ``story_date``'s."""
    words = words.strip()
    if not words:
        return None
    try:
        stamp = email.utils.parsedate_to_datetime(words)
    except (TypeError, ValueError, IndexError, OverflowError):
        stamp = None
    if stamp is not None and 1800 < stamp.year < 2200:
        return stamp.date(), DAY
    taken: list[tuple[int, int]] = []
    for mention in _explicit(words, 0, len(words), story_date, taken):
        if mention.date is not None:
            return mention.date, mention.precision
    return None


# --- the passage's own document: an email, a letter, a transcript ----------------------------


def _first_lines_end(text: str, lines: int = 6) -> int:
    at = 0
    for _ in range(lines):
        nl = text.find("\n", at)
        if nl < 0:
            return len(text)
        at = nl + 1
    return at


def _header_block(
    text: str, start: int, end: int, spans, index: int
) -> tuple[str, re.Match] | None:
    """The dated header of the email, letter or transcript the passage sits in: the nearest one
    above it, when it opens the text or is at most three paragraphs above and the passage's
    paragraph is not a story's (no "said" outside the passage)."""
    found: list[tuple[int, str, re.Match]] = []
    for match in HEADER.finditer(text, 0, start):
        found.append((match.start(), "header", match))
    for match in WROTE.finditer(text, 0, start):
        found.append((match.start(), "wrote", match))
    for match in SALUTATION.finditer(text, 0, start):
        head = _letter_head(text, match.start()) or _letter_foot(text, start)
        if head is not None:
            found.append((min(head.start(), match.start()), "letter", head))
    if not found:
        return None
    at, kind, match = max(found, key=lambda item: item[0])
    top = at < _first_lines_end(text)
    if not top:
        header_paragraph = _paragraph_at(spans, at)
        if index - header_paragraph > 3 or _story_paragraph(text, spans[index], start, end):
            return None
    return kind, match


def _story_paragraph(text: str, span: tuple[int, int], start: int, end: int) -> bool:
    """The paragraph tells who said something, outside the passage: a story's, not a letter's."""
    a, b = span
    return bool(SPEECH.search(text[a : max(a, start)] + " " + text[min(end, b) : b]))


DATE_LINE = re.compile(r"^[ \t]*(?P<value>[^\n]{4,80})$", re.M)
HEAD_LINE = re.compile(r"^[ \t]*(?P<value>[^\n]{4,200})$", re.M)


def _letter_head(text: str, salutation: int) -> re.Match | None:
    """A line above "Dear …" (within ten lines) that is a date, perhaps after a place."""
    lo = salutation
    for _ in range(10):
        lo = text.rfind("\n", 0, max(lo - 1, 0))
        if lo < 0:
            lo = 0
            break
    for match in reversed(list(DATE_LINE.finditer(text, lo, salutation))):
        value = match.group("value").strip()
        if len(value.split()) > 8:
            continue
        if parse_date(value) is not None and _only_a_date(value):
            return match
    return None


CLOSING = re.compile(
    r"^[ \t]*(?:Sincerely|Yours|Regards|Best regards|Kind regards|Respectfully|With thanks|"
    r"Thank you|Best wishes)\b[^\n]*$",
    re.I | re.M,
)


def _letter_foot(text: str, start: int) -> re.Match | None:
    """A date alone on a line among the six lines after the letter's closing ("Sincerely")."""
    closing = CLOSING.search(text, start)
    if closing is None:
        return None
    hi = closing.end() + _first_lines_end(text[closing.end() :], 7)
    for match in DATE_LINE.finditer(text, closing.end(), hi):
        value = match.group("value").strip()
        if parse_date(value) is not None and _only_a_date(value):
            return match
    return None


def _only_a_date(line: str) -> bool:
    """The line holds a date and at most a place or "Dated" before it."""
    taken: list[tuple[int, int]] = []
    mentions = list(_explicit(line, 0, len(line), None, taken))
    if not mentions:
        return False
    rest = (line[: mentions[0].start] + line[mentions[0].end :]).strip(" ,.-–—:")
    return len(rest.split()) <= 4 and not rest.endswith(".")


def _top_date(text: str) -> tuple[date, str, str] | None:
    """A date line at the top of the text (a dateline, a transcript's date): date, precision,
    the line's words."""
    for match in DATE_LINE.finditer(text, 0, _first_lines_end(text)):
        value = match.group("value").strip()
        header = HEADER.match(value)
        if header:
            value = header.group("value")
        elif not _only_a_date(
            re.sub(r"^(?:Published|Updated|Posted|By\b[^|•,]*[|•,])", "", value, flags=re.I)
        ):
            continue
        found = parse_date(
            re.sub(r"^(?:Published|Updated|Posted)\s*(?:on)?\s*", "", value, flags=re.I)
        )
        if found is not None:
            return found[0], found[1], match.group("value").strip()
    return None


def _turn_label(text: str, span: tuple[int, int]) -> bool:
    match = TURN.match(text, span[0], span[1])
    if not match:
        return False
    return (match.group("label") or match.group("named")).strip().lower() not in NOT_LABELS


def _in_turn(text: str, spans, index: int) -> bool:
    """The passage's paragraph is a transcript's turn: it opens with a speaker's label
    ("NAME:", "NAME —") and so do other paragraphs of the text."""
    if not _turn_label(text, spans[index]):
        return False
    return sum(_turn_label(text, span) for span in spans) >= 2


@dataclass(frozen=True)
class _Head:
    date: date | None
    precision: str | None
    words: str  # the date as written
    line: str  # the line it is in
    place: str  # the place the header names ("Council Chamber, City Hall"), or ""
    place_line: str


def _transcript_head(text: str, spans) -> _Head | None:
    """A transcript's header: the lines above its first turn (at most six), the first one with
    a full date (with or without a weekday, with other words around it) and a place line (the
    words after that date, or a line of its own naming a room, a hall, a building)."""
    first_turn = next((a for a, b in spans if _turn_label(text, (a, b))), len(text))
    hi = min(first_turn, _first_lines_end(text))
    lines = [m for m in HEAD_LINE.finditer(text, 0, hi) if m.group("value").strip()]
    day = words = line = place = place_line = ""
    precision = None
    for number, match in enumerate(lines):
        value = match.group("value").strip()
        header = HEADER.match(value)
        lo = match.start("value") + (header.start("value") if header else 0)
        taken: list[tuple[int, int]] = []
        mentions = [
            m
            for m in _explicit(text, lo, match.end("value"), None, taken)
            if m.date is not None and m.precision == DAY
        ]
        if mentions and not day:
            mention = min(mentions, key=lambda m: m.start)
            day, precision, words, line = mention.date, DAY, mention.words, value
            after = text[mention.end : match.end("value")].strip(" \t,;.—–-")
            if after and after[:1].isupper() and len(after.split()) <= 12:
                place, place_line = after, value
        elif (
            not mentions
            and number > 0
            and not place
            and not header
            and not EVENT_FIELD.match(value)
            and len(value.split()) <= 12
            and PLACE_NOUN.search(value)
            and value[:1].isupper()
            and not value.endswith(".")
        ):
            place, place_line = value, value
    if not day and not place:
        return None
    return _Head(day or None, precision, words, line, place, place_line)


def _quoted(words: str, limit: int = 60) -> str:
    words = re.sub(r"\s+", " ", words).strip()
    return f"“{words if len(words) <= limit else words[:limit].rstrip() + '…'}”"


# --- the date ---------------------------------------------------------------------------------


def propose_date(text: str, start: int, end: int, story_date: date | None) -> DateProposal:
    """The date the passage ``text[start:end]`` was said or written, and where it came from."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    spans = paragraphs(text)
    index = _paragraph_at(spans, start)
    top = _top_date(text)
    base, base_words = story_date, "the story's date"
    if base is None and top is not None and top[1] == DAY:
        base, base_words = top[0], f"the date at the top of the text ({_quoted(top[2])})"

    header = _header_block(text, start, end, spans, index)
    if header is not None:
        kind, match = header
        value = match.group("value")
        found = parse_date(value, story_date=base)
        if found is not None:
            if kind == "letter":
                where = "" if match.start() < start else " below its signature"
                basis = f"the letter's own date{where} ({_quoted(value)})"
            elif kind == "wrote":
                basis = f"the email's own date line ({_quoted(match.group(0))})"
            else:
                name = match.group("name")
                what = "email's" if _is_mail(text, match.start()) else "text's"
                basis = f"the {what} own date line ({_quoted(name + ': ' + value)})"
            return DateProposal(found[0], found[1], basis)

    if _in_turn(text, spans, index):
        head = _transcript_head(text, spans)
        if head is not None and head.date is not None:
            return DateProposal(
                head.date,
                head.precision,
                f"the transcript's own date ({_quoted(head.words)} in its header"
                f" {_quoted(head.line)}); days its speakers mention are not when they spoke",
            )
        if story_date is not None:
            return DateProposal(
                story_date,
                DAY,
                "the story's date (a transcript's turn, and no date in its header; days its "
                "speakers mention are not when they spoke)",
            )

    unread: list[_Mention] = []
    a, b = spans[index]
    lo, hi = _sentence_window(text, start, end, a, b)
    here = _mentions(text, a, b, base, (start, end))
    near = [m for m in here if m.precision == DAY or (lo <= m.start and m.end <= hi)]
    chosen = _nearest(near, start, end, unread)
    where = "in the paragraph"
    if chosen is None and index > 0 and not _is_headline(text, spans, index - 1):
        pa, pb = spans[index - 1]
        before = [m for m in _mentions(text, pa, pb, base, (pb, pb)) if m.precision == DAY]
        chosen = _nearest(before, pb, pb, unread)
        where = "in the paragraph before"
    if chosen is not None:
        basis = f"{_quoted(chosen.words)} {where}"
        if chosen.relative:
            basis += f", counted back from {base_words} {show(base)}"
        if chosen.note:
            basis += f" ({chosen.note})"
        return DateProposal(chosen.date, chosen.precision, basis)

    missing = ""
    if unread:
        missing = f"; {_quoted(unread[0].words)} {where} cannot be placed without a date"
    if story_date is not None:
        return DateProposal(story_date, DAY, f"the story's date (no date in the text{missing})")
    if top is not None:
        return DateProposal(
            top[0], top[1], f"the date at the top of the text ({_quoted(top[2])}){missing}"
        )
    return DateProposal(None, None, f"no date in the text, and the story has no date{missing}")


def _nearest(mentions: list[_Mention], start: int, end: int, unread: list[_Mention]):
    placed = [m for m in mentions if m.date is not None]
    unread.extend(m for m in mentions if m.date is None)
    if not placed:
        return None

    def distance(m: _Mention) -> tuple[int, int]:
        gap = start - m.end if m.end <= start else m.start - end
        return (max(gap, 0), 0 if m.end <= start else 1)

    return min(placed, key=distance)


def _is_mail(text: str, at: int) -> bool:
    """A From:, To: or Subject: line within five lines of ``at``."""
    lo = at
    for _ in range(5):
        lo = text.rfind("\n", 0, max(lo - 1, 0))
        if lo < 0:
            lo = 0
            break
    hi = _first_lines_end(text[at:], 6) + at
    return bool(MAIL_FIELD.search(text, lo, hi))


def _is_headline(text: str, spans, index: int) -> bool:
    """The text's first paragraph when it is one short line without a full stop."""
    if index != 0:
        return False
    a, b = spans[0]
    line = text[a:b].strip()
    return "\n" not in line and len(line) <= 200 and not line.endswith(".")


# --- the venue --------------------------------------------------------------------------------

EVENTS = (
    r"news conference|press conference|conference|press briefing|news briefing|briefing|"
    r"press availability|hearing|meeting|rally|town hall|town-hall meeting|summit|forum|session|"
    r"debate|ceremony|speech|address|gathering|event|vigil|protest|dinner|luncheon|breakfast|"
    r"convention|panel|roundtable|round table|assembly|symposium|lecture|sermon|commencement|"
    r"fundraiser|interview|podcast|webinar|trial|inquiry|inquest|statement|written statement|"
    r"letter|open letter|email|e-mail|memo|memorandum|blog post|post|tweet|message|text message|"
    r"op-ed|column|essay|report|filing|court filing|deposition|affidavit|declaration|testimony|"
    r"video|newsletter|press release|news release|submission|complaint|motion|ruling|remarks|"
    r"broadcast|appearance|phone call|call|radio show|show|program|programme|documentary"
)
EVENT = re.compile(
    r"\b(?P<prep>at|during|in|before|to|on|from|according\s+to|told|addressed)\s+"
    r"(?:(?P<det>a|an|the|his|her|their|its|this|that|[A-Z][\w.&'’-]*(?:'s|’s))\s+)?"
    r"(?P<mods>(?:[\w&'’.-]+\s+){0,4}?)"
    rf"(?P<noun>{EVENTS}|comments)s?\b",
    re.I,
)
BARE = {"remarks", "testimony", "comments", "court", "trial", "interview", "interviews"}
SUBJECT = re.compile(
    r"\b(?P<det>the|a|an|his|her|their|its|this|that)\s+(?P<mods>(?:[\w&'’.-]+\s+){0,3}?)"
    r"(?P<noun>statement|letter|email|e-mail|memo|memorandum|report|filing|post|message|"
    r"press release|news release|complaint|ruling|transcript|minutes|notice|tweet)\s+"
    r"(?:said|says|read|reads|stated|states|added|continued|concluded|found|noted|notes)\b",
    re.I,
)
PLATFORM = re.compile(
    r"\b(?P<verb>wrote|posted|said|tweeted|announced|commented|shared|appeared|spoke|"
    r"testified|speaking)\s+(?P<prep>on|in|before|to)\s+"
    r"(?P<what>(?:the\s+)?(?:[A-Z][\w.&'’-]*|“[^”\n]{1,60}”|\"[^\"\n]{1,60}\")"
    r"(?:\s+(?:[A-Z][\w.&'’-]*|of|the|and|on))*)",
)
TOLD = re.compile(
    r"\btold\s+(?P<who>(?:the\s+|a\s+|an\s+)?(?:[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*)*|"
    r"reporters|journalists|lawmakers|senators|legislators|members|councillors|councilors|"
    r"supporters|the\s+crowd|a\s+crowd|the\s+jury|jurors|the\s+court|investigators))"
)
TAIL_STOP = {
    "that", "which", "who", "whom", "where", "when", "while", "and", "but", "as", "after",
    "because", "said", "says", "saying", "told", "he", "she", "they", "it", "we", "i", "last",
    "yesterday", "today", "this", "earlier", "on", "in", "at", "about", "over", "since",
    "following", "amid", "than", "if", "though", "although", "or", "so", "was", "is",
    "were", "are", "had", "has", "have", "would", "will", "could", "should", "did", "does",
    "early", "late", "later", "shortly", "just", "soon",
}  # fmt: skip
TAIL_PREPS = {"with", "to", "before", "of", "for", "by", "at", "on", "in", "from"}
NOT_VENUE = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
ARTICLES = {"a", "an", "the", "his", "her", "their", "its", "this", "that"}
ON_NOUNS = {"show", "program", "programme", "podcast", "call", "phone call", "broadcast", "video"}
TO_NOUNS = {
    "letter", "email", "e-mail", "memo", "memorandum", "message", "submission", "testimony",
    "remarks", "speech", "address", "statement",
}  # fmt: skip
DROP_DET = re.compile(r"^(?:a|an|the|his|her|their|its|this|that)\s+", re.I)
DAY_POSSESSIVE = re.compile(
    rf"^(?:{_WEEKDAY}|yesterday|today|last\s+week|this\s+week)(?:'s|’s)\s+", re.I
)


def _tail(text: str, at: int, hi: int) -> int:
    """Where a venue's "with …", "to …", "of …" runs to: a preposition then at most six words,
    stopped by punctuation, a clause word, a date or a number."""
    match = re.match(r"\s+(\w+)", text[at:hi])
    if not match or match.group(1).lower() not in TAIL_PREPS:
        return at
    prep = match.group(1).lower()
    cursor, end, words = at + match.end(), at + match.end(), 0
    word_at = re.compile(r"[ \t]+(?P<w>[\w&.'’-]+|[\"“][^\"”\n]{1,60}[\"”])")
    while words < 6:
        word = word_at.match(text, cursor, hi)
        if word is None:
            break
        token = word.group("w").rstrip(".")
        lowered = token.lower()
        if (
            lowered in TAIL_STOP
            or lowered in NOT_VENUE
            or (_month(lowered) and _capitalised(token))
            or token[:1].isdigit()
        ):
            break
        first = prep in ("on", "in", "at") and words == 0
        if first and lowered not in ("the", "a", "an") and not _capitalised(token):
            break
        words += 1
        cursor = word.end()
        end = cursor - (len(word.group("w")) - len(word.group("w").rstrip(".")))
        if text[cursor : cursor + 1] in (",", ";", ":", "") or word.group("w").endswith("."):
            break
    if words == 0:
        return at
    last = text[at:end].split()
    while last and last[-1].lower() in ({"the", "a", "an"} | TAIL_PREPS):
        end = at + text[at:end].rstrip().rfind(last[-1]) - 1
        last.pop()
    return max(end, at)


AUDIENCE = re.compile(
    r"\b(?:committee|subcommittee|council|board|commission|hearing|court|tribunal|jury|inquiry|"
    r"inquest|assembly|parliament|senate|house|congress|legislature|caucus|cabinet|meeting|"
    r"conference|convention|panel|forum|summit|crowd|audience|rally|delegates|members|"
    r"newspaper|paper|magazine|station|channel|network|show|program|programme|podcast|"
    r"news|times|post|herald|gazette|tribune|journal|daily|weekly|courier|ledger|press|"
    r"chronicle|observer|guardian|review|record|telegraph|mail|star|sun|radio|tv|television|"
    r"wire|bulletin|magazine|register|dispatch|standard|mirror|express|independent|monitor|"
    r"inquirer|examiner|sentinel|agency|reuters|bloomberg|associated\s+press)s?$",
    re.I,
)
PASSIVE = re.compile(r"\b(?:was|were|been|being|is|are|am|be|get|gets|got|getting)\s+$", re.I)


def _audience(text: str, match: re.Match) -> bool:
    """ "told …" names an audience (reporters, the committee, the Gazette, the BBC), not a
    place or a thing ("was told the Elm Street pumps…", "told the Elm Street residents to …"):
    a proper-noun object counts only when it is a body, an outlet or an acronym, and stands
    alone (not a modifier of the next word); a passive "was told" has no audience."""
    if PASSIVE.search(text[max(0, match.start() - 12) : match.start()]):
        return False
    who = match.group("who")
    words = re.sub(r"^(?:the|a|an)\s+", "", who, flags=re.I).split()
    if not words[0][:1].isupper():
        return True  # "reporters", "the crowd": the pattern's own audiences
    last = words[-1].rstrip(".")
    body = AUDIENCE.search(" ".join(words).rstrip(".")) or re.fullmatch(r"[A-Z]{2,6}s?", last)
    if not body and who.lower().startswith(("the ", "a ", "an ")):
        return False  # "the Orchard Lane": a place or a thing, not people
    following = re.match(r"\s+([a-z][\w'’-]*)", text[match.end() : match.end() + 40])
    return not (following and following.group(1) not in TAIL_STOP | TAIL_PREPS)


def _venue_in(text: str, lo: int, hi: int, skip: tuple[int, int]):
    """Venue phrases in ``text[lo:hi]`` outside ``skip``: (start, end, venue, words)."""
    out = []
    for a, b in ((lo, min(hi, skip[0])), (max(lo, skip[1]), hi)):
        if a >= b:
            continue
        for match in EVENT.finditer(text, a, b):
            prep = match.group("prep").lower()
            det = match.group("det") or ""
            if not det and match.group("noun").lower() not in BARE:
                continue
            if det.lower() not in ARTICLES and re.sub(r"['’]s$", "", det).lower() in NOT_VENUE:
                det = ""
            noun = match.group("noun").lower()
            if prep == "on" and noun not in ON_NOUNS:
                continue
            if prep == "to" and noun not in TO_NOUNS and det.lower() not in ("a", "the"):
                continue
            end = _tail(text, match.end(), b)
            begin = match.start("det") if det else match.start("mods")
            phrase = text[begin:end]
            phrase = DAY_POSSESSIVE.sub("", DROP_DET.sub("", re.sub(r"\s+", " ", phrase)))
            if det and det.lower() not in ARTICLES:
                phrase = re.sub(r"\s+", " ", text[begin:end])
                phrase = DAY_POSSESSIVE.sub("", phrase)
            if prep == "told" and noun == "remarks":
                continue
            out.append((match.start(), end, _cap(phrase.strip(" ,;:")), text[match.start() : end]))
        for match in SUBJECT.finditer(text, a, b):
            phrase = re.sub(r"\s+", " ", text[match.start("mods") : match.end("noun")])
            out.append((match.start(), match.end(), _cap(phrase), match.group(0)))
        for match in PLATFORM.finditer(text, a, b):
            what = match.group("what").strip().rstrip(".")
            first = re.sub(r"(?:'s|’s)$", "", what.split()[0].lower())
            if (
                first in NOT_VENUE
                or first in ("yesterday", "today", "tuesday's")
                or _month(what.split()[0])
            ):
                continue
            if what.lower().startswith("the ") and len(what.split()) == 1:
                continue
            verb = match.group("verb").lower()
            if (
                verb in ("wrote", "posted", "tweeted", "shared", "commented")
                and match.group("prep") == "on"
            ):
                venue = f"Post on {DROP_DET.sub('', what)}"
            elif verb == "testified":
                venue = f"Testimony {match.group('prep')} {what}"
            elif match.group("prep") == "on":
                venue = DROP_DET.sub("", what)
            else:
                continue
            out.append((match.start(), match.end(), _cap(venue), match.group(0)))
        for match in TOLD.finditer(text, a, b):
            who = match.group("who")
            if who.split()[-1].lower() in NOT_VENUE or _month(who.split()[-1]):
                continue
            if EVENT.match(match.group(0)) or not _audience(text, match):
                continue
            end = _tail(text, match.end(), b)
            who = re.sub(r"\s+", " ", text[match.start("who") : end])
            if who.endswith(".") and "." not in who.split()[-1][:-1]:
                who = who[:-1]  # the sentence's full stop
            out.append((match.start(), end, f"Remarks to {who}", text[match.start() : end]))
    # An event phrase inside another (a "hearing" inside "told a Senate hearing") counts once.
    out.sort(key=lambda item: (item[0], -(item[1] - item[0])))
    kept = []
    for item in out:
        if kept and item[0] < kept[-1][1]:
            continue
        kept.append(item)
    return kept


def _cap(words: str) -> str:
    return words[:1].upper() + words[1:]


def propose_venue(text: str, start: int, end: int) -> VenueProposal | None:
    """Where the passage was said or written, in the text's own words; None when it says
    nothing. Never the headline."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    spans = paragraphs(text)
    index = _paragraph_at(spans, start)
    own = _own_document_venue(text, start, end, spans, index)
    if own is not None:
        return own
    if _in_turn(text, spans, index):  # not the places its speakers mention
        head = _transcript_head(text, spans)
        if head is not None and head.place:
            return VenueProposal(
                head.place, f"the transcript's own header ({_quoted(head.place_line)})"
            )
        for match in EVENT_FIELD.finditer(text, 0, start):
            if match.start() < _first_lines_end(text, 10):
                value = match.group("value").strip()
                return VenueProposal(
                    value, f"the text's own {_quoted(match.group(0).strip())} line"
                )
        return None
    a, b = spans[index]
    if not (index == 0 and _is_headline(text, spans, 0) and not (a <= start < b)):
        found = _venue_in(text, a, b, (start, end))
        best = _closest(found, start, end)
        if best is not None:
            return VenueProposal(best[2], f"{_quoted(best[3])} in the paragraph")
    if index > 0 and not _is_headline(text, spans, index - 1):
        pa, pb = spans[index - 1]
        best = _closest(_venue_in(text, pa, pb, (pb, pb)), pb, pb)
        if best is not None:
            return VenueProposal(best[2], f"{_quoted(best[3])} in the paragraph before")
    for match in EVENT_FIELD.finditer(text, 0, start):
        if match.start() < _first_lines_end(text, 10):
            value = match.group("value").strip()
            return VenueProposal(value, f"the text's own {_quoted(match.group(0).strip())} line")
    return None


def _closest(found, start: int, end: int):
    if not found:
        return None
    return min(found, key=lambda f: (max(start - f[1], f[0] - end, 0), 0 if f[1] <= start else 1))


def _own_document_venue(text: str, start: int, end: int, spans, index: int) -> VenueProposal | None:
    """The email or letter the passage sits in, from its header."""
    header = _header_block(text, start, end, spans, index)
    mail_at = None
    if header is not None and header[0] in ("header", "wrote"):
        at = header[1].start()
        if header[0] == "wrote" or _is_mail(text, at):
            mail_at = at
    if mail_at is None:
        fields = list(MAIL_FIELD.finditer(text, 0, start))
        if fields and (fields[-1].start() < _first_lines_end(text, 8)):
            mail_at = fields[-1].start()
            if (
                _story_paragraph(text, spans[index], start, end)
                and index - _paragraph_at(spans, mail_at) > 3
            ):
                mail_at = None
    if mail_at is not None:
        lo = max(0, text.rfind("\n\n", 0, mail_at))
        hi = text.find("\n\n", mail_at)
        hi = len(text) if hi < 0 else hi
        to = [m for m in MAIL_FIELD.finditer(text, lo, hi) if m.group("name").lower() == "to"]
        who = to[0].group("value").strip() if to else ""
        who = re.sub(r"\s*<[^>]*>", "", who).strip(" ;,")
        venue = f"Email to {who}" if who and len(who) <= 120 else "Email"
        basis = "the email's own header" + (f" ({_quoted('To: ' + who)})" if who else "")
        return VenueProposal(venue, basis)
    if header is not None and header[0] == "letter":
        salutations = list(SALUTATION.finditer(text, 0, start))
        salutation = salutations[-1] if salutations else None
        who = (
            (salutation.group("who") or salutation.group("to") or "").strip() if salutation else ""
        )
        venue = (
            f"Letter to {who}"
            if who and who.lower() not in ("sir or madam", "sir/madam")
            else "Letter"
        )
        words = _quoted(salutation.group(0).strip()) if salutation else ""
        return VenueProposal(venue, f"the letter's own head and salutation ({words})")
    return None


def propose_facts(text: str, start: int, end: int, story_date: date | None) -> Facts:
    """The date and venue the text gives for the passage ``text[start:end]``: each one a
    proposal for the curator, with the words it came from."""
    when = propose_date(text, start, end, story_date)
    where = propose_venue(text, start, end)
    return Facts(
        date=when.date,
        precision=when.precision,
        date_basis=when.basis,
        venue=where.venue if where else None,
        venue_basis=where.basis if where else "",
    )
