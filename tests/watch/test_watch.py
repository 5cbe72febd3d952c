"""The watch against a local server whose article changes between fetches: a typo fixed in
an uncited sentence (a capture, no alert), a cited sentence rewritten (a capture, an alert on
the desk, in the staff feed, emailed to the case's followers, in the case's public feed), an
ad block and a timestamp changed (no capture), a 304, a 404 and a timeout (nothing lost,
tried again later)."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import feedparser
import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.utils import timezone

from claims.models import Citation, VerificationState
from sources.intake.fetch import fetch_url
from sources.models import Source
from tests.factories import make_case, make_claim, make_source, make_speaker
from tests.helpers import signed_in, text
from watch import checks
from watch.models import Alert, CaseFollower, Outcome, SilentRevision, WatchedSource

CITED = "The armorer loaded six live rounds into the revolver that morning."
OTHER = "The trial lasted two weeks and heard from fourty witnesses."


def page(*, cited=CITED, other=OTHER, ad="Buy shoes now!", stamp="10:02") -> str:
    return f"""<!doctype html><html><head><meta charset="utf-8">
<title>Armorer testifies | The Daily Example</title></head><body>
<nav><a href="/">Home</a> Updated {stamp}</nav>
<aside class="advert"><p>{ad}</p></aside>
<article><h1>Armorer testifies about the live rounds</h1>
<p>A jury in Santa Fe heard the armorer on Wednesday, in a packed courtroom downtown.</p>
<p>{cited} Prosecutors said so in their opening statement to the jury.</p>
<p>{other} The verdict is expected next month, the court's clerk said.</p>
</article><aside><h2>Related</h2><ul><li><a href="/x">Updated {stamp}: more news</a></li></ul>
</aside><footer>Copyright The Daily Example. Page built at {stamp}.</footer></body></html>"""


class Site:
    """What the local server answers: a page (with an ETag), or a status, or nothing in time."""

    def __init__(self):
        self.body = page()
        self.etag = '"v1"'
        self.status = 200
        self.hang = threading.Event()
        self.requests: list[dict] = []


@contextmanager
def serving(site: Site):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            site.requests.append(dict(self.headers))
            if site.hang.is_set():
                site.hang.wait(0)  # answer nothing in time
                threading.Event().wait(3)
                return
            if site.status != 200:
                self.send_response(site.status)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if self.headers.get("If-None-Match") == site.etag:
                self.send_response(304)
                self.send_header("ETag", site.etag)
                self.end_headers()
                return
            body = site.body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", site.etag)
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/story"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def site(settings):
    settings.SOURCE_FETCH_ALLOW_PRIVATE = True
    settings.SOURCE_FETCH_TIMEOUT = 1
    site = Site()
    with serving(site) as url:
        site.url = url
        yield site


@pytest.fixture
def watched(db, site):
    """A source archived from the page as it first was, a published claim citing its cited
    sentence in a published case, an editor following the case."""
    archived = fetch_url(
        site.url, timeout=5, max_bytes=1_000_000, max_redirects=2, allow_private=True
    )
    source = make_source(text=archived.text, url=site.url)
    case = make_case()
    claim = make_claim(text=CITED, cite=source, speaker=make_speaker())
    claim.cases.add(case)
    citation = Citation.objects.get(claim=claim)
    assert citation.verification_state == VerificationState.VERBATIM
    editor = User.objects.create_user("ed", email="ed@example.org", is_staff=True)
    CaseFollower.objects.create(user=editor, case=case)
    checks.sync_watch_list()
    state = WatchedSource.objects.get(source=source)
    return state, case, claim


def check(state) -> str:
    return checks.check_source(state.pk)


def captures(source) -> int:
    return SilentRevision.objects.filter(source=source).count()


@pytest.mark.django_db(transaction=True)
def test_a_page_unchanged_then_not_modified(watched, site):
    state, _, _ = watched
    assert check(state) == Outcome.UNCHANGED
    state.refresh_from_db()
    assert state.etag == '"v1"'
    assert check(state) == Outcome.NOT_MODIFIED  # the ETag sent back: a 304
    assert site.requests[-1]["If-None-Match"] == '"v1"'
    assert "watch" in site.requests[-1]["User-Agent"]
    assert captures(state.source) == 0


@pytest.mark.django_db(transaction=True)
def test_boilerplate_changes_make_no_capture(watched, site):
    state, _, _ = watched
    before = Source.objects.get(pk=state.source_id).sha256
    site.body = page(ad="Cheap flights to Lisbon!", stamp="17:45")
    site.etag = '"v2"'
    assert check(state) == Outcome.UNCHANGED
    assert Source.objects.get(pk=state.source_id).sha256 == before
    assert captures(state.source) == 0
    assert not Alert.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_typo_fixed_in_an_uncited_sentence_is_a_capture_without_alert(watched, site):
    state, _, _ = watched
    site.body = page(other=OTHER.replace("fourty", "forty"))
    site.etag = '"v2"'
    assert check(state) == Outcome.CHANGED
    source = Source.objects.get(pk=state.source_id)
    assert "forty witnesses" in source.text and "fourty" not in source.text
    assert captures(source) == 1
    assert not Alert.objects.exists()
    assert Citation.objects.get(source=source).verification_state == VerificationState.VERBATIM
    assert check(state) == Outcome.NOT_MODIFIED
    site.etag = '"v3"'  # the same text under a new tag: still one capture
    assert check(state) == Outcome.UNCHANGED
    assert captures(source) == 1


@pytest.mark.django_db(transaction=True)
def test_a_cited_sentence_rewritten_alerts_the_desk(watched, site):
    state, case, claim = watched
    site.body = page(cited="The armorer loaded what she believed were dummy rounds.")
    site.etag = '"v2"'
    mail.outbox.clear()
    assert check(state) == Outcome.CITED_CHANGED
    alert = Alert.objects.get()
    assert "cited passage changed" in alert.title
    assert claim.slug in alert.body
    assert list(alert.cases.all()) == [case]
    # emailed to the case's follower
    assert [m.to for m in mail.outbox] == [["ed@example.org"]]
    assert CITED[:40] in mail.outbox[0].body
    # on the desk
    editor = signed_in("Editor")
    desk = text(editor.get("/admin/"))
    assert "Alerts from the watch" in desk and alert.title in desk
    # in the staff feed; not for the public
    feed = feedparser.parse(editor.get("/desk/alerts/feed/").content)
    assert [e.title for e in feed.entries] == [alert.title]
    from django.test import Client

    assert Client().get("/desk/alerts/feed/").status_code == 302
    # the case's public feed of silent revisions
    public = feedparser.parse(Client().get(f"/cases/{case.slug}/revisions/feed/").content)
    assert [e.title for e in public.entries] == [f"Revised since archived: {state.source.title}"]
    # run again: nothing more
    site.etag = '"v3"'
    assert check(state) == Outcome.UNCHANGED
    assert Alert.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_404_and_a_timeout_lose_nothing_and_are_tried_again(watched, site):
    state, _, _ = watched
    source_before = Source.objects.get(pk=state.source_id)
    site.status = 404
    assert check(state) == Outcome.FAILED
    state.refresh_from_db()
    assert state.failures == 1 and "404" in state.last_error
    first_wait = state.next_check_at - state.last_checked_at
    site.status = 200
    site.hang.set()
    assert check(state) == Outcome.FAILED
    state.refresh_from_db()
    assert state.failures == 2 and "did not answer" in state.last_error
    assert state.next_check_at - state.last_checked_at > first_wait  # backing off
    after = Source.objects.get(pk=state.source_id)
    assert (after.text, after.sha256) == (source_before.text, source_before.sha256)
    # due again later, and fine once the page answers
    site.hang.clear()
    queued = checks.queue_due(now=state.next_check_at + timedelta(seconds=1))
    assert queued == [state.pk]
    assert check(state) == Outcome.UNCHANGED
    state.refresh_from_db()
    assert state.failures == 0 and state.last_error == ""


@pytest.mark.django_db
def test_the_schedule_follows_the_story_age(settings):
    from watch import schedule

    steps = settings.WATCH_SCHEDULE
    now = timezone.now()
    assert schedule.interval(timedelta(hours=3), steps) == timedelta(hours=1)
    assert schedule.interval(timedelta(days=3), steps) == timedelta(days=1)
    assert schedule.interval(timedelta(days=300), steps) == timedelta(days=7)
    assert schedule.story_age(published_on=now.date(), created_at=now, now=now) < timedelta(days=1)
