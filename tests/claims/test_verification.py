"""Verification kept on every citation; re-anchoring and drift when a snapshot is replaced."""

import io
import json
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.urls import reverse

from claims.models import Citation
from claims.verification import replace_source_text, verify_citation
from tests.conftest import ROOT
from tests.factories import make_claim, make_source

pytestmark = pytest.mark.django_db

TEXT = "The actor said: “I never pulled the trigger,” and left the set."


def cited(text=TEXT, quote="I never pulled the trigger,"):
    source = make_source(text=text)
    claim = make_claim(text=quote, cite=source)
    return source, claim.citations.get()


def test_citation_is_verified_with_its_anchor_and_time():
    _source, citation = cited()
    assert citation.verification_state == "verbatim"
    assert citation.verification_score == 100
    assert TEXT[citation.anchor_start : citation.anchor_end] == "I never pulled the trigger,"
    assert citation.anchor_prefix.endswith("said: “")
    assert citation.anchor_suffix.startswith("” and left")
    assert citation.verified_at is not None


def test_typographic_variant_is_normalised_and_a_changed_word_is_not():
    source = make_source(text="He said: “I don’t know what happened — honestly.”")
    c1 = Citation.objects.create(
        claim=make_claim(), source=source, quote="I don't know what happened - honestly."
    )
    verify_citation(citation=c1)
    c2 = Citation.objects.create(
        claim=make_claim(), source=source, quote="I don’t know what occurred — honestly."
    )
    verify_citation(citation=c2)
    assert c1.verification_state == "normalized"
    assert c2.verification_state in {"fuzzy", "not_found"}
    assert c2.verification_state not in {"verbatim", "normalized"}


def test_source_without_text_gives_no_text():
    source = make_source()
    claim = make_claim()
    citation = Citation.objects.create(claim=claim, source=source, quote="anything")
    verify_citation(citation=citation)
    assert citation.verification_state == "no_text"


def test_new_snapshot_with_an_edit_before_the_quote_moves_the_anchor():
    source, citation = cited()
    new_text = "UPDATED: headline corrected.\n\n" + TEXT
    drifted = replace_source_text(source=source, text=new_text)
    citation.refresh_from_db()
    assert drifted == []
    assert citation.verification_state == "verbatim"
    assert new_text[citation.anchor_start : citation.anchor_end] == "I never pulled the trigger,"
    assert citation.anchor_start == len("UPDATED: headline corrected.\n\n") + TEXT.index("I never")
    assert source.sha256 == source.digest(new_text)


def test_new_snapshot_without_the_words_marks_the_citation_drifted():
    source, citation = cited()
    drifted = replace_source_text(source=source, text="The actor declined to comment.")
    citation.refresh_from_db()
    assert [c.pk for c in drifted] == [citation.pk]
    # checked in the first capture, which printed the words: that verification is kept
    assert citation.verification_state == "verbatim"
    assert citation.drifted
    assert citation.capture == source.captures.order_by("pk").first()


def test_verify_quotes_command_summarises_and_lists_drifted():
    source, citation = cited()
    replace_source_text(source=source, text="Nothing quoted here any more.")
    cited(text="Someone said “it works” today.", quote="it works")
    out = io.StringIO()
    call_command("verify_quotes", "--no-progress", stdout=out)
    output = out.getvalue()
    assert "Checked 2 citation(s)." in output
    assert "Verbatim: 2" in output  # one of them in the capture it was checked in
    assert f"drifted: citation {citation.pk}" in output


def test_admin_shows_each_citations_state(admin_client):
    _source, citation = cited()
    response = admin_client.get(reverse("admin:claims_citation_changelist"))
    assert response.status_code == 200
    assert "Verbatim" in response.content.decode()
    response = admin_client.get(reverse("admin:claims_claim_change", args=[citation.claim_id]))
    assert "Verbatim (score 100)" in response.content.decode()


def test_admin_saving_a_new_text_re_anchors(admin_client):
    source, citation = cited()
    url = reverse("admin:sources_source_change", args=[source.pk])
    form = {
        "title": source.title,
        "slug": source.slug,
        "kind": source.kind,
        "text": "Prefix added. " + TEXT,
        "_version": source.version,
    }
    response = admin_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    citation.refresh_from_db()
    assert citation.anchor_start == len("Prefix added. ") + TEXT.index("I never")


def run(*args, env=None):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={
            "DJANGO_SECRET_KEY": "tests",
            "DJANGO_ALLOWED_HOSTS": "localhost",
            "DJANGO_SITE_URL": "http://127.0.0.1:8000",
            "DJANGO_ENV_FILE": "",
            "PATH": "/usr/bin:/bin",
            **(env or {}),
        },
    )


@pytest.fixture
def article(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(
        "Jane Roe spoke to reporters.\n\n“We did everything by the book,” she said. "
        "“Nobody was hurt.”\n\nThe mayor called it “a disgrace”.\n",
        encoding="utf-8",
    )
    return path


def test_extract_quotes_command_prints_jsonl(article):
    result = run("extract_quotes", str(article), "--format", "jsonl", "--no-db")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    text = article.read_text(encoding="utf-8")
    assert rows and all(text[r["start"] : r["end"]] == r["quote"] for r in rows)
    first = rows[0]
    assert first["quote"] == "We did everything by the book,"
    assert first["kind"] == "statement"
    assert first["speaker"] == "Jane Roe"
    assert {"file", "cue"} <= first.keys()
    assert any(r["quote"] == "a disgrace" and r["kind"] == "fragment" for r in rows)


@pytest.mark.parametrize("database", ["unreachable", "embedded"])
def test_extract_quotes_no_db_opens_no_database_connection(article, tmp_path, database):
    """``--no-db`` needs no database: with one that cannot be reached it still prints the
    quotes, and with the embedded one it never starts the server (its folder is not made)."""
    folder = tmp_path / "embedded" / "pgdata"
    env = (
        {"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
        if database == "unreachable"
        else {"DJANGO_EMBEDDED_PGDATA": str(folder)}
    )
    result = run("extract_quotes", str(article), "--format", "text", "--no-db", env=env)
    assert result.returncode == 0, result.stderr
    assert "statement: “We did everything by the book,” — Jane Roe" in result.stdout
    assert "“a disgrace”" in result.stdout
    assert not (tmp_path / "embedded").exists()


def test_locate_quote_command_prints_one_json_object(article):
    result = run("locate_quote", "--text", str(article), "--quote", "Nobody was hurt.")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["state"] == "verbatim"
    assert article.read_text(encoding="utf-8")[found["start"] : found["end"]] == found["exact"]
    assert {"score", "prefix", "suffix"} <= found.keys()


@pytest.mark.parametrize("command", ["extract_quotes", "locate_quote"])
def test_quote_commands_reject_unreadable_and_non_utf8_files(tmp_path, command):
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("café “quoted”".encode("latin-1", errors="replace"))
    for path, message in [(latin, "not UTF-8"), (tmp_path / "missing.txt", "cannot read")]:
        args = [str(path)] if command == "extract_quotes" else ["--text", str(path), "--quote", "x"]
        result = run(command, *args)
        assert result.returncode != 0
        assert message in result.stderr
        assert "Traceback" not in result.stderr


# Quotes printed in parts around an attribution ------------------------------------------

SPLIT = "At the plant: “The plant is sound,” the director said, “and it always has been.” End."
WORDS = "The plant is sound, and it always has been."


def test_split_quote_is_verified_verbatim_with_its_parts_stored():
    _source, citation = cited(text=SPLIT, quote=WORDS)
    citation.refresh_from_db()
    assert citation.verification_state == "verbatim"
    assert citation.verification_score == 100
    assert [p["exact"] for p in citation.anchor_parts] == [
        "The plant is sound,",
        "and it always has been.",
    ]
    for part in citation.anchor_parts:
        assert SPLIT[part["start"] : part["end"]] == part["exact"]
    first, last = citation.anchor_parts[0], citation.anchor_parts[-1]
    assert (citation.anchor_start, citation.anchor_end) == (first["start"], last["end"])
    assert citation.anchor_exact == SPLIT[citation.anchor_start : citation.anchor_end]


def test_one_piece_quote_stores_one_part_equal_to_its_anchor():
    _source, citation = cited()
    citation.refresh_from_db()
    assert citation.anchor_parts == [
        {
            "start": citation.anchor_start,
            "end": citation.anchor_end,
            "exact": citation.anchor_exact,
            "prefix": citation.anchor_prefix,
            "suffix": citation.anchor_suffix,
        }
    ]


def test_split_quote_with_a_tampered_half_is_not_verified():
    _source, citation = cited(text=SPLIT, quote="The plant is sound, and it never has been.")
    assert citation.verification_state in {"fuzzy", "not_found"}
    assert len(citation.anchor_parts) <= 1


def test_new_snapshot_moves_every_part_of_a_split_quote():
    source, citation = cited(text=SPLIT, quote=WORDS)
    old_parts = citation.anchor_parts
    new_text = "UPDATED: headline corrected.\n\n" + SPLIT
    assert replace_source_text(source=source, text=new_text) == []
    citation.refresh_from_db()
    shift = len("UPDATED: headline corrected.\n\n")
    assert citation.verification_state == "verbatim"
    assert [(p["start"], p["end"]) for p in citation.anchor_parts] == [
        (p["start"] + shift, p["end"] + shift) for p in old_parts
    ]
