"""Citations verified against their sources' archived text: a quote located and the result kept
(``verify_citation``), a source's new text stored as a capture and its citations re-anchored
(``replace_source_text``, the one way to add a capture), a wrong capture superseded
(``supersede_capture``), the one rule for drift, and the editor's report of what drifted.

Each citation records the capture it was checked in (``Citation.capture``). A new capture
re-anchors the citations it still prints; one it no longer prints keeps its verification
against the capture it was checked in and is marked drifted: "changed since" (the public badge
links to the word diff of the two captures).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from claims.models import VERIFIED_STATES, Citation, Claim, Contradiction, VerificationState
from sources import warc
from sources.models import Capture, CaptureHow, Source
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
SAVED_FIELDS = [*ANCHOR_FIELDS, "capture"]


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


def verify_citation(
    *,
    citation: Citation,
    text: str | None = None,
    save: bool = True,
    capture: Capture | bool | None = True,
    checked_in: Capture | None = None,
) -> Citation:
    """Locate the citation's quote in its source's archived text and keep the result.

    ``text`` saves a query when the caller already holds the source's text; ``capture``, the
    source's current capture when the caller holds it (True: looked up; False: the citation's
    capture left as it is, for a caller that links them itself); ``checked_in``, the capture
    the citation was checked in, with its text, when the caller holds it (the import).

    A drifted citation ("changed since": its words are not in the current capture) whose quote
    is still printed in the capture it was checked in keeps that verification.
    """
    if text is None:
        text = citation.source.text
    if capture is True:
        capture = current_capture(citation.source_id)
    location = locate_quote(citation.quote, text, hint=citation.anchor_start)
    earlier = (
        citation.drifted
        and location.state not in VERIFIED_STATES
        and citation.capture_id is not None
        and capture is not False
        and citation.capture_id != getattr(capture, "pk", None)
    )
    if earlier:
        before = checked_in
        if before is None or before.pk != citation.capture_id:
            before = Capture.objects.in_use().filter(pk=citation.capture_id).first()
        found = (
            locate_quote(citation.quote, before.text, hint=citation.anchor_start)
            if before is not None
            else None
        )
        if found is not None and found.state in VERIFIED_STATES:
            _apply_location(citation, found, now=timezone.now())
            if save:
                _save_verification(citation)
            return citation
    _apply_location(citation, location, now=timezone.now())
    citation.drifted = drift(citation, location.state)
    if capture is not False:
        citation.capture = capture if text else None
    if save:
        _save_verification(citation)
    return citation


def capture_of_text(source: Source) -> Capture | None:
    """The capture a source's stored text is: its latest one in use with that digest; None
    for a text written outside ``replace_source_text`` (the exchange's import writes texts
    itself: its citations are then checked as before captures were kept)."""
    if not source.text:
        return None
    captures = Capture.objects.in_use().listed().filter(source_id=source.pk, sha256=source.sha256)
    return captures.order_by("-pk").first()


def current_capture(source_id: int | None) -> Capture | None:
    """The capture a source's text is (its latest one in use), without its text."""
    if source_id is None:
        return None
    captures = Capture.objects.in_use().listed().filter(source_id=source_id)
    return captures.order_by("-pk").first()


def _save_verification(citation: Citation) -> None:
    """Machine-kept fields: saved without a history entry (history is for curators' changes),
    so a re-check of a million quotes does not bury the record of who changed what."""
    citation.skip_history_when_saving = True
    try:
        citation.save(update_fields=SAVED_FIELDS)
    finally:
        del citation.skip_history_when_saving


@transaction.atomic
def replace_source_text(
    *,
    source: Source,
    text: str,
    captured_at: datetime | None = None,
    how: str = CaptureHow.PASTED,
    by=None,
    raw_bytes: bytes | None = None,
    headers=None,
    url: str = "",
    status: int | None = None,
) -> list[Citation]:
    """Store a new archived text of a source as a capture and re-anchor every citation in it:
    the one way to add a capture (the admin, the intake, a revision, the import, the watch).

    ``how``: pasted, uploaded, fetched, watch (or imported); ``by``: the user who took it (None:
    the operator, the import, the watch); ``raw_bytes`` and ``headers``: what was uploaded or
    fetched, kept as a WARC record (``url``, the address read, defaults to the source's;
    ``status``, the answer's HTTP status, 200 for a fetch; an upload is a resource record).
    A text the same as the current capture's adds none. An empty text leaves no capture (its
    citations have nothing to be checked in).

    Returns the citations that drifted: not printed in the new capture, they keep their
    verification against the capture they were checked in ("changed since").
    """
    taken_at = captured_at or timezone.now()
    digest = Source.digest(text)
    current = current_capture(source.pk)
    same = bool(text) and current is not None and current.sha256 == digest
    source.text = text
    source.sha256 = digest
    source.captured_at = current.taken_at if same else (taken_at if text else captured_at)
    source.save()
    capture = current if same else None
    if text and not same:
        record = None
        fetched = how in (CaptureHow.FETCHED, CaptureHow.WATCH)
        if raw_bytes is not None:
            record = warc.record(
                body=raw_bytes,
                url=url or source.url or f"urn:upload:{source.slug}",
                taken_at=taken_at,
                headers=headers,
                status=(status or 200) if fetched else None,
            )
        capture = Capture.objects.create(
            source=source,
            text=text,
            sha256=digest,
            taken_at=taken_at,
            how=how,
            by=by if getattr(by, "pk", None) else None,
            url=url or (source.url if fetched else ""),
            warc=record,
        )
    return reanchor_citations(source=source, capture=capture)


@transaction.atomic
def supersede_capture(*, capture: Capture, by, reason: str) -> list[Citation]:
    """An editor's mark on a capture that was simply wrong (a bad paste): kept in history,
    never used for verification again. When it was the source's current text, the source
    goes back to its latest capture still in use; every citation checked in it is checked
    again against the source's current capture. Returns the citations that drifted."""
    from claims.guard import is_editor

    reason = " ".join((reason or "").split())
    if not is_editor(by):
        raise PermissionError("Only an editor supersedes a capture.")
    if not reason:
        raise ValueError("Say why the capture is superseded.")
    if capture.superseded_at is not None:
        raise ValueError("This capture is already superseded.")
    Capture.objects.filter(pk=capture.pk).update(
        superseded_at=timezone.now(), superseded_by=by, superseded_reason=reason[:500]
    )
    capture.refresh_from_db(fields=["superseded_at", "superseded_by", "superseded_reason"])
    source = Source.objects.select_for_update().get(pk=capture.source_id)
    latest = Capture.objects.in_use().filter(source=source).order_by("-pk").first()
    drifted = []
    if capture.sha256 == source.sha256 and (latest is None or latest.sha256 != source.sha256):
        source.text = latest.text if latest else ""
        source.sha256 = latest.sha256 if latest else ""
        source.captured_at = latest.taken_at if latest else None
        source._change_reason = f"Capture {capture.pk} superseded: {reason}"[:100]
        source.save()
        drifted = reanchor_citations(source=source, capture=latest)
    kept = {c.pk: c for c in drifted if c.capture_id != capture.pk}
    for citation in source.citations.filter(capture=capture).select_for_update(of=("self",)):
        citation.drifted = False  # what it was checked in does not count: checked anew
        verify_citation(citation=citation, text=source.text, capture=latest)
        if citation.drifted:
            kept[citation.pk] = citation
    return list(kept.values())


def reanchor_citations(*, source: Source, capture: Capture | bool | None = True) -> list[Citation]:
    """Re-find every citation of ``source`` in its (new) text, by prefix and suffix, in
    ``capture`` (the source's current capture; True: looked up).

    A citation found is checked in the new capture. One verified in the capture it was checked
    in whose words the new one no longer prints as they were (not found, or only a close
    match) keeps that verification and is marked drifted ("changed since"); with no such
    capture (never found, or checked before captures were kept) it turns
    "not found", drifted if it had been found. The drifted citations are returned, for the
    curator to review.
    """
    if capture is True:
        capture = capture_of_text(source)
    capture_id = getattr(capture, "pk", None)
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
        keeps_earlier = (
            location.state not in VERIFIED_STATES
            and capture_id is not None
            and citation.capture_id is not None
            and citation.capture_id != capture_id
            and citation.verification_state in VERIFIED_STATES
        )
        if keeps_earlier:
            citation.drifted = True  # changed since the capture it was checked in
        else:
            _apply_location(citation, location, now=now)
            citation.drifted = drift(citation, location.state, found_before_replacement=had_anchor)
            citation.capture = capture if source.text else None
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
        [f"claim '{slug}'" for slug in claims.published().values_list("slug", flat=True)]
        + [
            f"contradiction '{slug}'"
            for slug in Contradiction.objects.involving(claims.values("pk"))
            .published()
            .values_list("slug", flat=True)
        ]
    )
    message = (
        f"{len(drifted)} citation(s) are not in the new text and are marked drifted: they keep "
        f"their verification against the capture they were checked in, shown as changed "
        f"since: {names}."
    )
    if published:
        message += f" Published items affected: {', '.join(published)}."
    return message + " Restore the text, fix the quotes, or unpublish what depends on them."
