"""Resolution: choosing the speaker a cue's subject stands for.

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

`Resolver` is mixed into `Attributor` with `People`, whose entities and mentions it reads.
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from functools import lru_cache

from ..lexicon import ANONYMOUS_POSTERS, ORG_NOUNS, ROLE_SYNONYMS, words
from .cues import DETERMINERS, Subject
from .people import ORGANIZATION, PERSON, PLACE

__all__ = ["Resolver"]

# a written statement's noun, and the verbs that make one ("Acme posted: ..." is a post)
_DOCUMENT_VERBS = {
    "statement": "",
    "letter": "",
    "post": "posted",
    "notice": "posted",
    "report": "",
    "release": "released",
    "email": "emailed",
    "memo": "",
    "message": "",
    "tweet": "tweeted",
}
_BY = re.compile(r"\bby\b")
_SPOKES_HEAD = re.compile(r"\b(?:spokes(?:man|woman|person)|representative)$", re.I)
_POSSESSIVE = re.compile(r"\b(his|her|its)\b", re.I)
# roles of people who speak for someone else: never that someone
_AGENT_ROLES = words(
    "lawyer attorney counsel spokesman spokeswoman spokesperson representative publicist agent"
)
_OWNER_WORD = re.compile(r"([\w-]+)['’]s")
_OWNER_BEFORE = re.compile(r"\b(his|her|its|their)[ \u00a0]+(?:[\w-]+[ \u00a0]+)?$", re.I)
# an unnamed source the text says is unnamed: "a company spokesperson who spoke on condition
# of anonymity", "an official, who asked not to be named because ..."
_ANONYMOUS = re.compile(
    r"\b(?:[Aa]n?|[Oo]ne|[Aa]nother)[ \u00a0]+(?:[\w’'-]+[ \u00a0]+){0,3}?([a-z]+),?[ \u00a0]+"
    r"(?:who[ \u00a0]+|speaking[ \u00a0]+)?(?:spoke|asked|requested|declined|was not|were not|"
    r"is not|are not|on condition|not authori[sz]ed)\b[^.;\n]{0,60}?"
    r"(?:anonymity|named|identified|authori[sz]ed)"
)
# "In a statement, ", "In an emailed letter to parents, ": a phrase opening the sentence
_OPENING_PHRASE = re.compile(r"\s*(?:In|Through|Via|With) (?:a|an|the|its|his|her|their) ", re.I)
_ORG_SUBJECT = re.compile(r"\bthe ([a-z]+)\b")


@lru_cache(maxsize=64)
def _document_re(stem: str) -> re.Pattern[str]:
    verb = _DOCUMENT_VERBS.get(stem, "")
    words = [stem + "s?"] + ([verb] if verb else [])
    return re.compile(r"\b(?:" + "|".join(words) + r")\b", re.I)


@lru_cache(maxsize=64)
def _written_by_re(stem: str) -> re.Pattern[str]:
    # "The letter was drafted by ", "the statement, written by ", "the post was signed by "
    return re.compile(
        rf"\b[Tt]he {stem}s?,? (?:was |were |had been )?(?:written|drafted|penned|composed"
        r"|authored|put together|signed|sent|issued) (?:[a-z]+ ){0,2}?by "
    )


class Resolver:
    """Who a cue's subject is, at a point of the text (see the module's docstring)."""

    def resolve(
        self, subj: Subject, pos: int
    ) -> tuple[str | None, str | None, str | None, str | None]:
        """(display name, speaker id, flag, entity key) for a cue's subject at ``pos``."""
        if subj.kind == "name":
            mention = subj.mention
            if mention is not None:
                entity = self.entity_for(mention)
                if entity.kind == PLACE:
                    return None, None, None, None  # a town does not speak
                flag = "misspelling" if mention.misspelled else None
                return mention.name, mention.speaker_id, flag, entity.key
            if self.index:
                found = self.index.match(subj.text)
                if found is not None:
                    flag = "misspelling" if found.misspelled else None
                    return found.name, found.speaker_id, flag, found.speaker_id
            return subj.text, None, None, subj.text
        if subj.kind == "someone":
            if _SPOKES_HEAD.search(subj.text):
                # "a department spokeswoman": the department's words
                key = self.organisation_of(subj.start, subj.end)
                if key is not None:
                    entity = self.entities[key]
                    return entity.name, entity.speaker_id, None, key
            if subj.text.rsplit(None, 1)[-1].lower() in ANONYMOUS_POSTERS:
                return None, None, None, None  # "one user wrote": an account with no name
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
        last = bisect_left(self.refs, (pos, "")) - 1
        fallback = None
        for seen in range(200):
            if last - seen < 0:
                break
            at, key = self.refs[last - seen]
            entity = self.entities[key]
            kind_fits = (kind is None and entity.kind != PLACE) or entity.kind == kind
            if not kind_fits or (gender is not None and entity.gender not in (None, gender)):
                continue
            if at in self.subjects:
                return key
            fallback = fallback or key
        return fallback

    def _author(self, noun: str, pos: int) -> str | None:
        """Who wrote "the letter" (statement, post, report) a cue names at ``pos``, as the
        sentence that last mentioned it says: "a letter signed by Ann Lee", "a report released
        by the auditor's office", "In his letter, he wrote" (he), "Acme said in a statement"
        and "Acme posted a notice" (the sentence's subject). None when no sentence says."""
        text = self.text
        stem = noun[:-1] if noun.endswith("s") else noun
        if stem not in _DOCUMENT_VERBS:
            return None
        window = max(0, pos - 1500)
        mentions = list(_document_re(stem).finditer(text, window, pos))
        if not mentions:
            return self._author_named_after(stem, pos)
        mention = mentions[-1]
        # its sentence ("Dr. Lee" does not end one)
        start = max(
            self.sentence_start(mention.start(), window),
            text.rfind("\n", window, mention.start()) + 1,
        )
        stop = min(self._sentence_end(mention.end()), pos)
        newline = text.find("\n", mention.end(), stop)
        stop = newline if newline >= 0 else stop
        owner = _OWNER_BEFORE.search(text, max(start, mention.start() - 24), mention.start())
        if owner is not None:
            # "In his letter, also released by the mayor's office, he wrote": his
            word = owner.group(1).lower()
            if word == "its":
                return self._recent(mention.start(), ORGANIZATION)
            if word in ("his", "her"):
                return self._recent(mention.start(), PERSON, "m" if word == "his" else "f")
        by = _BY.search(text, mention.end(), stop)
        lo = bisect_left(self.refs, (start, ""))
        hi = bisect_left(self.refs, (stop, ""))
        refs = [(at, key) for at, key in self.refs[lo:hi] if self.entities[key].kind != PLACE]
        if by is not None:
            after = [key for at, key in refs if at >= by.end()]
            if after:
                return after[0]
        before = [(at, key) for at, key in refs if at < mention.start()]
        if before:
            # the sentence's subject ("The hospital's parent company, Acme Health, said in a
            # statement": Acme, not the hospital), else the first named
            return next((key for at, key in before if at in self.subjects), before[0][1])
        after = [(at, key) for at, key in refs if at >= mention.end()]
        if after and _OPENING_PHRASE.match(text, start, mention.start()):
            # "In a written statement, Acme Corp, which owns the mill, said": the subject
            # after the opening phrase, not a name in a clause about it
            return next((key for at, key in after if at in self.subjects), after[0][1])
        pronoun = _POSSESSIVE.search(text, start, mention.start())
        if pronoun is not None:
            word = pronoun.group(1).lower()
            if word == "its":
                return self._recent(mention.start(), ORGANIZATION)
            return self._recent(mention.start(), PERSON, "m" if word == "his" else "f")
        role = _ORG_SUBJECT.search(text, start, mention.start())
        if role is not None and role.group(1).lower() in ORG_NOUNS:
            return self._recent(start, ORGANIZATION)
        return self._author_named_after(stem, pos)

    def _author_named_after(self, stem: str, pos: int) -> str | None:
        """The writer a later sentence names ("The letter was drafted by Ann Lee, a ward
        sister"), when nothing before the quotation said who wrote the document."""
        pattern = _written_by_re(stem)
        found = pattern.search(self.text, pos, min(len(self.text), pos + 2000))
        if found is None:
            return None
        first = bisect_left(self.refs, (found.end(), ""))
        if first < len(self.refs):
            at, key = self.refs[first]
            if at - found.end() <= 3 and self.entities[key].kind != PLACE:
                return key
        return None

    def _anonymous_intro(self, role: str, pos: int) -> tuple[int, int] | None:
        """Where the text last introduced a source with ``role``'s head noun who is not named
        ("a company spokesperson who spoke on condition of anonymity"), in the 1,500
        characters before ``pos``; None when it named them or never said so."""
        head = role.rsplit(" ", 1)[-1].lower()
        found = None
        for am in _ANONYMOUS.finditer(self.text, max(0, pos - 1500), pos):
            if am.group(1).lower() == head:
                found = (am.start(), am.end(1))
        return found

    def _by_role_after(self, role: str, pos: int) -> str | None:
        """The first entity given ``role`` (or a synonym) mentioned after ``pos`` in the next
        few sentences."""
        index = self._roles()
        wanted = set(index.get(role, ()))
        for synonym in ROLE_SYNONYMS.get(role, ()):
            wanted |= index.get(synonym, set())
        first = bisect_left(self.refs, (pos, ""))
        for at, key in self.refs[first : first + 20]:
            if at - pos > 800:
                break
            if key in wanted:
                return key
        return None

    def _introduced_after(self, pos: int) -> str | None:
        """The person a lede's "the port's director" turns out to be: with nobody named
        before, the first person named as a sentence's subject in the next few sentences."""
        first = bisect_left(self.refs, (pos, ""))
        for at, key in self.refs[first : first + 20]:
            if at - pos > 800:
                break
            if at in self.subjects and self.entities[key].kind == PERSON:
                return key
        return None

    def main_person(self, pos: int, besides: str | None = None) -> str | None:
        """The person the text has been about before ``pos`` (see `_salient`), other than
        the one named ``besides`` (a name or a surname)."""
        return self._salient(pos, besides)

    def _salient(self, pos: int, besides: str | None = None) -> str | None:
        """The person the text has been about so far: mentioned most often before ``pos``
        (as a subject counting double), the most recent of equals. "The actor", "the
        63-year-old" with no one given that role are the story's main character."""
        weight: dict[str, float] = {}
        last: dict[str, int] = {}
        for at, key in self.refs[: bisect_left(self.refs, (pos, ""))]:
            entity = self.entities[key]
            if entity.kind != PERSON:
                continue
            if besides and (besides == entity.name or besides.split()[-1] in entity.name.split()):
                continue
            weight[key] = weight.get(key, 0.0) + (2.0 if at in self.subjects else 1.0)
            last[key] = at
        if not weight:
            return None
        return max(weight, key=lambda key: (weight[key], last[key]))

    def _anaphor(self, subj: Subject, pos: int) -> str | None:
        word = subj.text.lower()
        if subj.kind == "statement":
            # "a council statement said": the council's; "the statement said": the last
            # organisation named, or the last speaker; "a recent FBI analysis": the FBI's
            pos = max(pos, subj.end)
            modifiers = [term for term in word.split() if term not in DETERMINERS][:-1]
            for term in modifiers:
                owner = _OWNER_WORD.fullmatch(term)
                if owner and (key := self._by_role(owner.group(1), pos)) is not None:
                    return key  # "the county's own study": the county's
            if modifiers and (key := self._by_role(modifiers[-1], pos)) is not None:
                return key
            if not modifiers and (key := self._author(word.split()[-1], subj.start)) is not None:
                return key
            return self._recent(pos, ORGANIZATION) or self.last_speaker
        if subj.kind == "role":
            key = self._by_role(word, pos)
            anonymous = self._anonymous_intro(word, subj.start)
            if anonymous is not None and (key is None or self._last_ref(key, pos) < anonymous[0]):
                # "a ministry official, who spoke on condition of anonymity, ... the official
                # said": that unnamed official (a spokesperson's words are the employer's)
                if _SPOKES_HEAD.search(word.rsplit(" ", 1)[-1]):
                    return self.organisation_of(*anonymous)
                return None
            if key is not None:
                return key
            head = word.rsplit(" ", 1)[-1]
            if head in ORG_NOUNS:
                return self._recent(pos, ORGANIZATION)
            if head in _AGENT_ROLES:
                # "his lawyer said" with no lawyer named yet: the one named next, never the
                # client the story is about
                key = self._by_role_after(head, pos)
                if key is None:  # "Ann Lee is the spokeswoman for ...": the person named so
                    key = self.person_given_role(head, pos)
                if key is None and _SPOKES_HEAD.search(head):
                    key = self.organisation_of(subj.start, subj.end)  # "the spokeswoman"
                return key
            return self._salient(pos) or self._introduced_after(pos)
        if word == "i":
            return self.writer  # "As I told the board, “…”": the column's writer
        if word == "it":
            return self._recent(pos, ORGANIZATION)
        if word == "they":
            return self._recent(pos, None)
        gender = "m" if word == "he" else "f"
        key = self._recent(pos, PERSON, gender)
        # "A spokesman for the Water Board said ... “…,” he said": the board's words
        for at, spoke_gender, org in reversed(self.spokes):
            if at >= pos or (key is not None and at < self._last_ref(key, pos)):
                continue
            if spoke_gender in (None, gender):
                return org
            break
        return key

    def _last_ref(self, key: str, pos: int) -> int:
        last = bisect_left(self.refs, (pos, "")) - 1
        for at in range(last, max(-1, last - 2000), -1):
            if self.refs[at][1] == key:
                return self.refs[at][0]
        return -1
