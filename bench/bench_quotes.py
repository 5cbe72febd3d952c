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
4. Hostile extraction speed: 5 MB of hard-wrapped text (a line break every 75 characters, a
   quotation every seven lines), the figure tests/sources/text/test_hostile.py used to time.

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
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sources.text.extract import extract_quotes  # noqa: E402
from sources.text.locate import locate_quote  # noqa: E402
from sources.text.normalize import normalize_cached  # noqa: E402
from sources.text.speakers import KnownSpeaker, name_key  # noqa: E402

DEFAULT_ARTICLES = ROOT.parent / "shared" / "cases" / "rust" / "articles"
DEFAULT_GOLD = ROOT.parent / "shared" / "cases" / "rust" / "quotes.jsonl"
DEFAULT_CORPUS = ROOT / "tests" / "data" / "quotes"
DEFAULT_UNRELATED = ROOT / "demo" / "rust_case.jsonl"

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
    "statement_recall": 0.95,  # at least, on the corpus (the case articles: 1.00)
    "speaker_accuracy": 0.90,  # at least, blind and with unrelated speakers on record
    "speaker_accuracy_own": 0.95,  # at least, with the text's own speakers on record
    "false_per_10": 1.0,  # false quotes per 10 articles, at most
    "locate_seconds": 2.0,  # under
    "extract_ms": 200.0,  # under
    "hard_wrapped_5mb_seconds": 5.0,  # under
}


# Each set's figures on its first run, before any rule was changed for it (kept as data: the
# README's table shows them beside the current ones). Fields: statement recall, precision,
# false quotes per 10 articles, speaker accuracy blind / unrelated / own.
FIGURES = ("recall", "precision", "false_per_10", "blind", "unrelated", "own")
FIRST_RUN = {
    "tuning": (1.000, 1.000, 0.0, 1.000, 1.000, 1.000),
    "late": (1.000, 1.000, 0.0, 1.000, 1.000, 1.000),  # after its three fixes (see below)
    "unseen": (0.579, 0.983, 1.0, 0.665, 0.665, 0.827),  # 30 files, as first scored in issue 20
    "final": (0.362, 0.980, 1.0, 0.542, 0.542, 0.729),  # untuned until issue 20's third round
    # 12 files (83-94) by a third hand who read no rules, scored once after the third round
    "final2": (0.986, 0.984, 2.5, 0.737, 0.737, 0.763),
    # 10 files (95-104) by a fourth hand who read no rules, scored once after the fourth round
    "final3": (0.983, 0.994, 1.0, 0.778, 0.778, 0.861),
}
# The figures last recorded for each set: a regression guard (tests/sources/text/test_corpus.py
# fails when a set falls below them; false quotes may not rise above). Raise them when rules
# improve. Since issue 20's third round a surname alone counts when the text gives the person
# no other name (`same_speaker`): without it the unseen set's 0.989 blind would be 0.946.
RECORDED = {
    **FIRST_RUN,
    "unseen": (1.000, 1.000, 0.0, 0.989, 0.989, 0.989),
    "final": (1.000, 1.000, 0.0, 0.981, 0.981, 0.981),  # tuned on in issue 20's third round
    "final2": (1.000, 0.989, 1.7, 0.830, 0.830, 0.846),  # tuned on in issue 20's fourth round
}


def set_figures(blind: Score, unrelated: Score, own: Score) -> tuple[float, ...]:
    return (
        round(blind.statement_recall, 3),
        round(blind.quote_precision, 3),
        round(blind.false_per_10, 1),
        round(blind.speaker_accuracy, 3),
        round(unrelated.speaker_accuracy, 3),
        round(own.speaker_accuracy, 3),
    )


def below_recorded(name: str, figures: tuple[float, ...]) -> list[str]:
    """The figures of a set that fell below (false quotes: rose above) the recorded ones."""
    recorded = RECORDED.get(name)
    if recorded is None:
        return []
    out = []
    for label, got, want in zip(FIGURES, figures, recorded, strict=True):
        worse = got > want + 1e-9 if label == "false_per_10" else got < want - 0.0005
        if worse:
            out.append(f"{label} {got} (recorded {want})")
    return out


# --- extraction quality ----------------------------------------------------------------------


@dataclass
class Gold:
    file: str
    speaker: str | None
    quote: str
    kind: str
    start: int
    end: int


@dataclass
class Article:
    name: str
    text: str
    gold: list[Gold]
    style: str = ""
    speakers: list[KnownSpeaker] = field(default_factory=list)  # the text's own, on record
    set: str = ""  # "tuning", or "late": written after the rules were settled


def spans_match(a: tuple[int, int], b: tuple[int, int]) -> bool:
    if abs(a[0] - b[0]) <= 2 and abs(a[1] - b[1]) <= 2:
        return True
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return union > 0 and inter / union >= 0.9


def same_speaker(gold: str | None, got: str | None, text: str | None = None) -> bool:
    """Names compared as a reader would: case, spacing, apostrophes and a leading "the" aside.
    With the article's ``text``: a surname alone is right when the text gives the person no
    other name (a deposition's "MR. ROE:" whose first name only the record knows)."""
    if gold is None or got is None:
        return gold is got

    def key(name: str) -> str:
        k = name_key(name)
        return k[4:] if k.startswith("the ") else k

    if key(gold) == key(got):
        return True
    if text is None:
        return False
    words = key(gold).split()
    return (
        len(words) > 1
        and key(got) == words[-1]
        and not any(word in name_key(text).split() for word in words[:-1])
    )


def load_gold(path: Path) -> list[Gold]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            out.append(
                Gold(d["file"], d.get("speaker"), d["quote"], d["kind"], d["start"], d["end"])
            )
    return out


def load_articles(articles: Path, gold_path: Path, manifest: Path | None = None) -> list[Article]:
    """The articles of a directory with their truth (and styles and speakers, if a manifest)."""
    by_file: dict[str, list[Gold]] = {}
    for g in load_gold(gold_path):
        by_file.setdefault(g.file, []).append(g)
    styles: dict[str, dict] = {}
    if manifest is not None and manifest.is_file():
        styles = json.loads(manifest.read_text(encoding="utf-8"))
    out = []
    for name in sorted({*by_file, *(p.name for p in articles.glob("*.txt"))}):
        info = styles.get(name, {})
        speakers = [
            KnownSpeaker(
                id=f"{name}#{k}",
                name=s["name"],
                aliases=tuple(s.get("aliases", ())),
                kind=s.get("kind", "person"),
                role=s.get("role", ""),
            )
            for k, s in enumerate(info.get("speakers", ()))
        ]
        text = (articles / name).read_text(encoding="utf-8")
        out.append(
            Article(
                name,
                text,
                by_file.get(name, []),
                info.get("style", ""),
                speakers,
                info.get("set", ""),
            )
        )
    return out


def load_case_speakers(path: Path) -> list[KnownSpeaker]:
    """The speakers of an exchange file (JSON Lines), as the database would give them."""
    out = []
    if not path.is_file():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        if '"speaker"' not in line:
            continue
        d = json.loads(line)
        if d.get("type") == "speaker":
            out.append(
                KnownSpeaker(
                    id=d["id"],
                    name=d["name"],
                    aliases=tuple(d.get("aliases", ())),
                    kind=d.get("kind", "person"),
                    misspellings=tuple(d.get("misspellings", ())),
                    role=d.get("role", ""),
                )
            )
    return out


_COUNTS = (
    "articles",
    "gold_statements",
    "gold_fragments",
    "found_statements",
    "found_fragments",
    "speaker_ok",
    "kind_ok",
    "matched",
    "false_quotes",
)


@dataclass
class Score:
    """Extraction scored against the truth of some articles."""

    articles: int = 0
    gold_statements: int = 0
    gold_fragments: int = 0
    found_statements: int = 0
    found_fragments: int = 0
    predicted: dict[str, int] = field(default_factory=lambda: {"statement": 0, "fragment": 0})
    predicted_matched: dict[str, int] = field(
        default_factory=lambda: {"statement": 0, "fragment": 0}
    )
    speaker_ok: int = 0
    kind_ok: int = 0
    matched: int = 0
    false_quotes: int = 0
    notes: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in _COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for kind in self.predicted:
            self.predicted[kind] += other.predicted[kind]
            self.predicted_matched[kind] += other.predicted_matched[kind]
        self.notes += other.notes

    @property
    def statement_recall(self) -> float:
        return self.found_statements / self.gold_statements if self.gold_statements else 1.0

    @property
    def fragment_recall(self) -> float:
        return self.found_fragments / self.gold_fragments if self.gold_fragments else 1.0

    def precision(self, kind: str) -> float:
        n = self.predicted[kind]
        return self.predicted_matched[kind] / n if n else 1.0

    @property
    def quote_precision(self) -> float:
        n = sum(self.predicted.values())
        return sum(self.predicted_matched.values()) / n if n else 1.0

    @property
    def speaker_accuracy(self) -> float:
        return self.speaker_ok / self.matched if self.matched else 0.0

    @property
    def kind_accuracy(self) -> float:
        return self.kind_ok / self.matched if self.matched else 0.0

    @property
    def false_per_10(self) -> float:
        return 10 * self.false_quotes / self.articles if self.articles else 0.0


def score_article(article: Article, speakers: list[KnownSpeaker]) -> Score:
    preds = extract_quotes(article.text, speakers=speakers)
    score = Score(articles=1)
    used: set[int] = set()
    for c in preds:
        score.predicted[c.kind] += 1
    for g in article.gold:
        if g.kind == "statement":
            score.gold_statements += 1
        else:
            score.gold_fragments += 1
        hit = None
        for k, c in enumerate(preds):
            if k not in used and spans_match((c.start, c.end), (g.start, g.end)):
                hit = k
                break
        if hit is None:
            score.notes.append(f"  MISSED  {g.file} [{g.start}:{g.end}] {g.kind}: {g.quote[:70]!r}")
            continue
        used.add(hit)
        c = preds[hit]
        score.matched += 1
        score.predicted_matched[c.kind] += 1
        if g.kind == "statement":
            score.found_statements += 1
        else:
            score.found_fragments += 1
        if same_speaker(g.speaker, c.speaker, article.text):
            score.speaker_ok += 1
        else:
            score.notes.append(
                f"  SPEAKER {g.file} [{g.start}] gold={g.speaker!r} got={c.speaker!r}"
                f" cue={c.cue!r} via={c.attribution}: {g.quote[:50]!r}"
            )
        if g.kind == c.kind:
            score.kind_ok += 1
        else:
            score.notes.append(
                f"  KIND    {g.file} [{g.start}] gold={g.kind} got={c.kind}: {g.quote[:50]!r}"
            )
    for k, c in enumerate(preds):
        if k not in used:
            score.false_quotes += 1
            score.notes.append(
                f"  FALSE   {article.name} [{c.start}:{c.end}] {c.kind}: {c.quote[:70]!r}"
            )
    return score


def score_extraction(
    articles: list[Article], speakers: list[KnownSpeaker] | None
) -> dict[str, Score]:
    """Scores by style and overall ("all"); ``speakers=None`` gives each text its own."""
    by_style: dict[str, Score] = {}
    total = Score()
    for article in articles:
        s = score_article(article, article.speakers if speakers is None else speakers)
        by_style.setdefault(article.style or "-", Score()).add(s)
        if article.set:
            by_style.setdefault(f"set:{article.set}", Score()).add(s)
        total.add(s)
    by_style["all"] = total
    return by_style


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


def hard_wrapped_text(size: int = 5_000_000) -> str:
    """``size`` characters of hard-wrapped prose with a quotation every seven lines (the same
    text as tests/sources/text/test_hostile.py's ``test_five_megabytes_of_hard_wrapped_text``)."""
    line = "The council met on Monday and Jane Doe said the budget was fine, she said\n"
    block = line * 6 + '"We will see about that," said Tom Ford, the mayor of the town.\n\n'
    return (block * (size // len(block) + 1))[:size]


HOSTILE_SPEAKERS = [
    KnownSpeaker("jane-doe", "Jane Doe", ["Jane", "Doe"]),
    KnownSpeaker("tom-ford", "Tom Ford", ["Ford"]),
]


def bench_hard_wrapped(repeats: int = 3) -> dict[str, float]:
    text = hard_wrapped_text()
    times = []
    n = 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        n = len(extract_quotes(text, speakers=HOSTILE_SPEAKERS))
        times.append(time.perf_counter() - t0)
    return {
        "seconds": min(times),
        "median_seconds": statistics.median(times),
        "mb": len(text) / 1e6,
        "candidates": n,
    }


# --- report -------------------------------------------------------------------------------------

MODES = ("blind", "unrelated", "own")


def corpus_table(modes: dict[str, dict[str, Score]], missed_goals: list[str]) -> list[str]:
    """The corpus's figures by style, in the three modes; goals checked per style and overall.

    Recall, precision and false quotes are the blind run's (the others differ only in who
    said it). Speaker accuracy counts statements and fragments alike.
    """
    blind = modes["blind"]
    sets = sorted(k for k in blind if k.startswith("set:"))
    styles = [*sorted(k for k in blind if k != "all" and k not in sets), "all", *sets]
    head = (
        f"{'style':<17}{'files':>5}{'quotes':>7}  {'st.recall':>9}{'precision':>10}"
        f"{'false/10':>9}  {'speaker: blind':>14}{'unrelated':>10}{'own':>7}  status"
    )
    lines = [
        "corpus: tests/data/quotes (speaker accuracy: blind = no speakers on record;"
        " unrelated = another case's; own = the text's own)",
        head,
        "-" * len(head),
    ]
    for style in styles:
        b = blind[style]
        accuracy = {mode: modes[mode][style].speaker_accuracy for mode in MODES}
        missed = []
        if b.statement_recall < GOALS["statement_recall"]:
            missed.append("recall")
        if b.false_per_10 > GOALS["false_per_10"] and style == "all":
            missed.append("false quotes")
        for mode in MODES:
            goal = GOALS["speaker_accuracy_own" if mode == "own" else "speaker_accuracy"]
            if accuracy[mode] < goal:
                missed.append(f"speaker ({mode})")
        if style == "all":
            lines.append("-" * len(head))
        label = f"  {style[4:]} set" if style.startswith("set:") else style
        lines.append(
            f"{label:<17}{b.articles:>5}{b.gold_statements + b.gold_fragments:>7}"
            f"  {b.statement_recall:>9.3f}{b.quote_precision:>10.3f}{b.false_per_10:>9.1f}"
            f"  {accuracy['blind']:>14.3f}{accuracy['unrelated']:>10.3f}{accuracy['own']:>7.3f}"
            f"  {'MISSED ' + ', '.join(missed) if missed else 'ok'}"
        )
        missed_goals += [f"corpus {style}: {m}" for m in missed]
        if style.startswith("set:") and style[4:] in FIRST_RUN:
            f = FIRST_RUN[style[4:]]
            lines.append(
                f"{'    first run':<17}{'':>5}{'':>7}  {f[0]:>9.3f}{f[1]:>10.3f}{f[2]:>9.1f}"
                f"  {f[3]:>14.3f}{f[4]:>10.3f}{f[5]:>7.3f}"
            )
            worse = below_recorded(
                style[4:],
                set_figures(blind[style], modes["unrelated"][style], modes["own"][style]),
            )
            if worse:
                lines.append(f"    REGRESSION below the recorded figures: {', '.join(worse)}")
                missed_goals.append(f"corpus {style}: regression")
    lines.append(
        f"goals: statement recall >= {GOALS['statement_recall']}, speaker accuracy >="
        f" {GOALS['speaker_accuracy']} (blind, unrelated) and >= {GOALS['speaker_accuracy_own']}"
        f" (own), false quotes <= {GOALS['false_per_10']:.0f} per 10 articles (overall)."
    )
    lines.append(
        "The tuning set was read while writing the rules. The late set was written after them;"
        " its first run scored speaker accuracy 0.882 in all three modes and showed three"
        " general bugs, fixed since (a cue broken by a hard line wrap, 'Department' taken for a"
        " title, a title word that also heads organisations' names): it is no longer unseen."
        " The unseen set (6 older articles and 24 written for issue 20 by someone who never"
        " read the rules) is tuned on since issue 20; the final set (10 articles, same author)"
        " was scored once per round until issue 20's third round, which tuned on its misses"
        " too; it is still scored only with --final. The final2 set (12 articles by a third"
        " hand who read no rules) was first scored after that round and tuned on in the"
        " fourth: it is no longer untuned (its first run stays recorded). The final3 set (10"
        " articles by a fourth hand) was scored once, after the fourth round, and not tuned on."
    )
    return lines


# ----------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("articles", nargs="?", type=Path, default=DEFAULT_ARTICLES)
    ap.add_argument("gold", nargs="?", type=Path, default=DEFAULT_GOLD)
    ap.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, help="styles corpus (build_corpus.py)"
    )
    ap.add_argument(
        "--unrelated",
        type=Path,
        default=DEFAULT_UNRELATED,
        help="exchange file whose speakers are put on record for the corpus's 'unrelated' run",
    )
    ap.add_argument(
        "--set",
        action="append",
        default=[],
        help="score (and with -v list the misses of) only this corpus set; repeatable",
    )
    ap.add_argument(
        "--final",
        action="store_true",
        help="score the final set too (files 73-82; tuned on since issue 20's third round)",
    )
    ap.add_argument(
        "--no-speed", action="store_true", help="skip the timings (quality figures only)"
    )
    ap.add_argument("--check", action="store_true", help="exit 1 when a goal is missed")
    ap.add_argument("--verbose", "-v", action="store_true", help="list misses and errors")
    args = ap.parse_args(argv)

    missed_goals: list[str] = []
    rows: list[tuple[str, str, str, str]] = []

    def row(label: str, value: str, goal: str = "", ok: bool | None = None) -> None:
        rows.append((label, value, goal, "" if ok is None else ("ok" if ok else "MISSED")))
        if ok is False:
            missed_goals.append(label)

    if args.articles.is_dir() and args.gold.is_file():
        case = load_articles(args.articles, args.gold)
        q = score_extraction(case, SPEAKERS)["all"]
        bare = score_extraction(case, [])["all"]
        if args.verbose:
            print("case articles, with their speakers:", *q.notes, sep="\n")
            print("case articles, blind:", *bare.notes, sep="\n")
        row(
            "case articles: gold quotes",
            f"{q.gold_statements + q.gold_fragments} ({q.gold_statements} statements,"
            f" {q.gold_fragments} fragments) in {q.articles} files",
        )
        row(
            "  statement recall / precision",
            f"{q.statement_recall:.3f} / {q.precision('statement'):.3f}",
            "== 1.00",
            q.statement_recall == 1.0,
        )
        row(
            "  fragment recall / precision",
            f"{q.fragment_recall:.3f} / {q.precision('fragment'):.3f}",
        )
        row(
            "  speaker accuracy (their speakers / none)",
            f"{q.speaker_accuracy:.3f} / {bare.speaker_accuracy:.3f}",
            "== 1.00",
            q.speaker_accuracy == 1.0,
        )
        row("  kind accuracy", f"{q.kind_accuracy:.3f}")
        row("  false quotes", f"{q.false_quotes}", "== 0", q.false_quotes == 0)
    else:
        row("case articles", "skipped (no articles/gold)", "", None)

    corpus_rows: list[str] = []
    if (args.corpus / "articles").is_dir():
        corpus = load_articles(
            args.corpus / "articles", args.corpus / "quotes.jsonl", args.corpus / "corpus.json"
        )
        if args.set:
            corpus = [a for a in corpus if a.set in args.set]
        elif not args.final:
            corpus = [a for a in corpus if a.set != "final"]
        unrelated = load_case_speakers(args.unrelated)
        modes = {
            "blind": score_extraction(corpus, []),
            "unrelated": score_extraction(corpus, unrelated),
            "own": score_extraction(corpus, None),
        }
        if args.verbose:
            for mode, scores in modes.items():
                print(f"corpus, {mode}:", *scores["all"].notes, sep="\n")
        corpus_rows = corpus_table(modes, missed_goals)
    else:
        row("corpus", f"skipped (no {args.corpus})", "", None)

    if args.no_speed:
        if corpus_rows:
            print(*corpus_rows, sep="\n")
        return 1 if (args.check and missed_goals) else 0
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
    hw = bench_hard_wrapped()
    row(
        f"extract {hw['mb']:.0f} MB hard-wrapped text",
        f"{hw['seconds']:.2f} s (median of 3: {hw['median_seconds']:.2f} s;"
        f" {hw['candidates']:.0f} quotes)",
        f"< {GOALS['hard_wrapped_5mb_seconds']:.0f} s",
        hw["seconds"] < GOALS["hard_wrapped_5mb_seconds"],
    )

    width = max(len(r[0]) for r in rows)
    vwidth = max(len(r[1]) for r in rows)
    if corpus_rows:
        print(*corpus_rows, sep="\n")
        print()
    print(f"{'measure':<{width}}  {'value':<{vwidth}}  {'goal':<10}  status")
    print("-" * (width + vwidth + 22))
    for label, value, goal, status in rows:
        print(f"{label:<{width}}  {value:<{vwidth}}  {goal:<10}  {status}")
    if missed_goals:
        print(f"\ngoals missed: {', '.join(missed_goals)}")
    return 1 if (args.check and missed_goals) else 0


if __name__ == "__main__":
    sys.exit(main())
