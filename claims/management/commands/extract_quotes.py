import json

from django.core.management.base import BaseCommand

from claims.curation import known_speakers
from sources.management.commands._text_input import read_text
from sources.text.extract import extract_quotes


class Command(BaseCommand):
    help = (
        "List every quoted passage in text files: span, quote, statement or fragment, the "
        "likely speaker and the cue that names them. Speakers on record (with aliases) help "
        "attribution; none are needed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--format", choices=["jsonl", "text"], default="jsonl")
        parser.add_argument("--no-db", action="store_true", help="Do not look up known speakers.")

    def execute(self, *args, **options):
        # With --no-db nothing may connect: the system checks would (a generated field's check
        # asks the server its version), starting the embedded server or failing without one.
        if options.get("no_db"):
            options["skip_checks"] = True
        return super().execute(*args, **options)

    def handle(self, *args, paths, format, no_db, **options):
        texts = {path: read_text(path) for path in paths}  # fail before printing anything
        speakers = [] if no_db else known_speakers()
        for path, text in texts.items():
            for candidate in extract_quotes(text, speakers=speakers):
                record = {
                    "file": path,
                    "start": candidate.start,
                    "end": candidate.end,
                    "quote": candidate.quote,
                    "kind": candidate.kind,
                    "speaker": candidate.speaker,
                    "speaker_id": candidate.speaker_id,
                    "speaker_flag": candidate.speaker_flag,
                    "cue": candidate.cue,
                }
                if format == "jsonl":
                    self.stdout.write(json.dumps(record, ensure_ascii=False))
                else:
                    who = candidate.speaker or "unknown speaker"
                    flag = f" [{candidate.speaker_flag}]" if candidate.speaker_flag else ""
                    self.stdout.write(
                        f"{path}:{candidate.start}-{candidate.end} {candidate.kind}: "
                        f"“{candidate.quote}” — {who}{flag} ({candidate.cue or 'no cue'})"
                    )
