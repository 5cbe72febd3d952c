from collections import Counter

from django.core.management.base import BaseCommand
from django.db.models import F
from tqdm import tqdm

from claims.models import Citation, VerificationState
from claims.services import verify_citation


class Command(BaseCommand):
    help = (
        "Re-check every citation against its source's archived text, streaming, and print a "
        "summary of counts by state. Lists drifted citations (words gone after a new snapshot)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", help="Only citations of this source (its id/slug).")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, source=None, no_progress=False, **options):
        citations = (
            Citation.objects.select_related("source")
            .annotate(claim_slug=F("claim__slug"))
            .order_by("source_id", "pk")
        )
        if source:
            citations = citations.filter(source__slug=source)
        total = citations.count()
        counts: Counter[str] = Counter()
        drifted = []
        progress = tqdm(
            total=total, unit="quote", disable=no_progress or total == 0, file=self.stderr._out
        )
        # Citations grouped by source: each source's text is fetched once per chunk.
        for citation in citations.iterator(chunk_size=500):
            was_drifted = citation.drifted
            verify_citation(citation=citation, text=citation.source.text)
            if was_drifted and citation.verification_state == VerificationState.NOT_FOUND:
                citation.drifted = True
                citation.save(update_fields=["drifted"])
                drifted.append(citation)
            counts[citation.verification_state] += 1
            progress.update()
        progress.close()
        labels = dict(VerificationState.choices)
        self.stdout.write(f"Checked {total} citation(s).")
        for state in VerificationState.values:
            if counts[state]:
                self.stdout.write(f"  {labels[state]}: {counts[state]}")
        for citation in drifted:
            self.stdout.write(
                self.style.WARNING(
                    f"  drifted: citation {citation.pk} of claim {citation.claim_slug} "
                    f"in source {citation.source.slug}"
                )
            )
