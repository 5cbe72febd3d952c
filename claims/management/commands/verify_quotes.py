from collections import Counter

from django.core.management.base import BaseCommand
from django.db.models import Exists, F, OuterRef
from tqdm import tqdm

from claims.models import Citation, VerificationState
from claims.verification import verify_citation
from sources.models import Source


class Command(BaseCommand):
    help = (
        "Re-check every citation against its source's archived text, streaming, and print a "
        "summary of counts by state. Lists drifted citations (words gone after a new snapshot)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", help="Only citations of this source (its id/slug).")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, source=None, no_progress=False, **options):
        citations = Citation.objects.all()
        sources = Source.objects.filter(Exists(Citation.objects.filter(source=OuterRef("pk"))))
        if source:
            citations = citations.filter(source__slug=source)
            sources = sources.filter(slug=source)
        total = citations.count()
        counts: Counter[str] = Counter()
        drifted = []
        progress = tqdm(
            total=total, unit="quote", disable=no_progress or total == 0, file=self.stderr._out
        )
        # Source by source: each archived text is read once, whatever its number of quotes.
        for item in sources.only("pk", "slug", "text").order_by("pk").iterator(chunk_size=50):
            for citation in item.citations.annotate(claim_slug=F("claim__slug")).order_by("pk"):
                verify_citation(citation=citation, text=item.text)  # keeps drift while lost
                if citation.drifted:
                    drifted.append((citation, item))
                counts[citation.verification_state] += 1
                progress.update()
        progress.close()
        labels = dict(VerificationState.choices)
        self.stdout.write(f"Checked {total} citation(s).")
        for state in VerificationState.values:
            if counts[state]:
                self.stdout.write(f"  {labels[state]}: {counts[state]}")
        for citation, item in drifted:
            self.stdout.write(
                self.style.WARNING(
                    f"  drifted: citation {citation.pk} of claim {citation.claim_slug} "
                    f"in source {item.slug}"
                )
            )
