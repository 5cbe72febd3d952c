import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from claims.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup folder (made by the backup command) into the configured database, in "
        "one transaction. Refuses a database that holds records unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="A backup folder, e.g. var/backups/<stamp>.")
        parser.add_argument(
            "--force", action="store_true", help="Replace a database that holds records."
        )

    def handle(self, *args, folder, force=False, **options):
        start = time.monotonic()
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
