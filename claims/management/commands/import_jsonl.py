import sys

from django.core.management.base import BaseCommand, CommandError

from claims.exchange import ImportFailed, import_records


class Command(BaseCommand):
    help = (
        "Import records from a JSON Lines file in the exchange format ('-' for stdin). "
        "All or nothing: any bad line is reported and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to a .jsonl file, or - for standard input.")

    def handle(self, *args, file, **options):
        try:
            if file == "-":
                data = sys.stdin.buffer.read()
            else:
                with open(file, "rb") as handle:
                    data = handle.read()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from None
        try:
            report = import_records(data)
        except ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(f"{file}: {error}")
            raise CommandError(
                f"{len(exc.errors)} bad line(s) in {file}; nothing was imported."
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {report.total} records from {file}: {report.created} created, "
                f"{report.updated} updated, {report.unchanged} unchanged; "
                f"{report.verified} citations verified."
            )
        )
        if report.drifted:
            self.stdout.write(
                self.style.WARNING(
                    f"{report.drifted} citation(s) no longer match their source's new text "
                    "(drifted): run verify_quotes to list them."
                )
            )
