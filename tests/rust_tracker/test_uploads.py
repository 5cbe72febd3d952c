"""Forms take text as sent or refuse it in words (rust_tracker/middleware.py): bytes that are
not text in the declared charset, an unknown charset, a form over the size limit. Real bytes
go through the test client to an admin change form, the source intake form and a public
page; the answer is a 400 that names the problem, and nothing changes."""

import html
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from claims.models import Speaker
from sources.models import Source
from tests.factories import make_speaker
from tests.helpers import BOUNDARY, form_data, multipart, user

pytestmark = pytest.mark.django_db

URLENCODED = "application/x-www-form-urlencoded"
INTAKE = reverse("admin:sources_source_add")


@pytest.fixture
def editor() -> Client:
    client = Client()
    client.force_login(user("Editor"))
    return client


@pytest.fixture
def speaker() -> Speaker:
    return make_speaker(slug="ada-example", name="Ada Example", role="minister")


def change_url(speaker: Speaker) -> str:
    return reverse("admin:claims_speaker_change", args=[speaker.pk])


def words(response) -> str:
    return html.unescape(response.content.decode())


def speaker_form(client: Client, speaker: Speaker, **changes) -> dict:
    """The speaker's change form as the page shows it, with ``changes`` (bytes or str)."""
    data = form_data(client.get(change_url(speaker)))
    data.update(changes)
    return data


def post_urlencoded(client: Client, url: str, data: dict, charset: str | None = None):
    """Post ``data`` form-encoded; bytes values are sent as they are (percent-encoded).
    (``generic``: ``Client.post`` would re-encode a body to the charset it declares.)"""
    body = urlencode({k: v if isinstance(v, bytes) else str(v).encode() for k, v in data.items()})
    content_type = URLENCODED + (f"; charset={charset}" if charset else "")
    return client.generic("POST", url, body.encode("ascii"), content_type)


def post_multipart(client: Client, url: str, body: bytes):
    return client.generic("POST", url, body, f"multipart/form-data; boundary={BOUNDARY}")


def unchanged(speaker: Speaker) -> bool:
    fresh = Speaker.objects.get(pk=speaker.pk)
    return (fresh.name, fresh.role, fresh.version) == (speaker.name, speaker.role, speaker.version)


def test_a_latin_1_byte_in_an_admin_form_is_refused_and_changes_nothing(editor, speaker):
    data = speaker_form(editor, speaker, name="Ada Exampl\xe9".encode("latin-1"))
    response = post_urlencoded(editor, change_url(speaker), data)
    assert response.status_code == 400
    problem = words(response)
    assert "The field 'name' is not utf-8 text: the byte 0xE9 at position 10" in problem
    assert "Nothing was saved." in problem
    assert 'id="site-name"' in problem, "not the admin's look"
    assert unchanged(speaker)


def test_the_same_text_in_utf_8_is_saved(editor, speaker):
    data = speaker_form(editor, speaker, name="Ada Exampl\xe9".encode())
    response = post_urlencoded(editor, change_url(speaker), data)
    assert response.status_code == 302, words(response)[:2000]
    assert Speaker.objects.get(pk=speaker.pk).name == "Ada Exampl\xe9"


def test_a_form_encoded_body_in_another_charset_is_refused_in_words(editor, speaker):
    """Django reads form-encoded bodies as UTF-8 only; the refusal says so."""
    data = speaker_form(editor, speaker, role="ministre, \xe9lue".encode("latin-1"))
    response = post_urlencoded(editor, change_url(speaker), data, charset="iso-8859-1")
    assert response.status_code == 400
    assert "declares the character encoding 'iso-8859-1'; a form sent as" in words(response)
    assert "is read as UTF-8 only" in words(response)
    assert unchanged(speaker)


def test_a_multipart_form_is_read_in_the_charset_it_declares(editor):
    body = multipart(
        {
            "title": "Caf\xe9 owner speaks".encode("latin-1"),
            "slug": b"cafe-owner",
            "kind": b"article",
            "text": "She said: \xabWe stay open.\xbb".encode("latin-1"),
        }
    )
    content_type = f"multipart/form-data; boundary={BOUNDARY}; charset=iso-8859-1"
    response = editor.generic("POST", INTAKE, body, content_type)
    assert response.status_code == 302, words(response)[:3000]
    source = Source.objects.get(slug="cafe-owner")
    assert source.title == "Caf\xe9 owner speaks"
    assert source.text == "She said: \xabWe stay open.\xbb"


def test_an_unknown_charset_is_refused(editor, speaker):
    data = speaker_form(editor, speaker, name="Someone else")
    response = post_urlencoded(editor, change_url(speaker), data, charset="x-no-such-charset")
    assert response.status_code == 400
    assert "declares the character encoding 'x-no-such-charset'" in words(response)
    assert unchanged(speaker)


def test_a_bad_byte_in_a_field_name_is_refused(editor, speaker):
    data = speaker_form(editor, speaker)
    data["na\xffme".encode("latin-1")] = b"x"
    response = post_urlencoded(editor, change_url(speaker), data)
    assert response.status_code == 400
    assert "A field name is not utf-8 text: the byte 0xFF" in words(response)
    assert unchanged(speaker)


def test_a_latin_1_title_on_the_intake_form_is_refused_and_nothing_is_saved(editor):
    before = Source.objects.count()
    body = multipart(
        {
            "title": "Caf\xe9 owner speaks".encode("cp1252"),
            "slug": b"cafe-owner",
            "kind": b"article",
            "text": "She said: \u201cWe stay open.\u201d".encode(),
        }
    )
    response = post_multipart(editor, INTAKE, body)
    assert response.status_code == 400
    assert "The field 'title' is not utf-8 text: the byte 0xE9 at position 3" in words(response)
    assert Source.objects.count() == before


def test_an_uploaded_file_is_left_to_the_intake_which_reads_its_charset(editor):
    """The file's bytes are not the form's text: intake decodes them by the chosen charset."""
    body = multipart(
        {
            "title": "Caf\xe9 owner speaks".encode(),
            "slug": b"cafe-owner",
            "kind": b"article",
            "text": b"",
            "upload_encoding": b"windows-1252",
        },
        files={"upload": ("cafe.txt", "She said: \x93We stay open.\x94".encode("latin-1"))},
    )
    response = post_multipart(editor, INTAKE, body)
    assert response.status_code == 302, words(response)[:3000]
    source = Source.objects.get(slug="cafe-owner")
    assert source.title == "Caf\xe9 owner speaks"
    assert source.text == "She said: \u201cWe stay open.\u201d"


def test_a_paste_over_the_limit_gets_a_message_naming_the_limit(editor):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert limit > settings.SOURCE_MAX_BYTES  # a text at the intake's own limit fits
    before = Source.objects.count()
    text = b"All work and no play. " * (limit // 22 + 2)  # a real paste, over the limit
    data = {"title": b"Too long", "slug": b"too-long", "kind": b"article", "text": text}
    response = post_urlencoded(editor, INTAKE, data)
    assert response.status_code == 400
    problem = words(response)
    assert f"at most 21 MB ({limit:,} bytes) of text in one form" in problem, problem[-3000:]
    assert "Nothing was saved." in problem
    assert 'id="site-name"' in problem
    assert Source.objects.count() == before

    response = post_multipart(editor, INTAKE, multipart(data))
    assert response.status_code == 400
    assert f"at most 21 MB ({limit:,} bytes)" in words(response)
    assert Source.objects.count() == before


def test_too_many_fields_are_refused_naming_the_limit(editor, speaker):
    data = speaker_form(editor, speaker, name="Someone else")
    data.update({f"extra{i}": b"x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)})
    response = post_urlencoded(editor, change_url(speaker), data)
    assert response.status_code == 400
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    assert f"too many fields: this site takes at most {limit:,}" in words(response)
    assert unchanged(speaker)


def test_a_public_page_answers_in_the_public_look():
    response = Client().post(
        reverse("claims:claim_list"), data=b"q=caf%E9", content_type=URLENCODED
    )
    assert response.status_code == 400
    page = words(response)
    assert "The field 'q' is not utf-8 text: the byte 0xE9" in page
    assert 'class="skip-link"' in page and 'id="site-name"' not in page
