"""Candidate quotations in an article, with their likely speakers.

`extract_quotes(text, speakers=...)` scans the text once for quote marks and returns every
quotation it finds, with offsets of the words inside the marks (closing comma or full stop
included, as printed), whether it is a statement or a fragment of reporting prose, and who
said it.

Conventions followed (English-language news copy):

* double quotes (straight or curly, mixed), guillemets (« » and » «), low-9 quotes („ “) and,
  at the top level, single quotes (' ' and ‘ ’); quotes nested inside a quotation belong to it;
* apostrophes (don't, ’97, rock 'n' roll) never open a quotation, and short Title Case
  phrases in quotes ('Casablanca', '60 Minutes') are titles, not quotations;
* a quotation that runs over paragraphs leaves its closing mark off at the end of each
  paragraph but the last, and reopens each new paragraph: each paragraph is its own item;
* attribution: a cue after the quote ("he said", "said Smith", "X told Y"), before it
  ("He said:", "Maria replied:"), the previous quotation's speaker for a quotation that
  continues a passage, or the subject of the sentence a fragment sits in. Pronouns and role
  nouns ("the actor", "the 45-year-old") are resolved to the most salient person so far.

Every step works in bounded windows around each quote mark, so the whole pass is linear in
the size of the text; a quotation longer than `MAX_QUOTE_CHARS` is dropped, and a text with
more than about `MAX_CANDIDATES` quotations (a pathological one) is cut off there.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from .lexicon import (
    ABBREVIATIONS,
    AUX_ADV,
    NOT_SUBJECT_NAMES,
    ORG_NOUNS,
    PASSIVE_AUX,
    PASSIVE_VERBS,
    ROLE_NOUNS,
    SPEECH_VERBS,
    TITLE_SMALL_WORDS,
    TOLD_OBJECTS,
)
from .speakers import (
    KnownSpeaker,
    NameMention,
    SpeakerIndex,
    guess_person_mentions,
)

__all__ = ["MAX_CANDIDATES", "MAX_QUOTE_CHARS", "Candidate", "extract_quotes"]

MAX_QUOTE_CHARS = 2000
MAX_CANDIDATES = 10_000  # a text with more quotations is cut off there
_WINDOW = 400  # how far back a cue or a sentence start is looked for
_AFTER = 250  # how far forward a cue is looked for

STATEMENT = "statement"
FRAGMENT = "fragment"


@dataclass(frozen=True)
class Candidate:
    """A quotation found in a text: ``text[start:end]`` is the text inside the marks.

    ``attribution`` says how the speaker was found: "cue_after" (", he said"), "cue_before"
    ("He said:"), "previous" (the quotation continues the one before), "sentence" (the
    subject of the sentence it sits in), "passive" (words told *to* the subject: no speaker),
    or None.
    """

    start: int
    end: int
    quote: str
    kind: str  # "statement" or "fragment"
    speaker: str | None = None
    speaker_id: str | None = None
    cue: str | None = None  # the words that name the speaker ("he said", "Maria replied:")
    speaker_flag: str | None = None  # "misspelling" when the name is a near miss
    attribution: str | None = None  # how the speaker was found (see above)
    continued: bool = False  # continues a quotation from the previous paragraph
    unclosed: bool = False  # its paragraph ends before a closing mark

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


# --- quote marks -------------------------------------------------------------------------

_DOUBLE = frozenset('"“”„‟')
_GUILLEMET = frozenset("«»")
_GUILLEMET_SINGLE = frozenset("‹›")
_SINGLE = frozenset("'‘’‚‛")
_ALL_MARKS = _DOUBLE | _GUILLEMET | _GUILLEMET_SINGLE | _SINGLE
# quote marks, except an apostrophe between two letters or digits (don't, I’d)
_MARK_RE = re.compile("[\"“”„‟«»‹›‘‚‛]|(?<![^\\W_])['’]|['’](?![^\\W_])")
_ALNUM = re.compile(r"[^\W_]")
_CLASS = {
    c: ("d" if c in '"“”„‟' else "g" if c in "«»" else "h" if c in "‹›" else "s")
    for c in "\"“”„‟«»‹›'‘’‚‛"
}
_OPEN_PUNCT = frozenset("([{—–-/:;,…")
_CLOSE_PUNCT = frozenset(".,;:!?)]}…-–—/")
_ELISION = re.compile(
    r"['’‘](?:\d\d(?!\d)|em\b|n\b|tis\b|twas\b|cause\b|til\b|bout\b|round\b|s\b)", re.I
)


def _can_open(text: str, i: int, c: str, prev: str, nxt: str) -> bool:
    boundary = prev.isspace() or prev in _OPEN_PUNCT or prev in _ALL_MARKS
    if c in "«‹":
        return not (not prev.isspace() and (nxt.isspace() or nxt in _CLOSE_PUNCT))
    if nxt.isspace():
        return False
    if c in "»›":
        return boundary
    if c in _SINGLE and _ELISION.match(text, i):
        return False
    if c in "“„‟‘‚‛":
        return not (c in "‘‛" and prev.isalnum() and nxt.isalnum())
    return boundary  # ” ’ " ' open only after a space or an opening punctuation mark


def _can_close(c: str, prev: str, nxt: str) -> bool:
    if c in "»›":
        return not (prev.isspace() and not nxt.isspace())
    if prev.isspace():
        return False
    if c in "”’":
        return not (c == "’" and prev.isalnum() and nxt.isalnum())
    if c in "'‘" and prev.isalnum() and nxt.isalnum():
        return False
    return nxt.isspace() or nxt in _CLOSE_PUNCT or nxt in _ALL_MARKS


@dataclass(slots=True)
class _Raw:
    open: int  # offset of the opening mark
    close: int | None  # offset of the closing mark (None: ends with its paragraph)
    start: int
    end: int
    para: int
    cls: str
    continued: bool = False
    title: bool = False  # looks like a title ('Casablanca', '60 Minutes')


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out = []
    for m in re.finditer(r"[^\n]+", text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def _strip_span(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _scan(text: str, paras: list[tuple[int, int]]) -> tuple[list[_Raw], int]:
    """Pair quote marks, paragraph by paragraph, into raw quotations (one pass).

    Returns the quotations and how far the text was read (all of it, unless it holds more
    than `MAX_CANDIDATES` quotations)."""
    raws: list[_Raw] = []
    scanned = len(text)
    carried: str | None = None  # class of a quotation left open by the previous paragraph
    finditer = _MARK_RE.finditer
    for pi, (ps, pe) in enumerate(paras):
        if len(raws) >= MAX_CANDIDATES * 3 // 2:
            scanned = ps  # enough: the rest of a pathological text is not looked at
            break
        state_cls: str | None = None
        state_open = -1
        first_raw = len(raws)
        for m in finditer(text, ps, pe):
            i = m.start()
            c = text[i]
            if state_cls is not None and i - state_open > MAX_QUOTE_CHARS:
                state_cls = None  # runaway: give up on that opening mark
            prev = text[i - 1] if i > ps else " "
            nxt = text[i + 1] if i + 1 < pe else " "
            if state_cls is None:
                if _can_open(text, i, c, prev, nxt):
                    state_cls, state_open = _CLASS[c], i
                continue
            cls = _CLASS[c]
            if cls != state_cls or not _can_close(c, prev, nxt):
                continue
            if cls == "s" and _possessive_like(text, i, pe) and _single_close_ahead(text, i, pe):
                continue  # "the players' union": not the end of the quotation
            s, e = _strip_span(text, state_open + 1, i)
            if _ALNUM.search(text, s, e):
                raws.append(_Raw(state_open, i, s, e, pi, cls))
            state_cls = None
        continues_next = False
        if state_cls is not None:
            nps = paras[pi + 1][0] if pi + 1 < len(paras) else None
            nxt_opens = nps is not None and _CLASS.get(text[nps]) == state_cls
            if pe - state_open <= MAX_QUOTE_CHARS and (state_cls != "s" or nxt_opens):
                s, e = _strip_span(text, state_open + 1, pe)
                if _ALNUM.search(text, s, e):
                    raws.append(_Raw(state_open, None, s, e, pi, state_cls))
                continues_next = nxt_opens
        # the first quotation of this paragraph continues the previous one?
        if carried is not None and len(raws) > first_raw:
            r = raws[first_raw]
            if r.open == ps and r.cls == carried:
                r.continued = True
        carried = state_cls if continues_next else None
    return raws, scanned


def _single_close_ahead(text: str, i: int, pe: int) -> bool:
    """Is there a single quote mark that can close further on (within reach)?"""
    for m in _MARK_RE.finditer(text, i + 1, min(pe, i + MAX_QUOTE_CHARS)):
        j = m.start()
        c = text[j]
        if _CLASS[c] == "s" and _can_close(c, text[j - 1], text[j + 1] if j + 1 < pe else " "):
            return True
    return False


def _possessive_like(text: str, i: int, pe: int) -> bool:
    return (
        i > 0
        and text[i - 1] in "sS"
        and i + 2 < pe
        and text[i + 1] == " "
        and text[i + 2].islower()
    )


# --- words around a quotation ----------------------------------------------------------

_VERB_ALT = "|".join(sorted(SPEECH_VERBS, key=len, reverse=True))
_VERB_RE = re.compile(rf"\b({_VERB_ALT})\b", re.I)
_VERB_COMMA_END = re.compile(rf"\b(?:{_VERB_ALT})\s*,\s*$", re.I)
_PRONOUN_RE = re.compile(r"\b(he|she|they|it)$", re.I)
_PRONOUN_AT = re.compile(r"(he|she|they|it)\b", re.I)
_ROLE_WORD = (
    r"(?:\d{1,3}-year-old|" + "|".join(sorted(ROLE_NOUNS | ORG_NOUNS, key=len, reverse=True)) + ")"
)
_MODIFIER = r"[\w’'‘“”\"-]+"  # a word before a role noun: "the veteran actor", "the ‘Dune’ star"
_ROLE_BEFORE = re.compile(
    rf"\b(?:the|this|that|his|her|their)\s+(?:{_MODIFIER}\s+){{0,2}}?" + _ROLE_WORD + r"$", re.I
)
_ROLE_AT = re.compile(
    rf"(?:the|this|that|his|her|their)\s+(?:{_MODIFIER}\s+){{0,2}}?"
    + _ROLE_WORD
    + r"\b(?:\s+"
    + _ROLE_WORD
    + r"\b)?",
    re.I,
)
_ROLE_IN_SENTENCE = re.compile(
    rf"\b(?:he|she|they)\b|\b(?:the|this|that)\s+(?:{_MODIFIER}\s+){{0,2}}?" + _ROLE_WORD + r"\b",
    re.I,
)
_LAST_WORD = re.compile(r"([\w’']+)\s+$")
_NEXT_WORD = re.compile(r"\s+([\w’'-]+)")
_COMMA_SPACE = re.compile(r",\s+(?=\S)")
_CUE_LEAD = re.compile(r"[\s,;]*(?:[—–-]\s*)?")
_ROLE_AT_END = re.compile(_ROLE_WORD + r"$", re.I)
_INNER_STOP = re.compile(r"[.!?;:]\s")
_LOWER_NEXT = re.compile(r"[ \u00a0]+[a-z]")
_INNER_SENTENCE = re.compile(r"[.!?]\s+[A-Z]")
_SENTENCE_STOP = re.compile(r"[.!?:](?=\s|$)")
_ACCORDING_TO = re.compile(r"according\s+to\s+", re.I)
_ROLE_BEFORE_NAME = re.compile(r"\b(" + _ROLE_WORD + r")\s+$", re.I)
_ROLE_AFTER_NAME = re.compile(
    r",\s+(?:the\s+|a\s+|an\s+)?(?:[\w’'-]+\s+){0,2}?(" + _ROLE_WORD + r")\b", re.I
)
_AGE_AFTER_NAME = re.compile(r",\s+(\d{1,3}),")
_GENDERED_HONORIFIC = re.compile(r"\b(Mr|Mrs|Ms|Miss|Sir|Dame|Lady|Lord)\.?\s+$")
_HONORIFIC_AT = re.compile(r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Lady|Lord)\.?\s+")
# an unnamed person: "one witness", "a spokeswoman", "an official"
_SOMEONE = rf"(?:a|an|one|another)\s+(?:{_MODIFIER}\s+){{0,2}}?" + _ROLE_WORD
_SOMEONE_AT = re.compile(_SOMEONE + r"\b", re.I)
_SOMEONE_BEFORE = re.compile(r"\b" + _SOMEONE + r"$", re.I)
_APPOSITIVE = re.compile(r",\s[^,.;:!?\"“”]{1,80},\s")
_OWNED_ROLE_BEFORE = re.compile(
    r"(?<![\w’'])((?-i:[A-Z])[\w-]+(?:\s(?-i:[A-Z])[\w-]+){0,2}['’]s\s+(?:[\w-]+\s+){0,2}?"
    + _ROLE_WORD
    + r")$",
    re.I,
)
_CAP_NAME_BEFORE = re.compile(r"(?<![\w’'])([A-Z][\w’'-]+(?:\s[A-Z][\w’'-]+){0,2})$")
_CAP_NAME_AT = re.compile(r"([A-Z][\w’'-]+(?:\s[A-Z][\w’'-]+){0,2})\b")
# a sentence end; group 1 is the short word before a full stop (to spot "Mr." and "J.")
_SENT_END = re.compile(
    r"(?:(?<![\w.])([\w.]{1,5}))?([.!?…]+)[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9À-Þ])"
)


def _sentence_starts(text: str) -> list[int]:
    """Offsets where a sentence starts after a full stop, question or exclamation mark."""
    out = []
    for m in _SENT_END.finditer(text):
        word = m.group(1)
        if word and m.group(2) == ".":
            w = word.lower()
            if w in ABBREVIATIONS or (len(w) == 1 and w.isalpha()):
                continue  # "Mr. Smith", "J. Smith"
        out.append(m.end())
    return out


@dataclass(frozen=True)
class _Subject:
    kind: str  # "name", "pronoun", "role", "someone" (an unnamed person)
    start: int
    end: int
    text: str
    mention: NameMention | None = None


@dataclass(frozen=True)
class _Cue:
    subject: _Subject
    start: int
    end: int
    text: str


class _Context:
    """Everything attribution needs about the text: mentions, salience, roles."""

    def __init__(
        self,
        text: str,
        paras: list[tuple[int, int]],
        raws: list[_Raw],
        index: SpeakerIndex | None,
        scanned: int | None = None,
    ) -> None:
        self.text = text
        self.index = index
        read = text if scanned is None or scanned >= len(text) else text[:scanned]
        mentions = index.mentions(read) if index else guess_person_mentions(read)
        self.mentions = mentions
        self.by_start = {m.start: m for m in mentions}
        self.by_end = {m.end: m for m in mentions}
        self.para_starts = [p[0] for p in paras]
        self.sent_starts = _sentence_starts(read)
        # mentions in the reporting prose (not inside quotations), for salience
        spans = [(r.start, r.end) for r in raws]
        starts = [s for s, _ in spans]
        self.prose: list[NameMention] = []
        for m in mentions:
            k = bisect_right(starts, m.start) - 1
            if k >= 0 and spans[k][0] <= m.start < spans[k][1]:
                continue
            self.prose.append(m)
        self.prose_starts = [m.start for m in self.prose]
        self.positions: dict[str, list[int]] = defaultdict(list)
        self.weights: dict[str, list[float]] = defaultdict(list)
        self.display: dict[str, tuple[str, str | None, bool]] = {}
        for m in self.prose:
            key = self.key(m)
            self.positions[key].append(m.start)
            w = 2.0 if self._at_sentence_start(m.start) else 1.0
            prev = self.weights[key][-1] if self.weights[key] else 0.0
            self.weights[key].append(prev + w)  # cumulative
            self.display.setdefault(key, (m.name, m.speaker_id, m.is_person))
        self.roles = self._learn_roles()
        self.gender = self._learn_gender()
        self.last_speaker: str | None = None

    def sentence_start(self, pos: int, floor: int) -> int:
        """Where the sentence holding ``pos`` starts (not before ``floor``, nor far back)."""
        k = bisect_right(self.sent_starts, pos) - 1
        start = max(floor, self.sent_starts[k] if k >= 0 else floor)
        if pos - start > _WINDOW:
            # a very long sentence: start at a word boundary within the window
            sp = self.text.find(" ", pos - _WINDOW, pos)
            start = sp + 1 if sp != -1 else pos - _WINDOW
        return start

    @staticmethod
    def key(m: NameMention) -> str:
        return m.speaker_id or m.name

    def _at_sentence_start(self, pos: int) -> bool:
        k = bisect_right(self.para_starts, pos) - 1
        floor = self.para_starts[k] if k >= 0 else 0
        j = pos
        while j > floor and self.text[j - 1] in " \t\"'“‘":
            j -= 1
        return j <= floor or self.text[j - 1] in ".!?"

    def _learn_roles(self) -> dict[str, list[tuple[int, str]]]:
        """Role nouns and ages the text itself ties to a name ("director Ann Lee")."""
        roles: dict[str, list[tuple[int, str]]] = defaultdict(list)
        text = self.text
        for m in self.prose:
            before = text[max(0, m.start - 40) : m.start]
            rm = _ROLE_BEFORE_NAME.search(before)
            if rm:
                roles[rm.group(1).lower()].append((m.start, self.key(m)))
            after = text[m.end : m.end + 60]
            am = _ROLE_AFTER_NAME.match(after)
            if am:
                roles[am.group(1).lower()].append((m.start, self.key(m)))
            age = _AGE_AFTER_NAME.match(after)
            if age:
                roles[f"{age.group(1)}-year-old"].append((m.start, self.key(m)))
        return roles

    def _learn_gender(self) -> dict[str, str]:
        gender: dict[str, str] = {}
        for m in self.prose:
            hm = _GENDERED_HONORIFIC.search(self.text[max(0, m.start - 8) : m.start])
            if hm:
                gender.setdefault(self.key(m), "m" if hm.group(1) in ("Mr", "Sir", "Lord") else "f")
        return gender

    # -- subjects ---------------------------------------------------------------------------

    def subject_before(self, end: int, floor: int) -> _Subject | None:
        """A subject (name, pronoun, role noun) ending at ``end``."""
        text = self.text
        while end > floor and text[end - 1].isspace():
            end -= 1
        if end <= floor:
            return None
        m = self.by_end.get(end)
        if m is not None and m.start >= floor:
            return _Subject("name", m.start, m.end, m.text, m)
        window = text[max(floor, end - 80) : end]
        base = end - len(window)
        pm = _PRONOUN_RE.search(window)
        if pm:
            return _Subject("pronoun", base + pm.start(), end, pm.group(1))
        rm = _ROLE_BEFORE.search(window)
        if rm:
            return _Subject("role", base + rm.start(), end, rm.group(0))
        im = _SOMEONE_BEFORE.search(window)
        if im:
            return _Subject("someone", base + im.start(), end, im.group(0))
        om = _OWNED_ROLE_BEFORE.search(window)
        if om:
            # "Smith's lawyer said": someone else than the named person
            return _Subject("name", base + om.start(1), end, om.group(1))
        cm = _CAP_NAME_BEFORE.search(window)
        if cm and cm.group(1).split()[0].lower() not in NOT_SUBJECT_NAMES:
            return _Subject("name", base + cm.start(1), end, cm.group(1))
        if window.endswith(","):
            comma = window.rfind(",", 0, len(window) - 1)
            if comma != -1 and len(window) - comma <= 60:
                # "The prime minister, Rishi Sunak, said": the name between the commas
                named = self.by_end.get(end - 1)
                if named is not None and named.start >= base + comma:
                    return _Subject("name", named.start, named.end, named.text, named)
                # "Lee, 63, said" / "Smith, the mayor, said": the subject before them
                inner = self.subject_before(base + comma, floor)
                if inner is not None:
                    return inner
        return None

    def subject_at(self, pos: int, limit: int) -> _Subject | None:
        """A subject starting at ``pos``."""
        text = self.text
        hm = _HONORIFIC_AT.match(text, pos, limit)
        if hm:
            inner = self.subject_at(hm.end(), limit)
            if inner is not None and inner.kind == "name":
                return _Subject("name", pos, inner.end, text[pos : inner.end], inner.mention)
        m = self.by_start.get(pos)
        if m is None and text.startswith(("the ", "The "), pos):
            m = self.by_start.get(pos + 4)  # "the FBI said"
        if m is not None and m.end <= limit:
            return _Subject("name", pos, m.end, text[pos : m.end], m)
        pm = _PRONOUN_AT.match(text, pos, limit)
        if pm:
            return _Subject("pronoun", pos, pm.end(), pm.group(1))
        rm = _ROLE_AT.match(text, pos, limit)
        if rm:
            return _Subject("role", pos, rm.end(), rm.group(0))
        im = _SOMEONE_AT.match(text, pos, limit)
        if im:
            return _Subject("someone", pos, im.end(), im.group(0))
        cm = _CAP_NAME_AT.match(text, pos, limit)
        if cm and cm.group(1).split()[0].lower() not in NOT_SUBJECT_NAMES:
            return _Subject("name", pos, cm.end(1), cm.group(1))
        return None

    def verb_cues_before(self, start: int, end: int) -> tuple[_Cue | None, bool]:
        """The last "SUBJECT [aux] VERB" in ``text[start:end]``; and whether a passive
        "was told" came after it."""
        text = self.text
        passive = False
        verbs = list(_VERB_RE.finditer(text, start, end))
        for vm in reversed(verbs):
            # walk back over auxiliaries and adverbs
            j = vm.start()
            aux_words = []
            while True:
                wm = _LAST_WORD.search(text[max(start, j - 30) : j])
                if not wm:
                    break
                w = wm.group(1).lower()
                if w in AUX_ADV or w in PASSIVE_AUX or w.endswith(("’d", "'d")):
                    aux_words.append(w)
                    j = j - len(wm.group(0))
                    continue
                break
            verb = vm.group(1).lower()
            if verb in PASSIVE_VERBS and any(w in PASSIVE_AUX for w in aux_words[:1]):
                passive = True
                continue
            subj = self.subject_before(j, start)
            if subj is None:
                continue
            cue_end = vm.end()
            obj = _NEXT_WORD.match(text[cue_end : cue_end + 30])
            if (
                verb in ("told", "tells", "tell", "asked", "asks")
                and obj
                and (obj.group(1)[0].isupper() or obj.group(1).lower() in TOLD_OBJECTS)
            ):
                cue_end += obj.end()
            if text[cue_end : cue_end + 1] == ":":
                cue_end += 1
            return _Cue(subj, subj.start, cue_end, text[subj.start : cue_end]), passive
        return None, passive

    def cue_after(self, pos: int, limit: int, *, anywhere: bool = False) -> _Cue | None:
        """An attribution right after a closing mark: ", he said", "said Smith"."""
        text = self.text
        if anywhere:
            # a fragment: ", Smith said," later in its sentence
            for m in _COMMA_SPACE.finditer(text[pos:limit]):
                cue = self._cue_at(pos + m.end(), limit)
                if cue is not None:
                    tail = text[cue.end : cue.end + 1]
                    if tail in (",", ".", ";", "") or tail.isspace():
                        return cue
            return None
        lead = _CUE_LEAD.match(text[pos:limit])
        p = pos + (lead.end() if lead else 0)
        return self._cue_at(p, limit)

    def _cue_at(self, p: int, limit: int) -> _Cue | None:
        text = self.text
        am = _ACCORDING_TO.match(text, p, limit)
        if am:
            subj = self.subject_at(am.end(), limit)
            if subj is not None:
                return _Cue(subj, p, subj.end, text[p : subj.end])
            return None
        vm = _VERB_RE.match(text, p, limit)
        if vm:
            # "said Smith", "added the actor"
            q = vm.end()
            while q < limit and text[q] == " ":
                q += 1
            subj = self.subject_at(q, limit)
            if subj is not None:
                return _Cue(subj, p, subj.end, text[p : subj.end])
            return None
        subj = self.subject_at(p, limit)
        if subj is None:
            return None
        q = subj.end
        am = _APPOSITIVE.match(text, q, limit)
        if am:
            q = am.end() - 1  # "one witness, who asked not to be named, told"
        while True:
            wm = _NEXT_WORD.match(text[q : min(limit, q + 30)])
            if not wm:
                return None
            w = wm.group(1)
            if w.lower() in SPEECH_VERBS:
                end = q + wm.end()
                obj = _NEXT_WORD.match(text[end : min(limit, end + 30)])
                if (
                    w.lower() in ("told", "tells", "asked", "asks")
                    and obj
                    and (obj.group(1)[0].isupper() or obj.group(1).lower() in TOLD_OBJECTS)
                ):
                    end += obj.end()
                return _Cue(subj, p, end, text[p:end])
            if w.lower() in AUX_ADV:
                q += wm.end()
                continue
            return None

    def first_subject(self, start: int, end: int) -> _Subject | None:
        """The first person named in ``text[start:end]``, or its first pronoun/role noun."""
        k = bisect_left(self.prose_starts, start)
        first_name = None
        if k < len(self.prose) and self.prose[k].start < end:
            m = self.prose[k]
            first_name = _Subject("name", m.start, m.end, m.text, m)
        rm = _ROLE_IN_SENTENCE.search(self.text, start, end)
        first_ana = None
        if rm:
            sub = self.subject_at(rm.start(), rm.end())
            if sub is not None:
                first_ana = sub
        if first_name and first_ana:
            return first_name if first_name.start <= first_ana.start else first_ana
        return first_name or first_ana

    # -- resolution -------------------------------------------------------------------------

    def resolve(
        self, subj: _Subject, pos: int, para_start: int
    ) -> tuple[str | None, str | None, str | None]:
        """(display name, speaker id, flag) for a subject."""
        if subj.kind == "name":
            m = subj.mention
            if m is not None:
                return m.name, m.speaker_id, "misspelling" if m.misspelled else None
            if self.index:
                found = self.index.match(subj.text)
                if found is not None:
                    return found.name, found.speaker_id, "misspelling" if found.misspelled else None
            return subj.text, None, None
        if subj.kind == "someone":
            return subj.text, None, None  # "one witness", "a spokeswoman": unnamed
        key = self._anaphor(subj, pos, para_start)
        if key is None:
            return None, None, None
        name, sid, _ = self.display[key]
        return name, sid, None

    def _anaphor(self, subj: _Subject, pos: int, para_start: int) -> str | None:
        word = subj.text.lower()
        if subj.kind == "role":
            head = _ROLE_AT_END.search(word)
            if head:
                learned = [k for p, k in self.roles.get(head.group(0).lower(), []) if p < pos]
                if learned:
                    return learned[-1]
        head_word = word.rsplit(" ", 1)[-1]
        want_org = word == "it" or head_word in ORG_NOUNS
        want_person = not want_org and word != "they"
        gender = "m" if word == "he" else "f" if word == "she" else None
        k_last = bisect_left(self.prose_starts, pos) - 1
        latest_in_para = None
        if k_last >= 0 and self.prose[k_last].start >= para_start:
            latest_in_para = self.key(self.prose[k_last])
        best: tuple[float, int, str] | None = None
        for key, positions in self.positions.items():
            n = bisect_left(positions, pos)
            if n == 0:
                continue
            _, _, is_person = self.display[key]
            if want_person and not is_person:
                continue
            if want_org and is_person:
                continue
            if gender and self.gender.get(key, gender) != gender:
                continue
            score = self.weights[key][n - 1]
            if key == self.last_speaker:
                score += 2.0
            if key == latest_in_para:
                score += 3.0
            cand = (score, positions[n - 1], key)
            if best is None or cand > best:
                best = cand
        return best[2] if best else None


# --- classification -------------------------------------------------------------------

_TITLE_WORD = re.compile(r"^[\"'“‘(]*[A-Z0-9À-Þ]")


def _looks_like_title(content: str) -> bool:
    """A short Title Case phrase with no sentence punctuation: 'Casablanca', '60 Minutes'."""
    if len(content) > 80 or content[-1] in ".,;:!?…" or not _TITLE_WORD.match(content):
        return False
    words = content.split()
    if len(words) > 5 or _INNER_STOP.search(content):
        return False
    return all(_TITLE_WORD.match(w) or w in TITLE_SMALL_WORDS for w in words)


@dataclass(frozen=True)
class _Around:
    """What surrounds one raw quotation."""

    content: str
    para_start: int
    sent: int  # start of the clause before the quote (after any earlier quote)
    full_sent: int  # start of the whole sentence the quote sits in
    after_pos: int  # just after the closing mark
    after_end: int  # end of the window after the quote
    at_start: bool  # the quote opens its sentence or paragraph
    after_colon: bool  # "He said: “..."
    after_verb_comma: bool  # "he said, “..."
    cue_after: _Cue | None  # ", he said" right after the closing mark


def _around(
    text: str, ctx: _Context, paras: list[tuple[int, int]], raws: list[_Raw], n: int
) -> _Around:
    raw = raws[n]
    ps, pe = paras[raw.para]
    prev_raw = raws[n - 1] if n > 0 and raws[n - 1].para == raw.para else None
    next_raw = raws[n + 1] if n + 1 < len(raws) and raws[n + 1].para == raw.para else None
    floor = ps
    if prev_raw is not None and prev_raw.close is not None:
        floor = max(floor, prev_raw.close + 1)
    sent = ctx.sentence_start(raw.open, floor)
    pre = text[sent : raw.open]
    after_pos = raw.close + 1 if raw.close is not None else pe
    after_end = pe if next_raw is None else next_raw.open
    after_end = min(after_end, after_pos + _AFTER)
    return _Around(
        content=text[raw.start : raw.end],
        para_start=ps,
        sent=sent,
        full_sent=ctx.sentence_start(raw.open, ps),
        after_pos=after_pos,
        after_end=after_end,
        at_start=not pre.strip(" \t\u00a0-–—•*"),
        after_colon=pre.rstrip().endswith(":"),
        after_verb_comma=_VERB_COMMA_END.search(pre) is not None,
        cue_after=ctx.cue_after(after_pos, after_end) if raw.close is not None else None,
    )


def _classify(text: str, raw: _Raw, a: _Around) -> str | None:
    """ "statement", "fragment", or None for what is not a quotation (a title)."""
    content = a.content
    if raw.title and (raw.cls == "s" or (not a.after_colon and a.cue_after is None)):
        return None
    ends_punct = content[-1] in ".,;:!?…"
    continues_prose = (
        raw.close is not None
        and a.cue_after is None
        and _LOWER_NEXT.match(text, a.after_pos, a.after_end) is not None
    )
    if continues_prose and not ends_punct:
        return FRAGMENT  # “odd” going back to work
    if a.at_start or a.after_colon or a.after_verb_comma or a.cue_after is not None:
        return STATEMENT
    # inside reporting prose: long or several sentences is a statement, else a fragment
    if len(content.split()) >= 12 or _INNER_SENTENCE.search(content):
        return STATEMENT
    return FRAGMENT


@dataclass(frozen=True)
class _Attribution:
    """How a quotation's speaker was found.

    ``how`` is one of: "cue_after" (", he said"), "cue_before" ("He said:"), "previous" (a
    quotation continuing the one before), "sentence" (the subject of the sentence), "passive"
    (reported as told to the subject: speaker unknown), or None.
    """

    cue: _Cue | None = None
    subject: _Subject | None = None
    how: str | None = None
    inherit: bool = False


def _attribute_statement(
    ctx: _Context, raw: _Raw, a: _Around, prev_para: int | None, paras: list[tuple[int, int]]
) -> _Attribution:
    if a.cue_after is not None:
        return _Attribution(a.cue_after, a.cue_after.subject, "cue_after")
    cue, _passive = ctx.verb_cues_before(a.sent, raw.open)
    if cue is not None:
        return _Attribution(cue, cue.subject, "cue_before")
    if a.after_colon and (subj := ctx.first_subject(a.sent, raw.open)) is not None:
        return _Attribution(None, subj, "sentence")
    if a.at_start and raw.para > 0 and not raw.continued:
        # "He said:" closing the paragraph before
        ps, pe = paras[raw.para - 1]
        if ctx.text[pe - 1] == ":":
            sent = ctx.sentence_start(pe - 1, ps)
            cue, _passive = ctx.verb_cues_before(sent, pe)
            if cue is not None:
                return _Attribution(cue, cue.subject, "cue_before")
            if (subj := ctx.first_subject(sent, pe)) is not None:
                return _Attribution(None, subj, "sentence")
    if (a.at_start or raw.continued) and prev_para in (raw.para, raw.para - 1):
        return _Attribution(how="previous", inherit=True)
    if not a.at_start and (subj := ctx.first_subject(a.full_sent, raw.open)) is not None:
        return _Attribution(None, subj, "sentence")
    return _Attribution()


def _attribute_fragment(ctx: _Context, text: str, raw: _Raw, a: _Around) -> _Attribution:
    end = _sentence_end(text, a.after_pos, a.after_end)
    cue = ctx.cue_after(a.after_pos, end, anywhere=True)
    if cue is not None:
        return _Attribution(cue, cue.subject, "cue_after")
    cue, passive = ctx.verb_cues_before(a.full_sent, raw.open)
    if cue is not None:
        return _Attribution(cue, cue.subject, "cue_before")
    if passive:
        return _Attribution(how="passive")  # "he'd been told it was “safe”"
    if (subj := ctx.first_subject(a.full_sent, raw.open)) is not None:
        return _Attribution(None, subj, "sentence")
    return _Attribution()


def extract_quotes(text: str, *, speakers: Sequence[KnownSpeaker] = ()) -> list[Candidate]:
    """Find the quotations in ``text`` and who likely said them.

    ``speakers`` are the people and organisations the caller knows (names, aliases); names in
    the text are matched to them, misspellings included. Without them, capitalised
    "Firstname Lastname" runs are taken for people.
    """
    if not text or not text.strip():
        return []
    paras = _paragraphs(text)
    raws, scanned = _scan(text, paras)
    if not raws:
        return []
    index = SpeakerIndex(list(speakers)) if speakers else None
    ctx = _Context(text, paras, raws, index, scanned)
    # drop what cannot be a quotation first, so that it does not cut the context of others
    kept = []
    for n, raw in enumerate(raws):
        if raw.end - raw.start > MAX_QUOTE_CHARS:
            continue
        if raw.cls == "s" and raw.end - raw.start < 3:
            continue
        raw.title = _looks_like_title(text[raw.start : raw.end])
        if raw.title and _classify(text, raw, _around(text, ctx, paras, raws, n)) is None:
            continue
        kept.append(raw)
        if len(kept) >= MAX_CANDIDATES:
            break
    raws = kept
    out: list[Candidate] = []
    prev: tuple[int, Candidate, str | None] | None = None  # (paragraph, candidate, key)
    for n, raw in enumerate(raws):
        content = text[raw.start : raw.end]
        a = _around(text, ctx, paras, raws, n)
        kind = _classify(text, raw, a)
        if kind is None:
            continue
        if kind == STATEMENT:
            att = _attribute_statement(ctx, raw, a, prev[0] if prev else None, paras)
        else:
            att = _attribute_fragment(ctx, text, raw, a)
        speaker = speaker_id = flag = key = None
        if att.inherit and prev is not None:
            p = prev[1]
            speaker, speaker_id, flag, key = p.speaker, p.speaker_id, p.speaker_flag, prev[2]
        elif att.subject is not None:
            speaker, speaker_id, flag = ctx.resolve(att.subject, att.subject.start, a.para_start)
            key = speaker_id or speaker
        cand = Candidate(
            start=raw.start,
            end=raw.end,
            quote=content,
            kind=kind,
            speaker=speaker,
            speaker_id=speaker_id,
            cue=att.cue.text if att.cue is not None else None,
            speaker_flag=flag,
            attribution=att.how if (speaker or att.cue or att.how == "passive") else None,
            continued=raw.continued,
            unclosed=raw.close is None,
        )
        out.append(cand)
        if key is not None:
            ctx.last_speaker = key
        prev = (raw.para, cand, key)
    return out


def _sentence_end(text: str, pos: int, limit: int) -> int:
    m = _SENTENCE_STOP.search(text[pos:limit])
    return pos + m.end() if m else limit
