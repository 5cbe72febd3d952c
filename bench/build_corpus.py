#!/usr/bin/env python
"""Build the quote-extraction corpus from its marked-up sources.

    .venv/bin/python bench/build_corpus.py [--check]

Each source in ``tests/data/quotes/src/*.txt`` is an article written for the project
(fictional people and places) with its quotations marked where they stand::

    #style: ap
    #speaker: Jane Roe | person | mayor | Roe; Mayor Roe
    #speaker: Harlow Water Board | organization | | the board

    “{{S:Jane Roe|We will rebuild the bridge,}}” Roe said. She called it “{{F:Jane Roe|overdue}}”.

``{{S:speaker|words}}`` is a statement, ``{{F:speaker|words}}`` a fragment of reporting prose,
and ``-`` for the speaker means nobody is named. The words are exactly the span the
extractor should return: the text inside the quote marks, closing comma or full stop
included as printed. ``#speaker`` lines are the article's own people and organisations
(name | kind | role | aliases separated by ``;``), what a desk would have on record.
``#set: late`` marks an article written after the extraction rules were settled (the rest,
the tuning set, were read while writing them): the bench reports the two sets apart.

The build writes ``articles/<name>.txt`` (the text without the markup),
``quotes.jsonl`` (file, start, end, kind, speaker, quote: the format of the Rust case's
truth) and ``corpus.json`` (each file's style and speakers), and checks every span.
With ``--check`` it writes nothing and exits 1 when the built files are out of date.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "quotes"
_MARKUP = re.compile(r"\{\{([SF]):([^|{}]*)\|(.*?)\}\}", re.S)
_KINDS = {"S": "statement", "F": "fragment"}


def parse_source(source: str) -> tuple[dict[str, object], str, list[dict[str, object]]]:
    """(header, plain text, truth) of one marked-up article."""
    lines = source.split("\n")
    header: dict[str, object] = {"style": None, "set": "tuning", "speakers": []}
    k = 0
    while k < len(lines) and lines[k].startswith("#"):
        key, _, value = lines[k][1:].partition(":")
        value = value.strip()
        if key == "style":
            header["style"] = value
        elif key == "set":
            header["set"] = value
        elif key == "speaker":
            name, kind, role, aliases = ([*value.split("|"), "", "", ""])[:4]
            header["speakers"].append(  # type: ignore[union-attr]
                {
                    "name": name.strip(),
                    "kind": kind.strip() or "person",
                    "role": role.strip(),
                    "aliases": [a.strip() for a in aliases.split(";") if a.strip()],
                }
            )
        else:
            raise ValueError(f"unknown header line {lines[k]!r}")
        k += 1
    body = "\n".join(lines[k:]).strip("\n") + "\n"
    out: list[str] = []
    truth: list[dict[str, object]] = []
    pos = 0
    length = 0
    for m in _MARKUP.finditer(body):
        before = body[pos : m.start()]
        out.append(before)
        length += len(before)
        words = m.group(3)
        if "{{" in words:
            raise ValueError(f"nested markup in {words[:40]!r}")
        speaker = m.group(2).strip()
        truth.append(
            {
                "start": length,
                "end": length + len(words),
                "kind": _KINDS[m.group(1)],
                "speaker": None if speaker == "-" else speaker,
                "quote": words,
            }
        )
        out.append(words)
        length += len(words)
        pos = m.end()
    out.append(body[pos:])
    text = "".join(out)
    if "{{" in text or "}}" in text:
        raise ValueError("unbalanced markup")
    for t in truth:
        assert text[t["start"] : t["end"]] == t["quote"]  # type: ignore[misc]
    return header, text, truth


def build() -> dict[Path, str]:
    """The files the corpus is made of, by path, as text."""
    files: dict[Path, str] = {}
    manifest: dict[str, object] = {}
    quotes: list[str] = []
    for src in sorted((CORPUS / "src").glob("*.txt")):
        header, text, truth = parse_source(src.read_text(encoding="utf-8"))
        if not header["style"]:
            raise ValueError(f"{src.name}: no #style line")
        files[CORPUS / "articles" / src.name] = text
        manifest[src.name] = header
        for t in truth:
            quotes.append(json.dumps({"file": src.name, **t}, ensure_ascii=False))
    files[CORPUS / "quotes.jsonl"] = "\n".join(quotes) + "\n"
    files[CORPUS / "corpus.json"] = json.dumps(manifest, ensure_ascii=False, indent=1) + "\n"
    return files


def main(argv: list[str]) -> int:
    files = build()
    if "--check" in argv:
        stale = [p for p, t in files.items() if not p.exists() or p.read_text("utf-8") != t]
        for p in stale:
            print(f"out of date: {p.relative_to(ROOT)}")
        return 1 if stale else 0
    (CORPUS / "articles").mkdir(exist_ok=True)
    for p, t in files.items():
        p.write_text(t, encoding="utf-8")
    print(f"{len(files) - 2} articles, {files[CORPUS / 'quotes.jsonl'].count(chr(10))} quotes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
