"""The quote-extraction corpus (tests/data/quotes): its truth is exact and its texts current."""

import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT / "tests" / "data" / "quotes"
sys.path.insert(0, str(ROOT / "bench"))

import build_corpus  # noqa: E402

TRUTH = [json.loads(line) for line in (CORPUS / "quotes.jsonl").read_text("utf-8").splitlines()]
MANIFEST = json.loads((CORPUS / "corpus.json").read_text("utf-8"))

# the styles the corpus must cover (issue 9, point 1)
STYLES = {
    "ap",
    "inverted",
    "british",
    "guillemets",
    "german",
    "split",
    "colon",
    "multi-paragraph",
    "pronouns",
    "nominal",
    "titles",
    "organisations",
    "according-to",
    "qa",
    "press-release",
    "court",
    "hard-wrapped",
    "quotes-of-quotes",
    "tv-transcript",
    "radio-transcript",
    "minutes",
    "deposition",
    "transcript-excerpt",
    "press-conference",
    "wire",
    "social-media",
    "feature",
    "statements",
    "op-ed",
    "captions",
}


def test_every_truth_span_is_its_text_in_its_file():
    texts = {name: (CORPUS / "articles" / name).read_text("utf-8") for name in MANIFEST}
    for t in TRUTH:
        assert texts[t["file"]][t["start"] : t["end"]] == t["quote"], t
        assert t["kind"] in ("statement", "fragment")


def test_truth_has_the_rust_case_format():
    for t in TRUTH:
        assert {"file", "start", "end", "kind", "speaker"} <= t.keys()


def test_built_files_are_current():
    """The articles, truth and manifest are what `bench/build_corpus.py` makes of src/."""
    for path, text in build_corpus.build().items():
        assert path.read_text("utf-8") == text, f"run bench/build_corpus.py: {path.name}"


def test_at_least_thirty_articles_of_150_to_400_words_in_every_style():
    """Short articles in the sets written with the rules; the sets written by outside hands
    (unseen, final, final2) run to full length, up to 800 words, as real copy does."""
    assert len(MANIFEST) >= 30
    assert {info["style"] for info in MANIFEST.values()} >= STYLES
    for name, info in MANIFEST.items():
        words = len((CORPUS / "articles" / name).read_text("utf-8").split())
        longest = 400 if info.get("set", "") in ("", "tuning", "late") else 800
        assert 150 <= words <= longest, (name, words)


def test_every_truth_speaker_is_on_the_articles_own_record():
    for t in TRUTH:
        if t["speaker"] is not None:
            names = {s["name"] for s in MANIFEST[t["file"]]["speakers"]}
            assert t["speaker"] in names, t


def test_no_names_from_the_rust_case():
    rust = ROOT / "demo" / "rust_case.jsonl"
    names = set()
    for line in rust.read_text("utf-8").splitlines():
        record = json.loads(line)
        if record.get("type") == "speaker":
            for name in (record["name"], *record.get("aliases", ())):
                names |= set(re.findall(r"[A-Z][\w-]{3,}", name))
    names -= {"Santa", "County", "District", "Attorney", "Court", "First", "Judicial", "Office"}
    names -= {"Sheriff", "Federal", "Bureau", "Investigation", "Mexico", "Rust"}
    for name in MANIFEST:
        text = (CORPUS / "articles" / name).read_text("utf-8")
        found = {n for n in names if re.search(rf"\b{re.escape(n)}\b", text)}
        assert not found, (name, found)


@pytest.mark.parametrize(
    "source",
    [
        "#style: ap\n\n“{{S:Jane Roe|Yes,}}” she said.",
        "#style: ap\n#speaker: Jane Roe | person | mayor | Roe\n\nRoe said “{{F:-|no}}”.",
    ],
)
def test_markup_gives_exact_offsets(source):
    header, text, truth = build_corpus.parse_source(source)
    assert header["style"] == "ap"
    for t in truth:
        assert text[t["start"] : t["end"]] == t["quote"]
    assert "{{" not in text


def _corpus_scores():
    import bench_quotes

    articles = bench_quotes.load_articles(
        CORPUS / "articles", CORPUS / "quotes.jsonl", CORPUS / "corpus.json"
    )
    unrelated = bench_quotes.load_case_speakers(ROOT / "demo" / "rust_case.jsonl")
    assert unrelated
    return bench_quotes, articles, unrelated


def test_the_corpus_meets_its_goals_in_every_style_and_mode():
    """The bench's goals as a test on the sets the rules were tuned on (tuning, late): recall,
    false quotes and speaker accuracy per style, blind, with another case's speakers on record
    and with the texts' own. The unseen and final sets are guarded by the next test."""
    bench_quotes, articles, unrelated = _corpus_scores()
    tuned = [a for a in articles if a.set in ("tuning", "late")]
    assert len(tuned) >= 40
    goals = bench_quotes.GOALS
    for mode, speakers in (("blind", []), ("unrelated", unrelated), ("own", None)):
        scores = bench_quotes.score_extraction(tuned, speakers)
        goal = goals["speaker_accuracy_own" if mode == "own" else "speaker_accuracy"]
        for style, score in scores.items():
            assert score.statement_recall >= goals["statement_recall"], (mode, style)
            assert score.speaker_accuracy >= goal, (mode, style, score.notes)
        assert scores["all"].false_per_10 <= goals["false_per_10"], scores["all"].notes


def test_the_unseen_and_final_sets_meet_the_goals_as_wholes():
    """Since issue 20's third round the unseen and final sets (tuned on since) meet the goals
    as sets, blind, with another case's speakers and with their own; not yet style by style
    (wire, op-ed, social media, press releases fall short with their own speakers), which the
    recorded figures below guard."""
    bench_quotes, articles, unrelated = _corpus_scores()
    goals = bench_quotes.GOALS
    for mode, speakers in (("blind", []), ("unrelated", unrelated), ("own", None)):
        scores = bench_quotes.score_extraction(articles, speakers)
        goal = goals["speaker_accuracy_own" if mode == "own" else "speaker_accuracy"]
        for name in ("unseen", "final"):
            score = scores[f"set:{name}"]
            assert score.statement_recall >= goals["statement_recall"], (mode, name)
            assert score.speaker_accuracy >= goal, (mode, name, score.notes)
            assert score.false_per_10 <= goals["false_per_10"], (mode, name, score.notes)


def test_the_untuned_sets_do_not_fall_below_their_recorded_figures():
    """Unseen and final sets: each is held to the figures last recorded for it in
    bench_quotes.RECORDED (a regression guard, raised as rules improve).
    Every set of the manifest must have recorded figures: none is skipped silently."""
    bench_quotes, articles, unrelated = _corpus_scores()
    sets = {a.set for a in articles}
    assert sets == set(bench_quotes.RECORDED), (sets, set(bench_quotes.RECORDED))
    assert {"unseen", "final"} <= sets
    modes = {
        "blind": bench_quotes.score_extraction(articles, []),
        "unrelated": bench_quotes.score_extraction(articles, unrelated),
        "own": bench_quotes.score_extraction(articles, None),
    }
    for name in sorted(sets):
        key = f"set:{name}"
        figures = bench_quotes.set_figures(*(modes[m][key] for m in bench_quotes.MODES))
        assert not bench_quotes.below_recorded(name, figures), (name, figures)
