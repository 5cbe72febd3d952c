"""People found in the prose: the names a text mentions, what each one is, and what it tells
of them.

`People(text, paragraphs, spans, speakers)` reads the reporting prose once: the names in it
(known speakers first, with their aliases and misspellings; then names guessed from the text
itself, so that a speaker on record never hides one who is not), what each name is (person,
organisation, or a place, which never speaks), the roles the text ties to them ("Mayor Jane
Roe", "Roe, the city's engineer,", a known speaker's role) and their gender where the text
tells it ("Ms Roe", "Roe said she ..."); who was mentioned when (``refs``), and whom a role
word stands for at a point of the text (`_by_role`). Also where its sentences start.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass, field

from ..lexicon import (
    ABBREVIATIONS,
    AUX_ADV,
    FEMALE_ROLES,
    MALE_HONORIFICS,
    MALE_ROLES,
    NOT_NAMES,
    ROLE_NOUNS,
    ROLE_SYNONYMS,
    SPEECH_VERBS,
)
from ..marks import QuoteSpan
from ..speakers import NameMention, SpeakerIndex, guess_mentions, name_key
from .cues import (
    APPOSITIVE,
    DETERMINERS,
    NEXT_WORD,
    NOT_ROLE,
    THE,
    THREE_WORDS,
    VERB_ALT,
    WORD,
    is_title_word,
)

__all__ = ["ORGANIZATION", "PERSON", "PLACE", "Entity", "People"]

WINDOW = 400  # how far back a cue or a sentence start is looked for
_LEARN_FROM = 25  # roles and gender are learned from an entity's first mentions only
PERSON = "person"
ORGANIZATION = "organization"
PLACE = "place"

_AGE_AFTER_NAME = re.compile(r",\s+(\d{1,3}),")
_GENDERED_HONORIFIC = re.compile(r"\b(Mr|Mrs|Ms|Miss|Sir|Dame|Lady|Lord)\.?\s+$")
# a sentence end; group 1 is the short word before a full stop (to spot "Mr." and "J.")
_SENT_END = re.compile(
    r"(?:(?<![\w.])([\w.]{1,5}))?([.!?…]+)[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9À-Þ])"
)
_LEAD_TO_SUBJECT = re.compile(
    r"[\s\"'“‘(—–-]*(?:(?:[Tt]he|[A-Z][\w.’'-]*|[a-z][\w’'-]*)[ \u00a0]+){0,3}", re.S
)
# an unnamed spokesperson: "a spokeswoman", "a department spokesman", "the agency's spokesperson"
_SPOKES = re.compile(
    r"\b(?:[Aa]n?|[Tt]he|[Aa]nother)[ \u00a0]+(?:[\w’'-]+[ \u00a0]+){0,3}?"
    r"(spokes(man|woman|person)|representative)\b"
)
# between a name and the role that describes it: "Ann Lee, a ...", "Ann Lee is the ..."
_NAMES_THE_ROLE = re.compile(r"\s*,\s*|\s+(?:is|was|has been|remains|,\s*who is)\s+")
_SPOKES_WORD = re.compile(r"spokes(?:man|woman|person)\b|representative\b")
_FOR_ORG = re.compile(r"[ \u00a0]+for[ \u00a0]+(?:the[ \u00a0]+)?")
_BYLINE = re.compile(r"[ \t]*By[ \t]+")
# a byline ("By Ann Lee" on its own line) or a photo caption ("Photo: ...", "Caption: ...")
_ASIDE = re.compile(
    r"[ \t]*(?:By[ \t]+[A-Z][^\n.:]{1,60}(?:\n|$)"
    r"|(?i:photo(?:graph)?|caption|image|pictured|photo caption)[ \t]*:"
    r"|[\[(](?i:photo(?:graph)?|image|picture|video|caption)[^\])\n]{0,30}[\])])"
)
# a line that reads as a sentence (not an outlet's name or a job title under a byline)
_SENTENCE_LIKE = re.compile(r"[.!?:\"“”]\s*$|\b(?:said|says|is|was|are|were)\b")
# a short noun phrase (or opening phrase) and a comma before a name: "The county's lawyer, "
_LEAD_TO_APPOSITIVE = re.compile(
    r"[\s\"'“‘(]*(?:(?:[Tt]he|[Hh]is|[Hh]er|[Tt]heir|[Ii]ts|[A-Z][\w’'-]*['’]s)[ \u00a0]+)?"
    r"(?:[\w’'-]+[ \u00a0]+){0,3}[\w’'-]+,[ \u00a0]+"
)
_PREPOSITION_BEFORE = re.compile(
    r"\b(?:of|by|for|to|from|in|at|with|on|about|against|over|under)[ \u00a0]+(?:the[ \u00a0]+)?$",
    re.I,
)


def _sentence_starts(text: str) -> list[int]:
    """Offsets where a sentence starts after a full stop, question or exclamation mark."""
    out = []
    for stop in _SENT_END.finditer(text):
        word = stop.group(1)
        if word and stop.group(2) == ".":
            lower = word.lower()
            if lower in ABBREVIATIONS or (len(lower) == 1 and lower.isalpha()):
                continue  # "Mr. Smith", "J. Smith"
        out.append(stop.end())
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
_GENDER_CUE = re.compile(
    rf"\b(?:{VERB_ALT}|thinks|thought|believes|believed|hopes|hoped|knew|knows|felt|feels)"
    r"(?:[ \u00a0]+that)?[ \u00a0]+(he|she)\b",
    re.I,
)


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
        if part.strip()[:1].isupper() and out:
            continue  # "president, Acme Health": where they work, not what they are
        part = re.split(r"\b(?:of|for|at|in|on|who|whose|with)\b", part.strip().lower())[0]
        words = [word for word in re.findall(r"[a-z][\w’'-]*", part) if word not in NOT_ROLE]
        if words:
            out.add(words[-1])
            if len(words) > 1:
                out.add(" ".join(words[-2:]))
    return out


class People:
    """The people and organisations one text names, their roles and genders, and recency."""

    def __init__(
        self,
        text: str,
        paras: list[tuple[int, int]],
        spans: list[QuoteSpan],
        index: SpeakerIndex | None,
        scanned: int | None = None,
        speech: list[tuple[int, int]] = (),  # other stretches of quoted speech (transcripts)
        names: tuple[str, ...] = (),  # full names given outside the prose (transcript labels)
    ) -> None:
        self.text = text
        self.index = index
        read = text if scanned is None or scanned >= len(text) else text[:scanned]
        mentions = _merge_mentions(index, read, names)
        mentions = _add_first_names(read, mentions)
        self.mentions = mentions
        self.by_start = {mention.start: mention for mention in mentions}
        self.by_end = {mention.end: mention for mention in mentions}
        self.para_starts = [para[0] for para in paras]
        self.sent_starts = _sentence_starts(read)
        # mentions in the reporting prose (not inside quotations)
        quoted = sorted([(span.start, span.end) for span in spans] + list(speech))
        starts = [start for start, _ in quoted]
        self._quoted, self._quoted_starts = quoted, starts
        self.prose: list[NameMention] = []
        for mention in mentions:
            stretch = bisect_right(starts, mention.start) - 1
            if stretch >= 0 and quoted[stretch][0] <= mention.start < quoted[stretch][1]:
                continue
            self.prose.append(mention)
        self.prose_starts = [mention.start for mention in self.prose]
        self.entities: dict[str, Entity] = {}
        self._role_index = None
        self.refs: list[tuple[int, str]] = []  # (offset, entity key): who was mentioned when
        self.subjects: set[int] = set()  # offsets of refs that are a sentence's subject
        # bylines and photo captions: the people they name are not the story's speakers
        aside = {i for i, (start, end) in enumerate(paras) if _ASIDE.match(text, start, end)}
        for i in sorted(aside):
            # the outlet's name or the writer's post on the line under a byline
            if i + 1 < len(paras) and _BYLINE.match(text, *paras[i]):
                start, end = paras[i + 1]
                if end - start < 60 and not _SENTENCE_LIKE.search(text, start, end):
                    aside.add(i + 1)
        for mention in self.prose:
            entity = self.entity_for(mention)
            if aside and bisect_right(self.para_starts, mention.start) - 1 in aside:
                continue
            if entity.kind != PLACE:
                self.refs.append((mention.start, entity.key))
                if self._is_subject(mention.start, mention.end):
                    self.subjects.add(mention.start)
        self._role_index: dict[str, set[str]] | None = None  # role word -> entity keys
        self._learn_roles()
        self._role_index = None
        self._learn_gender()
        self._add_role_refs()
        self.last_speaker: str | None = None
        self.spokes: list[tuple[int, str | None, str]] = self._unnamed_spokespeople(spans)
        self.writer = self._writer(paras)

    def _writer(self, paras: list[tuple[int, int]]) -> str | None:
        """Who wrote the piece, for its "I told the board": the person of its byline ("By Ann
        Lee") or of the closing line about the writer ("Ann Lee drove buses for 19 years.")."""
        text = self.text
        for start, end in paras[:6]:
            bm = _BYLINE.match(text, start, end)
            if bm and (mention := self.by_start.get(bm.end())) is not None and mention.is_person:
                return self.entity_for(mention).key
        if paras:
            start, end = paras[-1]
            mention = self.by_start.get(start)
            if (
                mention is not None
                and mention.is_person
                and end - start < 300
                and not any(mark in text[start:end] for mark in '"“”«»„')
            ):
                return self.entity_for(mention).key
        return None

    def _unnamed_spokespeople(self, spans: list[QuoteSpan]) -> list[tuple[int, str | None, str]]:
        """(offset, gender, organisation) of each unnamed spokesperson the prose mentions: "a
        department spokeswoman", "a spokesman for the Water Board" speak for it, and so does
        the "he" or "she" that follows."""
        out: list[tuple[int, str | None, str]] = []
        text = self.text
        for head in _SPOKES_WORD.finditer(text):
            sm = _SPOKES.search(text, max(0, head.start() - 60), head.end())
            if sm is None or sm.end() != head.end():
                continue
            if APPOSITIVE.match(text, sm.end()) and self.by_start.get(sm.end() + 2):
                continue  # "a spokeswoman, Ann Lee," is Ann Lee
            if self._named_before(sm.start()):
                continue  # "Ann Lee, a spokeswoman for ...", "Ann Lee is the spokeswoman ..."
            org = self.organisation_of(sm.start(), sm.end())
            if org is not None:
                gender = {"man": "m", "woman": "f"}.get(sm.group(2).lower())
                out.append((sm.start(), gender, org))
        return out

    def _named_before(self, start: int) -> bool:
        """The spokesperson phrase at ``start`` describes a person named just before it: an
        appositive ("Ann Lee, a spokeswoman") or a predicate ("Ann Lee is the spokeswoman")."""
        at = bisect_left(self.prose_starts, start)
        for mention in reversed(self.prose[max(0, at - 3) : at]):
            if mention.end > start or start - mention.end > 24:
                continue
            if mention.is_person and _NAMES_THE_ROLE.fullmatch(self.text, mention.end, start):
                return True
        return False

    def person_given_role(self, head: str, pos: int) -> str | None:
        """The person the text names with the role ``head`` before ``pos``, as an appositive
        or a predicate ("Ann Lee, a spokeswoman for ...", "Ann Lee is the spokeswoman")."""
        at = bisect_left(self.prose_starts, pos)
        role = re.compile(
            r"(?:\s*,\s*|\s+(?:is|was|has been|remains)\s+)(?:the|a|an|its|their)?\s*"
            rf"(?:[\w’'-]+\s+){{0,4}}?{re.escape(head)}\b",
            re.I,
        )
        for mention in reversed(self.prose[max(0, at - 40) : at]):
            if mention.is_person and role.match(self.text, mention.end, mention.end + 80):
                return self.entity_for(mention).key
        return None

    def organisation_of(self, start: int, end: int) -> str | None:
        """The organisation an unnamed spokesperson at ``text[start:end]`` speaks for: the one
        named after "for" or inside the phrase, the one its modifier names ("a department
        spokeswoman"), or the last organisation mentioned."""
        text = self.text
        fm = _FOR_ORG.match(text, end)
        if fm:
            mention = self.by_start.get(fm.end())
            if mention is not None and not mention.is_person and not mention.is_place:
                return self.entity_for(mention).key
        for mention in self.prose[bisect_left(self.prose_starts, start) :]:
            if mention.start >= end:
                break
            if not mention.is_person and not mention.is_place:
                return self.entity_for(mention).key  # "a State Department spokesman"
        phrase = re.findall(r"[\w’'-]+", text[start:end].lower())
        words = [word for word in phrase if word not in DETERMINERS]
        if len(words) > 1:
            key = self._by_role(words[-2], start)
            if key is not None and self.entities[key].kind == ORGANIZATION:
                return key
        last = bisect_left(self.refs, (start, "")) - 1
        for at in range(last, max(-1, last - 200), -1):
            key = self.refs[at][1]
            if self.entities[key].kind == ORGANIZATION:
                return key
        return None

    # -- entities ---------------------------------------------------------------------------

    @staticmethod
    def key(mention: NameMention) -> str:
        return mention.speaker_id or mention.name

    def entity_for(self, mention: NameMention) -> Entity:
        """The entity a mention names (made on first sight)."""
        key = self.key(mention)
        entity = self.entities.get(key)
        if entity is not None:
            return entity
        kind = PLACE if mention.is_place else PERSON if mention.is_person else ORGANIZATION
        roles: set[str] = set()
        if mention.speaker_id and self.index is not None:
            known = self.index.by_id(mention.speaker_id)
            if known is not None:
                roles |= _role_words(getattr(known, "role", "") or "")
                for alias in known.aliases:
                    if alias[:1].islower() or alias.lower().startswith("the "):
                        roles.add(name_key(alias).removeprefix("the "))
        entity = Entity(
            key,
            mention.name,
            mention.speaker_id,
            kind,
            roles=roles,
            words=frozenset(name_key(mention.name).split()),
        )
        self.entities[key] = entity
        self._role_index = None
        return entity

    def _is_subject(self, start: int, end: int) -> bool:
        """Does the mention open its sentence (titles aside) or come right before a verb of
        speech ("Lee, 63, said")?"""
        text = self.text
        sentence = bisect_right(self.sent_starts, start) - 1
        paragraph = bisect_right(self.para_starts, start) - 1
        floor = max(
            self.sent_starts[sentence] if sentence >= 0 else 0,
            self.para_starts[paragraph] if paragraph >= 0 else 0,
        )
        lead = text[floor:start]
        if text.startswith(("'s", "’s"), end):
            return False  # "Lee's sister said": the sister speaks, not Lee
        if len(lead) <= 50 and _LEAD_TO_SUBJECT.fullmatch(lead):
            return True
        if len(lead) <= 60 and _LEAD_TO_APPOSITIVE.fullmatch(lead):
            return True  # "Lee's sister, Ann Roe, said", "After the vote, Roe said"
        if _PREPOSITION_BEFORE.search(lead):
            return False  # "an audit of the Tamsin Housing Authority found": not its subject
        after = text[end : end + 120]
        am = APPOSITIVE.match(after)
        at = am.end() - 1 if am else 0
        for wm in NEXT_WORD.finditer(after, at):
            word = wm.group(1).lower()
            if word in SPEECH_VERBS:
                return True
            if word not in AUX_ADV or wm.start() != at:
                return False
            at = wm.end()
        return False

    def _learn_roles(self) -> None:
        """Roles the text ties to a name: "City engineer Ann Lee", "Lee, the city's engineer,",
        "The company's spokeswoman, Ann Lee,", "Lee, 63,"."""
        text = self.text
        seen: dict[str, int] = {}
        for mention in self.prose:
            entity = self.entities[self.key(mention)]
            if entity.kind == PLACE or seen.get(entity.key, 0) >= _LEARN_FROM:
                continue
            seen[entity.key] = seen.get(entity.key, 0) + 1
            before = text[max(0, mention.start - 60) : mention.start]
            tm = _TITLE_BEFORE.search(before)
            if tm and _PREPOSITION_BEFORE.search(before):
                tm = None  # "Lee, president of United Workers": her title, not the union's
            if tm:
                words = [word for word in tm.group(1).split() if word.lower() not in NOT_ROLE]
                # the words right before the name, up to a word that is not a title
                kept: list[str] = []
                for word in reversed(words):
                    if not is_title_word(word):
                        break
                    kept.insert(0, word.lower().rstrip("."))
                if kept:
                    entity.roles.add(kept[-1])
                    if len(kept) > 1:
                        entity.roles.add(" ".join(kept[-2:]))
            bm = _ROLE_BEFORE_COMMA.search(before)
            if bm:
                self._add_role(entity, bm.group(1), bm.group(2))
            after = text[mention.end : mention.end + 80]
            am = _ROLE_AFTER.match(after)
            if am:
                self._add_role(entity, am.group(1), am.group(2))
            age = _AGE_AFTER_NAME.match(after)
            if age:
                entity.roles.add(f"{age.group(1)}-year-old")

    @staticmethod
    def _add_role(entity: Entity, modifiers: str, head: str) -> None:
        head = head.lower()
        if head in NOT_ROLE or len(head) < 3 or head.isdigit():
            return
        entity.roles.add(head)
        words = modifiers.split()
        if words and words[-1].isalpha() and words[-1].lower() not in NOT_ROLE:
            entity.roles.add(f"{words[-1].lower()} {head}")

    def _learn_gender(self) -> None:
        """Gender from honorifics ("Ms Roe") and "Roe said she ..." (the first pronoun after
        a name that opens a sentence, before any other person is named)."""
        text = self.text
        for entity in self.entities.values():
            # "Her son, Emeka,", a record's "sister of ...": the role tells
            heads = {role.rsplit(" ", 1)[-1] for role in entity.roles}
            if entity.kind == PERSON and heads & MALE_ROLES and not heads & FEMALE_ROLES:
                entity.gender = "m"
            elif entity.kind == PERSON and heads & FEMALE_ROLES and not heads & MALE_ROLES:
                entity.gender = "f"
        seen: dict[str, int] = {}
        for index, mention in enumerate(self.prose):
            entity = self.entities[self.key(mention)]
            if entity.kind != PERSON or entity.gender or seen.get(entity.key, 0) >= _LEARN_FROM:
                continue
            seen[entity.key] = seen.get(entity.key, 0) + 1
            hm = _GENDERED_HONORIFIC.search(text[max(0, mention.start - 8) : mention.start])
            if hm:
                word = hm.group(1).lower()
                entity.gender = entity.gender or ("m" if word in MALE_HONORIFICS else "f")
                continue
            if entity.gender:
                continue
            limit = self._sentence_end(mention.end)
            if index + 1 < len(self.prose):
                limit = min(limit, self.prose[index + 1].start)
            gm = _GENDER_CUE.search(text, mention.end, limit)
            if gm and gm.start() - mention.end < 60:
                entity.gender = "m" if gm.group(1).lower() == "he" else "f"

    def _add_role_refs(self) -> None:
        """ "the mayor" in the prose is a mention of whoever the text made mayor."""
        heads = {
            role.rsplit(" ", 1)[-1] for entity in self.entities.values() for role in entity.roles
        }
        if not heads:
            return
        text = self.text
        found = []
        for dm in THE.finditer(text):
            words = THREE_WORDS.match(text, dm.end())
            if not words:
                continue
            # "the mayor", "the city's transit director": the first word that is a role
            for wm in WORD.finditer(words.group(0)):
                if wm.group(0).lower() not in heads:
                    continue
                end = dm.end() + wm.end()
                if self._inside_quotation(dm.start()):
                    break  # “If the director wants ...”: the speaker's words, not a mention
                key = self._by_role(text[dm.start() : end], dm.start())
                if key is not None:
                    found.append((dm.start(), key))
                    if self._is_subject(dm.start(), end):
                        self.subjects.add(dm.start())
                break
        for item in found:
            insort(self.refs, item)

    def _inside_quotation(self, pos: int) -> bool:
        stretch = bisect_right(self._quoted_starts, pos) - 1
        return stretch >= 0 and self._quoted[stretch][0] <= pos < self._quoted[stretch][1]

    # -- sentences --------------------------------------------------------------------------

    def sentence_start(self, pos: int, floor: int) -> int:
        """Where the sentence holding ``pos`` starts (not before ``floor``, nor far back)."""
        sentence = bisect_right(self.sent_starts, pos) - 1
        start = max(floor, self.sent_starts[sentence] if sentence >= 0 else floor)
        if pos - start > WINDOW:
            # a very long sentence: start at a word boundary within the window
            space = self.text.find(" ", pos - WINDOW, pos)
            start = space + 1 if space != -1 else pos - WINDOW
        return start

    def _sentence_end(self, pos: int) -> int:
        following = bisect_right(self.sent_starts, pos)
        return self.sent_starts[following] if following < len(self.sent_starts) else len(self.text)

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
        words = [
            word for word in re.findall(r"[\w’'-]+", phrase.lower()) if word not in DETERMINERS
        ]
        if not words:
            return None
        index = self._roles()
        by_pair = index.get(" ".join(words[-2:]), set()) if len(words) > 1 else set()
        by_head = index.get(words[-1], set())
        by_synonym: set[str] = set()
        for synonym in ROLE_SYNONYMS.get(words[-1], ()):
            by_synonym |= index.get(synonym, set())
        for candidates in (by_pair, by_head, by_synonym):
            if not candidates:
                continue
            last = bisect_left(self.refs, (pos, "")) - 1
            for at in range(last, max(-1, last - 2000), -1):
                if self.refs[at][1] in candidates:
                    return self.refs[at][1]
        return None


# "Her husband, Dele, nods": a lone first name set off after a relative's or a role noun
_LONE_NAME = re.compile(r",[ \u00a0]+([A-Z][a-z][\w’'-]*),")
_LONE_WHO = re.compile(
    r"(?<=[a-z,] )([A-Z][a-z][\w’'-]*),[ \u00a0]+who[ \u00a0]+"
    r"(?:is|was|has|had|lives|lived|works|worked|does|did)\b"
)
_RELATIVE_BEFORE = re.compile(
    r"\b(?:[Hh]is|[Hh]er|[Tt]heir|[A-Z][\w’'-]+['’]s)[ \u00a0]+(?:[\w-]+[ \u00a0]+)?"
    r"([a-z][\w-]+)$"
)


def _add_first_names(text: str, mentions: list[NameMention]) -> list[NameMention]:
    """People a text names by one word, where it says who they are ("Her son, Emeka,"),
    and the later mentions of that word; names already found are left as they are."""
    taken = {m.start for m in mentions}
    found: dict[str, str] = {}
    for lm in _LONE_NAME.finditer(text):
        if lm.start(1) in taken or lm.group(1).casefold() in NOT_NAMES:
            continue
        rm = _RELATIVE_BEFORE.search(text, max(0, lm.start() - 40), lm.start())
        if rm and rm.group(1) in ROLE_NOUNS:
            found.setdefault(lm.group(1), lm.group(1))
    for wm in _LONE_WHO.finditer(text):
        # "It looks like Tomas, who is 11": a word in capitals mid-sentence, then "who is"
        if wm.start(1) not in taken and wm.group(1).casefold() not in NOT_NAMES:
            found.setdefault(wm.group(1), wm.group(1))
    if not found:
        return mentions
    covered = sorted((m.start, m.end) for m in mentions)
    starts = [a for a, _ in covered]
    extra = []
    for wm in re.finditer(r"\b(" + "|".join(map(re.escape, found)) + r")\b", text):
        i = bisect_right(starts, wm.start()) - 1
        if i >= 0 and covered[i][1] > wm.start():
            continue  # inside a longer name ("Dele Oyelowo")
        name = wm.group(1)
        extra.append(NameMention(wm.start(), wm.end(), name, None, name, 100.0, False))
    return sorted(mentions + extra, key=lambda m: m.start)


def _merge_mentions(
    index: SpeakerIndex | None, text: str, names: tuple[str, ...] = ()
) -> list[NameMention]:
    """Known speakers' mentions, and the names guessed from the text that none of them covers
    (a guessed name that matches a known speaker becomes that speaker)."""
    guessed = guess_mentions(text, names)
    if not index:
        return guessed
    known = index.mentions(text)
    if not known:
        out = []
        for guess in guessed:
            out.append(_as_known(index, guess) or guess)
        return out
    out = list(known)
    known_starts = [mention.start for mention in known]
    for guess in guessed:
        # the last known one starting before
        last_known = bisect_right(known_starts, guess.end - 1) - 1
        if last_known >= 0 and known[last_known].end > guess.start:
            continue  # overlaps a known mention: the known one wins
        out.append(_as_known(index, guess) or guess)
    out.sort(key=lambda mention: mention.start)
    return out


def _as_known(index: SpeakerIndex, guess: NameMention) -> NameMention | None:
    found = index.match(guess.name)
    if found is None or found.misspelled:
        return None
    sp = index.by_id(found.speaker_id)
    return NameMention(
        guess.start,
        guess.end,
        guess.text,
        found.speaker_id,
        found.name,
        found.score,
        False,
        sp.is_person if sp else guess.is_person,
        False,
    )
