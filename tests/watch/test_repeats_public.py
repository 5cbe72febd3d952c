"""Known repeats on a contradiction's public page: shown once an editor confirms them, and only
words the public may read (a published claim, a public source); never a draft's."""

import pytest

from claims.models import Status
from tests.factories import make_claim, make_contradiction, make_source, make_speaker
from tests.helpers import text
from watch.models import KnownRepeat, RepeatStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    speaker = make_speaker(name="Wren Adeyemi")
    claim = make_claim(speaker=speaker, text="The levee was never at risk.")
    counter = make_claim(kind="finding", text="Engineers rated the levee unsafe in 2023.")
    return make_contradiction(claim=claim, counter=counter), speaker


def repeat(pair, *, claim=None, source=None, words, status=RepeatStatus.CONFIRMED):
    contradiction, speaker = pair
    return KnownRepeat.objects.create(
        contradiction=contradiction,
        claim=claim,
        source=source,
        words=words,
        speaker_name=speaker.name,
        status=status,
    )


def page(client, pair) -> str:
    return text(client.get(pair[0].get_absolute_url()))


def test_a_confirmed_repeat_by_a_published_claim_is_shown(client, pair):
    again = make_claim(speaker=pair[1], text="The levee was never, ever at risk.")
    repeat(pair, claim=again, words=again.text)
    shown = page(client, pair)
    assert "Said again since" in shown
    assert "The levee was never, ever at risk." in shown
    assert again.get_absolute_url() in shown


def test_a_proposed_or_dismissed_repeat_is_not_shown(client, pair):
    again = make_claim(speaker=pair[1], text="The levee was never, ever at risk.")
    repeat(pair, claim=again, words="PROPOSED words", status=RepeatStatus.PROPOSED)
    other = make_claim(speaker=pair[1], text="The levee is fine.")
    repeat(pair, claim=other, words="DISMISSED words", status=RepeatStatus.DISMISSED)
    shown = page(client, pair)
    assert "Said again since" not in shown
    assert "PROPOSED" not in shown and "DISMISSED" not in shown


def test_a_confirmed_repeat_in_words_the_public_may_not_read_is_not_shown(client, pair):
    draft = make_claim(speaker=pair[1], status=Status.DRAFT, text="DRAFT words")
    repeat(pair, claim=draft, words="DRAFT words")
    hidden_source = make_source(text="“HIDDEN words,” she said.")  # cited by no published claim
    repeat(pair, source=hidden_source, words="HIDDEN words")
    shown = page(client, pair)
    assert "DRAFT" not in shown and "HIDDEN" not in shown
    assert "Said again since" not in shown


def test_a_confirmed_repeat_in_a_public_source_is_shown(client, pair):
    source = make_source(title="Levee hearing", text="“The levee was never at risk,” she said.")
    make_claim(cite=source, text="The levee was never at risk")  # a published claim cites it
    repeat(pair, source=source, words="The levee was never at risk")
    shown = page(client, pair)
    assert "Said again since" in shown and "Levee hearing" in shown


def test_the_roles_keep_the_watchs_grants_however_often_they_are_made():
    """One place grants every role (claims/roles.py): making the roles again, as each
    ``migrate`` does, keeps the watch's permissions."""
    from django.apps import apps
    from django.contrib.auth.models import Group

    from claims.roles import ensure_roles

    for _ in range(2):
        ensure_roles(apps)
        reporter = Group.objects.get(name="Reporter")
        editor = Group.objects.get(name="Editor")
        granted = {
            group.name: set(group.permissions.values_list("codename", flat=True))
            for group in (reporter, editor)
        }
        assert {"view_alert", "change_alert", "add_casefollower", "view_dbtaskresult"} <= granted[
            "Reporter"
        ]
        assert "confirm_repeat" not in granted["Reporter"]
        assert {"confirm_repeat", "change_watchedsource", "view_alert"} <= granted["Editor"]
