"""Captures (issue 21.1-2): a source's archived texts kept as they were taken, each citation
checked in one; a replaced text adds a capture, re-anchors what it still prints and marks what
it no longer prints "changed since"; an editor supersedes a wrong one; staff download the
original bytes as a WARC record; the public badge says what was checked against what, and the
source's page compares any two captures."""

import datetime as dt
import re

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from claims.models import Citation
from claims.verification import replace_source_text, supersede_capture
from sources import warc
from sources.models import Capture, CaptureHow
from tests.factories import make_claim, make_contradiction, make_source
from tests.helpers import signed_in, text, user

pytestmark = pytest.mark.django_db

TEXT = (
    "The county report, published on Monday, said the plant is safe. "
    "Inspectors visited twice in May. The mayor welcomed the findings."
)
APRIL = dt.datetime(2026, 4, 3, 9, 30, tzinfo=dt.UTC)
JUNE = dt.datetime(2026, 6, 12, 16, 0, tzinfo=dt.UTC)


def cited(text=TEXT, quote="the plant is safe."):
    source = make_source(title="County report")
    replace_source_text(source=source, text=text, captured_at=APRIL)
    claim = make_claim(slug="safe", text=quote[0].upper() + quote[1:], cite=None)
    citation = Citation.objects.create(claim=claim, source=source, quote=quote)
    from claims.verification import verify_citation

    verify_citation(citation=citation)
    return source, claim, citation


# --- the model --------------------------------------------------------------------------------


def test_a_capture_is_never_changed():
    source, _claim, _citation = cited()
    capture = source.captures.get()
    assert (capture.sha256, capture.taken_at, capture.how) == (source.sha256, APRIL, "pasted")
    capture.text = "Rewritten."
    with pytest.raises(ValueError, match="never changed"):
        capture.save()
    for change in ({"text": "Rewritten."}, {"taken_at": JUNE}, {"sha256": "0" * 64}):
        with pytest.raises(DatabaseError, match="never changed"), transaction.atomic():
            Capture.objects.filter(pk=capture.pk).update(**change)
    capture.refresh_from_db()
    assert capture.text == TEXT


def test_a_supersession_is_written_once():
    source, _claim, _citation = cited()
    replace_source_text(source=source, text=TEXT + " Updated.")
    first = source.captures.order_by("pk").first()
    supersede_capture(capture=first, by=user("Editor"), reason="The wrong page was pasted.")
    with pytest.raises(DatabaseError, match="never changed"), transaction.atomic():
        Capture.objects.filter(pk=first.pk).update(superseded_reason="Changed my mind.")


# --- the service ------------------------------------------------------------------------------


def test_a_replaced_text_adds_a_capture_and_the_same_text_none():
    source, _claim, _citation = cited()
    reporter = user("Reporter")
    replace_source_text(
        source=source,
        text=TEXT + " Updated.",
        how=CaptureHow.FETCHED,
        by=reporter,
        raw_bytes=b"<html><p>The county report...</p></html>",
        headers={"Content-Type": "text/html; charset=utf-8", "ETag": '"v2"'},
        url="https://example.org/report",
    )
    replace_source_text(source=source, text=TEXT + " Updated.")  # the same: no capture
    first, second = source.captures.order_by("pk")
    assert (first.text, second.text) == (TEXT, TEXT + " Updated.")
    assert (second.how, second.by, second.url) == (
        "fetched",
        reporter,
        "https://example.org/report",
    )
    assert source.text == second.text and source.sha256 == second.sha256
    assert first.warc is None
    record, http, body = warc.read(bytes(second.warc))
    assert record["WARC-Type"] == "response"
    assert record["WARC-Target-URI"] == "https://example.org/report"
    assert ("ETag", '"v2"') in http
    assert body == b"<html><p>The county report...</p></html>"


def test_a_new_capture_re_anchors_what_it_still_prints():
    source, _claim, citation = cited()
    replace_source_text(source=source, text="Correction appended. " + TEXT, captured_at=JUNE)
    citation.refresh_from_db()
    assert citation.capture == source.captures.latest("pk")
    assert (citation.verification_state, citation.drifted) == ("verbatim", False)
    assert source.text[citation.anchor_start : citation.anchor_end] == "the plant is safe."


@pytest.mark.parametrize(
    "rewritten",
    [
        pytest.param(TEXT.replace("the plant is safe", "the plant needs work"), id="gone"),
        pytest.param(TEXT.replace("the plant is safe", "the plant is unsafe"), id="close"),
    ],
)
def test_a_new_capture_without_the_words_keeps_the_check_and_marks_it_changed_since(rewritten):
    source, _claim, citation = cited()
    first = source.captures.get()
    drifted = replace_source_text(source=source, text=rewritten, captured_at=JUNE)
    citation.refresh_from_db()
    assert [c.pk for c in drifted] == [citation.pk]
    assert (citation.verification_state, citation.drifted) == ("verbatim", True)
    assert citation.capture == first
    # a re-check keeps it too, while the earlier capture prints the words
    from claims.verification import verify_citation

    verify_citation(citation=citation)
    citation.refresh_from_db()
    assert (citation.verification_state, citation.drifted, citation.capture) == (
        "verbatim",
        True,
        first,
    )
    # the words back: checked in the newest capture, no longer changed since
    replace_source_text(source=source, text=TEXT + " Restored.")
    citation.refresh_from_db()
    assert (citation.drifted, citation.capture) == (False, source.captures.latest("pk"))


# --- superseding ------------------------------------------------------------------------------


def test_only_an_editor_supersedes_a_capture_and_a_bad_paste_is_never_used_again():
    source, _claim, citation = cited()
    first = source.captures.get()
    replace_source_text(source=source, text="Something else entirely was pasted here.")
    bad = source.captures.latest("pk")
    citation.refresh_from_db()
    assert citation.drifted
    url = reverse("admin:sources_source_capture_supersede", args=[source.pk, bad.pk])
    reporter = signed_in("Reporter")
    assert reporter.get(url).status_code == 403
    assert reporter.post(url, {"reason": "Bad paste."}).status_code == 403
    with pytest.raises(PermissionError):
        supersede_capture(capture=bad, by=user("Reporter", "r2"), reason="Bad paste.")
    editor = signed_in("Editor")
    assert "Supersede a capture" in text(editor.get(url))
    assert editor.post(url, {"reason": "  "}).status_code == 400  # a reason is required
    response = editor.post(url, {"reason": "A bad paste: another story."})
    assert response.status_code == 302
    bad.refresh_from_db()
    source.refresh_from_db()
    citation.refresh_from_db()
    assert bad.superseded and bad.superseded_reason == "A bad paste: another story."
    assert (source.text, source.sha256) == (first.text, first.sha256)  # back to the last good
    assert (citation.capture, citation.drifted, citation.verification_state) == (
        first,
        False,
        "verbatim",
    )
    change = text(editor.get(reverse("admin:sources_source_change", args=[source.pk])))
    assert "superseded" in change and "A bad paste: another story." in change
    # listed publicly with its reason, its text never shown
    public = text(signed_in("Editor", "e2").get(source.get_absolute_url()))
    assert "Superseded" in public and "A bad paste: another story." in public
    assert "Something else entirely" not in public
    changes = signed_in("Editor", "e3").get(f"/sources/{source.slug}/changes/?a={bad.pk}")
    assert changes.status_code == 400


# --- the WARC record, for staff ---------------------------------------------------------------


def test_the_warc_record_is_downloaded_by_staff_and_refused_to_visitors(client):
    source, _claim, _citation = cited()
    replace_source_text(
        source=source,
        text=TEXT + " Uploaded.",
        how=CaptureHow.UPLOADED,
        raw_bytes=b"%PDF-1.4 the original file",
        headers={"Content-Type": "application/pdf"},
        url="urn:upload:report.pdf",
    )
    capture = source.captures.latest("pk")
    url = reverse("admin:sources_source_capture_warc", args=[source.pk, capture.pk])
    staff = signed_in("Reporter")
    response = staff.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/warc"
    assert f"capture-{capture.pk}.warc.gz" in response["Content-Disposition"]
    record, _http, body = warc.read(response.content)
    assert (record["WARC-Type"], record["Content-Type"]) == ("resource", "application/pdf")
    assert body == b"%PDF-1.4 the original file"
    # a pasted capture has none; a capture under another source is not found
    pasted = source.captures.order_by("pk").first()
    pasted_url = reverse("admin:sources_source_capture_warc", args=[source.pk, pasted.pk])
    assert staff.get(pasted_url).status_code == 404
    other = make_source(text="Other.")
    wrong = reverse("admin:sources_source_capture_warc", args=[other.pk, capture.pk])
    assert staff.get(wrong).status_code == 404
    # a visitor, and a signed-in reader who is not staff: no bytes
    for visitor in (client, signed_in_reader()):
        refused = visitor.get(url)
        assert refused.status_code in (302, 403, 404)
        assert b"the original file" not in refused.content
    # the capture list on the source's admin page links it
    page = text(staff.get(reverse("admin:sources_source_change", args=[source.pk])))
    assert "WARC record" in page


def signed_in_reader():
    from django.contrib.auth.models import User
    from django.test import Client

    reader = User.objects.create_user("reader", password="a-reader-password")
    client = Client()
    client.force_login(reader)
    return client


# --- the admin's save -------------------------------------------------------------------------


def test_a_text_saved_in_the_admin_is_a_capture_by_its_author():
    source, _claim, _citation = cited()
    editor_user = user("Editor", "saver")
    from django.test import Client

    from tests.helpers import form_data

    editor = Client()
    editor.force_login(editor_user)
    url = reverse("admin:sources_source_change", args=[source.pk])
    editor.post(url, {**form_data(editor.get(url)), "text": TEXT + " Pasted again."})
    capture = source.captures.latest("pk")
    assert (capture.text, capture.how, capture.by) == (
        TEXT + " Pasted again.",
        "pasted",
        editor_user,
    )


# --- the public pages -------------------------------------------------------------------------


def test_the_badge_says_what_was_checked_against_what(client):
    source, claim, _citation = cited()
    pair = make_contradiction(claim=claim, counter=make_claim())
    page = text(client.get(claim.get_absolute_url()))
    assert "✓ Verbatim in the capture of 3 Apr 2026" in page
    assert "the page has since changed" not in page
    replace_source_text(source=source, text=TEXT.replace("is safe", "was closed"), captured_at=JUNE)
    first = source.captures.order_by("pk").first()
    for url in (claim.get_absolute_url(), pair.get_absolute_url(), source.get_absolute_url()):
        response = client.get(url)
        page = text(response)
        assert "✓ Verbatim in the capture of 3 Apr 2026" in page, url
        assert "the page has since changed" in page, url
        assert f'href="/sources/{source.slug}/changes/?a={first.pk}"' in response.content.decode()


def test_the_source_page_lists_its_captures_and_the_diff_page_shows_two_side_by_side(client):
    source, _claim, _citation = cited()
    replace_source_text(
        source=source, text=TEXT.replace("twice in May", "three times in May"), captured_at=JUNE
    )
    page = " ".join(re.sub(r"<[^>]+>", "", text(client.get(source.get_absolute_url()))).split())
    assert "Captures of this source" in page
    listed = page[page.index("Captures of this source") :]
    assert re.search(r"12 Jun 2026, \d\d:\d\d, pasted\. Current\.", listed), listed
    assert re.search(r"3 Apr 2026, \d\d:\d\d, pasted\.", listed), listed
    response = client.get(f"/sources/{source.slug}/changes/")
    assert response.status_code == 200
    html = response.content.decode()
    before = re.search(r'id="capture-before">(.*?)</div>', html, re.S).group(1)
    after = re.search(r'id="capture-after">(.*?)</div>', html, re.S).group(1)
    assert "<del>twice</del>" in before and "<ins>three times</ins>" in after
    assert "1 change," in text(response)
    first, second = source.captures.order_by("pk")
    # either order: the earlier capture on the left
    again = client.get(f"/sources/{source.slug}/changes/?a={second.pk}&b={first.pk}")
    assert re.search(r'id="capture-before">(.*?)</div>', again.content.decode(), re.S).group(1) == (
        before
    )
    for bad in ("?a=x", "?a=999999", f"?a={first.pk}&b=-1"):
        assert client.get(f"/sources/{source.slug}/changes/{bad}").status_code == 400


def test_a_draft_sources_captures_are_not_public(client):
    draft_source = make_source(text="Draft words.")
    make_claim(cite=draft_source, text="Draft words.", status="draft")
    replace_source_text(source=draft_source, text="Draft words, changed.")
    assert client.get(f"/sources/{draft_source.slug}/changes/").status_code == 404
    assert client.get(draft_source.get_absolute_url()).status_code == 404


# --- the exchange format ----------------------------------------------------------------------


def export_bytes() -> bytes:
    from claims.exchange import dumps, export_records

    return "".join(dumps(r) + "\n" for r in export_records()).encode()


def test_a_file_from_before_captures_makes_each_text_an_imported_first_capture():
    from claims.exchange import export_records, import_records
    from sources.models import Source
    from tests.helpers import GOOD, jsonl

    assert "captures" not in GOOD[1]
    import_records(jsonl(GOOD))
    source = Source.objects.get(slug=GOOD[1]["id"])
    capture = source.captures.get()
    assert (capture.how, capture.text, capture.sha256) == ("imported", source.text, source.sha256)
    assert capture.taken_at.isoformat().replace("+00:00", "Z") == GOOD[1]["captured_at"]
    assert Citation.objects.get().capture == capture
    (line,) = [r for r in export_records() if r["type"] == "source"]
    assert line["captures"] == [  # the source's own text: not carried twice
        {"taken_at": GOOD[1]["captured_at"], "how": "imported", "sha256": source.sha256}
    ]
    import_records(jsonl(GOOD))  # the same file again: no capture added
    assert source.captures.count() == 1


def test_captures_and_what_each_citation_was_checked_in_survive_a_restore(client):
    from claims.exchange import import_records
    from sources.models import Source

    source, claim, _citation = cited()
    make_contradiction(claim=claim, counter=make_claim())
    replace_source_text(source=source, text="Pasted from another story.", captured_at=JUNE)
    bad = source.captures.latest("pk")
    supersede_capture(capture=bad, by=user("Editor"), reason="Another story was pasted.")
    replace_source_text(source=source, text=TEXT.replace("is safe", "was closed"), captured_at=JUNE)
    badge = "✓ Verbatim in the capture of 3 Apr 2026"
    before = text(client.get(claim.get_absolute_url()))
    assert badge in before and "the page has since changed" in before
    data = export_bytes()
    assert "Pasted from another story." in data.decode()  # restore-grade: everything

    from tests.claims.test_round_trip import empty_the_exchanged_tables

    empty_the_exchanged_tables()
    assert not Capture.objects.exists()
    import_records(data, restore=True)
    assert export_bytes() == data
    source = Source.objects.get(slug=source.slug)
    assert [(c.how, c.taken_at, bool(c.superseded)) for c in source.captures.all()] == [
        ("pasted", APRIL, False),
        ("pasted", JUNE, True),
        ("pasted", JUNE, False),
    ]
    assert source.captures.all()[1].superseded_reason == "Another story was pasted."
    citation = Citation.objects.get(claim__slug="safe")
    assert (citation.drifted, citation.verification_state) == (True, "verbatim")
    assert citation.capture == source.captures.first()
    after = text(client.get(claim.get_absolute_url()))
    assert badge in after and "the page has since changed" in after
    public = text(client.get(source.get_absolute_url()))
    assert "Another story was pasted." in public and "Pasted from another story." not in public


def test_a_capture_whose_text_is_not_its_digest_is_refused_by_line():
    from claims.exchange import ImportFailed, import_records
    from tests.helpers import GOOD, jsonl

    lines = [dict(r) for r in GOOD]
    lines[1] = {
        **lines[1],
        "captures": [
            {"taken_at": "2026-04-03T09:30:00Z", "how": "pasted", "sha256": "0" * 64, "text": "A."},
            {"taken_at": "2026-04-03T09:30:00Z", "how": "by hand", "sha256": "1" * 64},
        ],
    }
    with pytest.raises(ImportFailed) as failure:
        import_records(jsonl(lines))
    said = str(failure.value)
    assert "line 2: captures[1].sha256: is not the digest of its text" in said
    assert "line 2: captures[2].how: 'by hand' is not one of" in said
    assert not Capture.objects.exists()
