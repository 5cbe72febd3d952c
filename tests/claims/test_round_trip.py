"""Data out tells the whole truth: what the public reads survives an export and a restore into
an emptied database, page for page and byte for byte.

The world is the leak walk's (tests/claims/test_no_leaks.py): the demo loaded through the
import, then items published, retracted, corrected, unpublished and revised through the
publishing and revisions services, in every state. Every public URL pattern is rendered for
every item, in every format (pages, htmx partials, CSV and JSON exports, feeds, the sitemap),
before and after the round trip; the two renderings must be the same bytes, once what belongs
to the answer and not to the data is blanked (the CSP nonce, new in every answer; the ETag,
which hashes the page with its nonce; Last-Modified, when the public data last changed).
Nothing else is mapped: a passage's link names its citation by slugs (``#quote-<claim>`` on a
source's page, ``#citation-<source>`` on a claim's), never by a row id, which a restore
renumbers; and every citation's "checked" date is set in the past first, so a restore dating
its checks today would show.

Before the format carried the items' public history, 110 of 1,152 answers differed: retraction
notices lost their date and reason, contradictions their publication and modification times
(page metadata, the citation text, feeds, exports, the sitemap), and lists ordered by
publication came out in another order.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import re

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from claims import publishing
from claims.exchange import ImportFailed, NotEmpty, dumps, export_records, import_records
from claims.models import (
    Case,
    Citation,
    Claim,
    ClaimKind,
    Contradiction,
    Correction,
    Speaker,
    Status,
    Topic,
)
from claims.verification import (
    SAVED_FIELDS,
    replace_source_text,
    supersede_capture,
    verify_citation,
)
from sources.models import Outlet, Source
from tests.claims.test_no_leaks import body, requests, world  # noqa: F401 (the world fixture)
from tests.conftest import DEMO
from tests.factories import make_claim, make_contradiction, make_source
from tests.helpers import GOOD, jsonl

pytestmark = pytest.mark.django_db

# What the exchange format writes, in an order that deletes what refers before what it refers to.
EXCHANGED = (Correction, Contradiction, Citation, Claim, Speaker, Topic, Case, Source, Outlet)

NONCE = re.compile(r"""(nonce=["']?|'nonce-)[A-Za-z0-9+/=_-]+""")
# Headers of the answer, not of the data: the ETag hashes the page with its nonce, and
# Last-Modified is when the public data last changed (the import changed it).
PER_ANSWER = re.compile(r"^(etag|last-modified): .*$", re.MULTILINE)


def export_bytes() -> bytes:
    return "".join(dumps(r) + "\n" for r in export_records()).encode()


def render_all(client, walk) -> dict[tuple, str]:
    """Every public answer of the walk, as the reader gets it (headers and body)."""
    cache.clear()
    pages = {}
    for _name, path, query, headers in walk:
        response = client.get(path, query, **headers)
        text = PER_ANSWER.sub(r"\1: -", NONCE.sub(r"\1-", body(response)))
        key = (path, tuple(sorted(query.items())), tuple(sorted(headers)))
        pages[key] = f"{response.status_code}\n{text}"
    return pages


def empty_the_exchanged_tables() -> None:
    for model in EXCHANGED:
        model.objects.all().delete()
    assert not any(model.objects.exists() for model in EXCHANGED)


CHECKED_IN_2020 = re.compile(r", checked \d{1,2} [a-z]{3} 2020\b", re.IGNORECASE)


def checked_in_the_past() -> None:
    """Every citation's quote checked, and the checks dated in 2020, a day apart: a restore that
    dated them when it checks the quotes again would change every badge's "checked" date.

    Checked first because the walk hides a draft's quote by writing over it past the checker (a
    queryset update): its stored check is of words it no longer has, which a restore, checking
    every quote again, would rightly not find (then the line's check and its date change)."""
    citations = list(
        Citation.objects.select_related("source").order_by("claim__slug", "source__slug")
    )
    for day, citation in enumerate(citations):
        verify_citation(citation=citation, save=False)
        citation.verified_at = dt.datetime(2020, 1, 1, 9, 30, tzinfo=dt.UTC) + dt.timedelta(day)
    Citation.objects.bulk_update(citations, SAVED_FIELDS)


@pytest.mark.slow
def test_export_import_into_an_emptied_database_keeps_every_public_page(client, world):  # noqa: F811
    walk = requests(world)
    checked_in_the_past()
    before = render_all(client, walk)
    assert any(CHECKED_IN_2020.search(page) for page in before.values())
    first = export_bytes()

    empty_the_exchanged_tables()
    import_records(first, restore=True)
    assert export_bytes() == first

    after = render_all(client, walk)
    assert after.keys() == before.keys()
    differ = [key for key in before if before[key] != after[key]]
    report = []
    for key in differ[:6]:
        lines = difflib.unified_diff(
            before[key].splitlines(), after[key].splitlines(), lineterm="", n=0
        )
        report.append(f"{key}:\n" + "\n".join(list(lines)[2:12]))
    assert not differ, f"{len(differ)} of {len(before)} answers differ:\n" + "\n".join(report)
    assert len(before) > 1000


def test_an_items_public_history_travels_in_the_format():
    """Published, retracted and why, last updated: on the line, and restored as they were;
    who published it is the newsroom's business, not the file's."""
    editor = User.objects.create_superuser("history-editor", password="pw")
    claim = make_claim(status=Status.DRAFT, kind=ClaimKind.RECORD, text="It was sound.")
    publishing.publish(item=claim, by=editor)
    publishing.retract(item=claim, by=editor, reason="It was not sound.")
    claim.refresh_from_db()
    (line,) = [r for r in export_records() if r["type"] == "claim"]
    assert line["status"] == "retracted" and line["retraction_reason"] == "It was not sound."
    assert "published_by" not in line
    first = export_bytes()

    empty_the_exchanged_tables()
    import_records(first, restore=True)
    restored = Claim.objects.get(slug=claim.slug)
    for name in ("published_at", "retracted_at", "retraction_reason", "updated_at"):
        assert getattr(restored, name) == getattr(claim, name), name
    assert restored.published_by is None
    assert export_bytes() == first


def test_a_file_from_before_the_history_is_dated_at_the_import_a_null_date_stays_null():
    """A line without ``published_at`` (an older backup, a hand-written file) is dated when it
    is published by the import, restore or not; ``null``, which the export writes for a
    published item that has no date, stays no date."""
    import_records(jsonl(GOOD), restore=True)
    assert Claim.objects.get(slug="never-did-it").published_at is not None
    Claim.objects.filter(slug="never-did-it").update(published_at=None)
    (line,) = [r for r in export_records() if r["id"] == "never-did-it"]
    assert line["status"] == "published" and line["published_at"] is None
    first = export_bytes()
    empty_the_exchanged_tables()
    import_records(first, restore=True)
    assert Claim.objects.get(slug="never-did-it").published_at is None
    assert export_bytes() == first


# --- What the app exported, the app imports ---------------------------------------------------


@pytest.fixture
def editor():
    return User.objects.create_superuser("restore-editor", password="pw")


@pytest.fixture
def rules_broken_since(editor):
    """Published items today's rules refuse, each reached as a newsroom reaches it: a quote
    published, then its source's text replaced by one that no longer prints it and the capture
    it was checked in superseded by an editor (a bad paste: its check does not stand in it, and
    the current text lacks the words); a quote whose
    words an editor changed after publishing it; a published pair with the first on a side."""
    replaced = make_source(slug="replaced", text="She said: “The bridge is safe.” Then left.")
    printed = make_source(slug="printed", text="He said: “The tunnel is sound.” Then left.")
    drifted = make_claim(
        slug="bridge-safe", status=Status.DRAFT, text="The bridge is safe.", cite=replaced
    )
    reworded = make_claim(
        slug="tunnel-sound", status=Status.DRAFT, text="The tunnel is sound.", cite=printed
    )
    finding = make_claim(
        slug="bridge-failed", status=Status.DRAFT, kind=ClaimKind.RECORD, text="It failed."
    )
    for claim in (drifted, reworded, finding):
        publishing.publish(item=claim, by=editor)
    pair = make_contradiction(
        slug="bridge-pair", claim=drifted, counter=finding, status=Status.DRAFT
    )
    publishing.publish(item=pair, by=editor)
    replace_source_text(source=replaced, text="She declined to comment.")
    checked_in = replaced.captures.order_by("pk").first()
    supersede_capture(capture=checked_in, by=editor, reason="The wrong story was pasted.")
    reworded.refresh_from_db()
    reworded.text = "The tunnel is perfectly sound."
    reworded.save()
    return {"claims": {"bridge-safe", "tunnel-sound"}, "contradictions": {"bridge-pair"}}


def listed_for_attention(client, model: str) -> set[str]:
    """The admin's "Published, needs attention" filter, as an editor sees it."""
    response = client.get(
        reverse(f"admin:claims_{model}_changelist"), {"verification": "attention"}
    )
    assert response.status_code == 200
    return {item.slug for item in response.context["cl"].result_list}


def test_a_restore_records_published_items_the_rules_refuse_and_flags_them(
    client, editor, rules_broken_since
):
    data = export_bytes()
    empty_the_exchanged_tables()
    report = import_records(data, restore=True)

    assert export_bytes() == data  # as they were: published
    flagged = {
        "claims": Claim.objects.filter(slug__in=rules_broken_since["claims"]),
        "contradictions": Contradiction.objects.filter(
            slug__in=rules_broken_since["contradictions"]
        ),
    }
    reported = " ".join(str(problem) for problem in report.attention)
    for items in flagged.values():
        for item in items:
            assert item.status == Status.PUBLISHED
            problems = publishing.needs_attention(item)
            assert problems, item.slug
            for problem in problems:
                assert f"{item.slug!r} is restored as published, but {problem}" in reported
    client.force_login(editor)
    assert listed_for_attention(client, "claim") == rules_broken_since["claims"]
    assert listed_for_attention(client, "contradiction") == rules_broken_since["contradictions"]
    assert not publishing.needs_attention(Claim.objects.get(slug="bridge-failed"))


def test_the_same_file_as_new_records_is_refused_with_the_rules_messages(rules_broken_since):
    data = export_bytes()
    empty_the_exchanged_tables()
    import_records(data, restore=True)
    expected = {
        f"cannot publish {kind} {item.slug!r}: {problem}"
        for kind, model in (("claim", Claim), ("contradiction", Contradiction))
        for item in model.objects.all()
        for problem in publishing.needs_attention(item)
    }
    assert len(expected) >= 3

    # without the restore switch, into an empty database: the rules hold, as before
    empty_the_exchanged_tables()
    with pytest.raises(ImportFailed) as failure:
        import_records(data)
    assert {e.reason for e in failure.value.errors} == expected
    assert not Claim.objects.exists()

    # new records into a database that holds some: refused, with or without the switch
    import_records(DEMO.read_bytes())
    with pytest.raises(ImportFailed) as failure:
        import_records(data)
    assert {e.reason for e in failure.value.errors} == expected
    with pytest.raises(NotEmpty, match="A restore loads into an empty database"):
        import_records(data, restore=True)
    assert not Claim.objects.filter(slug__in=rules_broken_since["claims"]).exists()


def test_the_import_command_restores_with_its_switch_and_says_what_needs_attention(
    tmp_path, rules_broken_since
):
    path = tmp_path / "records.jsonl"
    path.write_bytes(export_bytes())
    empty_the_exchanged_tables()
    err = io.StringIO()
    with pytest.raises(CommandError, match="bad line"):
        call_command("import_jsonl", str(path), stderr=err)
    assert "cannot publish claim 'bridge-safe'" in err.getvalue()

    out = io.StringIO()
    call_command("import_jsonl", str(path), "--restore", stdout=out)
    said = out.getvalue()
    assert said.startswith("Restored ") and "Published, needs attention" in said
    assert "'bridge-safe' is restored as published, but" in said
    with pytest.raises(CommandError, match=r"Nothing was restored\. A restore loads into an empty"):
        call_command("import_jsonl", str(path), "--restore", stdout=io.StringIO())
