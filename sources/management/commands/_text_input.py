"""Reading text files for the quote commands: clear errors, never a traceback."""

from pathlib import Path

from django.core.management.base import CommandError

MAX_BYTES = 50 * 1024 * 1024


def read_text(path: str) -> str:
    file = Path(path)
    try:
        if file.stat().st_size > MAX_BYTES:
            raise CommandError(f"{path}: larger than 50 MB; not read.")
        data = file.read_bytes()
    except IsADirectoryError:
        raise CommandError(f"{path}: is a folder, not a text file.") from None
    except OSError as exc:
        raise CommandError(f"{path}: cannot read ({exc.strerror}).") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CommandError(
            f"{path}: not UTF-8 text (invalid byte at offset {exc.start}); "
            "convert it first, e.g. iconv -f windows-1252 -t utf-8."
        ) from None
