"""One chokepoint for who may change what the public reads (claims/guard.py): the database
refuses a non-editor's write to a public row whatever path it took; a reporter's change
becomes a proposed revision an editor accepts; history pages are read-only but for editors;
versions are counted by the database."""

import threading

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections, transaction
from django.urls import reverse

from claims import guard, publishing, revisions
from claims.models import Case, Citation, Claim, Contradiction, Revision, Speaker, Status, Topic
from claims.verification import verify_citation
from sources.models import Outlet, Source
from tests.factories import (
    make_case,
    make_claim,
    make_contradiction,
    make_outlet,
    make_source,
    make_speaker,
    make_topic,
)
from tests.helpers import TEXT, change_url, form_data, history_url, signed_in, text, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def reporter():
    return signed_in("Reporter")


@pytest.fixture
def editor():
    return signed_in("Editor")


@pytest.fixture
def source():
    return make_source(text=TEXT, outlet=make_outlet())


@pytest.fixture
def published(source):
    """A published claim citing ``source``, with a topic and a case."""
    claim = make_claim(text="The plant is safe.", cite=source)
    claim.topics.add(make_topic())
    claim.cases.add(make_case())
    return claim


def admin_url(obj, view="change") -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk])


# --- the database refuses, whatever the path -------------------------------------------------


def test_a_reporters_write_to_a_published_claim_is_refused_below_the_views(published):
    reporter = user("Reporter")
    published.text = "Rewritten."
    with guard.acting_as(reporter), pytest.raises(guard.Locked), transaction.atomic():
        published.save()
    with guard.acting_as(reporter), pytest.raises(guard.Locked), transaction.atomic():
        Claim.objects.filter(pk=published.pk).update(text="Rewritten by update().")
    with (
        guard.acting_as(reporter),
        pytest.raises(guard.Locked),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE claims_claim SET text = 'raw' WHERE id = %s", [published.pk])
    for sql in (
        "/* a comment first */ UPDATE claims_claim SET text = 'raw' WHERE id = %s",
        "WITH t AS (UPDATE claims_claim SET text = 'raw' WHERE id = %s RETURNING 1) SELECT 1",
    ):
        with (
            guard.acting_as(reporter),
            pytest.raises(guard.Locked),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [published.pk])
    published.refresh_from_db()
    assert published.text == "The plant is safe."


def test_what_the_public_reads_through_a_published_item_is_guarded_too(published, source):
    reporter = user("Reporter")
    citation = published.citations.get()
    writes = {
        "speaker": lambda: Speaker.objects.filter(pk=published.speaker_id).update(name="X"),
        "topic": lambda: Topic.objects.filter(claims=published).update(name="X"),
        "case": lambda: Case.objects.filter(claims=published).update(title="X"),
        "source text": lambda: Source.objects.filter(pk=source.pk).update(text="X"),
        "outlet": lambda: Outlet.objects.filter(pk=source.outlet_id).update(name="X"),
        "citation": lambda: Citation.objects.filter(pk=citation.pk).update(quote="X"),
        "new citation": lambda: Citation.objects.create(
            claim=published, source=make_source(text="Other."), quote="Other."
        ),
        "topic link": lambda: published.topics.add(make_topic()),
        "case link": lambda: published.cases.clear(),
    }
    refused = []
    for name, write in writes.items():
        with guard.acting_as(reporter):
            try:
                with transaction.atomic():
                    write()
            except guard.Locked:
                refused.append(name)
    assert refused == list(writes)


def test_a_reporter_still_writes_drafts_and_what_only_drafts_use(source):
    reporter = user("Reporter")
    speaker = make_speaker()
    draft = make_claim(speaker=speaker, status=Status.DRAFT, cite=source)
    with guard.acting_as(reporter):
        draft.text = "Edited draft."
        draft.save()
        speaker.name = "Renamed"
        speaker.save()
        draft.topics.add(make_topic())
        Citation.objects.create(claim=draft, source=make_source(text="Other."), quote="Other.")
    draft.refresh_from_db()
    assert draft.text == "Edited draft." and draft.topics.count() == 1


def test_quote_checks_on_a_published_claim_are_not_a_change_of_its_words(published):
    """Re-checking quotes writes only derived columns: anyone may run it."""
    with guard.acting_as(user("Reporter")):
        verify_citation(citation=published.citations.get())


def test_is_public_agrees_with_the_database_for_every_model_and_state(source):
    """The admin's question (is_public) and the trigger's refusal give the same answer."""
    reporter = user("Reporter")
    objs = []
    for status in Status.values:
        claim = make_claim(status=status, cite=make_source(text=TEXT, outlet=make_outlet()))
        objs += [claim, claim.speaker, claim.citations.get(), claim.citations.get().source]
        objs.append(claim.citations.get().source.outlet)
        topic = make_topic()
        claim.topics.add(topic)
        objs.append(topic)
        objs.append(make_contradiction(status=status, claim=claim))
        objs.append(make_case(status=status))
    for obj in objs:
        obj.refresh_from_db()
        expected = guard.is_public(obj)
        with guard.acting_as(reporter):
            try:
                with transaction.atomic():
                    type(obj).objects.filter(pk=obj.pk).update(version=obj.version)  # derived
                    first = next(
                        f
                        for f in obj._meta.concrete_fields
                        if f.get_internal_type() in ("CharField", "TextField")
                        and f.editable
                        and f.name not in ("slug", "status", "kind", "said_on_precision")
                    )
                    type(obj).objects.filter(pk=obj.pk).update(**{first.name: "changed"})
                    transaction.set_rollback(True)
                refused = False
            except guard.Locked:
                refused = True
        assert refused == expected, (type(obj).__name__, getattr(obj, "status", ""))


# --- the admin: proposals, read-only history -------------------------------------------------


def test_a_reporters_history_post_changes_nothing(reporter, published):
    record = published.history.order_by("history_date").first()
    url = history_url(published, record)
    page = reporter.get(url)
    assert page.status_code == 200 and "only an editor reverts" in text(page)
    response = reporter.post(url, {**form_data(page), "text": "Rewritten through history."})
    assert response.status_code == 403
    published.refresh_from_db()
    assert published.text == "The plant is safe."


def test_a_reporters_change_becomes_a_revision_an_editor_accepts(reporter, editor, published):
    page = reporter.get(change_url(published))
    assert "saving sends them to the editors as a proposed revision" in text(page)
    response = reporter.post(
        change_url(published), {**form_data(page), "summary": "A better summary"}, follow=True
    )
    assert "proposed revision" in text(response)
    published.refresh_from_db()
    assert published.summary == ""
    revision = Revision.objects.get()
    assert revision.changes["summary"]["new"] == "A better summary"
    assert "Revision" in text(editor.get(change_url(published)))
    review = editor.get(admin_url(revision))
    assert "A better summary" in text(review) and "Accept" in text(review)
    decide = reverse("admin:claims_revision_decide", args=[revision.pk, "accept"])
    assert reporter.post(decide).status_code == 403
    assert editor.post(decide, {"note": "Good."}).status_code == 302
    published.refresh_from_db()
    assert published.summary == "A better summary" and published.status == Status.PUBLISHED
    revision.refresh_from_db()
    assert revision.status == "accepted"
    assert published.history.first().history_user.username == "editor"


def test_a_revision_made_to_an_old_version_is_refused_on_acceptance(reporter, editor, published):
    page = form_data(reporter.get(change_url(published)))
    reporter.post(change_url(published), {**page, "summary": "Reporter's"})
    editor.post(change_url(published), {**page, "summary": "Editor's"})
    revision = Revision.objects.get()
    response = editor.post(reverse("admin:claims_revision_decide", args=[revision.pk, "accept"]))
    assert response.status_code == 409 and "Not accepted" in text(response)
    published.refresh_from_db()
    assert published.summary == "Editor's"


def test_a_speakers_and_a_sources_changes_are_proposed_too(reporter, editor, published, source):
    speaker = published.speaker
    page = form_data(reporter.get(admin_url(speaker)))
    reporter.post(admin_url(speaker), {**page, "name": "Someone Else"})
    page = form_data(reporter.get(admin_url(source)))
    reporter.post(admin_url(source), {**page, "text": "The agency declined to comment."})
    speaker.refresh_from_db()
    source.refresh_from_db()
    assert speaker.name != "Someone Else" and source.text == TEXT
    assert Revision.objects.count() == 2
    for revision in Revision.objects.order_by("pk"):
        decide = reverse("admin:claims_revision_decide", args=[revision.pk, "accept"])
        assert editor.post(decide).status_code == 302
    speaker.refresh_from_db()
    source.refresh_from_db()
    assert speaker.name == "Someone Else" and source.text.startswith("The agency")
    citation = published.citations.get()  # re-checked: changed since the capture it was in
    assert (citation.verification_state, citation.drifted) == ("verbatim", True)
    assert source.captures.count() == 2


def test_a_reporter_cannot_cite_a_source_on_a_published_claim(reporter, published):
    other = make_source(text='The mayor said: "The plant is safe."')
    quotes = reverse("admin:sources_source_change", args=[other.pk])
    assert reporter.get(quotes).status_code == 200
    start = other.text.index("The plant")
    url = reverse(
        "admin:sources_source_quote",
        args=[other.pk, start, start + len("The plant is safe."), "cite"],
    )
    response = reporter.post(url, {"claim": published.pk, "sha256": other.sha256})
    assert response.status_code in (400, 403)
    assert published.citations.count() == 1


def test_an_editors_revert_keeps_the_workflow_fields(editor, source):
    case = make_case(status=Status.DRAFT)
    publishing_editor = user("Editor", "another-editor")
    case.status = Status.PUBLISHED
    case._history_user = publishing_editor
    case.save()
    first = case.history.order_by("history_date").first()
    page = editor.get(history_url(case, first))
    response = editor.post(history_url(case, first), form_data(page))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.PUBLISHED


# --- versions: required on a form, counted by the database -----------------------------------


def test_a_change_form_without_its_version_is_refused(editor, published):
    page = form_data(editor.get(change_url(published)))
    page.pop("_version")
    response = editor.post(change_url(published), {**page, "summary": "No version"})
    assert response.status_code == 200 and "did not say which version" in text(response)
    published.refresh_from_db()
    assert published.summary == ""


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_each_count_and_history_versions_are_unique():
    speaker = make_speaker()
    start = speaker.version
    errors = []

    def save(n):
        try:
            copy = Speaker.objects.get(pk=speaker.pk)
            copy.role = f"role {n}"
            copy.save()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    speaker.refresh_from_db()
    assert speaker.version == start + 10
    versions = list(speaker.history.values_list("version", flat=True))
    assert len(versions) == len(set(versions)) == 11


def test_revisions_are_not_visible_to_the_public(client, reporter, published):
    page = form_data(reporter.get(change_url(published)))
    reporter.post(change_url(published), {**page, "summary": "SECRET-PROPOSAL"})
    assert "SECRET-PROPOSAL" not in client.get(published.get_absolute_url()).content.decode()
    ct = ContentType.objects.get_for_model(Claim)
    assert Revision.objects.filter(content_type=ct, object_id=published.pk).exists()
    assert revisions.pending_for(published).count() == 1
    assert publishing.can_propose(user("Reporter", "r2"), published)
    assert not publishing.can_propose(user("Editor", "e2"), published)
    assert Contradiction.objects.count() == 0


def test_every_table_behind_the_public_pages_is_guarded():
    """A new model or many-to-many list in claims or sources must be guarded (migration 0011's
    list) or named here as not read by the public; otherwise this fails."""
    from django.apps import apps

    # proposals; a case's working list of sources (Case.sources): staff only
    not_public = {"claims_revision", "claims_case_sources"}
    tables = {
        model._meta.db_table
        for label in ("claims", "sources")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if not model.__name__.startswith("Historical")
    } - not_public
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = 'rust_tracker_guard'"
        )
        guarded_tables = {row[0] for row in cursor.fetchall()}
    assert tables - guarded_tables == set(), "add these tables to the guard (migration 0011)"


@pytest.mark.parametrize("status", [Status.PUBLISHED, Status.RETRACTED])
def test_nothing_on_the_record_is_deleted_by_any_role(status, source):
    """Retract instead: an editor's delete of a published or retracted item, by its page or the
    list's action, is refused; a draft may be deleted."""
    editor = signed_in("Editor", "deleting-editor")
    claim = make_claim(text="The plant is safe.", cite=source, status=status)
    draft = make_claim(status=Status.DRAFT)
    assert editor.post(admin_url(claim, "delete"), {"post": "yes"}).status_code == 403
    editor.post(
        reverse("admin:claims_claim_changelist"),
        {"action": "delete_selected", "_selected_action": [claim.pk], "post": "yes"},
    )
    assert Claim.objects.filter(pk=claim.pk).exists()
    response = editor.post(admin_url(draft, "delete"), {"post": "yes"})
    assert response.status_code == 302 and not Claim.objects.filter(pk=draft.pk).exists()


def test_a_published_pair_cannot_be_re_aimed_at_a_draft_by_form_or_revision(
    reporter, editor, source
):
    """Neither an editor's form nor an accepted revision leaves a published pair with a draft
    side (which would silently take it off the site) or changes a retracted pair's sides."""
    pair = make_contradiction(
        claim=make_claim(text="The plant is safe.", cite=source),
        counter=make_claim(cite=None, kind="record"),
    )
    draft = make_claim(status=Status.DRAFT)
    page = form_data(editor.get(change_url(pair)))
    response = editor.post(change_url(pair), {**page, "claim": draft.pk})
    assert response.status_code == 200 and "must be published statements" in text(response)
    response = reporter.post(
        change_url(pair), {**form_data(reporter.get(change_url(pair))), "claim": draft.pk}
    )
    assert "must be published statements" in text(response) and not Revision.objects.exists()
    # proposed while the new side was published, which an editor then unpublished
    other = make_claim(text="Other words.", cite=None, kind="record")
    page = form_data(reporter.get(change_url(pair)))
    reporter.post(change_url(pair), {**page, "claim": other.pk})
    revision = Revision.objects.get()
    publishing.unpublish(item=other, by=user("Editor", "unpublishing-editor"))
    decide = reverse("admin:claims_revision_decide", args=[revision.pk, "accept"])
    response = editor.post(decide)
    assert response.status_code == 400 and "must be published statements" in text(response)
    pair.refresh_from_db()
    assert pair.claim_id != draft.pk and pair.is_published


@pytest.mark.parametrize(
    "url",
    [
        "/admin/claims/claim/abc/history/",
        "/admin/claims/claim/{pk}/history/abc/",
        "/admin/sources/source/abc/history/",
        "/admin/claims/speaker/{speaker}/history/1.5/",
    ],
)
def test_a_history_url_with_a_non_numeric_id_is_a_404_not_a_500(reporter, published, url):
    url = url.format(pk=published.pk, speaker=published.speaker_id)
    assert reporter.get(url).status_code == 404


@pytest.mark.parametrize("value", ["abc", "1.5", ""])
def test_the_cite_page_takes_a_non_numeric_claim_as_no_choice(reporter, value):
    other = make_source(text='The mayor said: "The plant is safe."')
    start = other.text.index("The plant")
    url = reverse(
        "admin:sources_source_quote",
        args=[other.pk, start, start + len("The plant is safe."), "cite"],
    )
    response = reporter.post(url, {"claim": value, "sha256": other.sha256})
    assert response.status_code == 400 and "Pick one of the claims listed" in text(response)
