#!/usr/bin/env python
"""Quote extraction and location benchmark.

    .venv/bin/python bench/bench_quotes.py [ARTICLES_DIR] [GOLD_JSONL] [--check] [--verbose]

1. Extraction quality: runs `extract_quotes` over the articles with a small list of known
   speakers and scores it against the gold file (every quotation in the articles, with
   speaker, kind and offsets). A predicted span matches a gold span when both ends are within
   2 characters or their character Jaccard is at least 0.9.
2. Location speed: 1,000 quotes located in 1,000 synthetic texts of 20 KB (deterministic:
   `random.Random(seed)`), some verbatim, some with typographic changes, some with trailing
   punctuation changed, some with one word changed, some absent.
3. Extraction speed: one article of about 100 KB made by repeating the articles.

Times are the best of several runs (the median is shown too): the machine may be busy.

Prints a table; exits 0, or with ``--check`` exits 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sources.text.extract import Candidate, extract_quotes  # noqa: E402
from sources.text.locate import locate_quote  # noqa: E402
from sources.text.normalize import normalize_cached  # noqa: E402
from sources.text.speakers import KnownSpeaker  # noqa: E402

DEFAULT_ARTICLES = ROOT.parent / "shared" / "cases" / "rust" / "articles"
DEFAULT_GOLD = ROOT.parent / "shared" / "cases" / "rust" / "quotes.jsonl"

# Benchmark data: the people and organisations of the case the articles come from.
SPEAKERS = [
    KnownSpeaker("alec-baldwin", "Alec Baldwin", ["Alec", "Baldwin"]),
    KnownSpeaker("fbi", "FBI", ["Federal Bureau of Investigation"], kind="organization"),
    KnownSpeaker("halyna-hutchins", "Halyna Hutchins", ["Halyna", "Hutchins"]),
    KnownSpeaker("joel-souza", "Joel Souza", ["Souza"]),
    KnownSpeaker("george-stephanopoulos", "George Stephanopoulos", ["Stephanopoulos"]),
    KnownSpeaker("chris-cuomo", "Chris Cuomo", ["Cuomo"]),
    KnownSpeaker("hannah-gutierrez-reed", "Hannah Gutierrez-Reed", ["Gutierrez-Reed"]),
    KnownSpeaker("david-halls", "David Halls", ["Halls"]),
    KnownSpeaker("matthew-hutchins", "Matthew Hutchins", ["Matthew"]),
    KnownSpeaker("hilaria-baldwin", "Hilaria Baldwin", ["Hilaria"]),
]

GOALS = {
    "statement_recall": 0.95,  # at least
    "speaker_accuracy": 0.90,  # at least
    "false_quotes": 2,  # at most
    "locate_seconds": 2.0,  # under
    "extract_ms": 200.0,  # under
}


# --- extraction quality ----------------------------------------------------------------------


@dataclass
class Gold:
    file: str
    speaker: str | None
    quote: str
    kind: str
    start: int
    end: int


def spans_match(a: tuple[int, int], b: tuple[int, int]) -> bool:
    if abs(a[0] - b[0]) <= 2 and abs(a[1] - b[1]) <= 2:
        return True
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return union > 0 and inter / union >= 0.9


def load_gold(path: Path) -> list[Gold]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            out.append(
                Gold(d["file"], d.get("speaker"), d["quote"], d["kind"], d["start"], d["end"])
            )
    return out


def score_extraction(
    articles: Path, gold_path: Path, verbose: bool, speakers: list[KnownSpeaker] = SPEAKERS
) -> dict[str, float]:
    gold = load_gold(gold_path)
    by_file: dict[str, list[Gold]] = {}
    for g in gold:
        by_file.setdefault(g.file, []).append(g)
    files = sorted({*by_file, *(p.name for p in articles.glob("*.txt"))})
    matched: list[tuple[Gold, Candidate]] = []
    false_quotes: list[tuple[str, Candidate]] = []
    missed: list[Gold] = []
    pred_kinds: Counter[str] = Counter()
    pred_kind_matched: Counter[str] = Counter()
    for name in files:
        text = (articles / name).read_text(encoding="utf-8")
        preds = extract_quotes(text, speakers=speakers)
        golds = by_file.get(name, [])
        used: set[int] = set()
        for c in preds:
            pred_kinds[c.kind] += 1
        for g in golds:
            hit = None
            for k, c in enumerate(preds):
                if k not in used and spans_match((c.start, c.end), (g.start, g.end)):
                    hit = k
                    break
            if hit is None:
                missed.append(g)
            else:
                used.add(hit)
                matched.append((g, preds[hit]))
                pred_kind_matched[preds[hit].kind] += 1
        false_quotes += [(name, c) for k, c in enumerate(preds) if k not in used]

    def recall(kind: str) -> float:
        total = sum(1 for g in gold if g.kind == kind)
        hits = sum(1 for g, _ in matched if g.kind == kind)
        return hits / total if total else 1.0

    def precision(kind: str) -> float:
        return pred_kind_matched[kind] / pred_kinds[kind] if pred_kinds[kind] else 1.0

    speaker_ok = [g.speaker == c.speaker for g, c in matched]
    kind_ok = [g.kind == c.kind for g, c in matched]
    result = {
        "gold": len(gold),
        "gold_statements": sum(1 for g in gold if g.kind == "statement"),
        "gold_fragments": sum(1 for g in gold if g.kind == "fragment"),
        "predicted": sum(pred_kinds.values()),
        "statement_recall": recall("statement"),
        "statement_precision": precision("statement"),
        "fragment_recall": recall("fragment"),
        "fragment_precision": precision("fragment"),
        "speaker_accuracy": sum(speaker_ok) / len(speaker_ok) if speaker_ok else 0.0,
        "kind_accuracy": sum(kind_ok) / len(kind_ok) if kind_ok else 0.0,
        "false_quotes": len(false_quotes),
        "missed": len(missed),
    }
    if verbose:
        for g in missed:
            print(f"  MISSED  {g.file} [{g.start}:{g.end}] {g.kind}: {g.quote[:70]!r}")
        for name, c in false_quotes:
            print(f"  FALSE   {name} [{c.start}:{c.end}] {c.kind}: {c.quote[:70]!r}")
        for g, c in matched:
            if g.speaker != c.speaker:
                print(
                    f"  SPEAKER {g.file} [{g.start}] gold={g.speaker!r} got={c.speaker!r}"
                    f" cue={c.cue!r} via={c.attribution}: {g.quote[:50]!r}"
                )
            if g.kind != c.kind:
                print(
                    f"  KIND    {g.file} [{g.start}] gold={g.kind} got={c.kind}: {g.quote[:50]!r}"
                )
    return result


# --- location speed ---------------------------------------------------------------------------

_TYPO = {"'": "’", '"': "“", " - ": " — ", "...": "…"}


def _make_vocabulary(rng: random.Random, n: int = 3000) -> list[str]:
    syllables = [a + b for a in "bcdfghjklmnprstvwz" for b in "aeiou"] + ["th", "st", "ng"]
    words = set()
    while len(words) < n:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))))
    return sorted(words)


def _make_sentence(rng: random.Random, vocab: list[str]) -> str:
    words = [rng.choice(vocab) for _ in range(rng.randint(6, 24))]
    words[0] = words[0].capitalize()
    for k in range(1, len(words) - 1):
        r = rng.random()
        if r < 0.06:
            words[k] = words[k] + ","
        elif r < 0.09:
            words[k] = words[k] + "’s"
        elif r < 0.11:
            words[k] = "—"
        elif r < 0.12:
            words[k] = words[k] + "…"
    sentence = " ".join(words) + rng.choice([".", ".", ".", "?", "!"])
    if rng.random() < 0.25:
        sentence = "“" + sentence[:-1] + ",” " + rng.choice(vocab) + " said."
    return sentence


def make_corpus(seed: int, n_texts: int, size: int) -> tuple[list[str], list[tuple[str, int, str]]]:
    """``n_texts`` texts of about ``size`` characters, and one quote per text:
    (quote, text index, expected)."""
    rng = random.Random(seed)
    vocab = _make_vocabulary(rng)
    pool = [_make_sentence(rng, vocab) for _ in range(6000)]
    texts = []
    for _ in range(n_texts):
        parts: list[str] = []
        length = 0
        while length < size:
            para = " ".join(rng.choice(pool) for _ in range(rng.randint(2, 6)))
            parts.append(para)
            length += len(para) + 2
        texts.append("\n\n".join(parts)[:size])
    quotes: list[tuple[str, int, str]] = []
    for t, text in enumerate(texts):
        start = rng.randrange(0, len(text) - 400)
        start = text.find(" ", start) + 1
        end = text.find(" ", start + rng.randint(60, 240))
        q = text[start:end]
        kind = t % 10
        if kind <= 3:
            quotes.append((q, t, "verbatim"))
        elif kind <= 5:
            changed = q.replace("’", "'").replace("“", '"').replace("”", '"')
            changed = changed.replace(" — ", "—").replace("…", "...")
            if changed == q:
                changed = (
                    q.replace(" ", "  ", 1) if rng.random() < 0.5 else q.replace(" ", "\u00a0", 2)
                )
            # a change that only touched the marks at the ends leaves the words verbatim
            edge = changed.strip(' "“”')
            quotes.append((changed, t, "verbatim" if edge in text else "normalized"))
        elif kind == 6:
            quotes.append((q.rstrip(",.") + rng.choice([".", ","]), t, "verbatim"))
        elif kind <= 8:
            words = q.split(" ")
            k = rng.randrange(len(words))
            replacement = rng.choice(vocab)
            while replacement == words[k]:
                replacement = rng.choice(vocab)
            words[k] = replacement
            quotes.append((" ".join(words), t, "fuzzy"))
        else:
            other = _make_sentence(random.Random(seed * 7919 + t), [w[::-1] + "x" for w in vocab])
            quotes.append((other, t, "not_found"))
    return texts, quotes


def bench_locate(
    seed: int = 20240712, n: int = 1000, size: int = 20_000, repeats: int = 3
) -> dict[str, object]:
    texts, quotes = make_corpus(seed, n, size)
    states: Counter[str] = Counter()
    as_expected = 0
    changed_word_exact = 0
    times = []
    results = []
    for _ in range(repeats):
        normalize_cached.cache_clear()  # every run pays for normalising the texts
        t0 = time.perf_counter()
        results = [locate_quote(q, texts[t]) for q, t, _ in quotes]
        times.append(time.perf_counter() - t0)
    elapsed = min(times)
    for (_, _, expected), loc in zip(quotes, results, strict=True):
        states[loc.state] += 1
        if loc.state == expected or (expected == "fuzzy" and loc.state == "not_found"):
            as_expected += 1
        if expected == "fuzzy" and loc.state in ("verbatim", "normalized"):
            changed_word_exact += 1
    return {
        "seconds": elapsed,
        "median_seconds": statistics.median(times),
        "states": dict(states),
        "as_expected": as_expected,
        "n": n,
        "changed_word_exact": changed_word_exact,
        "total_mb": sum(len(t) for t in texts) / 1e6,
    }


# --- extraction speed -------------------------------------------------------------------------


def build_long_article(articles: Path, target: int = 100_000) -> str:
    bodies = [p.read_text(encoding="utf-8") for p in sorted(articles.glob("*.txt"))]
    if not bodies:
        rng = random.Random(5)
        vocab = _make_vocabulary(rng)
        bodies = ["\n\n".join(_make_sentence(rng, vocab) for _ in range(40))]
    parts = []
    k = 0
    while sum(len(p) for p in parts) < target:
        body = bodies[k % len(bodies)]
        # vary the copies a little: numbers and paragraph order
        paras = body.split("\n\n")
        if k % 2:
            paras = paras[1:] + paras[:1]
        parts.append(f"Part {k + 1}.\n\n" + "\n\n".join(paras))
        k += 1
    return "\n\n".join(parts)


def bench_extract(articles: Path, repeats: int = 7) -> dict[str, float]:
    text = build_long_article(articles)
    times = []
    n = 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        n = len(extract_quotes(text, speakers=SPEAKERS))
        times.append(time.perf_counter() - t0)
    return {
        "ms": min(times) * 1000,
        "median_ms": statistics.median(times) * 1000,
        "kb": len(text) / 1000,
        "candidates": n,
    }


# --- report -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("articles", nargs="?", type=Path, default=DEFAULT_ARTICLES)
    ap.add_argument("gold", nargs="?", type=Path, default=DEFAULT_GOLD)
    ap.add_argument("--check", action="store_true", help="exit 1 when a goal is missed")
    ap.add_argument("--verbose", "-v", action="store_true", help="list misses and errors")
    args = ap.parse_args(argv)

    missed_goals: list[str] = []
    rows: list[tuple[str, str, str, str]] = []

    def row(label: str, value: str, goal: str = "", ok: bool | None = None) -> None:
        rows.append((label, value, goal, "" if ok is None else ("ok" if ok else "MISSED")))
        if ok is False:
            missed_goals.append(label)

    have_articles = args.articles.is_dir() and args.gold.is_file()
    if have_articles:
        q = score_extraction(args.articles, args.gold, args.verbose)
        row(
            "gold quotes",
            f"{q['gold']} ({q['gold_statements']} statements, {q['gold_fragments']} fragments)",
        )
        row("predicted quotes", f"{q['predicted']}")
        row(
            "statement recall",
            f"{q['statement_recall']:.3f}",
            f">= {GOALS['statement_recall']}",
            q["statement_recall"] >= GOALS["statement_recall"],
        )
        row("statement precision", f"{q['statement_precision']:.3f}")
        row("fragment recall", f"{q['fragment_recall']:.3f}")
        row("fragment precision", f"{q['fragment_precision']:.3f}")
        row(
            "speaker accuracy (matched)",
            f"{q['speaker_accuracy']:.3f}",
            f">= {GOALS['speaker_accuracy']}",
            q["speaker_accuracy"] >= GOALS["speaker_accuracy"],
        )
        row("kind accuracy (matched)", f"{q['kind_accuracy']:.3f}")
        bare = score_extraction(args.articles, args.gold, False, speakers=[])
        row("speaker accuracy, no known speakers", f"{bare['speaker_accuracy']:.3f}")
        row(
            "false quotes",
            f"{q['false_quotes']}",
            f"<= {GOALS['false_quotes']}",
            q["false_quotes"] <= GOALS["false_quotes"],
        )
    else:
        row("extraction quality", "skipped (no articles/gold)", "", None)

    loc = bench_locate()
    row(
        f"locate {loc['n']} quotes / {loc['n']} x 20 KB",
        f"{loc['seconds']:.2f} s (median of 3: {loc['median_seconds']:.2f} s)",
        f"< {GOALS['locate_seconds']} s",
        loc["seconds"] < GOALS["locate_seconds"],
    )
    states = loc["states"]
    assert isinstance(states, dict)
    row("  states", ", ".join(f"{k} {v}" for k, v in sorted(states.items())))
    row("  as expected", f"{loc['as_expected']}/{loc['n']}")
    row(
        "  one-word-changed reported exact",
        f"{loc['changed_word_exact']}",
        "== 0",
        loc["changed_word_exact"] == 0,
    )
    ex = bench_extract(args.articles) if args.articles.is_dir() else None
    if ex is not None:
        row(
            f"extract {ex['kb']:.0f} KB article",
            f"{ex['ms']:.0f} ms (median of 7: {ex['median_ms']:.0f} ms;"
            f" {ex['candidates']:.0f} quotes)",
            f"< {GOALS['extract_ms']:.0f} ms",
            ex["ms"] < GOALS["extract_ms"],
        )

    width = max(len(r[0]) for r in rows)
    vwidth = max(len(r[1]) for r in rows)
    print(f"{'measure':<{width}}  {'value':<{vwidth}}  {'goal':<10}  status")
    print("-" * (width + vwidth + 22))
    for label, value, goal, status in rows:
        print(f"{label:<{width}}  {value:<{vwidth}}  {goal:<10}  {status}")
    if missed_goals:
        print(f"\ngoals missed: {', '.join(missed_goals)}")
    return 1 if (args.check and missed_goals) else 0


if __name__ == "__main__":
    sys.exit(main())
