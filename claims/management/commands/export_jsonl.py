from django.core.management.base import BaseCommand, CommandError

from claims.exchange import dumps, export_records


class Command(BaseCommand):
    help = "Export every record as JSON Lines in the exchange format (stdout when no file)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="Where to write; standard output if omitted.")

    def handle(self, *args, file=None, **options):
        if not file:
            for record in export_records():
                self.stdout.write(dumps(record))
            return
        try:
            with open(file, "w", encoding="utf-8", newline="\n") as out:
                for record in export_records():
                    out.write(dumps(record) + "\n")
        except OSError as exc:
            raise CommandError(f"Cannot write {file}: {exc.strerror}") from None
