import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rust_tracker.ops.backups import JSONL, BackupError, backup, default_root


class Command(BaseCommand):
    help = (
        "Back up the database: a pg_dump (custom format, of the server's major version) and the "
        "exchange-format JSONL export, with a manifest, in a new folder under var/backups/ "
        "(BACKUP_DIR, or --dir)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="Where to create the backup folder.")

    def handle(self, *args, dir=None, **options):
        start = time.monotonic()
        try:
            folder, manifest = backup(Path(dir) if dir else default_root())
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(f"Cannot write the backup: {exc}") from None
        size = sum(f["bytes"] for f in manifest["files"].values())
        records = manifest["counts"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {manifest['database']} (PostgreSQL {manifest['server_version']}) "
                f"to {folder} in {time.monotonic() - start:.1f} s: {size / 1e6:.2f} MB, "
                f"{sum(records.values())} rows in {len(records)} tables."
            )
        )
        self.stdout.write(f"Restore: make restore FROM={folder}")
        self.stdout.write(
            f"Portable fallback ({JSONL}): manage.py migrate && manage.py restore --jsonl {folder}"
        )
