import sys

from django.core.management.base import BaseCommand, CommandError

from claims.exchange import ImportFailed, import_records


class Command(BaseCommand):
    help = (
        "Import records from a JSON Lines file in the exchange format ('-' for stdin). "
        "All or nothing: every bad line is reported and nothing is written. The file is read "
        "twice, streaming (checked, then written in batches in one transaction)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to a .jsonl file, or - for standard input.")
        parser.add_argument(
            "--no-progress",
            action="store_true",
            help="No progress bar (there is none when the output is not a terminal).",
        )

    def handle(self, *args, file, no_progress=False, **options):
        progress = not no_progress and self.stdout.isatty() and sys.stderr.isatty()
        try:
            handle = sys.stdin.buffer if file == "-" else open(file, "rb")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from None
        try:
            report = import_records(handle, progress=progress)
        except ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(f"{file}: {error}")
            raise CommandError(
                f"{len(exc.errors)} bad line(s) in {file}; nothing was imported."
            ) from None
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from None
        finally:
            if handle is not sys.stdin.buffer:
                handle.close()
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
