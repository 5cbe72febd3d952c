"""Re-checking quotes from the admin, shared by the claim, citation and source pages."""

from django.contrib import messages

from claims.services import verify_citations


def message_recheck(model_admin, request, citations) -> None:
    """Re-verify ``citations`` and say what was found, naming every one not verified."""
    citations = list(citations.order_by("claim__slug", "position", "pk"))
    verify_citations(citations)
    counts: dict[str, int] = {}
    for citation in citations:
        label = citation.get_verification_state_display()
        counts[label] = counts.get(label, 0) + 1
    summary = ", ".join(f"{label}: {n}" for label, n in sorted(counts.items())) or "none"
    model_admin.message_user(request, f"Re-checked {len(citations)} quote(s). {summary}.")
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
