"""From a source's text to claims: the quotes found in it, and the few clicks that turn one
into a claim with a verified citation, or into a citation of a claim already on record; and
the counter-evidence worth pairing with a claim.

The quote is never typed: it is cut from the archived text at the offsets extraction found,
and the text's sha256 is checked, so a citation is made only from the text the curator saw.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from django.contrib.postgres.search import TrigramSimilarity
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from claims import search as full_text
from claims.models import (
    Citation,
    Claim,
    ClaimKind,
    Contradiction,
    DatePrecision,
    Relation,
    Speaker,
    SpeakerKind,
    Status,
)
from claims.slugs import free_slug
from claims.verification import verify_citation
from sources.models import Source, SourceKind
from sources.text import same_wording
from sources.text.extract import MAX_QUOTE_CHARS, Candidate, extract_quotes
from sources.text.facts import Facts, propose_facts
from sources.text.passages import (
    as_passage,
    attribute_span,
    covering,
    known_name,
    labelled_line,
)
from sources.text.speakers import KnownSpeaker

CACHE_SECONDS = 7 * 24 * 3600
SUGGESTIONS = 8


class StaleText(Exception):
    """The source's text changed since the curator's page showed it."""


class BadSpan(ValueError):
    """A span asked for is not a passage of the text: out of range, empty or too long."""


# --- candidates -----------------------------------------------------------------------------


def known_speakers(speakers=None, *, by: str = "slug") -> list[KnownSpeaker]:
    """Speakers on record (``speakers``: a queryset of some of them), with aliases, known
    misspellings and roles, each known to the text algorithms by its ``by`` field; none if the
    database is absent."""
    rows = Speaker.objects.all() if speakers is None else speakers
    try:
        return [
            KnownSpeaker(
                id=str(getattr(s, by)),
                name=s.name,
                aliases=s.aliases,
                misspellings=s.misspellings,
                kind=s.kind,
                role=s.role,
            )
            for s in rows.only(by, "name", "aliases", "misspellings", "kind", "role")
        ]
    except DatabaseError:
        return []


def _speakers_key(speakers) -> str:
    names = "|".join(
        f"{s.id}:{s.name}:{s.kind}:{s.role}:{','.join(s.aliases)}:{','.join(s.misspellings)}"
        for s in speakers
    )
    return hashlib.sha256(names.encode()).hexdigest()[:16]


def candidates(source: Source, speakers: list[KnownSpeaker] | None = None) -> list[Candidate]:
    """The quotes found in the source's text with their likely speakers, cached by the
    text's sha256 and the speakers on record (a 4 MB text is read once, not at every view).
    A page listing several sources passes ``known_speakers()`` once."""
    if not source.text:
        return []
    speakers = known_speakers() if speakers is None else speakers
    key = f"candidates:v2:{source.sha256 or Source.digest(source.text)}:{_speakers_key(speakers)}"
    found = cache.get(key)
    if found is None:
        found = extract_quotes(source.text, speakers=speakers)
        cache.set(key, found, CACHE_SECONDS)
    return found


def find_candidate(source: Source, *, start: int, end: int, sha256: str) -> Candidate:
    if sha256 != source.sha256:
        raise StaleText("The source's text changed since the page was shown: reload it.")
    for candidate in candidates(source):
        if (candidate.start, candidate.end) == (start, end):
            return candidate
    raise StaleText("This quote is no longer among the quotes found in the text: reload.")


# --- any passage ----------------------------------------------------------------------------


def passage(source: Source, *, start: int, end: int, sha256: str) -> Candidate:
    """Any span of the source's text the curator selected, as a candidate: its offsets in the
    archived text (whitespace at either end left out), its speaker found as a quotation's
    would be (``sources.text.passages``). Raises StaleText when the text is no longer the one
    the page showed, BadSpan when the span is not a passage of it."""
    if sha256 != source.sha256:
        raise StaleText("The source's text changed since the page was shown: reload it.")
    text = source.text or ""
    if not 0 <= start < end <= len(text):
        raise BadSpan(
            f"The selection ({start} to {end}) is not within the text, which has "
            f"{len(text)} characters: select the words again."
        )
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end or not any(char.isalnum() for char in text[start:end]):
        raise BadSpan("The selection has no words: select the words to quote.")
    if end - start > MAX_QUOTE_CHARS:
        raise BadSpan(
            f"The selection is {end - start} characters long; a quote is at most "
            f"{MAX_QUOTE_CHARS}: select a shorter passage."
        )
    found = candidates(source)
    for candidate in found:
        if (candidate.start, candidate.end) == (start, end):
            return candidate
    offered = covering(found, start, end)
    if offered is not None:
        return as_passage(text, start, end, offered)
    speakers = known_speakers()
    labelled = labelled_line(text, start, speakers)
    if labelled is not None:
        return as_passage(text, start, end, labelled)
    found_by_words = attribute_span(text, start, end, speakers)
    if found_by_words is None or found_by_words.attribution in WEAK_ATTRIBUTIONS:
        author = document_author(source, speakers)
        if author is not None:
            return as_passage(text, start, end, author)
    return as_passage(text, start, end, found_by_words)


# How a guess was made when no words said who spoke (see ``speaker_guess``).
WEAK_ATTRIBUTIONS = (None, "sentence", "repeated")
# Documents whose own words are their author's: a letter or email, a report, a statement.
AUTHORED_KINDS = {SourceKind.LETTER, SourceKind.REPORT, SourceKind.PRESS}


def document_author(source: Source, speakers: list[KnownSpeaker]) -> Candidate | None:
    """A passage of a letter, a report or a statement that no words attribute is its author's
    (the byline, signature or From line the intake read into the source's author)."""
    name = (source.author or "").strip()
    if source.kind not in AUTHORED_KINDS or not name:
        return None
    name, speaker_id = known_name(name, speakers)
    return Candidate(
        start=0,
        end=0,
        quote="",
        kind="statement",
        speaker=name,
        speaker_id=speaker_id,
        cue=f"{source.get_kind_display().lower()} by {name}",
        attribution="document",
        speaker_kind="organization" if source.kind == SourceKind.REPORT else None,
    )


def slug_for_claim(speaker_name: str, quote: str) -> str:
    """A readable, permanent id from the speaker and the first words of the quote."""
    surname = speaker_name.split()[-1] if speaker_name.split() else ""
    words = " ".join(quote.split()[:8])
    return free_slug(Claim, f"{surname} {words}", max_length=80)


def matched_speaker(candidate: Candidate) -> Speaker | None:
    if candidate.speaker_id:
        return Speaker.objects.filter(slug=candidate.speaker_id).first()
    return None


@dataclass
class NewSpeaker:
    name: str
    kind: str = SpeakerKind.PERSON
    role: str = ""


def proposed_speaker(candidate: Candidate) -> NewSpeaker | None:
    """When the speaker is not on record: as the text names and describes them."""
    if candidate.speaker_id or not candidate.speaker:
        return None
    kind = getattr(candidate, "speaker_kind", None) or SpeakerKind.PERSON
    return NewSpeaker(
        name=candidate.speaker, kind=kind, role=getattr(candidate, "speaker_role", None) or ""
    )


# How sure a proposed speaker is, from how the text named them: a transcript label or a
# speech verb next to the name is sure; a pronoun or a title ("she said", "the spokeswoman
# said") taken to mean the last person named, or a quote continuing the one before, is
# likely; the person a sentence or the paragraph before is about, with no words saying they
# spoke, is a guess: a question for the desk, never a prefilled answer.
SURE, LIKELY, GUESS = "sure", "likely", "guess"
_CERTAINTY_LABELS = {SURE: "Sure", LIKELY: "Likely", GUESS: "Guess"}


@dataclass(frozen=True)
class SpeakerGuess:
    name: str
    certainty: str  # SURE, LIKELY or GUESS
    cue: str  # the words that named them, "" when none did
    because: str  # why, in a sentence a reporter reads

    @property
    def label(self) -> str:
        return _CERTAINTY_LABELS[self.certainty]

    @property
    def weak(self) -> bool:
        return self.certainty == GUESS


def _cue_names(cue: str, name: str) -> bool:
    """The cue's words include a word of the name ("said Mayor Dana Whitlock", "Roe said")."""
    words = {w.strip(".,:;“”\"'’").lower() for w in cue.split()}
    return any(len(part) > 1 and part.lower() in words for part in name.split())


def speaker_guesses(found: list[Candidate]) -> list[SpeakerGuess | None]:
    """``speaker_guess`` of each candidate in text order: a quote continuing the one before
    is no surer than that one (a continuation of a guess is a guess)."""
    out: list[SpeakerGuess | None] = []
    before: SpeakerGuess | None = None
    for candidate in found:
        guess = speaker_guess(candidate)
        if (
            guess is not None
            and getattr(candidate, "attribution", None) == "previous"
            and (before is None or before.weak)
        ):
            why = before.because if before is not None else "no words in the text say who spoke"
            guess = SpeakerGuess(
                guess.name, GUESS, guess.cue, f"it continues the quote before, where {why}"
            )
        out.append(guess)
        before = guess
    return out


def guess_for(source: Source, candidate: Candidate) -> SpeakerGuess | None:
    """The candidate's ``speaker_guess`` read in the context of the source's other quotes; a
    passage inside (or across) an offered quote gets that quote's."""
    found = candidates(source)
    offered = covering(found, candidate.start, candidate.end)
    for other, guess in zip(found, speaker_guesses(found), strict=True):
        if (other.start, other.end) == (candidate.start, candidate.end):
            return guess
        if other is offered and other.speaker == candidate.speaker:
            return guess
    return speaker_guess(candidate)


def speaker_guess(candidate: Candidate) -> SpeakerGuess | None:
    """Who the engine says spoke, the words that said so and how sure that is (alone: see
    ``speaker_guesses`` for a quote continuing another)."""
    name = candidate.speaker
    if not name:
        return None
    how = getattr(candidate, "attribution", None)
    cue = (candidate.cue or "").strip()
    if how == "turn":
        return SpeakerGuess(name, SURE, cue, f"the transcript's label “{cue}” names them")
    if how in ("cue_after", "cue_before") and cue:
        if _cue_names(cue, name) or candidate.speaker_flag == "misspelling":
            return SpeakerGuess(name, SURE, cue, f"the text says “{cue}”")
        return SpeakerGuess(
            name, LIKELY, cue, f"the text says “{cue}”, taken to mean {name}, named before it"
        )
    if how == "previous":
        return SpeakerGuess(name, LIKELY, cue, f"it continues the quote before, from {name}")
    if how == "document":
        return SpeakerGuess(
            name, LIKELY, cue, f"no words near it name a speaker, and the source is a {cue}"
        )
    if how == "sentence":
        return SpeakerGuess(
            name,
            GUESS,
            cue,
            f"the sentence or paragraph around the quote is about {name}; no words say who spoke",
        )
    return SpeakerGuess(name, GUESS, cue, "no words in the text say who spoke")


# Organisations whose words are a finding (a laboratory's results, an agency's report), unless
# the name says it is a business, whose words are a statement like a person's.
_BUSINESS = re.compile(
    r"\b(?:inc|llc|ltd|plc|corp|corporation|co|company|gmbh|productions?|studios?|group"
    r"|holdings|partners|limited)\b\.?",
    re.IGNORECASE,
)


def proposed_kind(
    candidate: Candidate, speaker: Speaker | None = None, *, sure: bool = True
) -> str:
    """The claim kind to propose: an official finding for the words of an organisation (a
    laboratory, an agency, a court), a quoted statement for a statement, reported speech for
    words set in the reporter's prose. A speaker only guessed (``sure`` false) decides
    nothing."""
    if not sure:
        kind, name = None, ""
    elif speaker is not None:
        kind, name = speaker.kind, speaker.name
    else:
        kind, name = candidate.speaker_kind, candidate.speaker or ""
    if kind == SpeakerKind.ORGANIZATION and not _BUSINESS.search(name):
        return ClaimKind.FINDING
    return ClaimKind.QUOTE if candidate.kind == "statement" else ClaimKind.PARAPHRASE


def as_sentence(quote: str) -> str:
    """A quote as a claim's sentence: a trailing comma, semicolon or colon (the sentence went
    on after the quote) becomes a full stop, a passage of several words with no final
    punctuation gets one, and the first letter is a capital. The words are unchanged (the
    citation keeps them as printed; ``same_wording`` sets these differences aside)."""
    sentence = quote.strip()
    if not sentence:
        return sentence
    if sentence[-1] in ",;:":
        sentence = sentence[:-1].rstrip() + "."
    elif sentence[-1].isalnum() and len(sentence.split()) >= 3:
        sentence += "."
    return sentence[0].upper() + sentence[1:]


def facts_of(source: Source, candidate: Candidate) -> Facts:
    """When and where the passage was said, as the text gives them (``sources.text.facts``):
    a date in its paragraph, an email's or letter's own date, the story's date as the marked
    fallback; a venue only from the text's own words (never the headline)."""
    return propose_facts(source.text, candidate.start, candidate.end, source.published_on)


@transaction.atomic
def claim_from_candidate(
    *,
    source: Source,
    candidate: Candidate,
    speaker: Speaker | None = None,
    new_speaker: NewSpeaker | None = None,
    kind: str = ClaimKind.QUOTE,
    said_on=None,
    said_on_precision: str | None = None,
    venue: str | None = None,
    summary: str = "",
    by=None,
) -> Claim:
    """A draft claim in the printed words, with its citation verified against the text. The
    date and venue left out are the ones the text gives (``facts_of``)."""
    if speaker is None:
        if new_speaker is None or not new_speaker.name.strip():
            raise ValueError("Pick a speaker on record or name a new one.")
        speaker = Speaker(
            slug=free_slug(Speaker, new_speaker.name, max_length=80),
            name=new_speaker.name.strip(),
            kind=new_speaker.kind,
            role=new_speaker.role.strip(),
        )
        speaker._history_user = by
        speaker.save()
    quote = as_sentence(source.text[candidate.start : candidate.end])
    claim = Claim(
        slug=slug_for_claim(speaker.name, quote),
        speaker=speaker,
        kind=kind,
        text=quote,
        summary=summary,
        status=Status.DRAFT,
    )
    if said_on is None or venue is None:
        facts = facts_of(source, candidate)
        claim.said_on = facts.date
        claim.said_on_precision = facts.precision or DatePrecision.DAY
        claim.venue = (facts.venue or "")[:300]
    if said_on is not None:
        claim.said_on = said_on
        claim.said_on_precision = said_on_precision or DatePrecision.DAY
    if venue is not None:
        claim.venue = venue
    claim._history_user = by
    claim.save()
    citation_from_candidate(source=source, candidate=candidate, claim=claim, by=by)
    return claim


@transaction.atomic
def citation_from_candidate(
    *, source: Source, candidate: Candidate, claim: Claim, by=None
) -> Citation:
    """The candidate as a citation of ``claim`` (its quote variant in this source)."""
    if claim.citations.filter(source=source).exists():
        raise ValueError(f"'{claim.slug}' already cites this source: one citation per source.")
    citation = Citation(
        claim=claim,
        source=source,
        quote=source.text[candidate.start : candidate.end].strip(),
        position=claim.citations.count(),
    )
    citation._history_user = by
    citation.save()
    return verify_citation(citation=citation, text=source.text)


def claims_like(
    quote: str,
    *,
    speaker: Speaker | None = None,
    cases=(),
    exclude_source=None,
    near_only: bool = False,
):
    """Claims a quote may be a variant of: the same speaker's first (however worded: the
    speaker's other words are where a variant is), then the same case's, then by text
    similarity. ``near_only`` keeps only claims of the same speaker or case that read alike
    (the similar-claim warning, which another case's words would only clutter)."""
    similarity = TrigramSimilarity("text", quote)
    query = full_text.any_of_words(quote)
    case_pks = [getattr(c, "pk", c) for c in cases]
    same_speaker = Q(speaker=speaker) if speaker else Q(pk__in=[])
    in_case = Claim.cases.through.objects.filter(claim_id=OuterRef("pk"), case_id__in=case_pks)
    qs = Claim.objects.select_related("speaker").annotate(
        similarity=similarity,
        rank=full_text.rank(query),
        mine=Case(When(same_speaker, then=Value(1)), default=Value(0)),
        same_case=Exists(in_case),
    )
    alike = Q(similarity__gt=0.2) | Q(search_vector=query)
    near = same_speaker | Q(same_case=True)
    qs = qs.filter(alike & near) if near_only else qs.filter(alike | same_speaker)
    if exclude_source is not None:
        qs = qs.exclude(citations__source=exclude_source)
    return qs.order_by("-mine", "-same_case", F("similarity").desc(), "slug")[:SUGGESTIONS]


def already_cited(source: Source) -> dict[tuple[int, int], Citation]:
    """The source's citations by anchor, to mark candidates already curated."""
    return {
        (c.anchor_start, c.anchor_end): c
        for c in source.citations.select_related("claim").exclude(anchor_start=None)
    }


def same_words_as(candidate: Candidate, citations: list[Citation]) -> Citation | None:
    for citation in citations:
        if same_wording(citation.quote, candidate.quote):
            return citation
    return None


# --- counter-evidence -----------------------------------------------------------------------


def suggested_counters(claim: Claim):
    """Statements worth pairing with the claim: those of its own case first, then its
    speaker's other words, then findings, records and statements sharing its topics or words,
    by full-text rank and trigram similarity (PostgreSQL; nothing leaves the building). Never
    empty while the claim's case has other claims. Pairs already made are left out."""
    words = " ".join(claim.text.split()[:40])
    query = full_text.any_of_words(claim.text)
    topics = list(claim.topics.values_list("pk", flat=True))
    cases = list(claim.cases.values_list("pk", flat=True))
    paired = Contradiction.objects.involving(Claim.objects.filter(pk=claim.pk).values("pk"))
    paired = paired.values_list("claim_id", "counter_id")
    exclude = {pk for pair in paired for pk in pair} | {claim.pk}
    on_topic = Claim.topics.through.objects.filter(topic_id__in=topics)
    in_case = Claim.cases.through.objects.filter(case_id__in=cases)
    shared = (
        on_topic.filter(claim_id=OuterRef("pk"))
        .values("claim_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    evidence = Case(
        When(kind__in=[ClaimKind.FINDING, ClaimKind.RECORD], then=Value(0.3)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    qs = (
        Claim.objects.exclude(pk__in=exclude)
        .exclude(status=Status.RETRACTED)
        .filter(
            Q(search_vector=query)
            | Q(pk__in=on_topic.values("claim_id"))
            | Q(pk__in=in_case.values("claim_id"))
            | Q(speaker_id=claim.speaker_id)
        )
        .select_related("speaker")
        .annotate(
            same_case=Exists(in_case.filter(claim_id=OuterRef("pk"))),
            same_speaker=Case(
                When(speaker_id=claim.speaker_id, then=Value(True)),
                default=Value(False),
            ),
            rank=full_text.rank(query),
            similarity=TrigramSimilarity("text", words),
            shared_topics=Coalesce(Subquery(shared, output_field=IntegerField()), 0),
            evidence=evidence,
        )
        .annotate(score=F("rank") + F("similarity") + F("shared_topics") * 0.2 + F("evidence"))
        .order_by("-same_case", "-same_speaker", "-score", "slug")
    )
    return qs[:SUGGESTIONS]


@transaction.atomic
def link_as_contradiction(*, claim: Claim, counter: Claim, by=None) -> Contradiction:
    """A draft pair: the claim challenged by the counter. Its explanation is the curator's
    to write; it is published through the workflow like any other."""
    if claim.pk == counter.pk:
        raise ValueError("A statement cannot contradict itself.")
    existing = Contradiction.objects.between(claim, counter).first()
    if existing:
        raise ValueError(f"These two are already paired in '{existing.slug}'.")
    pair = Contradiction(
        slug=free_slug(Contradiction, f"{claim.slug[:50]} vs {counter.slug[:50]}", max_length=110),
        title="",
        claim=claim,
        counter=counter,
        relation=Relation.CONTRADICTS,
        explanation="",
        status=Status.DRAFT,
    )
    pair._history_user = by
    pair.save()
    take_shared_cases(pair)
    return pair


@transaction.atomic
def swap_sides(*, pair: Contradiction, by=None) -> Contradiction:
    """The statement challenged becomes the counter-evidence and back: a draft's direction is
    whatever page it was linked from, so the curator turns it round. Refused once the pair has
    gone to the editors (its direction is what they check)."""
    pair = Contradiction.objects.select_for_update().get(pk=pair.pk)
    if pair.status != Status.DRAFT:
        status = pair.get_status_display().lower()
        raise ValueError(f"Only a draft's sides can be swapped: this pair is {status}.")
    pair.claim, pair.counter = pair.counter, pair.claim
    pair._history_user = by
    pair._change_reason = "Sides swapped"
    pair.save()
    return pair


def take_shared_cases(pair: Contradiction) -> None:
    """A pair belongs to the cases both of its claims belong to."""
    shared = pair.claim.cases.filter(pk__in=pair.counter.cases.values("pk"))
    pair.cases.set(shared)
