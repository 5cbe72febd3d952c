"""A PDF's text layer, read in a process of its own.

``sources.intake.documents.read_pdf`` runs this file with the PDF on standard input::

    python -I sources/intake/pdfworker.py MAX_TEXT MAX_MEMORY < file.pdf

and kills it at its time limit: a few kilobytes of PDF can hold megabytes of compressed text
operators that pypdf takes minutes over. Here the process's address space is capped at
``MAX_MEMORY`` bytes (``RLIMIT_AS``), and the reading stops once the pages' text passes
``MAX_TEXT`` bytes of UTF-8. One JSON object is written to standard output (UTF-8, lone
surrogates kept): ``{"pages": [...], "title": ..., "author": ...}`` or ``{"refused": why}``,
why being ``encrypted``, ``text``, ``memory`` or ``unreadable``.

Only the standard library and pypdf are imported: no Django, no settings, no database.
"""

from __future__ import annotations

import json
import resource
import sys
from io import BytesIO


def _out_of_memory(error: BaseException | None) -> bool:
    """A MemoryError, or an error raised while handling one (pypdf wraps some errors)."""
    seen = 0
    while error is not None and seen < 20:
        if isinstance(error, MemoryError):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


def extract(data: bytes, max_text: int) -> dict:
    from pypdf import PdfReader

    reader = PdfReader(BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):
        return {"refused": "encrypted"}
    pages, size = [], 0
    for page in reader.pages:
        text = page.extract_text() or ""
        size += len(text.encode("utf-8", "surrogatepass"))
        if size > max_text:
            return {"refused": "text"}
        pages.append(text)
    info = reader.metadata or {}
    return {
        "pages": pages,
        "title": str(info.get("/Title") or ""),
        "author": str(info.get("/Author") or ""),
    }


def main() -> None:
    max_text, max_memory = int(sys.argv[1]), int(sys.argv[2])
    data = sys.stdin.buffer.read()
    resource.setrlimit(resource.RLIMIT_AS, (max_memory, max_memory))
    try:
        result = extract(data, max_text)
    except MemoryError:
        result = {"refused": "memory"}
    except Exception as error:  # pypdf raises many kinds on damaged files
        result = {"refused": "memory" if _out_of_memory(error) else "unreadable"}
    del data
    try:
        out = json.dumps(result, ensure_ascii=False).encode("utf-8", "surrogatepass")
    except MemoryError:
        out = b'{"refused": "memory"}'
    sys.stdout.buffer.write(out)
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
