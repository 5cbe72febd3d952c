"""Known speakers: matching a name, and finding (mis)spelled mentions of them in a text.

A name matches a known speaker exactly (case-insensitively, through the speaker's name or one
of its aliases) or fuzzily: same number of words, every word equal or within a small edit
distance (transpositions count as one edit) with the same first letter. A fuzzy match is a
misspelling ("Micheal Smith", "Michael Smiht" for Michael Smith) and is flagged so.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from .lexicon import (
    LOCATIVES,
    NOT_LAST_NAMES,
    NOT_NAMES,
    NOT_ORG_ACRONYMS,
    ORG_HEADS,
    PLACE_HEADS,
    ROLE_NOUNS,
    TITLE_WORDS,
)

__all__ = [
    "KnownSpeaker",
    "NameMention",
    "SpeakerIndex",
    "SpeakerMatch",
    "find_name_mentions",
    "guess_mentions",
    "guess_person_mentions",
    "match_speaker",
    "name_key",
]


@dataclass(frozen=True)
class KnownSpeaker:
    """A speaker the caller knows about: a person or an organisation."""

    id: str
    name: str
    aliases: Sequence[str] = ()
    kind: str = "person"  # "person" or "organization"
    misspellings: Sequence[str] = ()  # known misspellings: matched, and flagged as such
    role: str = ""  # what they are, in words ("mayor", "city engineer"): "the mayor said"

    @property
    def is_person(self) -> bool:
        return self.kind != "organization"


@dataclass(frozen=True)
class SpeakerMatch:
    """How a name matched a known speaker."""

    speaker_id: str
    name: str  # the speaker's canonical name
    matched: str  # the name or alias it matched
    score: float  # 0-100; 100 for an exact (case-insensitive) match
    misspelled: bool


@dataclass(slots=True)
class NameMention:
    """A mention of a speaker in a text: ``text[start:end]``."""

    start: int
    end: int
    text: str
    speaker_id: str | None  # None for a guessed person who is not a known speaker
    name: str  # canonical (known speaker) or guessed display name
    score: float
    misspelled: bool
    is_person: bool = True
    is_place: bool = False  # a place named like a person ("Port Avery"): never a speaker


_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "ʼ": "'"})
_HYPHENS = re.compile(r"[\-‐‑‒–—―]+")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """Comparison key for a name: NFKC, case-folded, hyphens as spaces, single spaces."""
    key = unicodedata.normalize("NFKC", name).translate(_APOSTROPHES)
    key = _HYPHENS.sub(" ", key)
    key = _SPACES.sub(" ", key).strip(" .,'")
    return key.casefold()


def _allowed_edits(token: str) -> int:
    length = len(token)
    if length >= 9:
        return 2
    if length >= 5:
        return 1
    return 0


@dataclass(frozen=True)
class _Alias:
    key: str
    tokens: tuple[str, ...]
    speaker: KnownSpeaker
    text: str
    misspelling: bool = False


# A capitalised word: an upper-case letter then letters, digits, hyphens, apostrophes.
_UPPER = "A-ZÀ-ÖØ-ÞĀ-ſΑ-ΩА-Я"
_TOKEN = rf"[{_UPPER}][\w'’\-]*"
# words joined by a space (or by one line break: hard-wrapped text)
_CAP_RUN = re.compile(rf"(?<![\w@#/]){_TOKEN}(?:(?:[ \u00a0]|\n(?!\n)){_TOKEN}){{0,7}}")
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")


@dataclass
class SpeakerIndex:
    """Known speakers indexed for exact and fuzzy name lookups (build once, use many times)."""

    speakers: Sequence[KnownSpeaker]
    min_fuzzy_score: float = 80.0
    _exact: dict[str, _Alias] = field(init=False, repr=False)
    _by_len: dict[int, list[_Alias]] = field(init=False, repr=False)
    _memo: dict[str, SpeakerMatch | None] = field(init=False, repr=False)
    _ids: dict[str, KnownSpeaker] = field(init=False, repr=False)
    max_tokens: int = field(init=False)

    def __post_init__(self) -> None:
        self._exact = {}
        self._by_len = {}
        self._memo = {}
        self._ids = {}
        self.max_tokens = 1
        for sp in self.speakers:
            self._ids.setdefault(sp.id, sp)
            names = [(name, False) for name in (sp.name, *sp.aliases)]
            names += [(name, True) for name in sp.misspellings]
            for text, misspelling in names:
                key = name_key(text)
                if not key:
                    continue
                alias = _Alias(key, tuple(key.split()), sp, text, misspelling)
                # the first speaker to claim an alias keeps it (names before aliases)
                self._exact.setdefault(key, alias)
                self._by_len.setdefault(len(alias.tokens), []).append(alias)
                self.max_tokens = max(self.max_tokens, len(alias.tokens), len(text.split()))

    def __bool__(self) -> bool:
        return bool(self.speakers)

    def by_id(self, speaker_id: str) -> KnownSpeaker | None:
        return self._ids.get(speaker_id)

    def match(self, name: str) -> SpeakerMatch | None:
        """Match one name (a whole string) against the known speakers."""
        if name in self._memo:
            return self._memo[name]
        key = name_key(name)
        if not key:
            return None
        if key in self._memo:
            return self._memo[key]
        result = self._match_key(key)
        if len(self._memo) < 200_000:
            self._memo[key] = result
            self._memo[name] = result
        return result

    def _match_key(self, key: str) -> SpeakerMatch | None:
        alias = self._exact.get(key)
        if alias is not None:
            sp = alias.speaker
            if alias.misspelling:
                score = min(99.0, fuzz.ratio(key, name_key(sp.name)))
                return SpeakerMatch(sp.id, sp.name, alias.text, round(score, 1), True)
            return SpeakerMatch(sp.id, sp.name, alias.text, 100.0, False)
        tokens = key.split()
        best: tuple[float, _Alias] | None = None
        for alias in self._by_len.get(len(tokens), ()):
            if not self._tokens_close(tokens, alias.tokens):
                continue
            score = fuzz.ratio(key, alias.key)
            if score >= self.min_fuzzy_score and (best is None or score > best[0]):
                best = (score, alias)
        if best is None:
            return None
        score, alias = best
        sp = alias.speaker
        return SpeakerMatch(sp.id, sp.name, alias.text, round(min(score, 99.0), 1), True)

    @staticmethod
    def _tokens_close(tokens: Sequence[str], target: Sequence[str]) -> bool:
        total = 0
        exact = 0
        for token, wanted in zip(tokens, target, strict=True):
            if token == wanted:
                exact += 1
                continue
            if token[:1] != wanted[:1]:
                return False
            allowed = min(_allowed_edits(token), _allowed_edits(wanted))
            if allowed == 0:
                return False
            distance = OSA.distance(token, wanted, score_cutoff=allowed)
            if distance > allowed:
                return False
            total += distance
        if total == 0:
            return True
        if len(tokens) == 1:
            # a lone word is only a misspelling when long enough and one edit away
            return len(tokens[0]) >= 6 and total <= 1
        return exact >= 1 or total <= 2

    def _single(self, text: str, start: int, word: str) -> NameMention | None:
        """A mention made of one capitalised word (possessive trimmed), or None."""
        pm = _POSSESSIVE.search(word)
        if pm is not None and pm.start() > 0:
            word = word[: pm.start()]
        word = word.rstrip("-'’")
        if not word:
            return None
        found = self.match(word)
        if found is None:
            return None
        sp = self._ids.get(found.speaker_id)
        end = start + len(word)
        return NameMention(
            start,
            end,
            word,
            found.speaker_id,
            found.name,
            found.score,
            found.misspelled,
            sp.is_person if sp else True,
        )

    def mentions(self, text: str) -> list[NameMention]:
        """Every mention of a known speaker in ``text``, exact or misspelled, in order."""
        if not self.speakers or not text:
            return []
        out: list[NameMention] = []
        memo = self._memo
        match = self.match
        person = {sp.id: sp.is_person for sp in self.speakers}
        max_tokens = self.max_tokens
        for run in _CAP_RUN.finditer(text):
            word = run.group()
            base = run.start()
            if " " not in word and "\u00a0" not in word and "\n" not in word:
                # one capitalised word (the common case): look it up directly
                found = self._single(text, base, word)
                if found is not None:
                    out.append(found)
                continue
            tokens = _run_tokens(word, base)
            count = len(tokens)
            first = 0
            while first < count:
                top = min(count - first, max_tokens)
                for size in range(top, 0, -1):
                    last = first + size - 1
                    if size > 1 and any(tokens[inner][3] for inner in range(first, last)):
                        continue  # a possessive ends a name
                    start, end = tokens[first][0], tokens[last][1]
                    key = text[start:end]
                    matched = memo[key] if key in memo else match(key)
                    if matched is None:
                        continue
                    out.append(
                        NameMention(
                            start,
                            end,
                            key,
                            matched.speaker_id,
                            matched.name,
                            matched.score,
                            matched.misspelled,
                            person.get(matched.speaker_id, True),
                        )
                    )
                    first += size
                    break
                else:
                    first += 1
        return out


def _run_tokens(run: str, offset: int) -> list[tuple[int, int, str, bool]]:
    """Tokens of a capitalised run: (start, end, text, possessive), possessives trimmed."""
    out: list[tuple[int, int, str, bool]] = []
    pos = offset
    for word in run.replace("\u00a0", " ").replace("\n", " ").split(" "):
        start = pos
        pos += len(word) + 1
        possessive = False
        if "'" in word or "’" in word:
            pm = _POSSESSIVE.search(word)
            if pm is not None and pm.start() > 0:
                word = word[: pm.start()]
                possessive = True
            word = word.rstrip("-'’")
        elif word.endswith("-"):
            word = word.rstrip("-")
        if not word or not word[0].isupper():
            break
        out.append((start, start + len(word), word, possessive))
    return out


def match_speaker(
    name: str, speakers: Sequence[KnownSpeaker] | SpeakerIndex
) -> SpeakerMatch | None:
    """Match ``name`` to a known speaker by name, alias, or as a misspelling of one."""
    index = speakers if isinstance(speakers, SpeakerIndex) else SpeakerIndex(speakers)
    found = index.match(name)
    key = name_key(name)
    if found is None and key.startswith("the "):
        found = index.match(key[4:])
    return found


def find_name_mentions(
    text: str, speakers: Sequence[KnownSpeaker] | SpeakerIndex
) -> list[NameMention]:
    """Find mentions of known speakers in ``text`` (misspellings flagged), with offsets."""
    index = speakers if isinstance(speakers, SpeakerIndex) else SpeakerIndex(speakers)
    return index.mentions(text)


# a speech verb opening a run is attribution placed first ("Said Roe: ...", "Added Lee")
_LEADING_VERBS = frozenset({"said", "says", "added", "adds", "asked", "asks", "wrote", "writes"})
_HONORIFIC = re.compile(r"^(?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame|Lady|Lord|Prof)\.?$")


def guess_person_mentions(text: str) -> list[NameMention]:
    """People's names guessed without a list (see `guess_mentions`), organisations and
    places left out."""
    return [
        mention for mention in guess_mentions(text) if mention.is_person and not mention.is_place
    ]


# Words that join the parts of an organisation's name ("Office of the State Auditor").
_CONNECTOR = re.compile(r"(?: of(?: the)?| for(?: the)?| &)[ \u00a0]+$")
_ACRONYM = re.compile(r"(?<![\w.’'-])[A-Z]{2,6}(?![\w.’'-]|\.\w)")
# a word in capitals next to another (a headline or dateline set in capitals) or in brackets
_SHOUTED_BEFORE = re.compile(r"(?:[A-Z][A-Z’'.-]+[ \t]|\[)$")
_SHOUTED_AFTER = re.compile(r"[ \t][A-Z][A-Z’'.-]*[A-Z.](?![a-z])|\]")
_LABEL_AFTER = re.compile(r"\s*(?::|—|–|--| - )")
_AGENT_SUFFIX = re.compile(r"(?:er|or|ist|ian|ant|ent|master|man|woman|keeper)$")
_LOCATIVE_BEFORE = re.compile(r"(?:^|\s)(\w+)[ \u00a0]+$")


def _kind_of(tokens: list[tuple[int, int, str, bool]]) -> str:
    """ "organization", "place" or "person" for the words of a capitalised name."""
    last = tokens[-1][2].casefold().rstrip(".")
    if last in ORG_HEADS:
        return "organization"
    if last in PLACE_HEADS:
        return "place"
    trimmed = [token[2].casefold().rstrip(".") for token in _trim_titles(tokens)]
    if len(trimmed) > 1 and (
        trimmed[0] in ORG_HEADS or any(word in ORG_HEADS for word in trimmed[1:])
    ):
        return "organization"
    return "person"


def _trim_titles(tokens: list[tuple[int, int, str, bool]]) -> list[tuple[int, int, str, bool]]:
    """Leading titles and role words off a name: "County Executive Ann Lee" -> "Ann Lee"."""
    while len(tokens) > 2:
        word = tokens[0][2].casefold().rstrip(".")
        if (
            word in TITLE_WORDS
            or word in ROLE_NOUNS
            or (word[-1:] == "s" and word[:-1] in TITLE_WORDS)
        ):
            tokens = tokens[1:]  # "Councilmembers Ann Lee and ...": a plural title too
            continue
        if word in ORG_HEADS:
            break  # "Department of ...": the name itself, not a title
        if _AGENT_SUFFIX.search(word):
            tokens = tokens[1:]
            continue
        break
    if len(tokens) == 2 and tokens[0][2].casefold().rstrip(".") in TITLE_WORDS:
        tokens = tokens[1:]  # "Mayor Okafor", "Dr. Amadi": a short form
    return tokens


def _shift(mention: NameMention, by: int) -> NameMention:
    return NameMention(
        mention.start + by,
        mention.end + by,
        mention.text,
        None,
        mention.name,
        mention.score,
        False,
        mention.is_person,
        mention.is_place,
    )


def _mention(token: tuple[int, int, str, bool], display: str, kind: str) -> NameMention:
    start, end, text, _ = token
    return NameMention(
        start, end, text, None, display, 100.0, False, kind == "person", kind == "place"
    )


def _names_in_run(
    text: str, tokens: list[tuple[int, int, str, bool]], known: dict[str, tuple[str, str]]
) -> list[NameMention]:
    """The names one capitalised run holds (see `guess_mentions`); ``known`` learns them."""
    names: list[NameMention] = []
    while tokens and (
        tokens[0][2].casefold() in NOT_NAMES
        or _HONORIFIC.match(tokens[0][2])
        or len(tokens[0][2]) < 2
        or (len(tokens) > 1 and tokens[0][2].casefold() in _LEADING_VERBS)  # "Said Roe: ..."
    ):
        tokens = tokens[1:]
    if not tokens:
        return names
    if len(tokens) == 1:
        # one capitalised word (the common case): a short form of a name seen before?
        seen = known.get(name_key(tokens[0][2]))
        return [_mention(tokens[0], *seen)] if seen is not None else names
    words = [token[2] for token in tokens]
    kind = _kind_of(tokens)
    if kind == "organization" and all(not text[a[1] : b[0]].strip() for a, b in pairwise(tokens)):
        for i in range(len(tokens) - 3, 0, -1):
            # "Board Chair Ann Lee" (one run, no "of"): the body before the title is where
            # the person works, and the name after it is a person's
            if tokens[i][2].casefold().rstrip(".") in TITLE_WORDS | ROLE_NOUNS:
                if _kind_of(tokens[i + 1 :]) == "person":
                    kind = "person"
                break
    if kind == "person" and words[-1].casefold() in NOT_LAST_NAMES:
        return names  # "the Lakeshore Lantern Festival": a thing, not a person
    if kind != "person" and not words[0].isupper():
        start, end = tokens[0][0], tokens[-1][1]
        display = text[start:end]
        display, kind = known.get(name_key(display), (display, kind))
        known.setdefault(name_key(display), (display, kind))
        if kind == "organization" and words[0].casefold() not in ORG_HEADS:
            known.setdefault(name_key(words[0]), (display, kind))
        return [
            NameMention(start, end, display, None, display, 100.0, False, False, kind == "place")
        ]
    for i in range(len(tokens) - 3, 0, -1):
        # "Port Director Ann Lee", "Millbrook Mayor Ann Lee": a title inside the run ends
        # what comes before it (a place or a body), and the name follows
        if tokens[i][2].casefold().rstrip(".") in TITLE_WORDS | ROLE_NOUNS:
            tokens = tokens[i + 1 :]
            break
    if len(tokens) > 3:
        tokens = [token for token in tokens if token[2].casefold() not in ROLE_NOUNS]
    tokens = _trim_titles(tokens)
    at = 0
    while at < len(tokens):
        size = 0
        for width in (3, 2):
            window = tokens[at : at + width]
            if len(window) < width or any(token[3] for token in window[:-1]):
                continue
            words = [token[2] for token in window]
            if any(word.isupper() and len(word) > 1 for word in words):
                continue
            if words[-1].casefold() in NOT_LAST_NAMES or words[0].casefold() in NOT_NAMES:
                continue
            if words[0].casefold() in ROLE_NOUNS:
                continue
            size = width
            break
        if not size:
            seen = known.get(name_key(tokens[at][2]))
            if seen is not None:
                names.append(_mention(tokens[at], *seen))
            at += 1
            continue
        window = tokens[at : at + size]
        start, end = window[0][0], window[-1][1]
        display = " ".join(token[2] for token in window)
        display, kind = known.get(name_key(display), (display, "person"))
        previous = _LOCATIVE_BEFORE.search(text, max(0, start - 12), start)
        if previous and previous.group(1) in LOCATIVES:
            kind = "place"  # "in Port Avery"
        for part in (window[0][2], window[-1][2]):
            known.setdefault(name_key(part), (display, kind))
        known.setdefault(name_key(display), (display, kind))
        names.append(_mention((start, end, text[start:end], False), display, kind))
        at += size
    return names


class _Run:
    """Part of a capitalised run (the same reading as a match's)."""

    __slots__ = ("_end", "_start", "_text")

    def __init__(self, text: str, start: int, end: int) -> None:
        self._text, self._start, self._end = text, start, end

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def group(self) -> str:
        return self._text[self._start : self._end]


def _split_at_short_lines(text: str, run: re.Match[str]) -> list[re.Match[str] | _Run]:
    """A run that crosses a line break is one name wrapped in a paragraph ("Ann\nLee"), unless
    the line it leaves is short: a byline over the outlet's name ("By Ann Lee\nThe Ledger"),
    a heading over its first line. Those are separate names."""
    out: list[re.Match[str] | _Run] = []
    start = run.start()
    newline = text.find("\n", start, run.end())
    while newline >= 0:
        if newline - (text.rfind("\n", 0, newline) + 1) < 45:
            out.append(_Run(text, start, newline))
            start = newline + 1
        newline = text.find("\n", newline + 1, run.end())
    if start == run.start():
        return [run]
    out.append(_Run(text, start, run.end()))
    return out


def guess_mentions(text: str, names: Sequence[str] = ()) -> list[NameMention]:
    """Guess names without a list: people, organisations and places, then their short forms.

    A run of two or three capitalised words (titles such as "Mayor" or "County Executive" taken
    off) is a person unless its words make it an organisation ("... Department", "Office of
    ...", "... Foods": `ORG_HEADS`, joined across "of", "for", "and") or a place ("... Road",
    "... Falls": `PLACE_HEADS`, or right after "in", "at", "near": `LOCATIVES`). A later lone
    word equal to a person's first or last name, or to an organisation's first word, is a
    mention of the same one. Crude, and only used for names no known speaker covers.
    ``names``: people's full names the text gives where no run of capitalised words shows them
    (a transcript's labels, "TRUSTEE ANN LEE:"), so that a later "Lee" is that person.
    """
    out: list[NameMention] = []
    known: dict[str, tuple[str, str]] = {}  # short form (key) -> (display name, kind)
    for full in names:
        parts = full.split()
        if len(parts) > 1:
            for part in (parts[0], parts[-1]):
                known.setdefault(name_key(part), (full, "person"))
            known.setdefault(name_key(full), (full, "person"))
    for am in _ACRONYM.finditer(text):
        # "the FBI", "a NASA study": an organisation; not a dateline ("HARLOW —"), a
        # transcript's label ("ROE:") or a common abbreviation
        if am.group() in NOT_ORG_ACRONYMS or _LABEL_AFTER.match(text, am.end()):
            continue
        if _SHOUTED_BEFORE.search(text, max(0, am.start() - 12), am.start()) or (
            _SHOUTED_AFTER.match(text, am.end())
        ):
            continue  # a line set in capitals ("THE LAST HARVEST", "PORT LEE, Avonia"), a
            # stage or picture tag ("[PHOTO]"), "BY MS. ROE:": words, not an organisation
        out.append(
            NameMention(am.start(), am.end(), am.group(), None, am.group(), 100.0, False, False)
        )
    runs: list[re.Match[str] | _Run] = []
    for run in _CAP_RUN.finditer(text):
        if "\n" in run.group():
            runs += _split_at_short_lines(text, run)
        else:
            runs.append(run)
    memo: dict[str, list[NameMention]] = {}  # a run seen before names the same (offsets aside)
    index = 0
    while index < len(runs):
        run = runs[index]
        start, end = run.start(), run.end()
        tokens = _run_tokens(run.group(), start)
        joined_any = False
        # "Office of the State Auditor": runs joined by connectors when they name an org
        while index + 1 < len(runs) and tokens and not tokens[-1][3]:
            gap = text[end : runs[index + 1].start()]
            if len(gap) > 8 or not _CONNECTOR.match(gap):
                break
            if len(tokens) > 1 and _kind_of(tokens) == "person" and gap.strip() != "&":
                break  # "Ann Lee of the Bay Alliance": a person, then where she works
            joined = tokens + _run_tokens(runs[index + 1].group(), runs[index + 1].start())
            if _kind_of(joined) != "organization":
                break
            tokens = joined
            joined_any = True
            index += 1
            end = runs[index].end()
        index += 1
        key = run.group() if not joined_any else None
        if key is not None and key in memo:
            out += [_shift(mention, start) for mention in memo[key]]
            continue
        names = _names_in_run(text, tokens, known)
        out += names
        # only whole names are remembered: a lone word's reading depends on what came before
        whole = names and all(len(mention.text.split()) > 1 for mention in names)
        if key is not None and whole and len(memo) < 50_000:
            memo[key] = [_shift(mention, -start) for mention in names]
    out.sort(key=lambda mention: mention.start)
    return out
