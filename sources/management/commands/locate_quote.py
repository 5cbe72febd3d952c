import json

from django.core.management.base import BaseCommand, CommandError

from sources.management.commands._text_input import read_text
from sources.text.locate import locate_quote


class Command(BaseCommand):
    help = (
        "Find a quote in a text file: verbatim, after normalising typography, or fuzzy with a "
        "score. Prints one JSON object: state, score, start, end, exact, prefix, suffix."
    )

    def add_arguments(self, parser):
        parser.add_argument("--text", required=True, metavar="PATH", help="The text file.")
        parser.add_argument("--quote", required=True, help="The quote as printed.")
        parser.add_argument("--context", type=int, default=32, help="Prefix/suffix length.")

    def handle(self, *args, text, quote, context, **options):
        if not quote.strip():
            raise CommandError("--quote is empty.")
        location = locate_quote(quote, read_text(text), context=max(0, min(context, 200)))
        self.stdout.write(
            json.dumps(
                {
                    "state": location.state,
                    "score": round(location.score, 1),
                    "start": location.start,
                    "end": location.end,
                    "exact": location.exact,
                    "prefix": location.prefix,
                    "suffix": location.suffix,
                },
                ensure_ascii=False,
            )
        )
