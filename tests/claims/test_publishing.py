"""The publishing rules (claims/publishing.py): who may take each step, and what must hold."""

import json

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError

from claims import publishing
from claims.exchange import ImportFailed, import_records
from claims.models import Citation, ClaimKind, Contradiction, Correction, Status
from claims.verification import replace_source_text, verify_citation
from rust_tracker.versioning import EditConflict
from tests.factories import make_claim, make_contradiction, make_source
from tests.helpers import TEXT, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def reporter():
    return user("Reporter")


@pytest.fixture
def editor():
    return user("Editor")


@pytest.fixture
def source():
    return make_source(text=TEXT)


def test_roles_come_from_the_migration_and_only_editors_publish(reporter, editor):
    assert not reporter.has_perm("claims.publish")
    assert reporter.has_perm("claims.change_claim") and reporter.has_perm("claims.add_citation")
    assert not reporter.has_perm("claims.add_correction")
    assert editor.has_perm("claims.publish") and editor.has_perm("claims.add_correction")


def test_a_reporter_sends_to_review_but_cannot_publish(reporter, source):
    claim = make_claim(text="The plant is safe.", cite=source, status=Status.DRAFT)
    publishing.submit_for_review(item=claim, by=reporter)
    claim.refresh_from_db()
    assert claim.status == Status.REVIEW
    for step in (publishing.publish, publishing.unpublish):
        with pytest.raises(PermissionDenied):
            step(item=claim, by=reporter)
    with pytest.raises(PermissionDenied):
        publishing.retract(item=claim, by=reporter, reason="no")
    claim.refresh_from_db()
    assert claim.status == Status.REVIEW


def test_an_editor_publishes_a_verified_quote_and_is_kept_as_publisher(editor, source):
    claim = make_claim(text="The plant is safe.", cite=source, status=Status.REVIEW)
    publishing.publish(item=claim, by=editor)
    claim.refresh_from_db()
    assert (claim.status, claim.published_by, claim.override_reason) == ("published", editor, "")
    assert claim.published_at is not None
    latest = claim.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (editor, "Published")


def test_a_quote_not_found_in_its_source_is_refused_in_words(editor, source):
    claim = make_claim(slug="chief-says-plant-safe", text="The plant is sound.", status="draft")
    verify_citation(
        citation=Citation.objects.create(claim=claim, source=source, quote="The plant is sound.")
    )
    with pytest.raises(publishing.Refused) as refusal:
        publishing.publish(item=claim, by=editor)
    assert "citation 1 of 'chief-says-plant-safe' was not found in its source" in (
        refusal.value.problems
    )
    claim.refresh_from_db()
    assert claim.status == Status.DRAFT


def test_a_quote_claim_without_a_source_is_refused(editor):
    claim = make_claim(slug="no-source", status=Status.DRAFT)
    with pytest.raises(publishing.Refused, match="'no-source' cites no source"):
        publishing.publish(item=claim, by=editor)


def test_the_claims_own_words_must_be_what_a_source_printed(editor, source):
    claim = make_claim(slug="reworded", text="The plant is perfectly safe.", status="draft")
    verify_citation(
        citation=Citation.objects.create(claim=claim, source=source, quote="The plant is safe.")
    )
    with pytest.raises(publishing.Refused, match="not the words any verified citation printed"):
        publishing.publish(item=claim, by=editor)
    claim.text = "“The plant is safe.”"  # typography and surrounding marks do not matter
    claim.save()
    publishing.publish(item=claim, by=editor)


def test_an_editor_overrides_a_quote_rule_with_a_recorded_reason(editor, source):
    claim = make_claim(slug="sound", text="The plant is sound.", status=Status.REVIEW)
    verify_citation(
        citation=Citation.objects.create(claim=claim, source=source, quote="The plant is sound.")
    )
    publishing.publish(item=claim, by=editor, override_reason="Confirmed on tape by our reporter.")
    claim.refresh_from_db()
    assert claim.status == Status.PUBLISHED
    assert claim.override_reason == "Confirmed on tape by our reporter."
    assert "Confirmed on tape" in claim.history.latest().history_change_reason


def test_a_contradiction_needs_both_sides_published(editor, source):
    claim = make_claim(text="The plant is safe.", cite=source)
    counter = make_claim(
        slug="agency-closure-notice", text="The plant is closed.", cite=source, status="draft"
    )
    pair = make_contradiction(claim=claim, counter=counter, status=Status.REVIEW)
    with pytest.raises(publishing.Refused) as refusal:
        publishing.publish(item=pair, by=editor, override_reason="an override cannot help")
    assert refusal.value.problems == ["the counter-claim 'agency-closure-notice' is a draft"]
    counter.status = Status.PUBLISHED
    counter.save()
    publishing.publish(item=pair, by=editor)
    assert Contradiction.objects.published().filter(pk=pair.pk).exists()


def test_a_contradiction_needs_every_quote_on_both_sides_verified(editor, source):
    claim = make_claim(slug="chief-says-plant-safe", text="The plant is safe.", cite=source)
    counter = make_claim(text="The plant is closed.", cite=source)
    pair = make_contradiction(claim=claim, counter=counter, status=Status.DRAFT)
    other = make_source(text="Nothing quoted here.")
    verify_citation(
        citation=Citation.objects.create(
            claim=claim, source=other, quote="The plant is safe.", position=1
        )
    )
    with pytest.raises(publishing.Refused) as refusal:
        publishing.publish(item=pair, by=editor)
    assert "citation 2 of 'chief-says-plant-safe' was not found in its source" in (
        refusal.value.problems
    )
    publishing.publish(item=pair, by=editor, override_reason="The second outlet paraphrased.")
    pair.refresh_from_db()
    assert (pair.status, pair.override_reason) == ("published", "The second outlet paraphrased.")


def test_unpublish_and_retract_refuse_while_a_published_pair_stands_on_the_claim(editor, source):
    claim = make_claim(slug="side", text="The plant is safe.", cite=source)
    pair = make_contradiction(slug="the-pair", claim=claim, counter=make_claim(cite=None))
    for step, kwargs in ((publishing.unpublish, {}), (publishing.retract, {"reason": "x"})):
        with pytest.raises(publishing.Refused, match="contradiction\\(s\\) 'the-pair'"):
            step(item=claim, by=editor, **kwargs)
    publishing.retract(item=pair, by=editor, reason="The finding was withdrawn.")
    publishing.unpublish(item=claim, by=editor)
    claim.refresh_from_db()
    assert claim.status == Status.DRAFT


def test_retraction_records_when_why_and_a_correction(editor, source):
    claim = make_claim(slug="safe", text="The plant is safe.", cite=source)
    with pytest.raises(publishing.Refused, match="say why"):
        publishing.retract(item=claim, by=editor, reason="  ")
    publishing.retract(item=claim, by=editor, reason="The quote was misattributed.")
    claim.refresh_from_db()
    assert (claim.status, claim.retraction_reason) == ("retracted", "The quote was misattributed.")
    assert claim.retracted_at is not None
    correction = Correction.objects.get(claim=claim)
    assert (correction.kind, correction.text) == ("retraction", "The quote was misattributed.")
    with pytest.raises(publishing.Refused, match="retracted"):
        publishing.publish(item=claim, by=editor)


def test_a_step_on_a_record_changed_since_it_was_shown_is_refused(editor, reporter, source):
    claim = make_claim(text="The plant is safe.", cite=source, status=Status.DRAFT)
    shown = claim.version
    claim.summary = "Edited meanwhile by a reporter"
    claim._history_user = reporter
    claim.save()
    with pytest.raises(EditConflict) as conflict:
        publishing.publish(item=claim, by=editor, expected_version=shown)
    assert "reporter saved the claim" in conflict.value.message
    assert "Edited meanwhile by a reporter" in conflict.value.message
    claim.refresh_from_db()
    assert claim.status == Status.DRAFT


def test_non_quote_kinds_need_no_citation(editor):
    record = make_claim(kind=ClaimKind.RECORD, status=Status.DRAFT)
    publishing.publish(item=record, by=editor)


def test_a_source_text_replacement_keeps_the_check_made_in_the_earlier_capture(editor, source):
    """Since captures (issue 21): the quote stays verified in the capture it was checked in,
    marked changed since (the desk is told by the drift report and the watch's alert), so the
    published claim does not fall out of the rules because the page changed."""
    claim = make_claim(slug="safe", text="The plant is safe.", cite=source)
    first = claim.citations.get().capture
    assert publishing.needs_attention(claim) == []
    replace_source_text(source=source, text="The agency declined to comment.")
    citation = claim.citations.get()
    assert (citation.verification_state, citation.capture, citation.drifted) == (
        "verbatim",
        first,
        True,
    )
    assert publishing.needs_attention(claim) == []
    replace_source_text(source=source, text=TEXT)
    citation.refresh_from_db()
    assert citation.verification_state == "verbatim" and not citation.drifted


# --- the import applies the same rules -----------------------------------------------------


def lines(*records) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


BASE = [
    {"type": "source", "id": "s", "title": "S", "kind": "article", "text": TEXT},
    {"type": "speaker", "id": "chief", "name": "A Chief", "kind": "person"},
]


def claim_line(slug, quote, **extra):
    return {
        "type": "claim",
        "id": slug,
        "speaker": "chief",
        "kind": "quote",
        "text": quote,
        "citations": [{"source": "s", "quote": quote}],
        **extra,
    }


def test_the_import_refuses_unverified_publication_by_line_and_changes_nothing():
    data = lines(
        *BASE,
        claim_line("safe", "The plant is safe.", status="published"),
        claim_line("sound", "The plant is sound.", status="published"),
        claim_line("draft-sound", "The plant is sound."),
        {
            "type": "contradiction",
            "id": "pair",
            "claim": "safe",
            "counter": "draft-sound",
            "relation": "contradicts",
            "explanation": "x",
            "status": "published",
        },
    )
    with pytest.raises(ImportFailed) as failure:
        import_records(data)
    messages = [str(e) for e in failure.value.errors]
    assert "line 4: cannot publish claim 'sound': citation 1 of 'sound' was not found in its " \
        "source" in messages  # fmt: skip
    assert any(
        m.startswith("line 6: cannot publish contradiction 'pair': the counter-claim "
                     "'draft-sound' is a draft") for m in messages
    )  # fmt: skip
    assert len(messages) == 3  # the pair also names draft-sound's unverified citation
    assert not Citation.objects.exists()


def test_the_import_accepts_an_override_reason():
    data = lines(
        *BASE,
        claim_line("sound", "The plant is sound.", status="published", override_reason="Tape."),
    )
    import_records(data)
    assert Citation.objects.get().claim.status == Status.PUBLISHED


def test_a_line_without_status_keeps_the_records_status():
    import_records(lines(*BASE, claim_line("safe", "The plant is safe.", status="published")))
    import_records(lines(*BASE, claim_line("safe", "The plant is safe.", summary="Now summed.")))
    claim = Citation.objects.get().claim
    assert (claim.status, claim.summary) == ("published", "Now summed.")
    import_records(lines(*BASE, claim_line("new", "The plant is safe.")))
    assert Citation.objects.get(claim__slug="new").claim.status == Status.DRAFT


def test_add_newsroom_user_gives_one_role(capsys):
    from django.core.management import call_command

    call_command("add_newsroom_user", "ana", "--role", "reporter", "--password", "first-password-1")
    with pytest.raises(CommandError, match="already exists: nothing changed"):
        call_command("add_newsroom_user", "ana", "--role", "editor", "--password", "other-pass-3")
    assert User.objects.get(username="ana").check_password("first-password-1")
    call_command(
        "add_newsroom_user",
        "ana",
        "--role",
        "editor",
        "--password",
        "second-password-2",
        "--reset-password",
    )
    ana = User.objects.get(username="ana")
    assert [g.name for g in ana.groups.all()] == ["Editor"]
    assert (
        ana.is_staff and ana.check_password("second-password-2") and ana.has_perm("claims.publish")
    )
    assert "Updated editor 'ana'" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_the_roles_survive_a_flush():
    from django.core.management import call_command

    call_command("flush", "--noinput", verbosity=0)
    assert Group.objects.get(name="Editor").permissions.filter(codename="publish").exists()
    assert Group.objects.filter(name="Reporter").exists()
