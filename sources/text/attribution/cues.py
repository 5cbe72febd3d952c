"""Cues: the words that attribute a quotation, and the patterns they are read with.

The speech verbs and attribution patterns ("he said", "said Roe", "Roe was blunt:",
"according to ...", "a spokeswoman said", "the statement said") and `CueReader`, which finds
a cue's subject (a name, a pronoun, a role noun, an unnamed someone or a statement) before or
after a quotation. `CueReader` is mixed into `Attributor` with `People`, whose names,
mentions and roles it reads (``text``, ``by_start``, ``by_end``, ``prose``,
``prose_starts``, ``_roles()``); this module imports nothing of the rest of attribution, so
`people` may read the patterns it shares from here.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from ..lexicon import (
    AUX_ADV,
    NOT_SUBJECT_NAMES,
    ORG_NOUNS,
    PASSIVE_AUX,
    PASSIVE_VERBS,
    ROLE_NOUNS,
    SPEECH_VERBS,
    TITLE_WORDS,
    TOLD_OBJECTS,
    words,
)
from ..speakers import NameMention

__all__ = ["Cue", "CueReader", "Subject"]

VERB_ALT = "|".join(sorted(SPEECH_VERBS, key=len, reverse=True))
_VERB_RE = re.compile(rf"\b({VERB_ALT})\b", re.I)
_VERB_COMMA_END = re.compile(rf"\b(?:{VERB_ALT})\s*,\s*$", re.I)
_PRONOUN_RE = re.compile(r"\b((?i:he|she|they|it)|I)$")
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
NEXT_WORD = re.compile(r"\s+([\w’'-]+)")
_COMMA_SPACE = re.compile(r",\s+(?=\S)")
_CUE_LEAD = re.compile(r"[\s,;]*(?:[—–-]\s*)?")
_ACCORDING_TO = re.compile(r"according\s+to\s+", re.I)
_HONORIFIC_AT = re.compile(r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Lady|Lord)\.?\s+")
# an unnamed person: "one witness", "a spokeswoman", "an official"
_SOMEONE = rf"(?:a|an|one|another)\s+(?:{_MODIFIER}\s+){{0,2}}?" + _ROLE_WORD
# ("a department spokesman": the second role word belongs to it)
_SOMEONE_AT = re.compile(_SOMEONE + r"\b(?:\s+" + _ROLE_WORD + r"\b)?", re.I)
_SOMEONE_BEFORE = re.compile(r"\b" + _SOMEONE + r"$", re.I)
APPOSITIVE = re.compile(r",\s[^,.;:!?\"“”]{1,80},\s")
_OWNED_ROLE_BEFORE = re.compile(
    r"(?<![\w’'])((?-i:[A-Z])[\w-]+(?:\s(?-i:[A-Z])[\w-]+){0,2}['’]s\s+(?:[\w-]+\s+){0,2}?"
    + _ROLE_WORD
    + r")$",
    re.I,
)
_CAP_NAME_BEFORE = re.compile(r"(?<![\w’'])([A-Z][\w’'-]+(?:\s[A-Z][\w’'-]+){0,2})$")
_CAP_NAME_AT = re.compile(r"([A-Z][\w’'-]+(?:\s[A-Z][\w’'-]+){0,2})\b")

NOT_ROLE = words(
    """
    said says told added and or but with by for of the to from in on at as who whose which
    that this is was were has have had not also be been being it its he she they his her their
    when where while after before than then there here
    """
)  # words that are never a role ("asked Roe": "asked" is not one)

_OWNER_OPENING = re.compile(r"[\s\"'“‘(]*(His|Her|Its|Their)\b")
_OWNER_PRONOUN = {"his": "he", "her": "she", "its": "it", "their": "they"}
DETERMINERS = frozenset(
    ["the", "this", "that", "these", "those", "a", "an", "its", "his", "her", "their"]
)
_WORD_AT = re.compile(r"([A-Za-z][\w.’'-]*)[ \u00a0]+")


THE = re.compile(r"\b[Tt]he[ \u00a0]+")
_THE_AND_WORDS_BEFORE = re.compile(r"\b[Tt]he[ \u00a0]+(?:[\w’'-]+[ \u00a0]+){0,2}[\w’'-]+$")
THREE_WORDS = re.compile(r"[\w’'-]+(?:[ \u00a0]+[\w’'-]+){0,2}")
WORD = re.compile(r"[\w-]+")
_AGENT_NOUN = re.compile(r"(?:er|or|ist|ian|ant|ent|ive|man|woman|master|keeper|smith)$")


def is_title_word(word: str) -> bool:
    """Can ``word`` stand before a name as (part of) a title: "Mayor", "city", "engineer",
    "harbourmaster"? Not "according", "audit"."""
    lower = word.lower().rstrip(".")
    if lower in TITLE_WORDS or lower in ROLE_NOUNS or lower in ORG_NOUNS:
        return True
    return word.islower() and lower not in NOT_ROLE and _AGENT_NOUN.search(lower) is not None


# a sentence opening with an account or user the text does not name
_UNNAMED_POSTER_OPENING = re.compile(
    r"[\s\"'“‘]*((?:An?|Another|One)[ \u00a0]+(?:[\w’'-]+[ \u00a0]+){0,2}?"
    r"(?:user|account|commenter|poster|handle)s?)\b"
)
# "... and said", "... then said": a second verb of the clause
_AND_BEFORE = re.compile(r"\b(?:and|then|and then)\s*$")


@dataclass(frozen=True)
class Subject:
    """Who a cue names: ``kind`` is "name", "pronoun", "role" or "someone" (unnamed)."""

    kind: str
    start: int
    end: int
    text: str
    mention: NameMention | None = None


@dataclass(frozen=True)
class Cue:
    """The words that attribute a quotation ("he said", "said Roe", "Roe was blunt:")."""

    subject: Subject
    start: int
    end: int
    text: str


_STATEMENT_WORDS = (
    r"(?:statement|notice|release|post|letter|summary|filing|ruling|report|audit|study|review"
    r"|investigation|survey|inspection|analysis)"
)
_STATEMENT_AT = re.compile(
    r"(?:the|a|an|its|their)[ \u00a0]+(?:[\w’'-]+[ \u00a0]+){0,2}?" + _STATEMENT_WORDS + r"\b",
    re.I,
)
_STATEMENT_BEFORE = re.compile(
    r"\b(?:the|a|an|its|their)[ \u00a0]+(?:[\w’'-]+[ \u00a0]+){0,2}?" + _STATEMENT_WORDS + r"$",
    re.I,
)
_FROM_BY = re.compile(r"[ \u00a0]+(?:from|by|signed by|issued by)[ \u00a0]+")
_TIME_WORDS = words(
    "monday tuesday wednesday thursday friday saturday sunday yesterday today tonight morning"
    " afternoon evening night"
)
_ACCOUNT_WORDS = words("account page feed website channel handle profile")
_WHO_BEFORE = re.compile(r",?[ \u00a0]+(?:who|which)$")
_HEAD_OF_BEFORE = re.compile(
    r"\b((?:[Tt]he|[Aa]n?)[ \u00a0]+(?:[\w-]+[ \u00a0]+)?"
    r"(?:head|chief|leader|director|president|chair|chairman|chairwoman|boss))[ \u00a0]+of"
    r"[ \u00a0]+(?:the[ \u00a0]+)?(?:[A-Z][\w’'-]*[ \u00a0]+(?:of[ \u00a0]+)?){0,4}$"
)
_TIME_BEFORE = re.compile(
    r"[ \u00a0]+(?:(?:on|late|early)[ \u00a0]+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday"
    r"|Saturday|Sunday|yesterday|today|tonight)(?:[ \u00a0]+(?:morning|afternoon|evening"
    r"|night))?$"
)
_ACCOUNT_BEFORE = re.compile(
    r"['’]s[ \u00a0]+(?:official[ \u00a0]+|own[ \u00a0]+)?"
    r"(?:account|page|feed|website|channel|handle|profile)$",
    re.I,
)
# ", director of the " between a person's name and the organisation she works for
_HELD_BY_BEFORE = re.compile(
    r",[ \u00a0]+(?:the[ \u00a0]+)?(?:[\w’'-]+[ \u00a0]+){1,3}(?:of|at|for|with)[ \u00a0]+"
    r"(?:the[ \u00a0]+)?$"
)
_RELATIVE_CLAUSE_BEFORE = re.compile(r",[ \u00a0]+(?:who|whose|which)\b[^,]{1,120},$")


class CueReader:
    """Finding cues and their subjects in ``text`` (see the module's docstring)."""

    # -- subjects ---------------------------------------------------------------------------

    def subject_before(self, end: int, floor: int) -> Subject | None:
        """A subject (name, pronoun, role noun) ending at ``end``."""
        text = self.text
        while end > floor and text[end - 1].isspace():
            end -= 1
        if end <= floor:
            return None
        mention = self.by_end.get(end)
        if mention is not None and mention.start >= floor:
            head = _HEAD_OF_BEFORE.search(text, max(floor, mention.start - 80), mention.start)
            if head is not None and not mention.is_person:
                # "The head of the Port Authority said": its head, not the authority
                return Subject("role", head.start(), end, head.group(1))
            return Subject("name", mention.start, mention.end, mention.text, mention)
        window = text[max(floor, end - 80) : end]
        base = end - len(window)
        last_word = window[window.rfind(" ") + 1 :].lower()  # cheap tests before the patterns
        wm = _WHO_BEFORE.search(window) if last_word in ("who", "which") else None
        if wm:
            # "the charge nurse, Kofi Lee, who calls her": the name the "who" follows
            named = self.by_end.get(base + wm.start())
            if named is not None and named.start >= floor:
                return Subject("name", named.start, named.end, named.text, named)
        tm = _TIME_BEFORE.search(window) if last_word in _TIME_WORDS else None
        if tm and tm.start() > 0:
            # "The mayor on Tuesday called": not "the gun that killed Lee on Tuesday found"
            inner = self.subject_before(base + tm.start(), floor)
            if inner is not None and (
                inner.kind != "name" or self._is_subject(inner.start, inner.end)
            ):
                return inner
            return None
        am = _ACCOUNT_BEFORE.search(window) if last_word in _ACCOUNT_WORDS else None
        if am:
            # "the co-op's account said", "Acme's website posted": the owner's words
            inner = self.subject_before(base + am.start(), floor)
            if inner is not None:
                return inner
        sm = _STATEMENT_BEFORE.search(window)
        if sm:
            return Subject("statement", base + sm.start(), end, sm.group(0))
        rc = _RELATIVE_CLAUSE_BEFORE.search(window)
        if rc:
            # "Pennock, who represents the island on Dunmere Council, said": before "who"
            inner = self.subject_before(base + rc.start(), floor)
            if inner is not None and inner.mention is not None and not inner.mention.is_person:
                # "Ann Lee, director of the Alliance, which represents clinics, said": Lee
                held = _HELD_BY_BEFORE.search(text, max(floor, inner.start - 60), inner.start)
                person = self.by_end.get(held.start()) if held else None
                if person is not None and person.is_person and person.start >= floor:
                    return Subject("name", person.start, person.end, person.text, person)
            if inner is not None:
                return inner
        pm = _PRONOUN_RE.search(window)
        if pm:
            return Subject("pronoun", base + pm.start(), end, pm.group(1))
        rm = _ROLE_BEFORE.search(window)
        if rm:
            return Subject("role", base + rm.start(), end, rm.group(0))
        lm = _THE_AND_WORDS_BEFORE.search(window)
        learned = self._learned_role_at(base + lm.start(), end) if lm else None
        if learned is not None and learned.end == end:
            return learned
        im = _SOMEONE_BEFORE.search(window)
        if im:
            return Subject("someone", base + im.start(), end, im.group(0))
        om = _OWNED_ROLE_BEFORE.search(window)
        if om:
            # "Smith's lawyer said": someone else than the named person
            return Subject("name", base + om.start(1), end, om.group(1))
        cm = _CAP_NAME_BEFORE.search(window)
        if cm and cm.group(1).split()[0].lower() not in NOT_SUBJECT_NAMES:
            return Subject("name", base + cm.start(1), end, cm.group(1))
        if window.endswith(","):
            comma = window.rfind(",", 0, len(window) - 1)
            if comma != -1 and len(window) - comma <= 60:
                # "The prime minister, Rishi Sunak, said": the name between the commas
                named = self.by_end.get(end - 1)
                if named is not None and named.start >= base + comma:
                    return Subject("name", named.start, named.end, named.text, named)
                # "Lee, 63, said" / "Smith, the mayor, said": the subject before them
                inner = self.subject_before(base + comma, floor)
                if inner is not None:
                    return inner
        return None

    def _titled_mention(self, pos: int, limit: int) -> NameMention | None:
        """A person's name after one to three title or role words starting at ``pos``
        ("County Executive Ann Lee", "harbourmaster Ann Lee")."""
        at = pos
        for _ in range(3):
            wm = _WORD_AT.match(self.text, at, min(limit, at + 40))
            if not wm:
                return None
            if not is_title_word(wm.group(1)):
                return None
            at = wm.end()
            mention = self.by_start.get(at)
            if mention is not None:
                return mention if mention.is_person and not mention.is_place else None
        return None

    def _coordinated_subject(self, end: int, floor: int) -> Subject | None:
        """The subject of "he thought about it and said": a clause's subject before its
        first verb, when the speech verb follows "and" or "then" in the same clause."""
        text = self.text
        am = _AND_BEFORE.search(text, max(floor, end - 12), end)
        if am is None:
            return None
        clause = max(
            floor,
            text.rfind(", ", floor, am.start()) + 2,
            text.rfind("; ", floor, am.start()) + 2,
        )
        if am.start() - clause > 120:
            return None
        subj = self.subject_at(clause, am.start())
        if subj is None or subj.kind not in ("name", "pronoun"):
            return None
        return subj

    def subject_at(self, pos: int, limit: int) -> Subject | None:
        """A subject starting at ``pos``."""
        text = self.text
        hm = _HONORIFIC_AT.match(text, pos, limit)
        if hm:
            inner = self.subject_at(hm.end(), limit)
            if inner is not None and inner.kind == "name":
                return Subject("name", pos, inner.end, text[pos : inner.end], inner.mention)
        mention = self.by_start.get(pos)
        if mention is None and text.startswith(("the ", "The "), pos):
            mention = self.by_start.get(pos + 4)  # "the FBI said"
        titled = self._titled_mention(pos, limit)  # "County Executive Ann Lee", "engineer Lee"
        if titled is not None and (
            mention is None or (not mention.is_person and mention.end <= titled.start)
        ):
            mention = titled  # "Police Chief Ann Lee", not the police
        if mention is not None and mention.end <= limit:
            return Subject("name", pos, mention.end, text[pos : mention.end], mention)
        sm = _STATEMENT_AT.match(text, pos, limit)
        if sm:
            fm = _FROM_BY.match(text, sm.end(), limit)
            if fm:
                # "a statement from Mayor Ann Lee", "a letter by the union": theirs
                inner = self.subject_at(fm.end(), limit)
                if inner is not None and inner.kind in ("name", "role"):
                    return Subject(inner.kind, pos, inner.end, text[pos : inner.end], inner.mention)
            return Subject("statement", pos, sm.end(), sm.group(0))
        pm = _PRONOUN_AT.match(text, pos, limit)
        if pm:
            return Subject("pronoun", pos, pm.end(), pm.group(1))
        rm = _ROLE_AT.match(text, pos, limit)
        if rm:
            return Subject("role", pos, rm.end(), rm.group(0))
        learned = self._learned_role_at(pos, limit)
        if learned is not None:
            return learned
        im = _SOMEONE_AT.match(text, pos, limit)
        if im:
            return Subject("someone", pos, im.end(), im.group(0))
        cm = _CAP_NAME_AT.match(text, pos, limit)
        if cm and cm.group(1).split()[0].lower() not in NOT_SUBJECT_NAMES:
            return Subject("name", pos, cm.end(1), cm.group(1))
        return None

    def _learned_role_at(self, pos: int, limit: int) -> Subject | None:
        """ "the ribbon-cutter" when the text made someone its ribbon-cutter: a role noun
        the lexicon does not know, learned from the text or the record."""
        dm = THE.match(self.text, pos, limit)
        if not dm or not self._roles():
            return None
        words = THREE_WORDS.match(self.text, dm.end(), limit)
        if not words:
            return None
        for wm in WORD.finditer(words.group(0)):
            if wm.group(0).lower() in self._roles():
                end = dm.end() + wm.end()
                return Subject("role", pos, end, self.text[pos:end])
        return None

    def verb_cues_before(self, start: int, end: int) -> tuple[Cue | None, bool]:
        """The last "SUBJECT [aux] VERB" in ``text[start:end]``; and whether a passive
        "was told" came after it."""
        text = self.text
        passive = False
        verbs = list(_VERB_RE.finditer(text, start, end))
        for vm in reversed(verbs):
            # walk back over auxiliaries and adverbs
            subject_end = vm.start()
            aux_words = []
            while True:
                wm = _LAST_WORD.search(text[max(start, subject_end - 30) : subject_end])
                if not wm:
                    break
                word = wm.group(1).lower()
                if word in AUX_ADV or word in PASSIVE_AUX or word.endswith(("’d", "'d")):
                    aux_words.append(word)
                    subject_end = subject_end - len(wm.group(0))
                    continue
                break
            verb = vm.group(1).lower()
            if verb in PASSIVE_VERBS and any(word in PASSIVE_AUX for word in aux_words[:1]):
                passive = True
                continue
            subj = self.subject_before(subject_end, start)
            if subj is None:
                subj = self._coordinated_subject(subject_end, start)
            if subj is None:
                continue
            cue_end = vm.end()
            obj = NEXT_WORD.match(text[cue_end : cue_end + 30])
            if (
                verb in ("told", "tells", "tell", "asked", "asks")
                and obj
                and (obj.group(1)[0].isupper() or obj.group(1).lower() in TOLD_OBJECTS)
            ):
                cue_end += obj.end()
            if text[cue_end : cue_end + 1] == ":":
                cue_end += 1
            return Cue(subj, subj.start, cue_end, text[subj.start : cue_end]), passive
        return None, passive

    def cue_after(self, pos: int, limit: int, *, anywhere: bool = False) -> Cue | None:
        """An attribution right after a closing mark: ", he said", "said Smith"."""
        text = self.text
        if anywhere:
            # a fragment: ", Smith said," later in its sentence
            for comma in _COMMA_SPACE.finditer(text[pos:limit]):
                cue = self._cue_at(pos + comma.end(), limit)
                if cue is not None:
                    tail = text[cue.end : cue.end + 1]
                    if tail in (",", ".", ";", "") or tail.isspace():
                        return cue
            return None
        lead = _CUE_LEAD.match(text[pos:limit])
        at = pos + (lead.end() if lead else 0)
        return self._cue_at(at, limit)

    def _cue_at(self, start: int, limit: int) -> Cue | None:
        text = self.text
        am = _ACCORDING_TO.match(text, start, limit)
        if am:
            subj = self.subject_at(am.end(), limit)
            if subj is not None:
                return Cue(subj, start, subj.end, text[start : subj.end])
            return None
        vm = _VERB_RE.match(text, start, limit)
        if vm:
            # "said Smith", "added the actor"
            at = vm.end()
            while at < limit and text[at].isspace():
                at += 1  # "said\nImogen Tsai": a line break in hard-wrapped text
            subj = self.subject_at(at, limit)
            if subj is not None:
                return Cue(subj, start, subj.end, text[start : subj.end])
            return None
        subj = self.subject_at(start, limit)
        if subj is None:
            return None
        at = subj.end
        am = APPOSITIVE.match(text, at, limit)
        if am:
            at = am.end() - 1  # "one witness, who asked not to be named, told"
            if subj.kind in ("role", "someone"):
                # "the family's lawyer, Ann Lee, said": the name the appositive gives
                named = self.by_start.get(am.start() + 2)
                if named is not None and named.is_person and named.end == am.end() - 2:
                    subj = Subject("name", named.start, named.end, named.text, named)
        while True:
            wm = NEXT_WORD.match(text[at : min(limit, at + 30)])
            if not wm:
                return None
            word = wm.group(1)
            if word.lower() in SPEECH_VERBS:
                end = at + wm.end()
                obj = NEXT_WORD.match(text[end : min(limit, end + 30)])
                if (
                    word.lower() in ("told", "tells", "asked", "asks")
                    and obj
                    and (obj.group(1)[0].isupper() or obj.group(1).lower() in TOLD_OBJECTS)
                ):
                    end += obj.end()
                return Cue(subj, start, end, text[start:end])
            if word.lower() in AUX_ADV:
                at += wm.end()
                continue
            return None

    def ends_with_speech_verb(self, start: int, end: int) -> bool:
        """Does ``text[start:end]`` end with a verb of speech and a comma ("he said, ")?"""
        return _VERB_COMMA_END.search(self.text, start, end) is not None

    def first_subject(self, start: int, end: int) -> Subject | None:
        """The first person named in ``text[start:end]``, or its first pronoun/role noun;
        "His verdict:" is his."""
        um = _UNNAMED_POSTER_OPENING.match(self.text, start, end)
        if um:
            # "An anonymous account, @handle, replied to the mayor: “…”": that account
            return Subject("someone", um.start(1), um.end(), self.text[um.start(1) : um.end()])
        om = _OWNER_OPENING.match(self.text, start, end)
        if om:
            word = _OWNER_PRONOUN[om.group(1).lower()]
            return Subject("pronoun", om.start(1), om.end(1), word)
        am = _ACCORDING_TO.match(self.text, start, end)
        if am and (subject := self.subject_at(am.end(), end)) is not None:
            return subject
        first = bisect_left(self.prose_starts, start)
        first_name = None
        if first < len(self.prose) and self.prose[first].start < end:
            mention = self.prose[first]
            first_name = Subject("name", mention.start, mention.end, mention.text, mention)
        rm = _ROLE_IN_SENTENCE.search(self.text, start, end)
        first_ana = None
        if rm:
            sub = self.subject_at(rm.start(), rm.end())
            if sub is not None:
                first_ana = sub
        if first_name and first_ana:
            return first_name if first_name.start <= first_ana.start else first_ana
        return first_name or first_ana
