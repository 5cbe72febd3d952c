"""Who said a quotation: cues around it, and the people and organisations they point to.

`Attributor(text, paragraphs, spans, speakers)` reads the reporting prose once: the names in
it (known speakers first, with their aliases and misspellings; then names guessed from the
text itself, so that a speaker on record never hides one who is not), what each name is
(person, organisation, or a place, which never speaks), the roles the text ties to them
("Mayor Jane Roe", "Roe, the city's engineer,", a known speaker's role) and their gender
where the text tells it ("Ms Roe", "Roe said she ...").

Then, quotation by quotation, `extract` asks it for the cue ("he said", "said Roe",
"Roe was blunt:", "according to ...") and `resolve` turns the cue's subject into a speaker:

* a name is its speaker (the known one it matches, or the name as written);
* "he", "she", "it", "they" are the most recently mentioned compatible speaker, the subject
  of a sentence before anyone named in passing: a person of that gender (or of unknown
  gender) for he/she, an organisation for "it";
* "the mayor", "the transit director", "the department" are the most recently mentioned
  speaker the text (or the record) gave that role or whose name holds that word; a role
  nobody was given is the story's main person ("the actor"), or the most recent
  organisation ("the agency");
* "the statement said", "a council statement said": the organisation named last (or the
  council), else the last speaker;
* "a spokeswoman", "one witness": unnamed, reported as written.

Every mention in the prose and every attributed quotation makes its speaker the most
recent, so pronouns follow the text, not the record.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass, field

from .lexicon import (
    ABBREVIATIONS,
    AUX_ADV,
    MALE_HONORIFICS,
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
from .marks import QuoteSpan
from .speakers import NameMention, SpeakerIndex, guess_mentions, name_key

__all__ = ["Attributor", "Cue", "Subject"]

WINDOW = 400  # how far back a cue or a sentence start is looked for
_LEARN_FROM = 25  # roles and gender are learned from an entity's first mentions only
PERSON = "person"
ORGANIZATION = "organization"
PLACE = "place"


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
_ACCORDING_TO = re.compile(r"according\s+to\s+", re.I)
_AGE_AFTER_NAME = re.compile(r",\s+(\d{1,3}),")
_GENDERED_HONORIFIC = re.compile(r"\b(Mr|Mrs|Ms|Miss|Sir|Dame|Lady|Lord)\.?\s+$")
_HONORIFIC_AT = re.compile(r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Lady|Lord)\.?\s+")
# an unnamed person: "one witness", "a spokeswoman", "an official"
_SOMEONE = rf"(?:a|an|one|another)\s+(?:{_MODIFIER}\s+){{0,2}}?" + _ROLE_WORD
# ("a department spokesman": the second role word belongs to it)
_SOMEONE_AT = re.compile(_SOMEONE + r"\b(?:\s+" + _ROLE_WORD + r"\b)?", re.I)
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


_TITLE_BEFORE = re.compile(
    r"(?:^|(?<=[\s(]))((?:[A-Za-z][\w’'-]*[ \u00a0]){1,3})$"  # up to three words before a name
)
_ROLE_AFTER = re.compile(
    r",[ \u00a0]+(?:the|a|an|its|his|her|their)?[ \u00a0]*((?:[\w’'-]+[ \u00a0]+){0,3}?)"
    r"([a-z][\w-]+)(?=,|\.|;| of\b| for\b| at\b| in\b| with\b| who\b| since\b)"
)
_ROLE_BEFORE_COMMA = re.compile(
    r"\b(?:the|a|an|its|his|her|their|[\w’'-]+['’]s)[ \u00a0]+((?:[\w’'-]+[ \u00a0]+){0,2}?)"
    r"((?-i:[a-z])[\w-]+),[ \u00a0]+$",
    re.I,
)
_NOT_ROLE = words(
    """
    said says told added and or but with by for of the to from in on at as who whose which
    that this is was were has have had not also be been being it its he she they his her their
    when where while after before than then there here
    """
)  # words that are never a role ("asked Roe": "asked" is not one)
_GENDER_CUE = re.compile(
    rf"\b(?:{_VERB_ALT}|thinks|thought|believes|believed|hopes|hoped|knew|knows|felt|feels)"
    r"(?:[ \u00a0]+that)?[ \u00a0]+(he|she)\b",
    re.I,
)


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


@dataclass
class Entity:
    """A person, organisation or place the text names."""

    key: str
    name: str
    speaker_id: str | None
    kind: str  # PERSON, ORGANIZATION or PLACE
    gender: str | None = None  # "m", "f" or unknown
    roles: set[str] = field(default_factory=set)  # "mayor", "transit director", "department"
    words: frozenset[str] = frozenset()  # the words of its name, lower case


def _role_words(role: str) -> set[str]:
    """The role phrases a description gives: "Chief executive of Acme; founder" ->
    {"chief executive", "executive", "founder"}."""
    out: set[str] = set()
    for part in re.split(r"[;,()]| and ", role):
        part = re.split(r"\b(?:of|for|at|in|on|who|whose|with)\b", part.strip().lower())[0]
        words = [w for w in re.findall(r"[a-z][\w’'-]*", part) if w not in _NOT_ROLE]
        if words:
            out.add(words[-1])
            if len(words) > 1:
                out.add(" ".join(words[-2:]))
    return out


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
_RELATIVE_CLAUSE_BEFORE = re.compile(r",[ \u00a0]+(?:who|whose|which)\b[^,]{1,120},$")


class Attributor:
    """What attribution needs to know about one text: names, entities, roles, recency."""

    def __init__(
        self,
        text: str,
        paras: list[tuple[int, int]],
        spans: list[QuoteSpan],
        index: SpeakerIndex | None,
        scanned: int | None = None,
        speech: list[tuple[int, int]] = (),  # other stretches of quoted speech (transcripts)
    ) -> None:
        self.text = text
        self.index = index
        read = text if scanned is None or scanned >= len(text) else text[:scanned]
        mentions = _merge_mentions(index, read)
        self.mentions = mentions
        self.by_start = {m.start: m for m in mentions}
        self.by_end = {m.end: m for m in mentions}
        self.para_starts = [p[0] for p in paras]
        self.sent_starts = _sentence_starts(read)
        # mentions in the reporting prose (not inside quotations)
        quoted = sorted([(s.start, s.end) for s in spans] + list(speech))
        starts = [s for s, _ in quoted]
        self.prose: list[NameMention] = []
        for m in mentions:
            k = bisect_right(starts, m.start) - 1
            if k >= 0 and quoted[k][0] <= m.start < quoted[k][1]:
                continue
            self.prose.append(m)
        self.prose_starts = [m.start for m in self.prose]
        self.entities: dict[str, Entity] = {}
        self._role_index = None
        self.refs: list[tuple[int, str]] = []  # (offset, entity key): who was mentioned when
        self.subjects: set[int] = set()  # offsets of refs that are a sentence's subject
        for m in self.prose:
            entity = self.entity_for(m)
            if entity.kind != PLACE:
                self.refs.append((m.start, entity.key))
                if self._is_subject(m.start, m.end):
                    self.subjects.add(m.start)
        self._role_index: dict[str, set[str]] | None = None  # role word -> entity keys
        self._learn_roles()
        self._role_index = None
        self._learn_gender()
        self._add_role_refs()
        self.last_speaker: str | None = None

    # -- entities ---------------------------------------------------------------------------

    @staticmethod
    def key(m: NameMention) -> str:
        return m.speaker_id or m.name

    def entity_for(self, m: NameMention) -> Entity:
        """The entity a mention names (made on first sight)."""
        key = self.key(m)
        entity = self.entities.get(key)
        if entity is not None:
            return entity
        kind = PLACE if m.is_place else PERSON if m.is_person else ORGANIZATION
        roles: set[str] = set()
        if m.speaker_id and self.index is not None:
            known = self.index.by_id(m.speaker_id)
            if known is not None:
                roles |= _role_words(getattr(known, "role", "") or "")
                for alias in known.aliases:
                    if alias[:1].islower() or alias.lower().startswith("the "):
                        roles.add(name_key(alias).removeprefix("the "))
        entity = Entity(
            key, m.name, m.speaker_id, kind, roles=roles, words=frozenset(name_key(m.name).split())
        )
        self.entities[key] = entity
        self._role_index = None
        return entity

    def _is_subject(self, start: int, end: int) -> bool:
        """Does the mention open its sentence (titles aside) or come right before a verb of
        speech ("Lee, 63, said")?"""
        text = self.text
        k = bisect_right(self.sent_starts, start) - 1
        p = bisect_right(self.para_starts, start) - 1
        floor = max(self.sent_starts[k] if k >= 0 else 0, self.para_starts[p] if p >= 0 else 0)
        lead = text[floor:start]
        if len(lead) <= 50 and _LEAD_TO_SUBJECT.fullmatch(lead):
            return True
        if _PREPOSITION_BEFORE.search(lead):
            return False  # "an audit of the Tamsin Housing Authority found": not its subject
        after = text[end : end + 120]
        am = _APPOSITIVE.match(after)
        q = am.end() - 1 if am else 0
        for wm in _NEXT_WORD.finditer(after, q):
            word = wm.group(1).lower()
            if word in SPEECH_VERBS:
                return True
            if word not in AUX_ADV or wm.start() != q:
                return False
            q = wm.end()
        return False

    def _learn_roles(self) -> None:
        """Roles the text ties to a name: "City engineer Ann Lee", "Lee, the city's engineer,",
        "The company's spokeswoman, Ann Lee,", "Lee, 63,"."""
        text = self.text
        seen: dict[str, int] = {}
        for m in self.prose:
            entity = self.entities[self.key(m)]
            if entity.kind == PLACE or seen.get(entity.key, 0) >= _LEARN_FROM:
                continue
            seen[entity.key] = seen.get(entity.key, 0) + 1
            before = text[max(0, m.start - 60) : m.start]
            tm = _TITLE_BEFORE.search(before)
            if tm:
                words = [w for w in tm.group(1).split() if w.lower() not in _NOT_ROLE]
                # the words right before the name, up to a word that is not a title
                kept: list[str] = []
                for w in reversed(words):
                    if not _is_title_word(w):
                        break
                    kept.insert(0, w.lower().rstrip("."))
                if kept:
                    entity.roles.add(kept[-1])
                    if len(kept) > 1:
                        entity.roles.add(" ".join(kept[-2:]))
            bm = _ROLE_BEFORE_COMMA.search(before)
            if bm:
                self._add_role(entity, bm.group(1), bm.group(2))
            after = text[m.end : m.end + 80]
            am = _ROLE_AFTER.match(after)
            if am:
                self._add_role(entity, am.group(1), am.group(2))
            age = _AGE_AFTER_NAME.match(after)
            if age:
                entity.roles.add(f"{age.group(1)}-year-old")

    @staticmethod
    def _add_role(entity: Entity, modifiers: str, head: str) -> None:
        head = head.lower()
        if head in _NOT_ROLE or len(head) < 3 or head.isdigit():
            return
        entity.roles.add(head)
        words = modifiers.split()
        if words and words[-1].isalpha() and words[-1].lower() not in _NOT_ROLE:
            entity.roles.add(f"{words[-1].lower()} {head}")

    def _learn_gender(self) -> None:
        """Gender from honorifics ("Ms Roe") and "Roe said she ..." (the first pronoun after
        a name that opens a sentence, before any other person is named)."""
        text = self.text
        seen: dict[str, int] = {}
        for n, m in enumerate(self.prose):
            entity = self.entities[self.key(m)]
            if entity.kind != PERSON or entity.gender or seen.get(entity.key, 0) >= _LEARN_FROM:
                continue
            seen[entity.key] = seen.get(entity.key, 0) + 1
            hm = _GENDERED_HONORIFIC.search(text[max(0, m.start - 8) : m.start])
            if hm:
                word = hm.group(1).lower()
                entity.gender = entity.gender or ("m" if word in MALE_HONORIFICS else "f")
                continue
            if entity.gender:
                continue
            limit = self._sentence_end(m.end)
            if n + 1 < len(self.prose):
                limit = min(limit, self.prose[n + 1].start)
            gm = _GENDER_CUE.search(text, m.end, limit)
            if gm and gm.start() - m.end < 60:
                entity.gender = "m" if gm.group(1).lower() == "he" else "f"

    def _add_role_refs(self) -> None:
        """ "the mayor" in the prose is a mention of whoever the text made mayor."""
        heads = {r.rsplit(" ", 1)[-1] for e in self.entities.values() for r in e.roles}
        if not heads:
            return
        text = self.text
        found = []
        for dm in _THE.finditer(text):
            words = _THREE_WORDS.match(text, dm.end())
            if not words:
                continue
            # "the mayor", "the city's transit director": the first word that is a role
            for wm in _WORD.finditer(words.group(0)):
                if wm.group(0).lower() not in heads:
                    continue
                end = dm.end() + wm.end()
                key = self._by_role(text[dm.start() : end], dm.start())
                if key is not None:
                    found.append((dm.start(), key))
                    if self._is_subject(dm.start(), end):
                        self.subjects.add(dm.start())
                break
        for item in found:
            insort(self.refs, item)

    # -- sentences --------------------------------------------------------------------------

    def sentence_start(self, pos: int, floor: int) -> int:
        """Where the sentence holding ``pos`` starts (not before ``floor``, nor far back)."""
        k = bisect_right(self.sent_starts, pos) - 1
        start = max(floor, self.sent_starts[k] if k >= 0 else floor)
        if pos - start > WINDOW:
            # a very long sentence: start at a word boundary within the window
            space = self.text.find(" ", pos - WINDOW, pos)
            start = space + 1 if space != -1 else pos - WINDOW
        return start

    def _sentence_end(self, pos: int) -> int:
        k = bisect_right(self.sent_starts, pos)
        return self.sent_starts[k] if k < len(self.sent_starts) else len(self.text)

    # -- subjects ---------------------------------------------------------------------------

    def subject_before(self, end: int, floor: int) -> Subject | None:
        """A subject (name, pronoun, role noun) ending at ``end``."""
        text = self.text
        while end > floor and text[end - 1].isspace():
            end -= 1
        if end <= floor:
            return None
        m = self.by_end.get(end)
        if m is not None and m.start >= floor:
            return Subject("name", m.start, m.end, m.text, m)
        window = text[max(floor, end - 80) : end]
        base = end - len(window)
        sm = _STATEMENT_BEFORE.search(window)
        if sm:
            return Subject("statement", base + sm.start(), end, sm.group(0))
        rc = _RELATIVE_CLAUSE_BEFORE.search(window)
        if rc:
            # "Pennock, who represents the island on Dunmere Council, said": before "who"
            inner = self.subject_before(base + rc.start(), floor)
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
        q = pos
        for _ in range(3):
            wm = _WORD_AT.match(self.text, q, min(limit, q + 40))
            if not wm:
                return None
            if not _is_title_word(wm.group(1)):
                return None
            q = wm.end()
            m = self.by_start.get(q)
            if m is not None:
                return m if m.is_person and not m.is_place else None
        return None

    def subject_at(self, pos: int, limit: int) -> Subject | None:
        """A subject starting at ``pos``."""
        text = self.text
        hm = _HONORIFIC_AT.match(text, pos, limit)
        if hm:
            inner = self.subject_at(hm.end(), limit)
            if inner is not None and inner.kind == "name":
                return Subject("name", pos, inner.end, text[pos : inner.end], inner.mention)
        m = self.by_start.get(pos)
        if m is None and text.startswith(("the ", "The "), pos):
            m = self.by_start.get(pos + 4)  # "the FBI said"
        titled = self._titled_mention(pos, limit)  # "County Executive Ann Lee", "engineer Lee"
        if titled is not None and (m is None or (not m.is_person and m.end <= titled.start)):
            m = titled  # "Police Chief Ann Lee", not the police
        if m is not None and m.end <= limit:
            return Subject("name", pos, m.end, text[pos : m.end], m)
        sm = _STATEMENT_AT.match(text, pos, limit)
        if sm:
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
        dm = _THE.match(self.text, pos, limit)
        if not dm or not self._roles():
            return None
        words = _THREE_WORDS.match(self.text, dm.end(), limit)
        if not words:
            return None
        for wm in _WORD.finditer(words.group(0)):
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
            return Cue(subj, subj.start, cue_end, text[subj.start : cue_end]), passive
        return None, passive

    def cue_after(self, pos: int, limit: int, *, anywhere: bool = False) -> Cue | None:
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

    def _cue_at(self, p: int, limit: int) -> Cue | None:
        text = self.text
        am = _ACCORDING_TO.match(text, p, limit)
        if am:
            subj = self.subject_at(am.end(), limit)
            if subj is not None:
                return Cue(subj, p, subj.end, text[p : subj.end])
            return None
        vm = _VERB_RE.match(text, p, limit)
        if vm:
            # "said Smith", "added the actor"
            q = vm.end()
            while q < limit and text[q].isspace():
                q += 1  # "said\nImogen Tsai": a line break in hard-wrapped text
            subj = self.subject_at(q, limit)
            if subj is not None:
                return Cue(subj, p, subj.end, text[p : subj.end])
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
                return Cue(subj, p, end, text[p:end])
            if w.lower() in AUX_ADV:
                q += wm.end()
                continue
            return None

    def ends_with_speech_verb(self, start: int, end: int) -> bool:
        """Does ``text[start:end]`` end with a verb of speech and a comma ("he said, ")?"""
        return _VERB_COMMA_END.search(self.text, start, end) is not None

    def first_subject(self, start: int, end: int) -> Subject | None:
        """The first person named in ``text[start:end]``, or its first pronoun/role noun;
        "His verdict:" is his."""
        om = _OWNER_OPENING.match(self.text, start, end)
        if om:
            word = _OWNER_PRONOUN[om.group(1).lower()]
            return Subject("pronoun", om.start(1), om.end(1), word)
        am = _ACCORDING_TO.match(self.text, start, end)
        if am and (subject := self.subject_at(am.end(), end)) is not None:
            return subject
        k = bisect_left(self.prose_starts, start)
        first_name = None
        if k < len(self.prose) and self.prose[k].start < end:
            m = self.prose[k]
            first_name = Subject("name", m.start, m.end, m.text, m)
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
        self, subj: Subject, pos: int
    ) -> tuple[str | None, str | None, str | None, str | None]:
        """(display name, speaker id, flag, entity key) for a cue's subject at ``pos``."""
        if subj.kind == "name":
            m = subj.mention
            if m is not None:
                entity = self.entity_for(m)
                if entity.kind == PLACE:
                    return None, None, None, None  # a town does not speak
                flag = "misspelling" if m.misspelled else None
                return m.name, m.speaker_id, flag, entity.key
            if self.index:
                found = self.index.match(subj.text)
                if found is not None:
                    flag = "misspelling" if found.misspelled else None
                    return found.name, found.speaker_id, flag, found.speaker_id
            return subj.text, None, None, subj.text
        if subj.kind == "someone":
            return subj.text, None, None, None  # "one witness", "a spokeswoman": unnamed
        key = self._anaphor(subj, pos)
        if key is None:
            return None, None, None, None
        entity = self.entities[key]
        if subj.kind == "pronoun" and entity.gender is None:
            word = subj.text.lower()
            if word in ("he", "she"):
                entity.gender = "m" if word == "he" else "f"  # the text just told us
        return entity.name, entity.speaker_id, None, key

    def note(self, key: str, pos: int) -> None:
        """``key`` was just attributed a quotation at ``pos``: the most recent speaker."""
        if key in self.entities:
            insort(self.refs, (pos, key))
            self.subjects.add(pos)
        self.last_speaker = key

    def _recent(self, pos: int, kind: str | None, gender: str | None = None) -> str | None:
        """The most recently mentioned entity before ``pos`` of that kind (and gender):
        the subject of a sentence first ("Ford talked about the set, where Ann Lee was
        working. He said" is Ford), anyone mentioned otherwise."""
        k = bisect_left(self.refs, (pos, "")) - 1
        fallback = None
        for seen in range(200):
            if k - seen < 0:
                break
            at, key = self.refs[k - seen]
            entity = self.entities[key]
            kind_fits = (kind is None and entity.kind != PLACE) or entity.kind == kind
            if not kind_fits or (gender is not None and entity.gender not in (None, gender)):
                continue
            if at in self.subjects:
                return key
            fallback = fallback or key
        return fallback

    def main_person(self, pos: int) -> str | None:
        """The person the text has been about before ``pos`` (see `_salient`)."""
        return self._salient(pos)

    def _salient(self, pos: int) -> str | None:
        """The person the text has been about so far: mentioned most often before ``pos``
        (as a subject counting double), the most recent of equals. "The actor", "the
        63-year-old" with no one given that role are the story's main character."""
        weight: dict[str, float] = {}
        last: dict[str, int] = {}
        for at, key in self.refs[: bisect_left(self.refs, (pos, ""))]:
            if self.entities[key].kind != PERSON:
                continue
            weight[key] = weight.get(key, 0.0) + (2.0 if at in self.subjects else 1.0)
            last[key] = at
        if not weight:
            return None
        return max(weight, key=lambda key: (weight[key], last[key]))

    def _roles(self) -> dict[str, set[str]]:
        """Role words and organisations' name words -> the entities they may stand for."""
        if self._role_index is None:
            index: dict[str, set[str]] = {}
            for key, entity in self.entities.items():
                if entity.kind == PLACE:
                    continue
                for role in entity.roles:
                    index.setdefault(role, set()).add(key)
                if entity.kind == ORGANIZATION:
                    for word in entity.words:
                        index.setdefault(word, set()).add(key)
            self._role_index = index
        return self._role_index

    def _by_role(self, phrase: str, pos: int) -> str | None:
        """Whom "the transit director" / "the department" stands for at ``pos``: the most
        recently mentioned entity with that role, or whose name holds that word."""
        words = [w for w in re.findall(r"[\w’'-]+", phrase.lower()) if w not in _DETERMINERS]
        if not words:
            return None
        index = self._roles()
        by_pair = index.get(" ".join(words[-2:]), set()) if len(words) > 1 else set()
        by_head = index.get(words[-1], set())
        for candidates in (by_pair, by_head):
            if not candidates:
                continue
            k = bisect_left(self.refs, (pos, "")) - 1
            for n in range(k, max(-1, k - 2000), -1):
                if self.refs[n][1] in candidates:
                    return self.refs[n][1]
        return None

    def _anaphor(self, subj: Subject, pos: int) -> str | None:
        word = subj.text.lower()
        if subj.kind == "statement":
            # "a council statement said": the council's; "the statement said": the last
            # organisation named, or the last speaker; "a recent FBI analysis": the FBI's
            pos = max(pos, subj.end)
            modifiers = [w for w in word.split() if w not in _DETERMINERS][:-1]
            if modifiers and (key := self._by_role(modifiers[-1], pos)) is not None:
                return key
            return self._recent(pos, ORGANIZATION) or self.last_speaker
        if subj.kind == "role":
            key = self._by_role(word, pos)
            if key is not None:
                return key
            head = word.rsplit(" ", 1)[-1]
            if head in ORG_NOUNS:
                return self._recent(pos, ORGANIZATION)
            return self._salient(pos)
        if word == "it":
            return self._recent(pos, ORGANIZATION)
        if word == "they":
            return self._recent(pos, None)
        return self._recent(pos, PERSON, "m" if word == "he" else "f")


_LEAD_TO_SUBJECT = re.compile(
    r"[\s\"'“‘(—–-]*(?:(?:[Tt]he|[A-Z][\w.’'-]*|[a-z][\w’'-]*)[ \u00a0]+){0,3}", re.S
)
_OWNER_OPENING = re.compile(r"[\s\"'“‘(]*(His|Her|Its|Their)\b")
_OWNER_PRONOUN = {"his": "he", "her": "she", "its": "it", "their": "they"}
_DETERMINERS = frozenset(
    ["the", "this", "that", "these", "those", "a", "an", "its", "his", "her", "their"]
)
_WORD_AT = re.compile(r"([A-Za-z][\w.’'-]*)[ \u00a0]+")


_THE = re.compile(r"\b[Tt]he[ \u00a0]+")
_THE_AND_WORDS_BEFORE = re.compile(r"\b[Tt]he[ \u00a0]+(?:[\w’'-]+[ \u00a0]+){0,2}[\w’'-]+$")
_THREE_WORDS = re.compile(r"[\w’'-]+(?:[ \u00a0]+[\w’'-]+){0,2}")
_WORD = re.compile(r"[\w-]+")
_PREPOSITION_BEFORE = re.compile(
    r"\b(?:of|by|for|to|from|in|at|with|on|about|against|over|under)[ \u00a0]+(?:the[ \u00a0]+)?$",
    re.I,
)
_AGENT_NOUN = re.compile(r"(?:er|or|ist|ian|ant|ent|ive|man|woman|master|keeper|smith)$")


def _is_title_word(word: str) -> bool:
    """Can ``word`` stand before a name as (part of) a title: "Mayor", "city", "engineer",
    "harbourmaster"? Not "according", "audit"."""
    lower = word.lower().rstrip(".")
    if lower in TITLE_WORDS or lower in ROLE_NOUNS or lower in ORG_NOUNS:
        return True
    return word.islower() and lower not in _NOT_ROLE and _AGENT_NOUN.search(lower) is not None


def _merge_mentions(index: SpeakerIndex | None, text: str) -> list[NameMention]:
    """Known speakers' mentions, and the names guessed from the text that none of them covers
    (a guessed name that matches a known speaker becomes that speaker)."""
    guessed = guess_mentions(text)
    if not index:
        return guessed
    known = index.mentions(text)
    if not known:
        out = []
        for g in guessed:
            out.append(_as_known(index, g) or g)
        return out
    out = list(known)
    known_starts = [m.start for m in known]
    for g in guessed:
        k = bisect_right(known_starts, g.end - 1) - 1  # the last known one starting before
        if k >= 0 and known[k].end > g.start:
            continue  # overlaps a known mention: the known one wins
        out.append(_as_known(index, g) or g)
    out.sort(key=lambda m: m.start)
    return out


def _as_known(index: SpeakerIndex, g: NameMention) -> NameMention | None:
    found = index.match(g.name)
    if found is None or found.misspelled:
        return None
    sp = index.by_id(found.speaker_id)
    return NameMention(
        g.start,
        g.end,
        g.text,
        found.speaker_id,
        found.name,
        found.score,
        False,
        sp.is_person if sp else g.is_person,
        False,
    )
