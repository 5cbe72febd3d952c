"""What the first lines of a plain text say about it: a headline, a byline, an outlet, a date.

Read by general rules, not by any example's words: the headline is a short line near the top
without a final full stop, set apart by a blank line, a byline or a date, or capitalised like
a title; the byline starts "By"; a date is a line that holds a date and little else (or the
date in a byline or a wire dateline with its year); an outlet is a short line beside them
with capitals (or an email's or a transcript's header lines give the same facts). A header
block (a few heading-shaped lines before the first blank line) is set apart by that blank line,
and a full date anywhere in one of its lines dates the text. A letter (a letterhead name, then
address and date lines, then "Dear …" or "To the …") is titled by its subject line or "Letter
from <name> to <addressee>".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from sources.text.facts import parse_date

__all__ = ["Heading", "read_heading"]

TOP_LINES = 8  # non-empty lines looked at
MAX_TITLE = 200
BYLINE = re.compile(
    r"^(?:written\s+)?by[:\s]\s*(?P<who>[^\n|•·]+?)(?:\s*[|•·]\s*(?P<rest>.*))?$", re.I
)
HEADER = re.compile(r"^(?P<name>[A-Za-z][A-Za-z -]{1,20}):\s*(?P<value>.*)$")
META_FIELDS = {"from", "to", "cc", "date", "sent", "subject", "dated", "published", "updated"}
SPEAKER_LABEL = re.compile(r"^[A-Z][A-Z .'’-]{1,40}:")
SMALL_WORDS = {
    "a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "of", "on", "or",
    "over", "the", "to", "up", "with", "vs", "via", "after", "amid", "than", "is", "are", "be",
}  # fmt: skip
ROLE_TAIL = re.compile(
    r",\s*(?:(?:senior|chief|staff|special|political|city|health|science|legal|investigative|"
    r"associated)\s+)*(?:writer|reporter|correspondent|editor|columnist|contributor)s?\b.*$",
    re.I,
)
OUTLET_HINT = re.compile(
    r"\b(?:news|times|post|herald|gazette|tribune|journal|daily|weekly|courier|ledger|press|"
    r"chronicle|observer|guardian|review|record|telegraph|mail|star|sun|radio|tv|television|"
    r"network|wire|reuters|agence|associated|bulletin|report|magazine|register|dispatch|"
    r"standard|mirror|express|independent|monitor|inquirer|examiner|sentinel|times-)\b",
    re.I,
)
WIRE_DATELINE = re.compile(
    r"^[A-Z][A-Z .,'’-]{2,40},?\s+(?P<date>[^(\-—–]{3,40}?)\s*(?:\((?P<wire>[^)]{2,40})\))?\s*[-—–]"
)


@dataclass(frozen=True)
class Heading:
    title: str = ""
    author: str = ""
    published_on: date | None = None
    outlet: str = ""
    kind: str = ""  # "letter" or "transcript" when the text's form says so (sources.SourceKind)


def _titleish(line: str) -> bool:
    """Most of the line's longer words start with a capital (or it is in capitals)."""
    words = re.findall(r"[A-Za-z][\w'’-]*", line)
    if not words:
        return False
    if line.upper() == line and len(words) >= 2:
        return True
    long = [w for w in words if w.lower() not in SMALL_WORDS]
    return bool(long) and sum(w[0].isupper() for w in long) >= 0.6 * len(long)


def _headline_shape(line: str) -> bool:
    stripped = line.strip()
    return (
        (
            0 < len(stripped) <= MAX_TITLE
            and len(stripped.split()) <= 30
            and not stripped.endswith((".", ",", ";", ":"))
        )
        or (stripped.endswith("...") and len(stripped) <= MAX_TITLE)
    ) and not stripped.startswith(('"', "“", "'", "‘", "-", "*", ">", "(", "["))


def _date_line(line: str) -> date | None:
    words = re.sub(
        r"^(?:published|updated|posted|first published|date|dated)\s*(?:on|:)?\s*",
        "",
        line.strip(),
        flags=re.I,
    )
    if len(words.split()) > 10:
        return None
    found = parse_date(words)
    if found is None:
        return None
    # little else on the line than the date (a time, a weekday, a place)
    rest = re.sub(r"\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?|\b[A-Z]{2,4}\b|[\d,./:-]", " ", words)
    return found[0] if len(rest.split()) <= 5 else None


def _author(who: str) -> str:
    who = ROLE_TAIL.sub("", who.strip())
    who = re.split(r"\s*,\s*(?=(?:the\s+)?[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*)*\s*$)", who)[0]
    return who.strip(" ,;-—–")[:200]


def read_heading(text: str) -> Heading:
    """The title, author, date and outlet the first lines of a plain text give (each may be
    empty), and its kind when its form says it: a letter or an email, a transcript."""
    heading = _read_heading(text)
    if not heading.kind and is_transcript(text):
        return replace(heading, kind="transcript")
    return heading


def is_transcript(text: str) -> bool:
    """Most of the text's paragraphs are turns: they open with a speaker's label in capitals
    ("ROE:", "MAYOR JANE ROE:", "Q:") — at least three, and half of the paragraphs."""
    paragraphs = [
        p.strip() for p in re.split(r"\n\s*\n|\n(?=[A-Z][A-Z .'’-]{0,40}:)", text[:200_000])
    ]
    paragraphs = [p for p in paragraphs if p]
    turns = sum(1 for p in paragraphs if TURN.match(p))
    return turns >= 3 and turns * 2 >= len(paragraphs)


TURN = re.compile(
    r"(?:\[?\d{1,2}:\d{2}(?::\d{2})?\]?\s+)?[A-Z][A-Z.'’-]*(?:\s+[A-Z][A-Z.'’-]*){0,5}\s*(?::|—|--)\s"
)


def _read_heading(text: str) -> Heading:
    lines: list[tuple[str, bool]] = []  # (line, followed by a blank line)
    raw = text[:5000].split("\n")
    for number, line in enumerate(raw):
        if line.strip():
            blank_after = number + 1 < len(raw) and not raw[number + 1].strip()
            lines.append((line.strip(), blank_after))
        if len(lines) >= TOP_LINES:
            break
    if not lines:
        return Heading()
    mail = _headers(lines)
    if mail is not None:
        return mail
    letter = _letter(text)
    if letter is not None:
        return letter
    block = _block_lines(text)
    title = author = outlet = ""
    published: date | None = None
    byline_at = next((i for i, (line, _b) in enumerate(lines[:5]) if BYLINE.match(line)), None)
    if byline_at is not None:
        match = BYLINE.match(lines[byline_at][0])
        who = match.group("who")
        parts = [p for p in re.split(r"\s*[|•·]\s*", match.group("rest") or "") if p]
        if "," in who:  # "By Jane Roe, The Ledger"
            head, tail = who.split(",", 1)
            if OUTLET_HINT.search(tail) and not ROLE_TAIL.search("," + tail):
                who, parts = head, [tail.strip(), *parts]
        author = _author(who)
        for part in parts:
            day = _date_line(part)
            if day is not None and published is None:
                published = day
            elif not outlet and 0 < len(part.split()) <= 6 and _titleish(part):
                outlet = part.strip()
    before = lines[:byline_at] if byline_at is not None else lines[:3]
    around = lines[: (byline_at or 0) + 4]
    for index, (line, blank_after) in enumerate(before):
        if _date_line(line):
            continue
        header = HEADER.match(line)
        if header and header.group("name").strip().lower() in META_FIELDS:
            continue
        if SPEAKER_LABEL.match(line) and not _titleish(line.split(":", 1)[1]):
            break  # a transcript's first turn
        if not _headline_shape(line):
            break  # prose has begun
        following = lines[index + 1][0] if index + 1 < len(lines) else ""
        set_apart = (
            blank_after
            or byline_at == index + 1
            or _date_line(following) is not None
            or _titleish(line)
            or (index == 0 and 2 <= len(block) <= 6)  # the first line of a header block
        )
        if not set_apart:
            break
        if title and not outlet and len(title.split()) <= 6 and _titleish(title):
            outlet = title  # a masthead line above the headline
        elif title:
            break
        title = line
        if byline_at is None:
            break
    for line, _blank in around:
        if line in (title, outlet) or BYLINE.match(line):
            continue
        for part in re.split(r"\s+[|•·]\s+", line) if len(line) <= MAX_TITLE else [line]:
            day = _date_line(part)
            if day is not None:
                published = published or day
            elif not outlet and part != line and 0 < len(part.split()) <= 6 and _titleish(part):
                outlet = part.strip()  # "The Ledger | April 2, 2025"
    if published is None:
        published = _block_date(block, title)
    if published is None:
        published, wire = _dateline(text)
        outlet = outlet or wire
    if not outlet:
        for line, _blank in around:
            if line == title or BYLINE.match(line) or _date_line(line):
                continue
            if len(line.split()) <= 5 and _titleish(line) and OUTLET_HINT.search(line):
                outlet = line
                break
    return Heading(title=title[:300], author=author, published_on=published, outlet=outlet[:200])


def _block_lines(text: str, limit: int = 6) -> list[str]:
    """The text's header block: its first lines, up to the first blank line, when at most
    ``limit`` lines (after any blank lines at the top), all shaped like headings (none ends a
    sentence, none is a transcript's first turn), and the text goes on after it."""
    raw = text.lstrip("\n \t").split("\n")
    block: list[str] = []
    for line in raw:
        if not line.strip():
            break
        block.append(line.strip())
        if len(block) > limit:
            return []
    if len(block) == len(raw) or not all(_headline_shape(line) for line in block):
        return []
    if any(SPEAKER_LABEL.match(line) for line in block[1:]):
        return []
    return block


def _block_date(block: list[str], title: str) -> date | None:
    """A full date (day, month, year) in a line of the header block other than the title,
    with or without a weekday or other words around it."""
    for line in block:
        if line == title:
            continue
        found = parse_date(re.sub(r"^[^\d]{0,30}?:\s*", "", line))
        if found is not None and found[1] == "day" and re.search(r"\b(?:1[89]|20)\d\d\b", line):
            return found[0]
    return None


SALUTATION = re.compile(
    r"^(?:Dear\s+(?P<dear>[^,:\n]{2,80}?)\s*[,:]?|To\s+whom\s+it\s+may\s+concern[,:]?"
    r"|To\s+(?P<to>(?:the\s+)?[A-Z][^\n:,;]{2,80}?)(?<!\.))\s*$",
)
SUBJECT_LINE = re.compile(r"^(?:Re|Subject|Ref)\s*:\s*(?P<subject>\S.{2,200})$", re.I)
CLOSING = re.compile(
    r"^(?:Sincerely|Yours|Regards|Best regards|Kind regards|Respectfully|With thanks|"
    r"Best wishes)\b[^\n]{0,30}$",
    re.I,
)


def _letter(text: str) -> Heading | None:
    """A letter: a letterhead (a person's or an organisation's name on the first line, then
    address and date lines, none a sentence) above a salutation ("Dear …", "To the …").
    Titled by its subject line, or "Letter from <name> to <addressee>"."""
    lines = [line.strip() for line in text[:3000].split("\n") if line.strip()]
    head: list[str] = []
    salutation = None
    for line in lines[:14]:
        salutation = SALUTATION.match(line)
        if salutation:
            break
        if not _headline_shape(line) and not SUBJECT_LINE.match(line):
            return None
        head.append(line)
    if not salutation or len(head) < 2 or any(BYLINE.match(line) for line in head):
        return None
    dated = any(_date_line(line) for line in head)
    if salutation.group("to") and not dated:
        return None  # "To …" opens a letter only under a dated letterhead
    name = head[0]
    if (
        len(name.split()) > 6
        or _date_line(name)
        or SUBJECT_LINE.match(name)
        or not _titleish(name)
        or re.search(r"\d", name)
    ):
        return None
    at = lines.index(salutation.group(0))
    subject = next(
        (m.group("subject") for line in lines[: at + 3] if (m := SUBJECT_LINE.match(line))), ""
    )
    who = (salutation.group("dear") or salutation.group("to") or "").strip()
    if who.lower() in ("sir or madam", "sir/madam", "sir", "madam"):
        who = ""
    title = subject or (f"Letter from {name} to {who}" if who else f"Letter from {name}")
    published = next((day for line in head if (day := _date_line(line))), None)
    author = ""
    for number, line in enumerate(lines):
        if CLOSING.match(line) and number + 1 < len(lines):
            signature = lines[number + 1]
            if len(signature.split()) <= 6 and _titleish(signature):
                author = _author(signature)
    return Heading(title=title[:300], author=author, published_on=published, kind="letter")


def _dateline(text: str) -> tuple[date | None, str]:
    """A wire story's dateline ("LONDON, March 3, 2026 (Reuters) —") with a full date."""
    for line in text[:3000].split("\n")[:12]:
        match = WIRE_DATELINE.match(line.strip())
        if match:
            found = parse_date(match.group("date"))
            return (found[0] if found and found[1] == "day" else None), (match.group("wire") or "")
    return None, ""


def _headers(lines: list[tuple[str, bool]]) -> Heading | None:
    """A text that opens with header lines (an email, a memo, a transcript): its Subject or
    Title, From or By, Date or Sent."""
    fields: dict[str, str] = {}
    for line, _blank in lines:
        match = HEADER.match(line)
        if not match or (SPEAKER_LABEL.match(line) and match.group("name").isupper()):
            break
        fields.setdefault(match.group("name").strip().lower(), match.group("value").strip())
    if len(fields) < 2 or not ({"from", "date", "sent", "subject", "to", "title"} & set(fields)):
        return None
    title = fields.get("subject") or fields.get("title") or fields.get("re") or ""
    first = HEADER.match(lines[0][0])
    if (
        not title
        and first.group("name").strip().lower() not in META_FIELDS
        and _headline_shape(lines[0][0])
        and _titleish(first.group("value"))
    ):
        title = lines[0][0]  # "Transcript: Hearing on …"
    author = re.sub(r"\s*<[^>]*>|\S+@\S+", "", fields.get("from", "")).strip(" \"'")
    found = parse_date(fields.get("date") or fields.get("sent") or "")
    mail = bool({"from", "to", "sent"} & set(fields))
    return Heading(
        title=title[:300],
        author=author[:200],
        published_on=found[0] if found and found[1] == "day" else None,
        kind="letter" if mail else "",
    )
