"""Repeats: words said again that the desk has already shown to be contradicted.

A new claim (whatever added it: curation, the import) or a quotation in a source's new
capture is set against each side of every published contradiction said by the same speaker:
it matches when its words are close to that side's by pg_trgm's similarity
(``REPEAT_TRIGRAM_MIN``), or when it carries most of that side's words (full-text lexemes,
``REPEAT_WORDS_MIN``) and is not far by trigrams (``REPEAT_WORDS_TRIGRAM_MIN``). A match is
proposed (``KnownRepeat``, once per pair, side and claim or quotation) and alerts the desk
with links to add it as a citation or as a new pair; an editor's confirmation shows it to the
public on the pair's page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.urls import reverse

from claims.cases import quote_url
from claims.curation import known_speakers
from claims.models import Claim, Contradiction, Speaker
from sources.models import Source
from sources.text.extract import extract_quotes
from watch.alerts import raise_alert
from watch.models import AlertKind, KnownRepeat, Side

CANDIDATES = 200  # sides compared per speaker and side, the most similar first


@dataclass(frozen=True)
class Match:
    contradiction: Contradiction
    side: str
    said: Claim  # the side's claim
    similarity: float
    words: float


def _lexemes(text: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tsvector_to_array(to_tsvector(%s::regconfig, %s))",
            [settings.SEARCH_CONFIG, text],
        )
        return set(cursor.fetchone()[0] or [])


def matches(*, speaker_ids, text: str, exclude_claim: int | None = None) -> list[Match]:
    """The sides of published contradictions, said by one of ``speaker_ids``, whose words
    ``text`` repeats."""
    text = (text or "").strip()
    if not text or not speaker_ids:
        return []
    words = _lexemes(text)
    found = []
    published = Contradiction.objects.published()
    for side in (Side.CLAIM, Side.COUNTER):
        pairs = published.filter(**{f"{side}_speaker__in": list(speaker_ids)})
        if exclude_claim is not None:
            pairs = pairs.exclude(Q(claim_id=exclude_claim) | Q(counter_id=exclude_claim))
        sides = (
            Claim.objects.filter(pk__in=pairs.values(side))
            .annotate(
                similarity=TrigramSimilarity("text", text),
                lexemes=RawSQL(
                    "tsvector_to_array(to_tsvector(%s::regconfig, claims_claim.text))",
                    [settings.SEARCH_CONFIG],
                ),
            )
            .filter(similarity__gte=min(settings.REPEAT_WORDS_TRIGRAM_MIN, 1.0))
            .order_by("-similarity", "pk")[:CANDIDATES]
        )
        repeated = []  # (the side's claim, the share of its words), most similar first
        for said in sides:
            theirs = set(said.lexemes or [])
            share = len(theirs & words) / len(theirs) if theirs else 0.0
            if said.similarity >= settings.REPEAT_TRIGRAM_MIN or (
                share >= settings.REPEAT_WORDS_MIN
                and said.similarity >= settings.REPEAT_WORDS_TRIGRAM_MIN
            ):
                repeated.append((said, share))
        if not repeated:
            continue
        pairs_of = defaultdict(list)  # each repeated claim's pairs, in one query
        column = f"{side}_id"
        for pair in pairs.filter(**{f"{side}__in": [said for said, _ in repeated]}).order_by("pk"):
            pairs_of[getattr(pair, column)].append(pair)
        for said, share in repeated:
            found += [Match(p, side.value, said, said.similarity, share) for p in pairs_of[said.pk]]
    return found


def check_claim(claim_id: int) -> int:
    """Propose and alert each repeat a claim on record makes; the number of new alerts."""
    claim = Claim.objects.select_related("speaker").filter(pk=claim_id).first()
    if claim is None:
        return 0
    raised = 0
    for match in matches(speaker_ids=[claim.speaker_id], text=claim.text, exclude_claim=claim.pk):
        repeat, created = KnownRepeat.objects.get_or_create(
            contradiction=match.contradiction,
            side=match.side,
            claim=claim,
            defaults={
                "words": claim.text,
                "speaker_name": claim.speaker.name,
                "similarity": match.similarity,
            },
        )
        if created and _alert(repeat, match, what=f"claim {claim.slug}", claim=claim):
            raised += 1
    return raised


def _earlier_text(source: Source, sha256: str) -> str:
    """The text of the source's capture with ``sha256`` ("" when none is kept)."""
    try:
        capture = apps.get_model("sources", "Capture")
    except LookupError:
        return ""
    found = capture.objects.filter(source=source, sha256=sha256).order_by("-pk").first()
    return found.text if found else ""


def check_capture(source_id: int, old_sha256: str = "") -> int:
    """The quotations of a source's text that its earlier capture (``old_sha256``) did not
    have, each checked as a claim would be (their speakers as ``extract_quotes`` names them,
    among the speakers of published pairs)."""
    source = Source.objects.filter(pk=source_id).first()
    if source is None or not source.text:
        return 0
    old_text = _earlier_text(source, old_sha256) if old_sha256 else ""
    pairs = Contradiction.objects.published()
    speaker_ids = set(pairs.values_list("claim_speaker", flat=True)) | set(
        pairs.values_list("counter_speaker", flat=True)
    )
    # as the curation reads them (misspellings and roles too), known here by their row id
    known = known_speakers(Speaker.objects.filter(pk__in=speaker_ids), by="pk")
    if not known:
        return 0
    raised = 0
    for candidate in extract_quotes(source.text, speakers=known):
        if candidate.speaker_id is None or (old_text and candidate.quote in old_text):
            continue
        for match in matches(speaker_ids=[int(candidate.speaker_id)], text=candidate.quote):
            repeat, created = KnownRepeat.objects.get_or_create(
                contradiction=match.contradiction,
                side=match.side,
                source=source,
                words=candidate.quote[:1000],
                claim=None,
                defaults={"speaker_name": candidate.speaker or "", "similarity": match.similarity},
            )
            if created and _alert(
                repeat,
                match,
                what=f"a quotation in “{source.title}”",
                source=source,
                quoted=candidate,
            ):
                raised += 1
    return raised


def _alert(repeat: KnownRepeat, match: Match, *, what: str, claim=None, source=None, quoted=None):
    pair = match.contradiction
    other = pair.counter if match.side == Side.CLAIM else pair.claim
    links = [
        [
            "Confirm or dismiss the repeat",
            reverse("admin:watch_knownrepeat_change", args=[repeat.pk]),
        ],
        ["The contradiction", reverse("admin:claims_contradiction_change", args=[pair.pk])],
    ]
    if claim is not None:
        links += [
            ["Add a citation to the contradicted claim", _claim_link(match.said)],
            [
                "Make a new pair of it",
                reverse("admin:claims_contradiction_add")
                + f"?claim={claim.pk}&counter={other.pk}&relation={pair.relation}",
            ],
        ]
    if source is not None and quoted is not None:
        for label, action in (("Cite the passage", "cite"), ("Make it a claim", "claim")):
            links.append([label, quote_url(source, quoted, action)])
    speaker = repeat.speaker_name or match.said.speaker.name
    side_words = "statement" if match.side == Side.CLAIM else "counter-evidence"
    return raise_alert(
        kind=AlertKind.REPEAT,
        key=f"repeat:{repeat.pk}",
        title=f"Said again: {speaker}, “{repeat.words[:80]}”",
        body=(
            f"{what[0].upper()}{what[1:]} repeats the {side_words} of the published pair "
            f"{pair.slug} (“{match.said.text[:200]}”; trigram similarity "
            f"{match.similarity:.2f}, {match.words:.0%} of its words)."
        ),
        cases=list(pair.cases.all()),
        source=source,
        repeat=repeat,
        links=links,
    )


def _claim_link(claim: Claim) -> str:
    return reverse("admin:claims_claim_change", args=[claim.pk])
