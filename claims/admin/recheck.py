"""Re-checking quotes from the admin, shared by the claim, citation and source pages."""

from django.contrib import messages

from claims import publishing
from claims.verification import verify_citation


def message_recheck(model_admin, request, citations) -> None:
    """Re-verify ``citations`` and say what was found, naming every one not verified.

    What a published or retracted claim shows (its badge and "checked" date) is an editor's to
    record: for anyone else its citations are checked and reported, not saved."""
    citations = list(citations.order_by("claim__slug", "position", "pk"))
    editor = publishing.can_publish(request.user)
    unsaved = 0
    for citation in citations:
        save = editor or not citation.claim.is_on_record
        verify_citation(citation=citation, text=citation.source.text, save=save)
        unsaved += not save
    counts: dict[str, int] = {}
    for citation in citations:
        label = citation.get_verification_state_display()
        counts[label] = counts.get(label, 0) + 1
    summary = ", ".join(f"{label}: {n}" for label, n in sorted(counts.items())) or "none"
    model_admin.message_user(request, f"Re-checked {len(citations)} quote(s). {summary}.")
    if unsaved:
        model_admin.message_user(
            request,
            f"{unsaved} of them belong to published items: checked, not recorded (an editor's "
            "re-check records them).",
            messages.INFO,
        )
    bad = [c for c in citations if not c.is_verified]
    if bad:
        model_admin.message_user(
            request,
            "Not verified: "
            + "; ".join(
                f"'{c.claim.slug}' in '{c.source.slug}' ({c.verification_state})" for c in bad
            ),
            messages.WARNING,
        )
