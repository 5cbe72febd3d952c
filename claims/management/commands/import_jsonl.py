import sys

from django.core.management.base import BaseCommand, CommandError

from claims.exchange import ImportFailed, NotEmpty, import_records


class Command(BaseCommand):
    help = (
        "Import records from a JSON Lines file in the exchange format ('-' for stdin). "
        "All or nothing: every bad line is reported and nothing is written. The file is read "
        "twice, streaming (checked, then written in batches in one transaction). With --restore, "
        "a backup or export of this app goes into an empty database as it was."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to a .jsonl file, or - for standard input.")
        parser.add_argument(
            "--restore",
            action="store_true",
            help="The file is this app's own export (a backup's records.jsonl), loaded into an "
            "empty database with its items as they were: a published item today's publishing "
            "rules would refuse is restored as published and listed for an editor ('Published, "
            "needs attention') instead of refusing the file. Refused if the database holds "
            "records.",
        )
        parser.add_argument(
            "--no-progress",
            action="store_true",
            help="No progress bar (there is none when the output is not a terminal).",
        )

    def handle(self, *args, file, restore=False, no_progress=False, **options):
        progress = not no_progress and self.stdout.isatty() and sys.stderr.isatty()
        try:
            handle = sys.stdin.buffer if file == "-" else open(file, "rb")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from None
        try:
            report = import_records(handle, progress=progress, restore=restore)
        except NotEmpty as exc:
            raise CommandError(f"Nothing was restored. {exc}") from None
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
                f"{'Restored' if restore else 'Imported'} {report.total} records from {file}: "
                f"{report.created} created, {report.updated} updated, {report.unchanged} "
                f"unchanged; {report.verified} citations verified."
            )
        )
        if report.drifted:
            self.stdout.write(
                self.style.WARNING(
                    f"{report.drifted} citation(s) no longer match their source's new text "
                    "(drifted): run verify_quotes to list them."
                )
            )
        if report.attention:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(report.attention)} rule(s) not met by published items, restored as "
                    "they were: the admin lists them under 'Published, needs attention'."
                )
            )
            for problem in report.attention:
                self.stdout.write(f"{file}: {problem}")
