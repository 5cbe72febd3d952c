import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from rust_tracker.ops.backups import JSONL, BackupError, check_folder, restore


class Command(BaseCommand):
    help = (
        "Restore a backup folder (made by the backup command) into the configured database, in "
        "one transaction. Refuses a database that holds records unless --force. With --jsonl, "
        "its records.jsonl instead of its dump."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="A backup folder, e.g. var/backups/<stamp>.")
        parser.add_argument(
            "--force", action="store_true", help="Replace a database that holds records."
        )
        parser.add_argument(
            "--jsonl",
            action="store_true",
            help="Restore the folder's records.jsonl (the exchange-format export) instead of "
            "its dump: for another PostgreSQL version or another copy of the app. Into an empty, "
            "migrated database; the records only (not accounts, sessions or edit history), as "
            "they were (import_jsonl --restore).",
        )

    def handle(self, *args, folder, force=False, jsonl=False, **options):
        start = time.monotonic()
        if jsonl:
            self._records(Path(folder), force)
            return
        try:
            counts = restore(Path(folder), force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {folder} in {time.monotonic() - start:.1f} s: "
                f"{sum(counts.values())} rows in {len(counts)} tables, as the manifest counts."
            )
        )

    def _records(self, folder: Path, force: bool) -> None:
        if force:
            raise CommandError(
                "--jsonl restores into an empty database only: --force replaces a database's "
                "contents with the dump (leave out --jsonl)."
            )
        try:
            check_folder(folder)  # every file present and matching its checksum
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        call_command(
            "import_jsonl",
            str(folder / JSONL),
            restore=True,
            no_progress=True,
            stdout=self.stdout,
            stderr=self.stderr,
        )
