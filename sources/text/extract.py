"""Candidate quotations in an article, with their likely speakers.

`extract_quotes(text, speakers=...)` scans the text once for quote marks and returns every
quotation it finds, with offsets of the words inside the marks (closing comma or full stop
included, as printed), whether it is a statement or a fragment of reporting prose, and who
said it.

Conventions followed (English-language news copy):

* quote marks are paired by `marks` (double, single, guillemets, German „ “; apostrophes and
  short Title Case titles are not quotations; quotes inside a quotation belong to it; a
  quotation running over paragraphs is one item per paragraph);
* a question-and-answer transcript's turns ("ROE: ...", "Jane Roe: ...") are statements of
  the person named; the interviewer's "Q:" turns are not listed;
* who said it is `attribution`'s: a cue after the quote ("he said", "said Smith", "X told
  Y"), before it ("He said:", "Roe was blunt:", "According to ..."), the previous quotation's
  speaker for one that continues a passage, or the subject of the sentence (or, for a
  quotation standing alone, of the paragraph before). Pronouns and role nouns go to the most
  recently named compatible person or organisation.

Every step works in bounded windows around each quote mark, so the whole pass is linear in
the size of the text; a quotation longer than `MAX_QUOTE_CHARS` is dropped, and a text with
more than about `MAX_CANDIDATES` quotations (a pathological one) is cut off there.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace

from .attribution import Attributor, Cue, Subject
from .lexicon import TITLE_SMALL_WORDS
from .marks import MAX_QUOTE_CHARS, QuoteSpan, pair_marks, paragraphs
from .quotemarks import SINGLE
from .speakers import KnownSpeaker, SpeakerIndex
from .transcripts import Transcript, Turn, display_name, label_name, questioning, read_transcript

__all__ = ["MAX_CANDIDATES", "MAX_QUOTE_CHARS", "Candidate", "extract_quotes"]

MAX_CANDIDATES = 10_000  # a text with more quotations is cut off there
_AFTER = 250  # how far forward a cue is looked for

STATEMENT = "statement"
FRAGMENT = "fragment"


@dataclass(frozen=True)
class Candidate:
    """A quotation found in a text: ``text[start:end]`` is the text inside the marks.

    ``attribution`` says how the speaker was found: "cue_after" (", he said"; a post's
    signature line under it, "— Ann Lee (@annlee)"), "cue_before"
    ("He said:"), "previous" (the quotation continues the one before), "sentence" (the
    subject of the sentence it sits in), "passive" (words told *to* the subject: no speaker),
    "turn" (a transcript's "NAME:" line), "repeated" (the same words are quoted elsewhere with
    a speaker: a headline's fragment), or None. When the speaker is not on record
    (``speaker_id`` is None), ``speaker_kind`` and ``speaker_role`` describe them as the
    text does, so that a desk can add them.
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
    # the speaker as the text describes them, for a desk to add when not on record
    speaker_kind: str | None = None  # "person" or "organization"
    speaker_role: str | None = None  # "mayor", "city engineer": what the text calls them

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


# --- classification ----------------------------------------------------------------------------

# "WASHINGTON — ", "HARLOW, Ore. (AP) -- ": a dateline opening the paragraph
_DATELINE = re.compile(r"^[A-Z][A-Z .,'’-]+(?:,[ \w.]+)?(?:\s*\([^)]{1,30}\))?\s*(?:—|–|--|-)\s*")
_TITLE_WORD = re.compile(r"^[\"'“‘(]*[A-Z0-9À-Þ]")
_INNER_STOP = re.compile(r"[.!?;:]\s")
_LOWER_NEXT = re.compile(r"[ \u00a0]+[a-z]")
_INNER_SENTENCE = re.compile(r"[.!?]\s+[A-Z]")
_RELATIVE_CUE = re.compile(r".*,[ \u00a0]+(?:who|which)[ \u00a0]", re.S)
_SENTENCE_STOP = re.compile(r"[.!?:](?=\s|$)")


def _looks_like_title(content: str) -> bool:
    """A short Title Case phrase with no sentence punctuation: 'Casablanca', '60 Minutes',
    a show's "Harbour Line," in a list (a comma alone may close it)."""
    if content.endswith(",") and len(content) > 1 and content[-2] not in ".,;:!?…":
        content = content[:-1]
    if len(content) > 80 or content[-1] in ".,;:!?…" or not _TITLE_WORD.match(content):
        return False
    words = content.split()
    if len(words) > 5 or _INNER_STOP.search(content):
        return False
    return all(_TITLE_WORD.match(word) or word in TITLE_SMALL_WORDS for word in words)


@dataclass(frozen=True)
class _Surroundings:
    """What surrounds one quotation."""

    content: str
    para_start: int
    clause_start: int  # start of the clause before the quote (after any earlier quote)
    sentence_start: int  # start of the whole sentence the quote sits in
    after_pos: int  # just after the closing mark
    after_end: int  # end of the window after the quote
    at_start: bool  # the quote opens its sentence or paragraph
    after_colon: bool  # "He said: “..."
    after_verb_comma: bool  # "he said, “..."
    cue_after: Cue | None  # ", he said" right after the closing mark


def _surroundings(
    text: str, reader: Attributor, paras: list[tuple[int, int]], spans: list[QuoteSpan], index: int
) -> _Surroundings:
    span = spans[index]
    para_start, para_end = paras[span.paragraph]
    before = (
        spans[index - 1] if index > 0 and spans[index - 1].paragraph == span.paragraph else None
    )
    after = (
        spans[index + 1]
        if index + 1 < len(spans) and spans[index + 1].paragraph == span.paragraph
        else None
    )
    floor = para_start
    if before is not None and before.closing is not None:
        floor = max(floor, before.closing + 1)
    clause_start = reader.sentence_start(span.opening, floor)
    lead = text[clause_start : span.opening]
    after_pos = span.closing + 1 if span.closing is not None else para_end
    after_end = para_end if after is None else after.opening
    after_end = min(after_end, after_pos + _AFTER)
    at_start = not _DATELINE.sub("", lead).strip(" \t\u00a0-–—•*")
    content = text[span.start : span.end]
    # a quotation inside a sentence that closes it ("…had lasted “six weeks now.”") ends
    # that sentence: "Banks said ..." after it opens the next one and is no cue for it
    ends_sentence = not at_start and content.rstrip()[-1:] in (".", "!", "?")
    return _Surroundings(
        content=content,
        para_start=para_start,
        clause_start=clause_start,
        sentence_start=reader.sentence_start(span.opening, para_start),
        after_pos=after_pos,
        after_end=after_end,
        at_start=at_start,
        after_colon=lead.rstrip().endswith(":"),
        after_verb_comma=reader.ends_with_speech_verb(clause_start, span.opening),
        cue_after=(
            reader.cue_after(after_pos, after_end)
            if span.closing is not None and not ends_sentence
            else None
        ),
    )


def _classify(text: str, span: QuoteSpan, around: _Surroundings) -> str | None:
    """ "statement", "fragment", or None for what is not a quotation (a title)."""
    content = around.content
    # a title after a header's label ("TRANSCRIPT: “Harbour Line,” ...") is no quotation
    prose_colon = around.after_colon and any(
        ch.islower() for ch in text[around.clause_start : span.opening]
    )
    if span.title and (span.family == SINGLE or (not prose_colon and around.cue_after is None)):
        return None
    ends_punct = content[-1] in ".,;:!?…"
    continues_prose = (
        span.closing is not None
        and around.cue_after is None
        and _LOWER_NEXT.match(text, around.after_pos, around.after_end) is not None
    )
    if continues_prose and not ends_punct:
        return FRAGMENT  # “odd” going back to work
    if around.at_start or around.after_colon or around.after_verb_comma:
        return STATEMENT
    if around.cue_after is not None:
        return STATEMENT
    # inside reporting prose: long or several sentences is a statement, else a fragment
    if len(content.split()) >= 12 or _INNER_SENTENCE.search(content):
        return STATEMENT
    return FRAGMENT


# --- attribution -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Found:
    """How a quotation's speaker was found.

    ``how`` is one of: "cue_after" (", he said"), "cue_before" ("He said:"), "previous" (a
    quotation continuing the one before), "sentence" (the subject of the sentence), "passive"
    (reported as told to the subject: speaker unknown), "turn" (a transcript line), or None.
    """

    cue: Cue | None = None
    subject: Subject | None = None
    how: str | None = None
    inherit: bool = False


def _attribute_statement(
    reader: Attributor,
    span: QuoteSpan,
    around: _Surroundings,
    previous_para: int | None,
    paras: list[tuple[int, int]],
) -> _Found:
    if around.cue_after is not None:
        return _Found(around.cue_after, around.cue_after.subject, "cue_after")
    cue, _passive = reader.verb_cues_before(around.clause_start, span.opening)
    if cue is not None:
        return _Found(cue, cue.subject, "cue_before")
    if around.after_colon and (subject := reader.first_subject(around.clause_start, span.opening)):
        return _Found(None, subject, "sentence")  # "Roe was blunt: “...”"
    if around.at_start and span.paragraph > 0 and not span.continued:
        # "He said:" closing the paragraph before
        para_start, para_end = paras[span.paragraph - 1]
        if reader.text[para_end - 1] == ":":
            sentence = reader.sentence_start(para_end - 1, para_start)
            cue, _passive = reader.verb_cues_before(sentence, para_end)
            if cue is not None:
                return _Found(cue, cue.subject, "cue_before")
            if (subject := reader.first_subject(sentence, para_end)) is not None:
                return _Found(None, subject, "sentence")
    if (
        around.at_start
        and not span.continued
        and previous_para != span.paragraph
        and around.clause_start > around.para_start
        and (subject := _about(reader, around.para_start, around.clause_start)) is not None
    ):
        # "Longtime customer Ann Lee remembers the first week. Nobody came. “…”": a
        # quotation after sentences about someone, in their paragraph, is theirs
        return _Found(None, subject, "sentence")
    if (around.at_start or span.continued) and previous_para in (
        span.paragraph,
        span.paragraph - 1,
    ):
        return _Found(how="previous", inherit=True)
    if not around.at_start and (
        subject := reader.first_subject(around.sentence_start, span.opening)
    ):
        return _Found(None, subject, "sentence")
    if around.at_start and span.paragraph > 0 and around.clause_start == around.para_start:
        # a quotation standing alone after a paragraph about someone: theirs
        para_start, para_end = paras[span.paragraph - 1]
        sentence = reader.sentence_start(para_end - 1, para_start)
        if (subject := reader.first_subject(sentence, para_end)) is not None:
            return _Found(None, subject, "sentence")
    return _Found()


def _about(reader: Attributor, start: int, end: int) -> Subject | None:
    """Whom the sentences in ``text[start:end]`` are about: the subject of the last of them
    (up to three back) that names a person, by name or pronoun."""
    for _ in range(3):
        if end <= start:
            return None
        sentence = reader.sentence_start(end - 1, start)
        subject = reader.first_subject(sentence, end)
        if subject is not None and (
            subject.kind == "pronoun"
            or (subject.kind == "name" and (subject.mention is None or subject.mention.is_person))
        ):
            return subject
        end = sentence
    return None


def _attribute_fragment(
    reader: Attributor, text: str, span: QuoteSpan, around: _Surroundings
) -> _Found:
    end = _sentence_end(text, around.after_pos, around.after_end)
    cue = reader.cue_after(around.after_pos, end, anywhere=True)
    if cue is not None:
        return _Found(cue, cue.subject, "cue_after")
    cue, passive = reader.verb_cues_before(around.sentence_start, span.opening)
    if cue is not None:
        return _Found(cue, cue.subject, "cue_before")
    if passive:
        return _Found(how="passive")  # "he'd been told it was “safe”"
    start = around.sentence_start
    dateline = _DATELINE.match(text[start : span.opening])
    if dateline:
        start += dateline.end()  # "HARLOW (Wire) - The head of ...": not the wire's words
    if (subject := reader.first_subject(start, span.opening)) is not None:
        return _Found(None, subject, "sentence")
    return _Found()


def _sentence_end(text: str, pos: int, limit: int) -> int:
    stop = _SENTENCE_STOP.search(text[pos:limit])
    return pos + stop.end() if stop else limit


# --- transcripts -------------------------------------------------------------------------------


def _turn_speaker(
    reader: Attributor, index: SpeakerIndex | None, transcript: Transcript, turn: Turn
) -> tuple[str | None, str | None, str | None, str | None]:
    """Who speaks in a turn (see `transcripts`): the name the label gives, matched to the
    speakers on record or the people the text names; for an answer with no deponent named,
    the person the introduction is about; for a question, the examiner."""
    name, nobody = label_name(transcript, turn)
    if nobody:
        return None, None, None, None
    if name is None and turn.question:
        pair = questioning(reader.text, turn.start)
        name = pair[0] if pair else None
    if name is None and turn.answer:
        pair = questioning(reader.text, turn.start)
        if pair and pair[1]:
            name = pair[1]
        else:
            # the person the text is about, never the one asking ("Roe is asking the
            # questions")
            asker = pair[0] if pair else None
            key = reader.main_person(turn.label_start, asker)
            if key is None:
                # an edited interview that names its subject only after ("Ann Lee is the
                # mayor of Harlow."): the person the whole text is about
                key = reader.main_person(len(reader.text), asker)
            if key is None:
                return None, None, None, None
            entity = reader.entities[key]
            return entity.name, entity.speaker_id, None, key
    if name is None:
        return None, None, None, None
    if index is not None:
        match = index.match(name)
        if match is not None and match.score >= 90:
            key = next(
                (k for k, e in reader.entities.items() if e.speaker_id == match.speaker_id), None
            )
            return match.name, match.speaker_id, None, key
    wanted = name.casefold()
    single = " " not in wanted
    for entity in reader.entities.values():
        if entity.kind != "person":
            continue
        if wanted == entity.name.casefold() or (
            single and wanted in entity.words and " " in entity.name
        ):
            return entity.name, entity.speaker_id, None, entity.key
    if index is not None and single:
        match = index.match(name)
        if match is not None:
            return match.name, match.speaker_id, None, None
    return name, None, None, None


def _transcript_names(transcript: Transcript | None) -> tuple[str, ...]:
    """People's full names a transcript's labels and header give ("TRUSTEE ANN LEE:" ->
    "Ann Lee"), for the prose around it to call them by surname."""
    if transcript is None:
        return ()
    return tuple(dict.fromkeys(display_name(name) for name in transcript.full_names.values()))


# --- extraction --------------------------------------------------------------------------------


def extract_quotes(text: str, *, speakers: Sequence[KnownSpeaker] = ()) -> list[Candidate]:
    """Find the quotations in ``text`` and who likely said them.

    ``speakers`` are the people and organisations the caller knows (names, aliases, roles,
    misspellings); names in the text are matched to them, misspellings included. Names they
    do not cover are guessed from the text (people, organisations; places never speak).
    """
    if not text or not text.strip():
        return []
    paras = paragraphs(text)
    spans, scanned = pair_marks(text, paras)
    transcript = read_transcript(text, paras)
    turns = transcript.turns if transcript is not None else []
    if not spans and not turns and "(@" not in text:
        return []  # (a post signed "— Ann Lee (@annlee)" needs no marks)
    in_turn = {turn.paragraph for turn in turns}
    if in_turn:
        # quoted inside a turn
        spans = [quote_span for quote_span in spans if quote_span.paragraph not in in_turn]
    index = SpeakerIndex(list(speakers)) if speakers else None
    reader = Attributor(
        text,
        paras,
        spans,
        index,
        scanned,
        speech=[(turn.start, turn.end) for turn in turns],
        names=_transcript_names(transcript),
    )
    # drop what cannot be a quotation first, so that it does not cut the context of others
    kept = []
    for span_index, span in enumerate(spans):
        if span.end - span.start > MAX_QUOTE_CHARS:
            continue
        if span.family == SINGLE and span.end - span.start < 3:
            continue
        span.title = _looks_like_title(text[span.start : span.end])
        if (
            span.title
            and _classify(text, span, _surroundings(text, reader, paras, spans, span_index)) is None
        ):
            continue
        kept.append(span)
        if len(kept) >= MAX_CANDIDATES:
            break
    spans = kept
    out: list[Candidate] = []
    items: list[tuple[int, QuoteSpan | Turn]] = [
        (quote_span.start, quote_span) for quote_span in spans
    ]
    items += [
        (turn.start, turn)
        for turn in turns
        if not turn.question or (transcript is not None and transcript.list_questions)
    ]
    items.sort(key=lambda item: item[0])
    previous: tuple[int, Candidate, str | None] | None = None  # (paragraph, candidate, key)
    turn_speakers: dict[
        tuple[str, str | None], tuple[str | None, str | None, str | None, str | None]
    ] = {}
    n_span = -1
    for _, item in items:
        if isinstance(item, Turn):
            assert transcript is not None
            who = (item.label, item.examiner)
            if who not in turn_speakers:
                turn_speakers[who] = _turn_speaker(reader, index, transcript, item)
            speaker, speaker_id, flag, key = turn_speakers[who]
            cand = Candidate(
                start=item.start,
                end=item.end,
                quote=text[item.start : item.end],
                kind=STATEMENT,
                speaker=speaker,
                speaker_id=speaker_id,
                cue=text[item.label_start : item.start].strip(),
                attribution="turn",
                **_describe(reader, key, speaker_id),
            )
            out.append(cand)
            if key is not None:
                reader.note(key, item.start)
            previous = (item.paragraph, cand, key)
            continue
        span = item
        n_span += 1
        around = _surroundings(text, reader, paras, spans, n_span)
        kind = _classify(text, span, around)
        if kind is None:
            continue
        if kind == STATEMENT:
            found = _attribute_statement(
                reader, span, around, previous[0] if previous else None, paras
            )
        else:
            found = _attribute_fragment(reader, text, span, around)
        speaker = speaker_id = flag = key = None
        if found.inherit and previous is not None:
            before = previous[1]
            speaker, speaker_id, flag = before.speaker, before.speaker_id, before.speaker_flag
            key = previous[2]
        elif found.subject is not None:
            speaker, speaker_id, flag, key = reader.resolve(found.subject, found.subject.start)
        cand = Candidate(
            start=span.start,
            end=span.end,
            quote=around.content,
            kind=kind,
            speaker=speaker,
            speaker_id=speaker_id,
            cue=found.cue.text if found.cue is not None else None,
            speaker_flag=flag,
            attribution=found.how if (speaker or found.cue or found.how == "passive") else None,
            continued=span.continued,
            unclosed=span.closing is None,
            **_describe(reader, key, speaker_id),
        )
        out.append(cand)
        relative = (
            kind == FRAGMENT
            and found.cue is not None
            and _RELATIVE_CUE.match(reader.text, found.cue.start, found.cue.end)
        )
        if key is not None and not relative:
            # (not "..., Kofi Lee, who calls her “the reason I stayed”": a clause about
            # someone else's sentence subject, whom a later "she says" still means)
            position = found.cue.start if found.cue is not None else span.start
            reader.note(key, max(position, span.start))
        previous = (span.paragraph, cand, key)
    signed = _signed_posts(reader, text, paras, spans)
    if signed:
        out = sorted(out + signed, key=lambda cand: cand.start)
    return _repeated(out)


# the signature line under a post copied into a story: "— Ann Lee (@annlee) June 12"
_SIGNATURE = re.compile(
    r"(?:^|\n)[ \t]*(?:—|–|--)[ \t]*([A-Z][\w’'.-]*(?:[ \t]+[A-Z][\w’'.-]*){0,3})[ \t]*"
    r"\(@\w{1,30}\)[^\n]{0,40}$",
    re.MULTILINE,
)


def _signed_posts(
    reader: Attributor, text: str, paras: list[tuple[int, int]], spans: list[QuoteSpan]
) -> list[Candidate]:
    """Posts set out as their own paragraph with no quotation marks, the author's signature
    on the line under them ("Two hours to work. Two.\n— Ann Lee (@annlee) June 12"): the
    author's words, as an embedded post shows them."""
    out: list[Candidate] = []
    quoted = {span.paragraph for span in spans}
    for number, (start, end) in enumerate(paras):
        if number in quoted or "(@" not in text[start:end]:
            continue
        sm = _SIGNATURE.search(text, start, end)
        if sm is None or sm.end() != end:
            continue
        if sm.start() == start or not text[start : sm.start()].strip():
            # the signature on a line of its own: the post is the paragraph above it
            if number == 0 or number - 1 in quoted:
                continue
            start = paras[number - 1][0]
            body_end = paras[number - 1][1]
        else:
            body_end = sm.start()
        while body_end > start and text[body_end - 1].isspace():
            body_end -= 1
        body_start = start
        while body_start < body_end and text[body_start].isspace():
            body_start += 1
        if body_end - body_start < 2:
            continue
        mention = reader.by_start.get(sm.start(1))
        subject = Subject("name", sm.start(1), sm.end(1), sm.group(1), mention)
        speaker, speaker_id, flag, key = reader.resolve(subject, sm.start(1))
        out.append(
            Candidate(
                start=body_start,
                end=body_end,
                quote=text[body_start:body_end],
                kind=STATEMENT,
                speaker=speaker,
                speaker_id=speaker_id,
                cue=text[sm.start() : sm.end()].strip(),
                speaker_flag=flag,
                attribution="cue_after",  # the signature is the cue
                **_describe(reader, key, speaker_id),
            )
        )
    return out


def _words_of(quote: str) -> str:
    return " ".join(re.findall(r"\w+", quote.casefold()))


def _repeated(found: list[Candidate]) -> list[Candidate]:
    """A quotation nobody is named for whose words are quoted elsewhere with a speaker (a
    headline's “a slow-motion shipwreck” that the story attributes) is that speaker's."""
    if all(cand.speaker is not None or cand.attribution is not None for cand in found):
        return found
    said: dict[str, Candidate] = {}
    for cand in found:
        if cand.speaker and cand.attribution != "turn":
            said.setdefault(_words_of(cand.quote), cand)
    if not said:
        return found
    out = []
    for cand in found:
        if cand.speaker is None and cand.attribution is None:
            other = said.get(_words_of(cand.quote))
            if other is not None:
                cand = replace(
                    cand,
                    speaker=other.speaker,
                    speaker_id=other.speaker_id,
                    speaker_flag=other.speaker_flag,
                    attribution="repeated",
                    speaker_kind=other.speaker_kind,
                    speaker_role=other.speaker_role,
                )
        out.append(cand)
    return out


def _describe(reader: Attributor, key: str | None, speaker_id: str | None) -> dict[str, str | None]:
    """A speaker not on record, as the text describes them: kind and role."""
    if key is None or speaker_id is not None:
        return {}
    entity = reader.entities.get(key)
    if entity is None:
        return {}
    roles = sorted(entity.roles, key=lambda role: (-len(role.split()), role))
    return {"speaker_kind": entity.kind, "speaker_role": roles[0] if roles else None}
