"""Citations verified against their sources' archived text: a quote located and the result kept
(``verify_citation``), a source's new text stored and its citations re-anchored
(``replace_source_text``), the one rule for drift, and the editor's report of what drifted."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from claims.models import Citation, Claim, Contradiction, VerificationState
from sources.models import Source
from sources.text.locate import locate_quote, reanchor

ANCHOR_FIELDS = [
    "anchor_exact",
    "anchor_prefix",
    "anchor_suffix",
    "anchor_start",
    "anchor_end",
    "anchor_parts",
    "verification_state",
    "verification_score",
    "verified_at",
    "drifted",
]


def _apply_location(citation: Citation, location, *, now: datetime) -> None:
    citation.verification_state = location.state
    citation.verification_score = (
        location.score if location.state != VerificationState.NO_TEXT else None
    )
    citation.anchor_exact = location.exact or ""
    citation.anchor_prefix = location.prefix or ""
    citation.anchor_suffix = location.suffix or ""
    citation.anchor_start = location.start
    citation.anchor_end = location.end
    citation.anchor_parts = [part.as_dict() for part in location.parts]
    citation.verified_at = now


def drift(citation: Citation, state: str, *, found_before_replacement: bool = False) -> bool:
    """The one rule for drift, for every caller that (re-)checks a citation: the admin's
    "Re-check quotes" actions, ``manage.py verify_quotes``, a curator's edit, the import.

    A citation drifts when its words were found in its source before the source's text was
    replaced (``found_before_replacement``: it had an anchor) and are not found now. The mark
    lasts while they stay lost, whatever checks them again, so the editors still see why a
    published quote fails; finding the words again (or a text with nothing to look in) ends it.
    """
    was_found = citation.drifted or found_before_replacement
    return was_found and state == VerificationState.NOT_FOUND


def verify_citation(*, citation: Citation, text: str | None = None, save: bool = True) -> Citation:
    """Locate the citation's quote in its source's archived text and keep the result.

    ``text`` saves a query when the caller already holds the source's text.
    """
    if text is None:
        text = citation.source.text
    location = locate_quote(citation.quote, text, hint=citation.anchor_start)
    _apply_location(citation, location, now=timezone.now())
    citation.drifted = drift(citation, location.state)
    if save:
        _save_verification(citation)
    return citation


def _save_verification(citation: Citation) -> None:
    """Machine-kept fields: saved without a history entry (history is for curators' changes),
    so a re-check of a million quotes does not bury the record of who changed what."""
    citation.skip_history_when_saving = True
    try:
        citation.save(update_fields=ANCHOR_FIELDS)
    finally:
        del citation.skip_history_when_saving


@transaction.atomic
def replace_source_text(
    *, source: Source, text: str, captured_at: datetime | None = None
) -> list[Citation]:
    """Store a new archived snapshot of a source and re-anchor every citation in it.
    Returns the citations that drifted (see ``reanchor_citations``)."""
    source.text = text
    source.sha256 = Source.digest(text)
    source.captured_at = (captured_at or timezone.now()) if text else captured_at
    source.save()
    return reanchor_citations(source=source)


def reanchor_citations(*, source: Source) -> list[Citation]:
    """Re-find every citation of ``source`` in its (new) text, by prefix and suffix.

    A citation whose words are gone turns "not found" and is marked drifted; the drifted
    citations are returned, for the curator to review.
    """
    now = timezone.now()
    drifted = []
    for citation in source.citations.select_related("claim").select_for_update(of=("self",)):
        had_anchor = citation.anchor_start is not None and bool(citation.anchor_exact)
        location = None
        if had_anchor:
            location = reanchor(
                exact=citation.anchor_exact,
                prefix=citation.anchor_prefix,
                suffix=citation.anchor_suffix,
                start=citation.anchor_start,
                new_text=source.text,
                parts=citation.anchor_parts,
            )
        if location is None or location.state == VerificationState.NOT_FOUND:
            # the anchored words are gone (or never were): the printed quote may still be there
            location = locate_quote(citation.quote, source.text)
        _apply_location(citation, location, now=now)
        citation.drifted = drift(citation, location.state, found_before_replacement=had_anchor)
        _save_verification(citation)
        if citation.drifted:
            drifted.append(citation)
    return drifted


def drift_report(drifted: list[Citation]) -> str:
    """Names the citations that no longer match a replaced text, and the published items
    that now stand on them (those that need attention: the publishing rule), for the editor."""
    names = "; ".join(f"'{c.claim.slug}' (“{c.quote[:60]}”)" for c in drifted)
    claims = Claim.objects.filter(pk__in={c.claim_id for c in drifted})
    published = sorted(
        [f"claim '{slug}'" for slug in claims.needing_attention().values_list("slug", flat=True)]
        + [
            f"contradiction '{slug}'"
            for slug in Contradiction.objects.involving(claims.values("pk"))
            .needing_attention()
            .values_list("slug", flat=True)
        ]
    )
    message = (
        f"{len(drifted)} citation(s) no longer match the new text and are marked drifted: {names}."
    )
    if published:
        message += f" Published items affected: {', '.join(published)}."
    return message + " Restore the text, fix the quotes, or unpublish what depends on them."
